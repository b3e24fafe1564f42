#include "LinkedViews.h"

#include "ComparePanel.h"
#include "ErrorListPanel.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "IncidentsPanel.h"
#include "NotesPanel.h"
#include "PageLoadFilter.h"
#include "PageLoadScatterView.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "ServiceRatesPanel.h"
#include "SessionJourneyPanel.h"
#include "SpanDetailsPanel.h"
#include "WaterfallPanel.h"
#include "WaterfallView.h"
#include "WhyCauseTerm.h"
#include "WhyPanel.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QScrollArea>
#include <QTabWidget>
#include <QTableView>

namespace seam {
namespace {

// 5: the panes are docks (3 was splitters), the incidents on top of the left (4 had none). Older
// state is dropped whole rather than half applied: the default proportions are a better start.
constexpr int kStateVersion = 5;

// Below this height the default layout tabs two pairs of panes: four panes stacked in the ~650 px a
// 1366x768 laptop leaves would each be too short to read.
constexpr int kTallEnoughForAllPanes = 900;

} // namespace

LinkedViews::LinkedViews(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : PaneHost(parent), m_cachePath(cachePath), m_investigation(investigation),
      m_traces(new PageLoadTraceResolver(cachePath, investigation, this)),
      m_flameGraphLoader(new FlameGraphLoader(cachePath, this)),
      m_waterfallLoader(new WaterfallLoader(cachePath, this)),
      m_pageLoads(new PageLoadsPanel(cachePath, investigation)),
      m_scatter(new PageLoadScatterView(cachePath, investigation)),
      m_incidents(new IncidentsPanel(cachePath, investigation)),
      m_serviceRates(new ServiceRatesPanel(cachePath, investigation)),
      m_journey(new SessionJourneyPanel(cachePath, investigation)), m_flameGraph(new FlameGraphPanel),
      m_waterfall(new WaterfallPanel), m_spanDetails(new SpanDetailsPanel(cachePath, investigation)),
      m_errors(new ErrorListPanel(cachePath, investigation)),
      m_notes(new NotesPanel(cachePath, investigation)), m_addNote(new QAction(tr("Add &Note…"), this)),
      m_why(new WhyPanel(cachePath, investigation)), m_details(new QTabWidget)
{
    m_details->setDocumentMode(true);
    m_details->addTab(m_spanDetails, tr("&Details"));
    m_details->addTab(m_errors, tr("&Errors"));
    m_details->addTab(m_why, tr("&Why?"));
    m_details->addTab(m_notes, tr("&Notes"));
    // The order is the Alt+N order and the F6 order: from what happened down to one span.
    addPane(QStringLiteral("incidents"), tr("Incidents"), m_incidents, Qt::LeftDockWidgetArea);
    addPane(QStringLiteral("scatter"), tr("Load Times"), m_scatter, Qt::LeftDockWidgetArea);
    addPane(QStringLiteral("pageLoads"), tr("Page Loads"), m_pageLoads, Qt::LeftDockWidgetArea, {},
            m_pageLoads->table());
    addPane(QStringLiteral("serviceRates"), tr("Service Rates"), m_serviceRates, Qt::LeftDockWidgetArea);
    addPane(QStringLiteral("journey"), tr("Session"), m_journey, Qt::RightDockWidgetArea);
    addPane(QStringLiteral("waterfall"), tr("Waterfall"), m_waterfall, Qt::RightDockWidgetArea);
    addPane(QStringLiteral("flameGraph"), tr("Flamegraph"), m_flameGraph, Qt::RightDockWidgetArea, {},
            m_flameGraph->view());
    addPane(QStringLiteral("details"), tr("Details"), m_details, Qt::RightDockWidgetArea);

    connect(m_investigation, &Investigation::changed, this, &LinkedViews::investigationChanged);
    connect(m_traces, &PageLoadTraceResolver::resolved, this, &LinkedViews::tracesResolved);
    connect(m_traces, &PageLoadTraceResolver::failed, this, [this](qint64, const QString& message) {
        m_flameGraph->showMessage(tr("The backend traces could not be read: %1").arg(message));
    });
    m_flameGraphLoader->onLoaded(
        this, [this](std::shared_ptr<const FlameGraphData> graph) { flameGraphLoaded(graph); });
    connect(m_flameGraphLoader, &FlameGraphLoader::failed, this, [this](const QString& message) {
        m_flameGraph->showMessage(tr("The backend traces could not be read: %1").arg(message));
    });
    connect(m_flameGraph->view(), &FlameGraphView::frameSelected, m_investigation,
            &Investigation::selectSpan);
    m_waterfallLoader->onLoaded(this,
                                [this](std::shared_ptr<const WaterfallData> data) { waterfallLoaded(data); });
    connect(m_waterfallLoader, &WaterfallLoader::failed, this, [this](const QString& message) {
        m_waterfall->showMessage(tr("The page load could not be read: %1").arg(message));
    });
    connect(m_waterfall->view(), &WaterfallView::spanSelected, m_investigation, &Investigation::selectSpan);
    connect(m_waterfall->view(), &WaterfallView::resourceSelected, this,
            [this](qint64 resourceId, qint64) { resourceSelected(resourceId); });

    // Notes: Ctrl+M from any pane notes the selection with that pane remembered; the scatter marks
    // the noted page loads; restoring a note's focus gives its pane the keyboard focus back.
    m_addNote->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_M));
    m_addNote->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(m_addNote);
    connect(m_addNote, &QAction::triggered, this,
            [this] { m_notes->addNoteForSelection(focusedPaneName()); });
    connect(m_notes, &NotesPanel::notedPageLoadsChanged, m_scatter, &PageLoadScatterView::setNotedPageLoads);
    connect(m_notes, &NotesPanel::notedRowsChanged, m_waterfall->view(), &WaterfallView::setNotedItems);
    connect(m_notes, &NotesPanel::paneRequested, this,
            [this](const QString& pane) { focusPaneByName(pane); });
    // Compare from the review: two bookmarked traces, page loads or noted cohorts side by side.
    connect(m_notes, &NotesPanel::compareRequested, this, [this](const CompareRequest& request) {
        openComparison(request);
        focusPane(pane(QStringLiteral("details")));
    });

