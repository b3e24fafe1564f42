#pragma once

#include "Investigation.h"
#include "WaterfallLoader.h"

#include <QWidget>
#include <memory>

class QSplitter;
class QTabWidget;

namespace seam {

class ErrorListPanel;
class FlameGraphPanel;
class PageLoadScatterView;
class PageLoadsPanel;
class ServiceRatesPanel;
class SessionJourneyPanel;
class SpanDetailsPanel;
class PageLoadTraceLoader;
class WaterfallPanel;
struct PageLoadTraces;

/// The linked views of one open cache around one Investigation, laid out so that a 1920x1080 screen
/// shows them together:
///
///     | load-time scatter            | session journey                      |
///     | filter + page-load table     | waterfall of the selected page load  |
///     | service rates around it      | backend flamegraph of its traces     |
///     |                              | span details | errors | summary     |
///
/// The panels only know the Investigation. The newer ones (scatter, journey, service rates, details,
/// errors) own their loaders; the waterfall and flamegraph are fed here from two shared loaders, so
/// this class is the one place that turns selection changes into their pictures. The main window and
/// the GUI tests wire things identically through it.
class LinkedViews : public QWidget
{
    Q_OBJECT

public:
    LinkedViews(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~LinkedViews() override;

    PageLoadsPanel* pageLoads() const { return m_pageLoads; }
    PageLoadScatterView* scatter() const { return m_scatter; }
    ServiceRatesPanel* serviceRates() const { return m_serviceRates; }
    SessionJourneyPanel* journey() const { return m_journey; }
    SpanDetailsPanel* spanDetails() const { return m_spanDetails; }
    ErrorListPanel* errors() const { return m_errors; }
    QTabWidget* detailsTabs() const { return m_details; }
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

    /// Adds a page to the details tabs under the flamegraph (the main window adds the summary).
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
    PageLoadScatterView* m_scatter;
    ServiceRatesPanel* m_serviceRates;
    SessionJourneyPanel* m_journey;
    FlameGraphPanel* m_flameGraph;
    WaterfallPanel* m_waterfall;
    SpanDetailsPanel* m_spanDetails;
    ErrorListPanel* m_errors;
    QTabWidget* m_details;
    QSplitter* m_horizontal;
    QSplitter* m_left;       // scatter, table, service rates
    QSplitter* m_right;      // journey, waterfall, flamegraph, details
    bool m_restored = false; // sizes come from saved state or were set on first show
};

} // namespace seam
