// WaterfallView: the time axis. The visible window (zoom, pan, reset), the ruler with its ticks, the
// TTFB/FCP/LCP/Load marks with names laid out in lanes so they never overlap or clip, the count of
// calls beyond the window at the right edge, and the critical-path strip under the ruler.

#include "Format.h"
#include "WaterfallColours.h"
#include "WaterfallView.h"

#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace seam {
namespace {

using namespace waterfall;

constexpr int kTickMinPx = 80;          // between ruler labels
constexpr int kLabelGapPx = 4;          // between two names in one lane
constexpr int kCriticalStripPx = 6;     // the critical path under the ruler
constexpr double kZoomStep = 1.25;      // per wheel notch or key press, as in the flamegraph
constexpr qint64 kMinWindowNs = 10'000; // 10 µs: below this the ruler's ticks stop making sense

/// A "nice" ruler step (1, 2 or 5 times a power of ten) at least `minPx` wide.
qint64 tickStep(double nsPerPx, int minPx)
{
    const double wanted = std::max(nsPerPx * minPx, 1.0);
    const double decade = std::pow(10.0, std::floor(std::log10(wanted)));
    for (const double f : {1.0, 2.0, 5.0})
        if (decade * f >= wanted)
            return qint64(decade * f);
    return qint64(decade * 10);
}

} // namespace

double WaterfallView::xOf(qint64 time) const
{
    const QRect axis = timelineRect();
    const qint64 span = std::max<qint64>(1, m_viewEnd - m_viewStart);
    return axis.left() + double(time - m_viewStart) * axis.width() / double(span);
}

qint64 WaterfallView::timeAt(double x) const
{
    const QRect axis = timelineRect();
    return m_viewStart + qint64(std::llround((x - axis.left()) * double(m_viewEnd - m_viewStart) /
                                             std::max(1, axis.width())));
}

void WaterfallView::zoomTo(qint64 start, qint64 end)
{
    if (!m_data)
        return;
    if (end - start < kMinWindowNs) {
        const qint64 mid = start + (end - start) / 2;
        start = mid - kMinWindowNs / 2;
        end = start + kMinWindowNs;
    }
    // Never further out than everything, nor before the navigation start.
    const qint64 length = std::min(end - start, m_data->end() - m_data->start);
    start = std::clamp(start, m_data->start, std::max(m_data->start, m_data->end() - length));
    end = start + length;
    if (start == m_viewStart && end == m_viewEnd)
        return;
    m_viewStart = start;
    m_viewEnd = end;
    updateScrollBar(); // the ruler's height follows the marks' lanes
    viewport()->update();
    emit visibleRangeChanged(m_viewStart, m_viewEnd);
}

void WaterfallView::zoomAround(double x, double factor)
{
    const qint64 anchor = timeAt(x);
    const double length = double(m_viewEnd - m_viewStart) / factor;
    const double before = double(anchor - m_viewStart) / factor;
    const qint64 start = anchor - qint64(std::llround(before));
    zoomTo(start, start + qint64(std::llround(length)));
}

void WaterfallView::zoomIn()
{
    zoomAround(timelineRect().center().x(), kZoomStep);
}

void WaterfallView::zoomOut()
{
    zoomAround(timelineRect().center().x(), 1 / kZoomStep);
}

void WaterfallView::resetZoom()
{
    if (m_data)
        zoomTo(m_data->start, m_data->ownEnd());
}

void WaterfallView::showAll()
{
    if (m_data)
        zoomTo(m_data->start, m_data->end());
}

void WaterfallView::wheelEvent(QWheelEvent* event)
{
    const QPoint delta = event->angleDelta();
    if (!m_data) {
        QAbstractScrollArea::wheelEvent(event);
    } else if (event->modifiers() & Qt::ControlModifier) {
        zoomAround(event->position().x(), std::pow(kZoomStep, delta.y() / 120.0));
        event->accept();
    } else if ((event->modifiers() & Qt::ShiftModifier) || delta.x() != 0) {
        const int dx = delta.x() != 0 ? delta.x() : delta.y();
        const double nsPerPx = double(m_viewEnd - m_viewStart) / std::max(1, timelineRect().width());
        const auto shift = qint64(std::llround(-dx / 120.0 * timelineRect().width() / 10.0 * nsPerPx));
        zoomTo(m_viewStart + shift, m_viewEnd + shift);
        event->accept();
    } else {
        QAbstractScrollArea::wheelEvent(event);
    }
}

