#include "FlameGraphPanel.h"

#include "FlameGraphData.h"
#include "FlameGraphOverview.h"
#include "FlameGraphView.h"
#include "Format.h"
#include "PageLoadTraces.h"
#include "PanelHeader.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace seam {

namespace {

constexpr double kAggregateBelowBusy = 0.5; // busy fraction under which a load opens aggregated

QToolButton* toggleButton(const QString& text, const QString& toolTip)
{
    auto* b = new QToolButton;
    b->setText(text);
    b->setToolTip(toolTip);
    b->setCheckable(true);
    b->setAutoRaise(true);
    return b;
}

} // namespace

FlameGraphPanel::FlameGraphPanel(QWidget* parent)
    : QWidget(parent), m_header(makePanelHeader()),
      m_byTime(toggleButton(tr("By time"), tr("The traces on one time axis, as they ran"))),
      m_aggregatedButton(toggleButton(tr("Aggregated"), tr("Stacks merged by service and operation path; "
                                                           "width is time spent"))),
      m_view(new FlameGraphView), m_overview(new FlameGraphOverview(m_view)), m_searchBar(new QWidget),
      m_search(new QLineEdit), m_hits(new QLabel), m_previous(new QToolButton), m_next(new QToolButton)
{
    m_search->setPlaceholderText(tr("Search frames: service or operation"));
    m_search->setClearButtonEnabled(true);
    m_search->setToolTip(tr("Enter: next match, Shift+Enter: previous, Escape: close"));
    m_search->installEventFilter(this);
    m_previous->setArrowType(Qt::UpArrow);
    m_previous->setToolTip(tr("Previous match (Shift+Enter)"));
    m_next->setArrowType(Qt::DownArrow);
    m_next->setToolTip(tr("Next match (Enter)"));
    auto* close = new QToolButton;
    close->setIcon(style()->standardIcon(QStyle::SP_TitleBarCloseButton));
    close->setAutoRaise(true);
    close->setToolTip(tr("Close the search (Escape)"));
    auto* bar = new QHBoxLayout(m_searchBar);
    bar->setContentsMargins(4, 2, 4, 2);
    bar->setSpacing(4);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_hits);
    bar->addWidget(m_previous);
    bar->addWidget(m_next);
    bar->addWidget(close);
    m_searchBar->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    // The header line carries the by-time / aggregated toggle at its right.
    auto* group = new QButtonGroup(this);
    group->setExclusive(true);
    group->addButton(m_byTime);
    group->addButton(m_aggregatedButton);
    m_byTime->setChecked(true);
    auto* headerBar = new QWidget;
    auto* row = new QHBoxLayout(headerBar);
    row->setContentsMargins(0, 0, 4, 0);
    row->setSpacing(0);
    row->addWidget(m_header, 1);
    row->addWidget(m_byTime);
    row->addWidget(m_aggregatedButton);
    layout->addWidget(headerBar);
    layout->addWidget(m_searchBar);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_overview);

    connect(m_search, &QLineEdit::textChanged, this, &FlameGraphPanel::searchChanged);
    connect(m_previous, &QToolButton::clicked, this, [this] { goToMatch(-1); });
    connect(m_next, &QToolButton::clicked, this, [this] { goToMatch(1); });
    connect(close, &QToolButton::clicked, this, &FlameGraphPanel::closeSearch);
    connect(m_byTime, &QToolButton::clicked, this, [this] { setAggregated(false); });
    connect(m_aggregatedButton, &QToolButton::clicked, this, [this] { setAggregated(true); });
    showMessage(tr("Select a page load to see the backend traces it caused."));
}

void FlameGraphPanel::showMessage(const QString& message)
{
    m_header->setText(message);
    m_graph.reset();
    m_merged.reset();
    m_view->setData(nullptr);
    searchChanged();
}

void FlameGraphPanel::showPageLoad(const PageLoadTraces& traces, std::shared_ptr<const FlameGraphData> graph)
{
    QStringList parts{traces.route.isEmpty() ? tr("(no route)") : traces.route};
    if (traces.duration)
        parts << formatDuration(*traces.duration);
    if (traces.traces.empty())
        parts << tr("no backend trace linked");
    else
        parts << tr("%n backend trace(s)", nullptr, int(traces.traces.size()));
    if (!traces.services.isEmpty())
        parts << traces.services.split(QLatin1Char(','), Qt::SkipEmptyParts).join(QStringLiteral(", "));
    m_header->setText(parts.join(QStringLiteral("  ·  ")));
    m_graph = std::move(graph);
    // The loader lays out both on its thread; a graph built elsewhere (tests, an empty one) is merged here.
    m_merged = !m_graph                      ? nullptr
               : m_graph->aggregatedLayout() ? m_graph->aggregatedLayout()
                                             : std::make_shared<const FlameGraphData>(m_graph->aggregated());
    m_aggregated = m_graph && !m_graph->isEmpty() && m_graph->busyFraction() < kAggregateBelowBusy;
    showLayout();
}

void FlameGraphPanel::setAggregated(bool aggregated)
{
    if (aggregated == m_aggregated)
        return;
    m_aggregated = aggregated;
    const qint64 selected = m_view->selectedSpan();
    showLayout();
    // Aggregated frames report their longest span: the selection survives the switch where it can.
    if (selected != 0)
        m_view->selectSpan(selected);
}

void FlameGraphPanel::showLayout()
{
    (m_aggregated ? m_aggregatedButton : m_byTime)->setChecked(true);
    m_view->setData(m_aggregated ? m_merged : m_graph);
    searchChanged(); // the search stays and applies to the graph shown
}

void FlameGraphPanel::showSearch()
{
    m_searchBar->show();
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void FlameGraphPanel::closeSearch()
{
    m_search->clear();
    m_searchBar->hide();
    m_view->setFocus(Qt::OtherFocusReason);
}

void FlameGraphPanel::searchChanged()
{
    const QString text = m_search->text().trimmed();
    m_view->setSearchText(text);
    m_matches.clear();
    m_current = -1;
    if (m_view->data() && !text.isEmpty())
        m_matches = m_view->data()->search(text);
    updateHits();
}

void FlameGraphPanel::goToMatch(int step)
{
    if (m_matches.empty())
        return;
    const int n = int(m_matches.size());
    m_current = m_current < 0 ? (step > 0 ? 0 : n - 1) : ((m_current + step) % n + n) % n;
    m_view->showFrame(m_matches[std::size_t(m_current)]);
    updateHits();
}

void FlameGraphPanel::updateHits()
{
    const bool searching = !m_search->text().trimmed().isEmpty();
    m_previous->setEnabled(!m_matches.empty());
    m_next->setEnabled(!m_matches.empty());
    if (!searching)
        m_hits->clear();
    else if (m_matches.empty())
        m_hits->setText(tr("no match"));
    else if (m_current < 0)
        m_hits->setText(tr("%n match(es)", nullptr, int(m_matches.size())));
    else
        m_hits->setText(tr("%1 of %2").arg(m_current + 1).arg(m_matches.size()));
}

bool FlameGraphPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto* key = static_cast<QKeyEvent*>(event);
        if (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) {
            goToMatch(key->modifiers() & Qt::ShiftModifier ? -1 : 1);
            return true;
        }
        if (key->key() == Qt::Key_Escape) {
            closeSearch();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace seam
