#include "LinkedViews.h"

#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "PageLoadTraceLoader.h"
#include "PageLoadsPanel.h"

#include <QDataStream>
#include <QHBoxLayout>
#include <QIODevice>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>

namespace seam {
namespace {

constexpr quint32 kStateVersion = 1;

} // namespace

LinkedViews::LinkedViews(const QString& cachePath, Investigation* investigation, QWidget* parent)
    : QWidget(parent), m_investigation(investigation), m_loader(new PageLoadTraceLoader(cachePath, this)),
      m_pageLoads(new PageLoadsPanel(cachePath, investigation)), m_flameGraph(new FlameGraphPanel),
      m_details(new QTabWidget), m_horizontal(new QSplitter(Qt::Horizontal)),
      m_left(new QSplitter(Qt::Vertical))
{
    m_details->setDocumentMode(true);
    m_left->addWidget(m_pageLoads);
    m_left->addWidget(m_details);
    m_horizontal->addWidget(m_left);
    m_horizontal->addWidget(m_flameGraph);
    m_horizontal->setChildrenCollapsible(false);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_horizontal);

    connect(m_investigation, &Investigation::changed, this, &LinkedViews::investigationChanged);
    connect(m_loader, &PageLoadTraceLoader::loaded, this, &LinkedViews::tracesLoaded);
    connect(m_loader, &PageLoadTraceLoader::failed, this, [this](qint64, const QString& message) {
        m_flameGraph->showMessage(tr("The backend traces could not be read: %1").arg(message));
    });
    connect(m_flameGraph->view(), &FlameGraphView::frameSelected, m_investigation,
            &Investigation::selectSpan);

    if (m_investigation->selectedPageLoad() != 0)
        investigationChanged(Investigation::PageLoadChanged);
}

// Declared here so the members' destructors see complete types; the loader (a child) joins its
// thread when QObject deletes it.
LinkedViews::~LinkedViews() = default;

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
    out << kStateVersion << m_horizontal->saveState() << m_left->saveState();
    return state;
}

bool LinkedViews::restoreState(const QByteArray& state)
{
    QDataStream in(state);
    quint32 version = 0;
    QByteArray horizontal, left;
    in >> version >> horizontal >> left;
    if (in.status() != QDataStream::Ok || version != kStateVersion)
        return false;
    m_restored = m_horizontal->restoreState(horizontal) && m_left->restoreState(left);
    return m_restored;
}

void LinkedViews::showEvent(QShowEvent* event)
{
    // Default proportions once the real size is known: left alone, the splitter follows the size hints
    // and the wide table squeezes the flamegraph, which is what a click is for.
    if (!m_restored) {
        m_restored = true;
        m_horizontal->setSizes({width() * 45 / 100, width() * 55 / 100});
        m_left->setSizes({height() * 60 / 100, height() * 40 / 100});
    }
    QWidget::showEvent(event);
}

void LinkedViews::investigationChanged(Investigation::Changes changes)
{
    if (changes & Investigation::PageLoadChanged) {
        const qint64 id = m_investigation->selectedPageLoad();
        m_loader->load(id);
        m_flameGraph->showMessage(id != 0 ? tr("Loading the backend traces…")
                                          : tr("Select a page load to see the backend traces it caused."));
        return; // the span, if any, is selected once its graph is there
    }
    if (changes & Investigation::SpanChanged) {
        FlameGraphView* view = m_flameGraph->view();
        if (view->selectedSpan() != m_investigation->selectedSpan())
            view->selectSpan(m_investigation->selectedSpan());
    }
}

void LinkedViews::tracesLoaded(const PageLoadTraces& traces)
{
    if (traces.pageLoadId != m_investigation->selectedPageLoad())
        return;
    m_flameGraph->showPageLoad(traces);
    m_investigation->setSelectedTraces(traces.traces);
    if (m_investigation->selectedSpan() != 0)
        m_flameGraph->view()->selectSpan(m_investigation->selectedSpan());
}

} // namespace seam