    // The conclusions chain: an incident opens the "Why?" answer for the loads that touched it, the
    // answer's Compare opens the comparison, and a frame chosen there narrows the loads (and so the
    // ranking) to those that ran that operation.
    connect(m_incidents, &IncidentsPanel::whyRequested, this, [this] {
        focusPane(pane(QStringLiteral("details")));
        m_details->setCurrentWidget(m_why);
    });
    connect(m_why, &WhyPanel::compareRequested, this, &LinkedViews::openCompare);

    if (m_investigation->selectedPageLoad() != 0)
        investigationChanged(Investigation::PageLoadChanged);
}

// The loaders (children) join their threads when QObject deletes them.
LinkedViews::~LinkedViews() = default;

bool LinkedViews::isLoading() const
{
    return m_traces->isLoading() || m_flameGraphLoader->isLoading() || m_waterfallLoader->isLoading() ||
           m_scatter->isLoading() || m_incidents->isLoading() || m_serviceRates->isLoading() ||
           m_journey->loader()->isLoading() || m_spanDetails->isLoading() || m_errors->isLoading() ||
           m_notes->isLoading() || m_why->isLoading();
}

QString LinkedViews::paneOf(const QWidget* widget) const
{
    const std::pair<const QWidget*, const char*> panes[] = {
        {m_pageLoads, "pageLoads"}, {m_scatter, "scatter"},     {m_serviceRates, "serviceRates"},
        {m_journey, "journey"},     {m_waterfall, "waterfall"}, {m_flameGraph, "flameGraph"},
        {m_notes, "notes"},         {m_details, "details"},     {m_incidents, "incidents"}};
    for (; widget; widget = widget->parentWidget())
        for (const auto& [pane, name] : panes)
            if (widget == pane)
                return QLatin1String(name);
    return {};
}

QString LinkedViews::focusedPaneName() const
{
    return paneOf(QApplication::focusWidget());
}

