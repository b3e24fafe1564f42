// WaterfallView: painting, labels and tooltips. Geometry, selection and input live in WaterfallView.cpp.

#include "Format.h"
#include "ServiceColours.h"
#include "WaterfallColours.h"
#include "WaterfallView.h"

#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QUrl>
#include <algorithm>
#include <array>
#include <cmath>

namespace seam {
namespace {

using namespace waterfall;

constexpr int kIndentPx = 12;  // per span depth, in the label column
constexpr int kMinBarPx = 2;   // a 0.1 ms call is still something to see and click
constexpr int kHitSlackPx = 4; // a hover this close to an error marker or long task still finds it

/// Resource types keep fixed hues (not hashed): "fetch is orange" is learnt once. Red is for errors.
QColor typeColour(const QString& type, bool dark)
{
    int hue = -1;
    if (type == QLatin1String("document"))
        hue = 215;
    else if (type == QLatin1String("fetch") || type == QLatin1String("xhr"))
        hue = 32;
    else if (type == QLatin1String("script"))
        hue = 270;
    else if (type == QLatin1String("css"))
        hue = 150;
    else if (type == QLatin1String("image") || type == QLatin1String("media"))
        hue = 90;
    else if (type == QLatin1String("font"))
        hue = 320;
    if (hue < 0)
        return dark ? QColor(120, 120, 120) : QColor(185, 185, 185);
    return dark ? QColor::fromHsv(hue, 170, 170) : QColor::fromHsv(hue, 120, 235);
}

struct Phase
{
    const std::optional<qint64>& ns;
    const QColor& colour;
    const char* name;
};

std::array<Phase, 5> phasesOf(const WaterfallResource& r)
{
    return {Phase{r.dns, kDnsColour, "DNS"}, Phase{r.connect, kConnectColour, "Connect"},
            Phase{r.ssl, kSslColour, "TLS"}, Phase{r.ttfb, kTtfbColour, "TTFB"},
            Phase{r.download, kDownloadColour, "Download"}};
}

} // namespace

QColor WaterfallView::serviceColour(const QString& service) const
{
    auto it = m_serviceColours.find(service);
    if (it == m_serviceColours.end()) {
        it = m_serviceColours.insert(service, seam::serviceColour(service, m_darkPalette));
    }
    return *it;
}

void WaterfallView::paintEvent(QPaintEvent* event)
{
    QPainter painter(viewport());
    const QRect exposed = event->rect();
    painter.fillRect(exposed, palette().color(QPalette::Base));
    if (!m_data || m_rows.empty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect(), Qt::AlignCenter,
                         m_data ? tr("This page load recorded no resources.") : QString());
        return;
    }
    const int ruler = rulerHeight();
    const QRect rows(0, ruler, viewport()->width(), viewport()->height() - ruler);
    if (exposed.top() < ruler)
        paintRuler(painter); // first: the marks write their names over it
    painter.save();
    painter.setClipRect(rows.intersected(exposed));
    // Only the rows that intersect the exposed rect: the division gives the first and last directly.
    const int scroll = verticalScrollBar()->value();
    const int first = std::max(0, (std::max(exposed.top(), ruler) - ruler + scroll) / rowHeight());
    const int last = std::min(rowCount() - 1, (exposed.bottom() - ruler + scroll) / rowHeight());
    for (int row = first; row <= last; ++row)
        paintRow(painter, row, rowRect(row));
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawLine(labelWidth(), ruler, labelWidth(), rows.bottom());
    paintMarks(painter);
    painter.restore();
}

QString WaterfallView::labelOf(const Row& row) const
{
    switch (row.kind) {
    case RowKind::Resource: {
        const WaterfallResource& r = m_data->resources[std::size_t(row.resource)];
        const QUrl url(r.url);
        QString where = r.url;
        if (url.isValid() && !url.host().isEmpty()) {
            where = url.path();
            if (url.hasQuery())
                where += QLatin1Char('?') + url.query();
            if (url.host() != m_pageHost)
                where = url.host() + where;
        }
        QStringList parts{r.type};
        if (!r.method.isEmpty())
            parts << r.method;
        parts << where;
        return parts.join(QLatin1Char(' '));
    }
    case RowKind::Span: {
        const WaterfallSpan& s = m_data->resources[std::size_t(row.resource)].spans[std::size_t(row.span)];
        return s.service + QStringLiteral("  ") + s.operation;
    }
    case RowKind::LongTasks:
        return tr("Long tasks (%1)").arg(m_data->longTasks.size());
    case RowKind::Errors:
        return tr("JS errors (%1)").arg(m_data->errors.size());
    }
    return {};
}