bool WaterfallView::axisKey(QKeyEvent* event)
{
    if (!m_data)
        return false;
    const qint64 step = (m_viewEnd - m_viewStart) / 10;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        return true;
    case Qt::Key_Minus:
        zoomOut();
        return true;
    case Qt::Key_0:
    case Qt::Key_Escape:
        resetZoom();
        return true;
    case Qt::Key_Left:
        zoomTo(m_viewStart - step, m_viewEnd - step);
        return true;
    case Qt::Key_Right:
        zoomTo(m_viewStart + step, m_viewEnd + step);
        return true;
    default:
        return false;
    }
}

int WaterfallView::laterCount() const
{
    if (!m_data)
        return 0;
    return int(std::count_if(m_data->resources.begin(), m_data->resources.end(),
                             [&](const WaterfallResource& r) { return r.start > m_viewEnd; }));
}

QString WaterfallView::laterText() const
{
    const int count = laterCount();
    if (count == 0)
        return {};
    qint64 last = m_viewEnd;
    for (const WaterfallResource& r : m_data->resources)
        last = std::max(last, r.start);
    const QString calls = count == 1 ? tr("1 call later") : tr("%1 calls later").arg(count);
    return calls + QStringLiteral(", +") + formatDuration(last - m_viewEnd) + QStringLiteral(" ▸");
}

QRect WaterfallView::laterIndicatorRect() const
{
    const QString text = laterText();
    if (text.isEmpty())
        return {};
    const int line = fontMetrics().height();
    const int width = fontMetrics().horizontalAdvance(text) + 8;
    const int top = markLaneCount() * line + 1;
    return QRect(viewport()->width() - width - 1, top, width, line + 2);
}

std::vector<WaterfallView::MarkLabel> WaterfallView::markLabels() const
{
    std::vector<MarkLabel> labels;
    if (!m_data)
        return labels;
    const std::pair<std::optional<qint64>, std::pair<QColor, QString>> marks[] = {
        {m_data->ttfb, {kTtfbColour, tr("TTFB")}},
        {m_data->fcp, {kDownloadColour, tr("FCP")}},
        {m_data->lcp, {kSslColour, tr("LCP")}},
        {m_data->duration, {palette().color(QPalette::Text), tr("Load")}}};
    const QRect axis = timelineRect();
    for (const auto& [at, look] : marks) {
        if (!at)
            continue;
        const qint64 t = m_data->start + *at;
        if (t < m_viewStart || t > m_viewEnd)
            continue;
        labels.push_back({look.second, look.first, int(std::lround(xOf(t))), {}});
    }
    std::stable_sort(labels.begin(), labels.end(),
                     [](const MarkLabel& a, const MarkLabel& b) { return a.x < b.x; });
    // Each name goes right of its line, or left of it where it would leave the viewport, in the first
    // lane where it clears the names already there: marks pixels apart stack instead of overlapping.
    const int line = fontMetrics().height();
    std::vector<int> laneEnds;
    for (MarkLabel& m : labels) {
        const int width = fontMetrics().horizontalAdvance(m.name) + 2;
        int left = m.x + 2;
        if (left + width > viewport()->width() - 2)
            left = m.x - 2 - width;
        left = std::max(left, axis.left());
        std::size_t lane = 0;
        while (lane < laneEnds.size() && laneEnds[lane] + kLabelGapPx > left)
            ++lane;
        if (lane == laneEnds.size())
            laneEnds.push_back(0);
        laneEnds[lane] = left + width;
        m.rect = QRect(left, 1 + int(lane) * line, width, line);
    }
    return labels;
}

int WaterfallView::markLaneCount() const
{
    int lanes = 0;
    const int line = std::max(1, fontMetrics().height());
    for (const MarkLabel& m : markLabels())
        lanes = std::max(lanes, (m.rect.top() - 1) / line + 1);
    return lanes;
}

