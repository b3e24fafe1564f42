#include "FlameColourSource.h"

#include "FlameGraphData.h"
#include "ServiceColours.h"

#include <QPalette>

namespace seam {

void ServiceColourSource::prepare(const FlameGraphData& data, const QPalette& palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    m_colours.assign(1, palette.color(QPalette::Button));
    for (const QString& name : data.serviceNames())
        m_colours.push_back(serviceColour(name, dark));
}

QColor ServiceColourSource::fill(const FlameGraphData& data, int index) const
{
    const std::size_t slot = std::size_t(data.frame(index).service + 1);
    return slot < m_colours.size() ? m_colours[slot] : m_colours.front();
}

} // namespace seam