bool LinkedViews::focusPaneByName(const QString& pane)
{
    const std::pair<const char*, QWidget*> targets[] = {
        {"pageLoads", m_pageLoads->table()}, {"scatter", m_scatter},
        {"serviceRates", m_serviceRates},    {"journey", m_journey},
        {"waterfall", m_waterfall->view()},  {"flameGraph", m_flameGraph->view()},
        {"notes", m_notes->table()},         {"details", m_details},
        {"incidents", m_incidents}};
    for (const auto& [name, widget] : targets)
        if (pane == QLatin1String(name)) {
            if (m_details->isAncestorOf(widget))
                m_details->setCurrentWidget(m_notes->isAncestorOf(widget) ? static_cast<QWidget*>(m_notes)
                                                                          : widget);
            widget->setFocus(Qt::OtherFocusReason);
            return true;
        }
    return false;
}

void LinkedViews::refresh()
{
    m_pageLoads->model()->refresh();
    m_scatter->refresh();
    m_incidents->refresh();
    m_serviceRates->refresh();
    m_journey->reload();
}

void LinkedViews::openCompare(const QString& filterA, const QString& filterB)
{
    CompareRequest request;
    request.filterA = filterA;
    request.filterB = filterB;
    openComparison(request);
}

void LinkedViews::openComparison(const CompareRequest& request)
{
    if (!m_compare) {
        m_compare = new ComparePanel(m_cachePath);
        m_details->addTab(m_compare, tr("&Compare"));
        connect(m_compare, &ComparePanel::operationChosen, this,
                [this](const QString& service, const QString& operation) {
                    m_investigation->setFilterText(withFilterTerm(
                        m_investigation->filterText(), PageLoadFilter::operationTerm(service, operation)));
                    m_details->setCurrentWidget(m_why);
                });
    }
    m_compare->compare(request);
    m_details->setCurrentWidget(m_compare);
}

void LinkedViews::addDetailsTab(QWidget* widget, const QString& title)
{
    // A page scrolls rather than impose its minimum width on the splitter (a long line of figures
    // would otherwise squeeze the flamegraph).
    auto* scroll = new QScrollArea;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(widget);
    m_details->addTab(scroll, title);
}

QByteArray LinkedViews::saveState() const
{
    return savePaneLayout(kStateVersion);
}

bool LinkedViews::restoreState(const QByteArray& state)
{
    m_restored = restorePaneLayout(state, kStateVersion);
    return m_restored;
}

void LinkedViews::showEvent(QShowEvent* event)
{
    // Default proportions once the real size is known: left alone, the docks follow the size hints
    // and the wide table squeezes the flamegraph, which is what a click is for.
    if (!m_restored) {
        m_restored = true;
        applyDefaultSizes();
    }
    PaneHost::showEvent(event);
}

void LinkedViews::applyDefaultSizes()
{
    const int h = height();
    QDockWidget* incidents = pane(QStringLiteral("incidents"));
    QDockWidget* scatter = pane(QStringLiteral("scatter"));
    QDockWidget* table = pane(QStringLiteral("pageLoads"));
    QDockWidget* rates = pane(QStringLiteral("serviceRates"));
    QDockWidget* journey = pane(QStringLiteral("journey"));
    QDockWidget* waterfall = pane(QStringLiteral("waterfall"));
    QDockWidget* flame = pane(QStringLiteral("flameGraph"));
    QDockWidget* details = pane(QStringLiteral("details"));
    resizeDocks({scatter, journey}, {width() * 46 / 100, width() * 54 / 100}, Qt::Horizontal);
    const int journeyHeight = std::min(m_journey->sizeHint().height() + 24, h * 18 / 100);
    const int rest = h - journeyHeight;
    if (h < kTallEnoughForAllPanes) {
        tabifyDockWidget(scatter, rates);
        tabifyDockWidget(waterfall, details);
        scatter->raise();
        waterfall->raise();
        // The incidents a few rows (the panel folds to its header line), the scatter/rates tab and table the
        // rest.
        const int top = m_incidents->isCollapsed() ? m_incidents->maximumHeight() : h * 22 / 100;
        resizeDocks({incidents, scatter, table}, {top, (h - top) * 42 / 100, (h - top) * 58 / 100},
                    Qt::Vertical);
        resizeDocks({journey, waterfall, flame}, {journeyHeight, rest * 45 / 100, rest * 55 / 100},
                    Qt::Vertical);
    } else {
        const int top = m_incidents->isCollapsed() ? m_incidents->maximumHeight() : h * 18 / 100;
        const int left = h - top;
        resizeDocks({incidents, scatter, table, rates},
                    {top, left * 26 / 100, left * 40 / 100, left * 34 / 100}, Qt::Vertical);
        resizeDocks({journey, waterfall, flame, details},
                    {journeyHeight, rest * 32 / 100, rest * 38 / 100, rest * 30 / 100}, Qt::Vertical);
    }
}

