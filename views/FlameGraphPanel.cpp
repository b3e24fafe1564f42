#include "FlameGraphPanel.h"

#include "FlameGraphView.h"
#include "PageLoadTableModel.h"
#include "PageLoadTraceLoader.h"

#include <QLabel>
#include <QVBoxLayout>

namespace seam {

FlameGraphPanel::FlameGraphPanel(QWidget* parent)
    : QWidget(parent), m_header(new QLabel), m_view(new FlameGraphView)
{
    m_header->setTextFormat(Qt::PlainText);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setContentsMargins(6, 4, 6, 4);
    QFont bold = m_header->font();
    bold.setBold(true);
    m_header->setFont(bold);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_header);
    layout->addWidget(m_view, 1);
    showMessage(tr("Select a page load to see the backend traces it caused."));
}

void FlameGraphPanel::showMessage(const QString& message)
{
    m_header->setText(message);
    m_view->setData(nullptr);
}

void FlameGraphPanel::showPageLoad(const PageLoadTraces& traces)
{
    QStringList parts{traces.route.isEmpty() ? tr("(no route)") : traces.route};
    if (traces.duration)
        parts << PageLoadTableModel::formatDuration(*traces.duration);
    if (traces.traces.empty())
        parts << tr("no backend trace linked");
    else
        parts << tr("%n backend trace(s)", nullptr, int(traces.traces.size()));
    if (!traces.services.isEmpty())
        parts << traces.services.split(QLatin1Char(','), Qt::SkipEmptyParts).join(QStringLiteral(", "));
    m_header->setText(parts.join(QStringLiteral("  ·  ")));
    m_view->setData(traces.graph);
}

} // namespace seam