void WaterfallView::paintRow(QPainter& painter, int index, const QRect& rect)
{
    const Row& row = m_rows[std::size_t(index)];
    if (index == m_selected)
        painter.fillRect(rect, palette().color(QPalette::Highlight));
    else if (index % 2 == 1)
        painter.fillRect(rect, palette().color(QPalette::AlternateBase));
    const QColor text = palette().color(index == m_selected ? QPalette::HighlightedText : QPalette::Text);

    // Label column: the backend is indented under its call; a failed status is red at the right.
    int indent = 6;
    int statusWidth = 0;
    if (row.kind == RowKind::Span)
        indent +=
            kIndentPx * (1 + m_data->resources[std::size_t(row.resource)].spans[std::size_t(row.span)].depth);
    if (row.kind == RowKind::Resource) {
        const WaterfallResource& r = m_data->resources[std::size_t(row.resource)];
        if (r.status) {
            statusWidth = fontMetrics().horizontalAdvance(QStringLiteral("0000"));
            painter.setPen(*r.status >= 400 || *r.status == 0 ? kErrorColour : text);
            painter.drawText(QRect(labelWidth() - statusWidth - 4, rect.top(), statusWidth, rect.height()),
                             Qt::AlignRight | Qt::AlignVCenter, QString::number(*r.status));
        }
    }
    const QRect label(indent, rect.top(), labelWidth() - indent - statusWidth - 8, rect.height());
    painter.setPen(text);
    const QString name = isNoted(index) ? QStringLiteral("★ ") + labelOf(row) : labelOf(row);
    painter.drawText(label, Qt::AlignLeft | Qt::AlignVCenter,
                     fontMetrics().elidedText(name, Qt::ElideMiddle, label.width()));

    const QRect bar = rect.adjusted(0, 3, 0, -3);
    // Zoomed in, bars start left of the window: they stop at the label column.
    painter.save();
    painter.setClipRect(
        QRect(labelWidth() + 1, rect.top(), viewport()->width() - labelWidth() - 1, rect.height()),
        Qt::IntersectClip);
    paintBar(painter, row, bar);
    if (m_showCritical) {
        // The critical path underlines the part of the row the load waited for, in its side's colour.
        for (const int i : m_criticalByRow[std::size_t(index)]) {
            const WaterfallCriticalSegment& s = m_data->criticalPath[std::size_t(i)];
            const double x0 = xOf(s.start);
            const double x1 = std::max(xOf(s.end), x0 + kMinBarPx);
            painter.fillRect(QRectF(x0, rect.bottom() - 2, x1 - x0, 3), criticalSideColour(s.side));
        }
    }
    painter.restore();
}

void WaterfallView::paintBar(QPainter& painter, const Row& row, const QRect& bar)
{
    switch (row.kind) {
    case RowKind::Resource:
        paintResource(painter, m_data->resources[std::size_t(row.resource)], bar);
        break;
    case RowKind::Span: {
        const WaterfallResource& r = m_data->resources[std::size_t(row.resource)];
        paintSpan(painter, r, r.spans[std::size_t(row.span)], bar);
        break;
    }
    case RowKind::LongTasks:
    case RowKind::Errors:
        paintEvents(painter, row, bar);
        break;
    }
}

