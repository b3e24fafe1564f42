#include "FlameGraphPanel.h"

#include "FlameGraphView.h"
#include "Format.h"
#include "PageLoadTraces.h"
#include "PanelHeader.h"

#include <QLabel>
#include <QVBoxLayout>

namespace seam {

FlameGraphPanel::FlameGraphPanel(QWidget* parent)
    : QWidget(parent), m_header(makePanelHeader()), m_view(new FlameGraphView)
{
    layOutPanel(this, m_header, m_view);
    showMessage(tr("Select a page load to see the backend traces it caused."));
}

void FlameGraphPanel::showMessage(const QString& message)
{
    m_header->setText(message);
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
    m_view->setData(std::move(graph));
}

} // namespace seam
