#include "WaterfallLegend.h"

#include "WaterfallColours.h"

#include <QPainter>

namespace seam {
namespace {

constexpr int kSwatchPx = 10;
constexpr int kGapPx = 10;

} // namespace

WaterfallLegend::WaterfallLegend(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Fixed);
    setToolTip(tr("Bars: Resource Timing phases of each resource (queueing is the bar's own colour).\n"
                  "Critical path: what the load waited for, under the ruler and under the rows it passes."));
}

std::vector<WaterfallLegend::Entry> WaterfallLegend::entries() const
{
    using namespace waterfall;
    std::vector<Entry> e = {{tr("DNS"), kDnsColour},           {tr("Connect"), kConnectColour},
                            {tr("TLS"), kSslColour},           {tr("Waiting (TTFB)"), kTtfbColour},
                            {tr("Download"), kDownloadColour}, {tr("Long task"), kLongTaskColour}};
    if (m_critical) {
        e.push_back({tr("Critical: frontend"), criticalSideColour(0)});
        e.push_back({tr("network"), criticalSideColour(1)});
        e.push_back({tr("backend"), criticalSideColour(2)});
    }
    return e;
}

QStringList WaterfallLegend::names() const
{
    QStringList out;
    for (const Entry& e : entries())
        out << e.name;
    return out;
}

void WaterfallLegend::setCriticalPathShown(bool shown)
{
    m_critical = shown;
    update();
}

QSize WaterfallLegend::sizeHint() const
{
    int width = 0;
    for (const Entry& e : entries())
        width += kSwatchPx + 4 + fontMetrics().horizontalAdvance(e.name) + kGapPx;
    return {width, fontMetrics().height() + 4};
}

QSize WaterfallLegend::minimumSizeHint() const
{
    return {0, fontMetrics().height() + 4};
}

void WaterfallLegend::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    const int h = height();
    int x = 2;
    painter.setPen(palette().color(QPalette::WindowText));
    for (const Entry& e : entries()) {
        const int textWidth = fontMetrics().horizontalAdvance(e.name);
        if (x + kSwatchPx + 4 + textWidth > width())
            break; // a narrow pane shows the first ones whole rather than all of them cut
        painter.fillRect(QRect(x, (h - kSwatchPx) / 2, kSwatchPx, kSwatchPx), e.colour);
        x += kSwatchPx + 4;
        painter.drawText(QRect(x, 0, textWidth, h), Qt::AlignLeft | Qt::AlignVCenter, e.name);
        x += textWidth + kGapPx;
    }
}

} // namespace seam
