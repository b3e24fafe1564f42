#pragma once

#include "Investigation.h"

#include <QWidget>
#include <memory>

class QSplitter;
class QTabWidget;

namespace seam {

class FlameGraphPanel;
class PageLoadsPanel;
class PageLoadTraceLoader;
class WaterfallLoader;
class WaterfallPanel;
struct PageLoadTraces;
struct WaterfallData;

/// The linked views of one open cache and the wiring between them and the Investigation: the page
/// loads (table and filter) on the left above a tab area for details; on the right the selected page
/// load's waterfall above the flamegraph of its backend traces. The panels only know the Investigation; this
/// class is the one place that turns its changes into loads and its loads into pictures, so the main window
/// and the GUI tests wire things identically.
class LinkedViews : public QWidget
{
    Q_OBJECT

public:
    LinkedViews(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~LinkedViews() override;

    PageLoadsPanel* pageLoads() const { return m_pageLoads; }
    FlameGraphPanel* flameGraph() const { return m_flameGraph; }
    WaterfallPanel* waterfall() const { return m_waterfall; }
    PageLoadTraceLoader* traceLoader() const { return m_loader; }
    WaterfallLoader* waterfallLoader() const { return m_waterfallLoader; }

    /// True while any panel is still reading what the current selection needs (tests and benches wait
    /// for this to turn false).
    bool isLoading() const;
    /// Re-reads what the views list (after an import into this cache committed more data); the
    /// selection stays.
    void refresh();

    /// Adds a page under the page-load table (the summary, later span details and the session).
    void addDetailsTab(QWidget* widget, const QString& title);

    /// The splitter positions, for QSettings.
    QByteArray saveState() const;
    bool restoreState(const QByteArray& state);

protected:
    void showEvent(QShowEvent* event) override;

private:
    void investigationChanged(Investigation::Changes changes);
    void tracesLoaded(const PageLoadTraces& traces);
    void waterfallLoaded(std::shared_ptr<const WaterfallData> data);
    void resourceSelected(qint64 resourceId);

    Investigation* m_investigation;
    PageLoadTraceLoader* m_loader;
    WaterfallLoader* m_waterfallLoader;
    PageLoadsPanel* m_pageLoads;
    FlameGraphPanel* m_flameGraph;
    WaterfallPanel* m_waterfall;
    QTabWidget* m_details;
    QSplitter* m_horizontal;
    QSplitter* m_left;
    QSplitter* m_right;      // waterfall above flamegraph
    bool m_restored = false; // sizes come from saved state or were set on first show
};

} // namespace seam
