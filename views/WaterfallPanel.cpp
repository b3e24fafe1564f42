#include "WaterfallPanel.h"

#include "Format.h"
#include "PanelHeader.h"
#include "WaterfallLegend.h"
#include "WaterfallView.h"

#include <QCheckBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>
#include <algorithm>

namespace seam {

WaterfallPanel::WaterfallPanel(QWidget* parent)
    : QWidget(parent), m_header(makePanelHeader()), m_view(new WaterfallView),
      m_critical(new QCheckBox(tr("Critical path"))), m_legend(new WaterfallLegend)
{
    layOutPanel(this, m_header, m_view);
    m_critical->setChecked(m_view->isCriticalPathShown());
    m_critical->setToolTip(tr("Show what the load waited for, end to end (frontend, network, backend)"));
    auto* line = new QHBoxLayout;
    line->setContentsMargins(6, 0, 6, 2);
    line->addWidget(m_critical);
    line->addWidget(m_legend, 1);
    static_cast<QVBoxLayout*>(layout())->insertLayout(1, line);
    connect(m_critical, &QCheckBox::toggled, this, [this](bool on) {
        m_view->setCriticalPathShown(on);
        m_legend->setCriticalPathShown(on);
    });
    showMessage(tr("Select a page load to see its waterfall."));
}

void WaterfallPanel::showMessage(const QString& message)
{
    m_header->setText(message);
    m_view->setData(nullptr);
}

void WaterfallPanel::showData(std::shared_ptr<const WaterfallData> data)
{
    if (!data || data->pageLoadId == 0) {
        showMessage(tr("This page load is no longer in the cache."));
        return;
    }
    QStringList parts{tr("Waterfall"), data->route.isEmpty() ? tr("(no route)") : data->route};
    if (data->duration)
        parts << formatDuration(*data->duration);
    const auto linked = std::count_if(data->resources.begin(), data->resources.end(),
                                      [](const WaterfallResource& r) { return r.isLinked(); });
    parts
        << tr("%1 of %n resource(s) linked to the backend", nullptr, int(data->resources.size())).arg(linked);
    // Corrected clocks are worth knowing before reading the nested spans' positions.
    const bool shifted = std::any_of(data->resources.begin(), data->resources.end(),
                                     [](const WaterfallResource& r) { return r.clockShift != 0; });
    if (shifted)
        parts << tr("backend clock skew corrected");
    m_header->setText(parts.join(QStringLiteral("  ·  ")));
    m_view->setData(std::move(data));
}

} // namespace seam