void WaterfallView::paintResource(QPainter& painter, const WaterfallResource& r, const QRect& rect)
{
    const double x0 = xOf(r.start);
    const double x1 = std::max(xOf(r.end()), x0 + kMinBarPx);
    const QRectF bar(x0, rect.top(), x1 - x0, rect.height());
    painter.fillRect(bar, typeColour(r.type, m_darkPalette));

    // Phases end at the response end, latest first; what remains at the start is queueing.
    const auto phases = phasesOf(r);
    double right = x1;
    for (auto it = phases.rbegin(); it != phases.rend() && right > x0; ++it) {
        if (!it->ns || *it->ns <= 0)
            continue;
        const double width = double(*it->ns) * (xOf(r.start + 1'000'000'000) - x0) / 1e9;
        const double left = std::max(x0, right - width);
        painter.fillRect(QRectF(left, bar.top() + bar.height() / 4, right - left, bar.height() / 2),
                         it->colour);
        right = left;
    }

    // A call that reached the backend is outlined: solid when ids prove the link, dashed when guessed.
    if (r.isLinked()) {
        painter.setPen(
            QPen(palette().color(QPalette::Text), 1, r.isInferred() ? Qt::DashLine : Qt::SolidLine));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(bar.adjusted(0.5, 0.5, -0.5, -0.5));
    }
    if (r.duration) {
        // After the bar, or before it where the text would pass the right edge.
        const QString text = formatDuration(*r.duration);
        const int width = fontMetrics().horizontalAdvance(text) + 2;
        const double left = x1 + 4 + width > viewport()->width() - 2 ? x0 - 4 - width : x1 + 4;
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(QRectF(left, rect.top(), width, rect.height()), Qt::AlignLeft | Qt::AlignVCenter,
                         text);
    }
}

void WaterfallView::paintSpan(QPainter& painter, const WaterfallResource& r, const WaterfallSpan& s,
                              const QRect& rect)
{
    const double x0 = xOf(s.start);
    const double x1 = std::max(xOf(s.end), x0 + kMinBarPx);
    const QRectF bar(x0, rect.top() + 1, x1 - x0, rect.height() - 2);
    painter.save();
    if (r.isInferred())
        painter.setOpacity(0.65); // the backend of a guessed link is shown, but not as fact
    painter.fillRect(bar, serviceColour(s.service));
    if (s.error) {
        painter.setPen(QPen(kErrorColour, 2));
        painter.drawRect(bar.adjusted(1, 1, -1, -1));
    } else if (r.isInferred()) {
        painter.setPen(QPen(palette().color(QPalette::Text), 1, Qt::DashLine));
        painter.drawRect(bar.adjusted(0.5, 0.5, -0.5, -0.5));
    }
    const int room = int(bar.width()) - 6;
    if (room > fontMetrics().horizontalAdvance(QStringLiteral("M…"))) {
        // Boxes are light on light palettes and dark on dark ones: the palette's text reads on both.
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(bar.adjusted(3, 0, -3, 0), Qt::AlignLeft | Qt::AlignVCenter,
                         fontMetrics().elidedText(s.operation, Qt::ElideRight, room));
    }
    painter.restore();
}

void WaterfallView::paintEvents(QPainter& painter, const Row& row, const QRect& rect)
{
    if (row.kind == RowKind::LongTasks) {
        for (const WaterfallEvent& e : m_data->longTasks) {
            const double x0 = xOf(e.time);
            const double x1 = std::max(xOf(e.time + e.duration), x0 + kMinBarPx);
            painter.fillRect(QRectF(x0, rect.top(), x1 - x0, rect.height()), kLongTaskColour);
        }
        return;
    }
    // Errors are moments: a red diamond each.
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(Qt::NoPen);
    painter.setBrush(kErrorColour);
    const double half = rect.height() / 2.0;
    for (const WaterfallEvent& e : m_data->errors) {
        const double x = xOf(e.time);
        const double y = rect.center().y() + 0.5;
        const QPointF diamond[] = {{x, y - half}, {x + half, y}, {x, y + half}, {x - half, y}};
        painter.drawPolygon(diamond, 4);
    }
    painter.restore();
}

QString WaterfallView::toolTipFor(int index, int x) const
{
    const Row& row = m_rows[std::size_t(index)];
    const qint64 t0 = m_data->start;
    QStringList lines;
    switch (row.kind) {
    case RowKind::Resource: {
        const WaterfallResource& r = m_data->resources[std::size_t(row.resource)];
        lines << (r.method.isEmpty() ? r.url : r.method + QLatin1Char(' ') + r.url);
        QString timing = tr("%1 · starts at %2").arg(r.type, formatOffset(r.start - t0));
        if (r.duration)
            timing += tr(" · takes %1").arg(formatDuration(*r.duration));
        if (r.status)
            timing += tr(" · status %1").arg(*r.status);
        lines << timing;
        QStringList phases;
        for (const Phase& p : phasesOf(r))
            if (p.ns)
                phases << QString::fromLatin1(p.name) + QLatin1Char(' ') + formatDuration(*p.ns);
        if (!phases.isEmpty())
            lines << phases.join(QStringLiteral(" · "));
        if (r.isLinked()) {
            lines << tr("Linked by %1, confidence %2").arg(r.linkMethod, formatPercent(r.confidence));
            if (r.clockShift != 0)
                lines << tr("Backend clock corrected by %1 to fit the call").arg(formatOffset(r.clockShift));
            if (r.omittedSpans > 0)
                lines << tr("%n backend span(s) not shown", nullptr, r.omittedSpans);
        } else if (r.type == QLatin1String("fetch") || r.type == QLatin1String("xhr")) {
            lines << tr("No backend trace linked");
        }
        break;
    }
    case RowKind::Span: {
        const WaterfallResource& r = m_data->resources[std::size_t(row.resource)];
        const WaterfallSpan& s = r.spans[std::size_t(row.span)];
        lines << s.service + QStringLiteral(": ") + s.operation;
        lines
            << tr("starts at %1 · takes %2").arg(formatOffset(s.start - t0), formatDuration(s.end - s.start));
        if (s.error)
            lines << tr("Failed");
        if (r.isInferred())
            lines
                << tr("Inferred link (%1, confidence %2%)").arg(r.linkMethod).arg(qRound(r.confidence * 100));
        if (r.clockShift != 0)
            lines << tr("Backend clock corrected by %1").arg(formatOffset(r.clockShift));
        break;
    }
    case RowKind::LongTasks:
        for (const WaterfallEvent& e : m_data->longTasks)
            if (x >= xOf(e.time) - kHitSlackPx && x <= xOf(e.time + e.duration) + kHitSlackPx)
                lines << tr("Long task at %1, %2").arg(formatOffset(e.time - t0), formatDuration(e.duration));
        break;
    case RowKind::Errors:
        for (const WaterfallEvent& e : m_data->errors)
            if (std::abs(x - xOf(e.time)) <= rowHeight() / 2 + kHitSlackPx)
                lines << formatOffset(e.time - t0) + QStringLiteral("  ") + e.message;
        break;
    }
    return lines.join(QLatin1Char('\n'));
}

} // namespace seam