void LinkedViews::investigationChanged(Investigation::Changes changes)
{
    if (changes & Investigation::PageLoadChanged) {
        const qint64 id = m_investigation->selectedPageLoad();
        // The resolver reads the traces; the graph follows them (tracesResolved).
        m_flameGraphLoader->cancel();
        m_flameGraph->view()->setMarkedSpans({});
        m_waterfallLoader->load(id);
        m_waterfall->showMessage(id != 0 ? tr("Loading the waterfall…")
                                         : tr("Select a page load to see its waterfall."));
        m_flameGraph->showMessage(id != 0 ? tr("Loading the backend traces…")
                                          : tr("Select a page load to see the backend traces it caused."));
        return; // the span, if any, is selected once its graph is there
    }
    if (changes & Investigation::ResourceChanged)
        m_waterfall->view()->selectResource(m_investigation->selectedResource());
    if (changes & Investigation::SpanChanged) {
        FlameGraphView* view = m_flameGraph->view();
        if (view->selectedSpan() != m_investigation->selectedSpan())
            view->selectSpan(m_investigation->selectedSpan());
        if (m_investigation->selectedSpan() != 0 || m_investigation->selectedResource() == 0)
            m_waterfall->view()->selectSpan(m_investigation->selectedSpan());
    }
}

void LinkedViews::tracesResolved(std::shared_ptr<const PageLoadTraces> traces)
{
    if (traces->traces.empty()) {
        // Nothing to read: the header says so over an empty graph.
        m_flameGraphLoader->cancel();
        m_flameGraph->showPageLoad(*traces,
                                   std::make_shared<const FlameGraphData>(FlameGraphData::build({}, {}, {})));
        return;
    }
    m_flameGraphLoader->load(std::vector<std::int64_t>(traces->traces.begin(), traces->traces.end()));
}

void LinkedViews::flameGraphLoaded(std::shared_ptr<const FlameGraphData> graph)
{
    // The loader delivers the latest request only: the graph of the resolver's current traces.
    const std::shared_ptr<const PageLoadTraces>& traces = m_traces->current();
    if (!traces)
        return;
    m_flameGraph->showPageLoad(*traces, std::move(graph));
    if (m_investigation->selectedSpan() != 0)
        m_flameGraph->view()->selectSpan(m_investigation->selectedSpan());
}

void LinkedViews::waterfallLoaded(std::shared_ptr<const WaterfallData> data)
{
    // The loader delivers the latest request only; an id of 0 means the page load has gone, which
    // the panel says.
    if (data->pageLoadId != 0 && data->pageLoadId != m_investigation->selectedPageLoad())
        return;
    // The critical path's spans are marked in the flamegraph too, whichever of the two arrives first.
    m_flameGraph->view()->setMarkedSpans(data->criticalSpanIds());
    m_waterfall->showData(std::move(data));
    if (m_investigation->selectedResource() != 0)
        m_waterfall->view()->selectResource(m_investigation->selectedResource());
    if (m_investigation->selectedSpan() != 0)
        m_waterfall->view()->selectSpan(m_investigation->selectedSpan());
}

void LinkedViews::resourceSelected(qint64 resourceId)
{
    // A linked call selects the backend span that served it too, so the flamegraph shows where the
    // call's time went.
    qint64 entrySpan = 0;
    if (const auto& data = m_waterfall->view()->data())
        for (const WaterfallResource& r : data->resources)
            if (r.id == resourceId)
                entrySpan = r.entrySpanId;
    m_investigation->selectResource(resourceId, entrySpan);
}

} // namespace seam