QRect WaterfallView::criticalStripRect() const
{
    if (!m_showCritical || !m_data || m_data->criticalPath.empty())
        return {};
    const QRect axis = timelineRect();
    const int line = fontMetrics().height();
    return QRect(axis.left(), (markLaneCount() + 1) * line + 6, axis.width(), kCriticalStripPx);
}

int WaterfallView::rulerHeight() const
{
    const int line = fontMetrics().height();
    const QRect strip = criticalStripRect();
    return (m_data ? markLaneCount() + 1 : 1) * line + 8 + (strip.isValid() ? strip.height() + 2 : 0);
}

void WaterfallView::paintRuler(QPainter& painter)
{
    const QRect axis = timelineRect();
    const int ruler = rulerHeight();
    const int line = fontMetrics().height();
    const int tickBottom = (markLaneCount() + 1) * line + 6;
    painter.fillRect(0, 0, viewport()->width(), ruler, palette().color(QPalette::Window));
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawLine(0, ruler - 1, viewport()->width(), ruler - 1);

    const qint64 step = tickStep(double(m_viewEnd - m_viewStart) / axis.width(), kTickMinPx);
    const QColor text = palette().color(QPalette::WindowText);
    for (qint64 t = (m_viewStart - m_data->start + step - 1) / step * step; m_data->start + t <= m_viewEnd;
         t += step) {
        const int x = int(xOf(m_data->start + t));
        painter.setPen(palette().color(QPalette::Mid));
        painter.drawLine(x, tickBottom - 4, x, tickBottom);
        painter.setPen(text);
        const QString label = t == 0 ? QStringLiteral("0") : formatDuration(t);
        const int width = fontMetrics().horizontalAdvance(label);
        // The last tick's label goes left of its tick rather than past the edge.
        const int left = x + 3 + width > viewport()->width() - 2 ? x - 3 - width : x + 3;
        painter.drawText(QRect(left, tickBottom - line - 2, width, line), Qt::AlignLeft | Qt::AlignVCenter,
                         label);
    }
    painter.setPen(text);
    painter.drawText(QRect(6, 0, labelWidth() - 6, ruler), Qt::AlignLeft | Qt::AlignVCenter,
                     tr("%n row(s)", nullptr, rowCount()));

    const QRect later = laterIndicatorRect();
    if (later.isValid()) {
        painter.fillRect(later, palette().color(QPalette::Window));
        painter.setPen(palette().color(QPalette::Link));
        painter.drawText(later, Qt::AlignCenter, laterText());
    }
    const QRect strip = criticalStripRect();
    if (strip.isValid()) {
        painter.save();
        painter.setClipRect(strip);
        for (const WaterfallCriticalSegment& s : m_data->criticalPath) {
            const double x0 = xOf(s.start);
            const double x1 = std::max(xOf(s.end), x0 + 1);
            if (x1 < strip.left() || x0 > strip.right())
                continue;
            painter.fillRect(QRectF(x0, strip.top(), x1 - x0, strip.height()), criticalSideColour(s.side));
        }
        painter.restore();
    }
}

void WaterfallView::paintMarks(QPainter& painter)
{
    const int ruler = rulerHeight();
    for (const MarkLabel& m : markLabels()) {
        painter.setPen(QPen(m.colour, 1, Qt::DashLine));
        painter.drawLine(m.x, ruler, m.x, viewport()->height());
        // The name sits in its lane at the top of the ruler; the clip is lifted for it.
        painter.save();
        painter.setClipping(false);
        painter.setPen(m.colour);
        painter.drawLine(m.x, m.rect.top(), m.x, ruler);
        painter.drawText(m.rect, Qt::AlignLeft | Qt::AlignVCenter, m.name);
        painter.restore();
    }
}

QString WaterfallView::criticalToolTip(int x) const
{
    for (const WaterfallCriticalSegment& s : m_data->criticalPath)
        if (x >= xOf(s.start) - 1 && x <= xOf(s.end) + 1) {
            const char* sides[3] = {"frontend", "network", "backend"};
            return tr("Critical path: %1 (%2), %3 at %4")
                .arg(s.label, QLatin1String(sides[std::clamp(s.side, 0, 2)]), formatDuration(s.end - s.start),
                     formatOffset(s.start - m_data->start));
        }
    return {};
}

} // namespace seam
