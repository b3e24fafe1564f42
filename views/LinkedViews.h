#pragma once

#include "FlameGraphLoader.h"
#include "Investigation.h"
#include "PageLoadTraceResolver.h"
#include "PaneHost.h"
#include "WaterfallLoader.h"

#include <memory>

class QAction;
class QTabWidget;

namespace seam {

class ComparePanel;
struct CompareRequest;
class ErrorListPanel;
class IncidentsPanel;
class FlameGraphPanel;
class NotesPanel;
class PageLoadScatterView;
class PageLoadsPanel;
class ServiceRatesPanel;
class SessionJourneyPanel;
class SpanDetailsPanel;
class WaterfallPanel;
class WhyPanel;

/// The linked views of one open cache around one Investigation, each in a pane (PaneHost: dockable,
/// hideable, View > Panes), laid out by default so that a 1920x1080 screen shows them together:
///
///     | incidents (collapsible)      | session journey                      |
///     | load-time scatter            |                                      |
///     | filter + page-load table     | waterfall of the selected page load  |
///     | service rates around it      | backend flamegraph of its traces     |
///     |                              | details | errors | why? | summary     |
///
/// On a laptop screen (less than ~900 px of height for the panes) the service rates share a tabbed
/// pane with the scatter and the details with the waterfall, so no pane is squeezed below use.
/// A new pane: `addPane(id, title, widget, Qt::LeftDockWidgetArea or Qt::RightDockWidgetArea)`; a new
/// page beside Details and Errors: addDetailsTab.
///
/// The panels only know the Investigation. The selected page load's traces are a model fact: a
/// PageLoadTraceResolver owned here resolves them as soon as the page load changes and publishes them
/// to the Investigation, where service rates, details and errors pick them up while the flamegraph is
/// still being laid out. Most panels own their loaders; the waterfall and flamegraph are fed here, so
/// this class is the one place that turns selection changes into their pictures. The main window and
/// the GUI tests wire things identically through it.
class LinkedViews : public PaneHost
{
    Q_OBJECT

public:
    LinkedViews(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~LinkedViews() override;

    PageLoadsPanel* pageLoads() const { return m_pageLoads; }
    PageLoadScatterView* scatter() const { return m_scatter; }
    IncidentsPanel* incidents() const { return m_incidents; }
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
    NotesPanel* notes() const { return m_notes; }
    /// Ctrl+M anywhere in the views: a note on the current selection.
    QAction* addNoteAction() const { return m_addNote; }

    /// The pane holding `widget` ("pageLoads", "scatter", "serviceRates", "journey", "waterfall",
    /// "flameGraph", "details", "notes"), empty when none: what a note and the saved state remember.
    QString paneOf(const QWidget* widget) const;
    /// The pane with the keyboard focus now.
    QString focusedPaneName() const;
    /// Gives `pane` the keyboard focus (showing its tab). False for an unknown name.
    bool focusPaneByName(const QString& pane);

    /// True while any panel is still reading what the current selection needs (tests and benches wait
    /// for this to turn false).
    bool isLoading() const;
    /// Re-reads what the views list (after an import into this cache committed more data); the
    /// selection stays.
    void refresh();

    /// Adds a page to the details tabs under the flamegraph (the main window adds the summary).
    void addDetailsTab(QWidget* widget, const QString& title);

    /// Compares the page loads matching `filterA` with those matching `filterB` (filter language) in
    /// the Compare tab of the details tabs, created on first use and brought to the front.
    void openCompare(const QString& filterA, const QString& filterB);
    /// The same for any comparison: two cohorts with their own windows, two page loads, two traces.
    void openComparison(const CompareRequest& request);
    /// The Compare tab's panel (its operationChosen signal), nullptr until openCompare().
    ComparePanel* comparePanel() const { return m_compare; }

    /// The panes' places and sizes, for QSettings.
    QByteArray saveState() const;
    bool restoreState(const QByteArray& state);

protected:
    void showEvent(QShowEvent* event) override;
    /// The proportions of the drawing above, by the window's height: on a laptop two pairs of panes
    /// share tabs.
    void applyDefaultSizes() override;

private:
    void investigationChanged(Investigation::Changes changes);
    void tracesResolved(std::shared_ptr<const PageLoadTraces> traces);
    void flameGraphLoaded(std::shared_ptr<const FlameGraphData> graph);
    void waterfallLoaded(std::shared_ptr<const WaterfallData> data);
    void resourceSelected(qint64 resourceId);

    QString m_cachePath;
    Investigation* m_investigation;
    PageLoadTraceResolver* m_traces;
    FlameGraphLoader* m_flameGraphLoader;
    WaterfallLoader* m_waterfallLoader;
    PageLoadsPanel* m_pageLoads;
    PageLoadScatterView* m_scatter;
    IncidentsPanel* m_incidents;
    ServiceRatesPanel* m_serviceRates;
    SessionJourneyPanel* m_journey;
    FlameGraphPanel* m_flameGraph;
    WaterfallPanel* m_waterfall;
    SpanDetailsPanel* m_spanDetails;
    ErrorListPanel* m_errors;
    NotesPanel* m_notes;
    QAction* m_addNote;
    WhyPanel* m_why;
    QTabWidget* m_details;
    ComparePanel* m_compare = nullptr;
    bool m_restored = false; // sizes come from saved state or were set on first show
};

} // namespace seam
