#include "FlameGraphPanel.h"

#include "FlameGraphData.h"
#include "FlameGraphView.h"
#include "Format.h"
#include "PageLoadTraces.h"
#include "PanelHeader.h"

#include <QButtonGroup>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

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
      m_view(new FlameGraphView)
{
    auto* group = new QButtonGroup(this);
    group->setExclusive(true);
    group->addButton(m_byTime);
    group->addButton(m_aggregatedButton);
    m_byTime->setChecked(true);
    auto* bar = new QWidget;
    auto* row = new QHBoxLayout(bar);
    row->setContentsMargins(0, 0, 4, 0);
    row->setSpacing(0);
    row->addWidget(m_header, 1);
    row->addWidget(m_byTime);
    row->addWidget(m_aggregatedButton);
    layOutPanel(this, bar, m_view);
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
}

} // namespace seam
