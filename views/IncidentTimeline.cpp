#include "IncidentTimeline.h"

#include "TimeAxisScale.h"

#include <QDateTime>
#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>
#include <algorithm>

namespace seam {
namespace {

constexpr int kTicks = 5;

QColor metricColour(AnomalyMetric m, bool dark)
{
    QColor c;
    switch (m) {
    case AnomalyMetric::ErrorRate:
        c = QColor(205, 40, 40);
        break;
    case AnomalyMetric::LatencyP95:
    case AnomalyMetric::LatencyP50:
        c = QColor(225, 120, 0);
        break;
    case AnomalyMetric::Requests:
        c = QColor(40, 100, 190);
        break;
    }
    return dark ? c.lighter(135) : c;
}

} // namespace

IncidentTimeline::IncidentTimeline(QWidget* parent) : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMouseTracking(false);
}

void IncidentTimeline::setData(std::shared_ptr<const IncidentsData> data)
{
    m_data = std::move(data);
    m_lanes.clear();
    m_laneOfRow.clear();
    if (m_data)
        for (const IncidentRow& r : m_data->rows) {
            auto it = std::find(m_lanes.begin(), m_lanes.end(), r.window.service);
            if (it == m_lanes.end())
                it = m_lanes.insert(m_lanes.end(), r.window.service);
            m_laneOfRow.push_back(int(it - m_lanes.begin()));
        }
    if (m_current >= int(m_laneOfRow.size()))
        m_current = -1;
    updateGeometry();
    update();
}

void IncidentTimeline::setCurrentRow(int row)
{
    if (row == m_current)
        return;
    m_current = row;
    update();
}

void IncidentTimeline::setRange(std::optional<std::pair<qint64, qint64>> range)
{
    m_range = range;
    update();
}

QSize IncidentTimeline::sizeHint() const
{
    return {400, laneTop(std::max(1, laneCount())) + 2};
}

int IncidentTimeline::laneTop(int lane)
{
    return kAxisHeight + 2 + lane * kLaneHeight;
}

int IncidentTimeline::laneAt(int y) const
{
    const int lane = y < laneTop(0) ? -1 : (y - laneTop(0)) / kLaneHeight;
    return lane < laneCount() ? lane : -1;
}

bool IncidentTimeline::event(QEvent* event)
{
    if (event->type() != QEvent::ToolTip)
        return QWidget::event(event);
    // Names are cut to the label column and bars can be a few pixels wide: the whole story on hover.
    const QPoint at = static_cast<QHelpEvent*>(event)->pos();
    QStringList lines;
    for (int row = 0; row < int(m_laneOfRow.size()); ++row)
        if (barRect(row).adjusted(-2, -1, 2, 1).contains(at)) {
            const IncidentRow& r = m_data->rows[size_t(row)];
            lines << QStringLiteral("%1: %2, %3")
                         .arg(QString::fromStdString(r.window.service), r.whatText(), r.howBadText());
        }
    const int lane = laneAt(at.y());
    if (lines.isEmpty() && lane >= 0)
        lines << QString::fromStdString(m_lanes[size_t(lane)]);
    if (lines.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(static_cast<QHelpEvent*>(event)->globalPos(), lines.join(QLatin1Char('\n')), this);
    return true;
}

QSize IncidentTimeline::minimumSizeHint() const
{
    return {200, sizeHint().height()};
}

double IncidentTimeline::xOf(qint64 t) const
{
    const double left = kLabelWidth, right = width() - 6;
    if (!m_data || m_data->to <= m_data->from)
        return left;
    return left + (right - left) * double(t - m_data->from) / double(m_data->to - m_data->from);
}

QRect IncidentTimeline::barRect(int row) const
{
    if (!m_data || row < 0 || row >= int(m_laneOfRow.size()))
        return {};
    const AnomalyWindow& w = m_data->rows[size_t(row)].window;
    const int x0 = int(xOf(w.start)), x1 = std::max(x0 + 3, int(xOf(w.end))); // a short window stays visible
    const int y = laneTop(m_laneOfRow[size_t(row)]);
    return QRect(x0, y + 1, x1 - x0, kLaneHeight - 2);
}

void IncidentTimeline::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QPalette& pal = palette();
    const bool dark = pal.color(QPalette::Window).lightness() < 128;
    p.fillRect(rect(), pal.color(QPalette::Base));
    if (!m_data)
        return;
    QFont small = font();
    small.setPointSizeF(std::max(6.0, small.pointSizeF() * 0.85));
    p.setFont(small);
    const int lanesTop = laneTop(0), lanesBottom = laneTop(std::max(1, laneCount()));

    // The brushed range, under everything.
    if (m_range && m_data->to > m_data->from) {
        QColor band = pal.color(QPalette::Highlight);
        band.setAlpha(45);
        const double a = std::max(double(kLabelWidth), xOf(m_range->first));
        const double b = std::min(double(width() - 6), xOf(m_range->second));
        if (b > a)
            p.fillRect(QRectF(a, lanesTop, std::max(2.0, b - a), lanesBottom - lanesTop), band);
    }
    // Lanes: alternate shading and the service's name.
    for (int lane = 0; lane < laneCount(); ++lane) {
        const QRect r(0, laneTop(lane), width(), kLaneHeight);
        if (lane % 2)
            p.fillRect(r, pal.color(QPalette::AlternateBase));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(r.adjusted(4, 0, -(width() - kLabelWidth + 4), 0), Qt::AlignVCenter | Qt::AlignLeft,
                   p.fontMetrics().elidedText(QString::fromStdString(m_lanes[size_t(lane)]), Qt::ElideRight,
                                              kLabelWidth - 8));
    }
    for (int row = 0; row < int(m_laneOfRow.size()); ++row) {
        const QRect bar = barRect(row);
        p.fillRect(bar, metricColour(m_data->rows[size_t(row)].window.lead.metric, dark));
        if (row == m_current) {
            p.setPen(QPen(pal.color(QPalette::Text), 2));
            p.drawRect(bar.adjusted(-1, -1, 1, 1));
        }
    }
    // The time axis, above the lanes (many services scroll under it in the panel, it stays on top
    // of them): kTicks labels, spelled from the span so that none repeats.
    const qint64 fromMs = m_data->from / 1'000'000, toMs = m_data->to / 1'000'000;
    const QString format = dateTimeAxisFormat(fromMs, toMs, kTicks);
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(kLabelWidth, lanesTop - 1, width() - 6, lanesTop - 1);
    p.setPen(pal.color(QPalette::PlaceholderText));
    for (int i = 0; i < kTicks; ++i) {
        const qint64 tMs = fromMs + (toMs - fromMs) * i / (kTicks - 1);
        const double x = xOf(tMs * 1'000'000);
        const QString text = QDateTime::fromMSecsSinceEpoch(tMs).toString(format);
        const int w = p.fontMetrics().horizontalAdvance(text);
        const double left = i == 0 ? x : i == kTicks - 1 ? x - w : x - w / 2.0;
        p.drawText(QPointF(left, p.fontMetrics().ascent() + 1), text);
    }
}

void IncidentTimeline::mousePressEvent(QMouseEvent* event)
{
    for (int row = 0; row < int(m_laneOfRow.size()); ++row)
        if (barRect(row).adjusted(-2, -1, 2, 1).contains(event->position().toPoint())) {
            emit rowClicked(row);
            return;
        }
    QWidget::mousePressEvent(event);
}

} // namespace seam
