#pragma once

#include "FlameGraphLoader.h"
#include "Investigation.h"
#include "PageLoadTraceResolver.h"
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
class WaterfallPanel;
class WhyPanel;

/// The linked views of one open cache around one Investigation, laid out so that a 1920x1080 screen
/// shows them together:
///
///     | load-time scatter            | session journey                      |
///     | filter + page-load table     | waterfall of the selected page load  |
///     | service rates around it      | backend flamegraph of its traces     |
///     |                              | details | errors | why? | summary     |
///
/// The panels only know the Investigation. The selected page load's traces are a model fact: a
/// PageLoadTraceResolver owned here resolves them as soon as the page load changes and publishes them
/// to the Investigation, where service rates, details and errors pick them up while the flamegraph is
/// still being laid out. Most panels own their loaders; the waterfall and flamegraph are fed here, so
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
    WhyPanel* why() const { return m_why; }
    PageLoadTraceResolver* traceResolver() const { return m_traces; }
    FlameGraphLoader* flameGraphLoader() const { return m_flameGraphLoader; }
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
    void tracesResolved(std::shared_ptr<const PageLoadTraces> traces);
    void flameGraphLoaded(std::shared_ptr<const FlameGraphData> graph);
    void waterfallLoaded(std::shared_ptr<const WaterfallData> data);
    void resourceSelected(qint64 resourceId);

    Investigation* m_investigation;
    PageLoadTraceResolver* m_traces;
    FlameGraphLoader* m_flameGraphLoader;
    WaterfallLoader* m_waterfallLoader;
    PageLoadsPanel* m_pageLoads;
    PageLoadScatterView* m_scatter;
    ServiceRatesPanel* m_serviceRates;
    SessionJourneyPanel* m_journey;
    FlameGraphPanel* m_flameGraph;
    WaterfallPanel* m_waterfall;
    SpanDetailsPanel* m_spanDetails;
    ErrorListPanel* m_errors;
    WhyPanel* m_why;
    QTabWidget* m_details;
    QSplitter* m_horizontal;
    QSplitter* m_left;       // scatter, table, service rates
    QSplitter* m_right;      // journey, waterfall, flamegraph, details
    bool m_restored = false; // sizes come from saved state or were set on first show
};

} // namespace seam
