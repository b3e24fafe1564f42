#include "LinkedViews.h"

#include "ErrorListPanel.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "PageLoadScatterView.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "ServiceRatesPanel.h"
#include "SessionJourneyPanel.h"
#include "SpanDetailsPanel.h"
#include "WaterfallPanel.h"
#include "WaterfallView.h"
#include "WhyPanel.h"

#include <QDataStream>
#include <QHBoxLayout>
#include <QIODevice>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>

namespace seam {
namespace {

// 3: scatter and service rates joined the left, journey and details the right. Older state is
// dropped whole rather than half applied: the default proportions are a better start than a mix.
constexpr quint32 kStateVersion = 3;

} // namespace

LinkedViews::LinkedViews(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation),
      m_traces(new PageLoadTraceResolver(cachePath, investigation, this)),
      m_flameGraphLoader(new FlameGraphLoader(cachePath, this)),
      m_waterfallLoader(new WaterfallLoader(cachePath, this)),
      m_pageLoads(new PageLoadsPanel(cachePath, investigation)),
      m_scatter(new PageLoadScatterView(cachePath, investigation)),
      m_serviceRates(new ServiceRatesPanel(cachePath, investigation)),
      m_journey(new SessionJourneyPanel(cachePath, investigation)), m_flameGraph(new FlameGraphPanel),
      m_waterfall(new WaterfallPanel), m_spanDetails(new SpanDetailsPanel(cachePath, investigation)),
      m_errors(new ErrorListPanel(cachePath, investigation)), m_why(new WhyPanel(cachePath, investigation)),
      m_details(new QTabWidget), m_horizontal(new QSplitter(Qt::Horizontal)),
      m_left(new QSplitter(Qt::Vertical)), m_right(new QSplitter(Qt::Vertical))
{
    m_details->setDocumentMode(true);
    m_details->addTab(m_spanDetails, tr("&Details"));
    m_details->addTab(m_errors, tr("&Errors"));
    m_details->addTab(m_why, tr("&Why?"));
    m_left->addWidget(m_scatter);
    m_left->addWidget(m_pageLoads);
    m_left->addWidget(m_serviceRates);
    m_left->setChildrenCollapsible(false);
    m_right->addWidget(m_journey);
    m_right->addWidget(m_waterfall);
    m_right->addWidget(m_flameGraph);
    m_right->addWidget(m_details);
    m_right->setChildrenCollapsible(false);
    m_horizontal->addWidget(m_left);
    m_horizontal->addWidget(m_right);
    m_horizontal->setChildrenCollapsible(false);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_horizontal);

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

    if (m_investigation->selectedPageLoad() != 0)
        investigationChanged(Investigation::PageLoadChanged);
}

// The loaders (children) join their threads when QObject deletes them.
LinkedViews::~LinkedViews() = default;

bool LinkedViews::isLoading() const
{
    return m_traces->isLoading() || m_flameGraphLoader->isLoading() || m_waterfallLoader->isLoading() ||
           m_scatter->isLoading() || m_serviceRates->isLoading() || m_journey->loader()->isLoading() ||
           m_spanDetails->isLoading() || m_errors->isLoading() || m_why->isLoading();
}

void LinkedViews::refresh()
{
    m_pageLoads->model()->refresh();
    m_scatter->refresh();
    m_serviceRates->refresh();
    m_journey->reload();
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
    QByteArray state;
    QDataStream out(&state, QIODevice::WriteOnly);
    out << kStateVersion << m_horizontal->saveState() << m_left->saveState() << m_right->saveState();
    return state;
}

bool LinkedViews::restoreState(const QByteArray& state)
{
    QDataStream in(state);
    quint32 version = 0;
    QByteArray horizontal, left, right;
    in >> version;
    if (in.status() != QDataStream::Ok || version != kStateVersion)
        return false;
    in >> horizontal >> left >> right;
    if (in.status() != QDataStream::Ok)
        return false;
    m_restored =
        m_horizontal->restoreState(horizontal) && m_left->restoreState(left) && m_right->restoreState(right);
    return m_restored;
}

void LinkedViews::showEvent(QShowEvent* event)
{
    // Default proportions once the real size is known: left alone, the splitter follows the size hints
    // and the wide table squeezes the flamegraph, which is what a click is for.
    if (!m_restored) {
        m_restored = true;
        const int h = height();
        m_horizontal->setSizes({width() * 46 / 100, width() * 54 / 100});
        m_left->setSizes({h * 24 / 100, h * 40 / 100, h * 36 / 100});
        const int journey = std::min(m_journey->sizeHint().height(), h * 14 / 100);
        const int rest = h - journey;
        m_right->setSizes({journey, rest * 32 / 100, rest * 38 / 100, rest * 30 / 100});
    }
    QWidget::showEvent(event);
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
