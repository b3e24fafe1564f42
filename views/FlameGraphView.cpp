#include "FlameGraphView.h"

#include "Format.h"

#include <QApplication>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>
#include <cmath>

namespace seam {

namespace {

constexpr double kMinBoxPx = 3.0; // narrower frames are merged into blocks...
// ...of at most this width: a longer block would smear one error or search hit over its whole length.
constexpr double kMaxBlockPx = 12.0;
constexpr double kHitSlackPx = 2.0; // a click this close to a frame still hits it
constexpr double kZoomStep = 0.8;   // range factor per wheel notch or '+'
constexpr qint64 kMinRangeNs = 100; // deepest zoom
constexpr int kErrorBorderPx = 2;
const QColor kErrorColour(214, 39, 40);
constexpr double kMarkerPx = 7.0; // the corner triangle of a frame the colour source marks
// The critical-path stripe: in the text colour, so it reads on every service colour and theme.
constexpr double kMarkPx = 3.0;

QColor blend(const QColor& a, const QColor& b, double t)
{
    return QColor::fromRgbF(float(a.redF() + (b.redF() - a.redF()) * t),
                            float(a.greenF() + (b.greenF() - a.greenF()) * t),
                            float(a.blueF() + (b.blueF() - a.blueF()) * t));
}

} // namespace

/// What paintRow() hands to paintBlock(): one frame, or a merged run of tiny ones.
struct FlameGraphView::Block
{
    QRectF rect;
    int first;        // frame index
    int count;        // frames covered (1 = a frame of its own)
    bool error;       // any of them failed
    bool matched;     // any of them matches the search (or there is no search)
    bool marked;      // any of them is a marked span (the critical path)
    double textRight; // where the next frame of the row starts: text beyond would be painted over
};

FlameGraphView::FlameGraphView(QWidget* parent)
    : QAbstractScrollArea(parent), m_colourSource(std::make_shared<ServiceColourSource>())
{
    setFocusPolicy(Qt::StrongFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    viewport()->setMouseTracking(false);
    // Every pixel is painted in paintEvent: skip Qt's background fill.
    viewport()->setAttribute(Qt::WA_OpaquePaintEvent);
    updateColours();
}

FlameGraphView::~FlameGraphView() = default;

void FlameGraphView::setData(std::shared_ptr<const FlameGraphData> data)
{
    m_data = std::move(data);
    m_selected = -1;
    updateColours();
    setSearchText(m_searchText);
    updateMarks();
    reset();
}

void FlameGraphView::setColourSource(std::shared_ptr<FlameColourSource> source)
{
    m_colourSource = source ? std::move(source) : std::make_shared<ServiceColourSource>();
    updateColours();
}

void FlameGraphView::setMarkedSpans(std::vector<qint64> spanIds)
{
    std::sort(spanIds.begin(), spanIds.end());
    spanIds.erase(std::unique(spanIds.begin(), spanIds.end()), spanIds.end());
    if (spanIds == m_markedSpans)
        return;
    m_markedSpans = std::move(spanIds);
    updateMarks();
    viewport()->update();
}

void FlameGraphView::updateMarks()
{
    // Prefix counts, as for the search: a merged block asks "any marked in [first, end)" in O(1).
    m_markedPrefix.clear();
    if (!m_data || m_markedSpans.empty())
        return;
    m_markedPrefix.assign(std::size_t(m_data->frameCount()) + 1, 0);
    for (int i = 0; i < m_data->frameCount(); ++i)
        m_markedPrefix[std::size_t(i) + 1] =
            m_markedPrefix[std::size_t(i)] +
            std::binary_search(m_markedSpans.begin(), m_markedSpans.end(), m_data->frame(i).spanId);
}

bool FlameGraphView::isMarked(int begin, int end) const
{
    return !m_markedPrefix.empty() && m_markedPrefix[std::size_t(end)] > m_markedPrefix[std::size_t(begin)];
}

qint64 FlameGraphView::selectedSpan() const
{
    return m_data && m_selected >= 0 ? m_data->frame(m_selected).spanId : 0;
}

int FlameGraphView::rowHeight() const
{
    return fontMetrics().height() + 4;
}

double FlameGraphView::nsPerPixel() const
{
    return double(std::max<qint64>(1, m_view.length())) / double(std::max(1, viewport()->width()));
}

double FlameGraphView::xOf(qint64 time) const
{
    // Subtract in integers first: epoch nanoseconds do not fit a double's mantissa.
    return double(time - m_view.start) / nsPerPixel();
}

qint64 FlameGraphView::timeAt(double x) const
{
    return m_view.start + qint64(std::llround(x * nsPerPixel()));
}

QRectF FlameGraphView::frameRect(int index) const
{
    if (!m_data || index < 0 || index >= m_data->frameCount())
        return {};
    const FlameFrame& f = m_data->frame(index);
    const double x0 = xOf(f.start);
    const double y = f.depth * rowHeight() - verticalScrollBar()->value();
    return QRectF(x0, y, std::max(1.0, xOf(f.end) - x0), rowHeight() - 1);
}

int FlameGraphView::frameAtPosition(QPoint pos) const
{
    if (!m_data || m_data->isEmpty())
        return -1;
    const int y = pos.y() + verticalScrollBar()->value();
    if (y < 0)
        return -1;
    return m_data->frameAt(y / rowHeight(), timeAt(pos.x()), qint64(kHitSlackPx * nsPerPixel()));
}

void FlameGraphView::reset()
{
    if (m_data && !m_data->isEmpty())
        setView(m_data->start(), m_data->end());
    else
        setView(0, 0);
    verticalScrollBar()->setValue(0);
}

void FlameGraphView::zoomTo(qint64 start, qint64 end)
{
    setView(start, end);
}

void FlameGraphView::zoomIn()
{
    zoomAround(viewport()->width() / 2.0, kZoomStep);
}

void FlameGraphView::zoomOut()
{
    zoomAround(viewport()->width() / 2.0, 1.0 / kZoomStep);
}

void FlameGraphView::zoomAround(double x, double factor)
{
    // The time under x stays under x.
    const qint64 anchor = timeAt(x);
    const double fraction = x / std::max(1, viewport()->width());
    const auto length = qint64(std::llround(double(m_view.length()) * factor));
    const qint64 start = anchor - qint64(std::llround(fraction * double(length)));
    setView(start, start + length);
}

void FlameGraphView::setView(qint64 start, qint64 end)
{
    TimeRange view{start, end};
    if (m_data && !m_data->isEmpty()) {
        const qint64 extent = std::max<qint64>(1, m_data->end() - m_data->start());
        const qint64 length = std::clamp(end - start, std::min(kMinRangeNs, extent), extent);
        if (length != end - start) // keep the middle when the range had to grow or shrink
            start += (end - start - length) / 2;
        view.start = std::clamp<qint64>(start, m_data->start(), m_data->end() - length);
        view.end = view.start + length;
    }
    if (view == m_view)
        return;
    m_view = view;
    viewport()->update();
    emit visibleRangeChanged(m_view.start, m_view.end);
}

void FlameGraphView::setSearchText(const QString& text)
{
    m_searchText = text;
    m_matchPrefix.clear();
    if (m_data && !text.isEmpty()) {
        // Running counts let a merged block ask "does anything in here match?" in O(1).
        m_matchPrefix.assign(std::size_t(m_data->frameCount()) + 1, 0);
        for (const int i : m_data->search(text))
            m_matchPrefix[std::size_t(i) + 1] = 1;
        for (std::size_t i = 1; i < m_matchPrefix.size(); ++i)
            m_matchPrefix[i] += m_matchPrefix[i - 1];
    }
    viewport()->update();
}

bool FlameGraphView::matches(int begin, int end) const
{
    return m_matchPrefix.empty() || m_matchPrefix[std::size_t(end)] > m_matchPrefix[std::size_t(begin)];
}

void FlameGraphView::selectSpan(qint64 spanId)
{
    if (!m_data)
        return;
    const int index = spanId != 0 ? m_data->indexOfSpan(spanId) : -1;
    if (index >= 0) {
        select(index, false);
    } else if (m_selected >= 0) { // nothing, or a span this graph does not show: no stale highlight
        m_selected = -1;
        viewport()->update();
    }
}

void FlameGraphView::showFrame(int index)
{
    select(index, true);
}

void FlameGraphView::select(int index, bool notify)
{
    if (!m_data || index < 0 || index >= m_data->frameCount())
        return;
    ensureVisible(index);
    if (index == m_selected)
        return;
    m_selected = index;
    viewport()->update();
    if (notify)
        emit frameSelected(m_data->frame(index).spanId);
}

void FlameGraphView::ensureVisible(int index)
{
    const FlameFrame& f = m_data->frame(index);
    const int top = f.depth * rowHeight();
    QScrollBar* bar = verticalScrollBar();
    if (top < bar->value())
        bar->setValue(top);
    else if (top + rowHeight() > bar->value() + viewport()->height())
        bar->setValue(top + rowHeight() - viewport()->height());
    if (f.end < m_view.start || f.start > m_view.end) { // off screen: centre it, same zoom
        const qint64 middle = f.start + (f.end - f.start) / 2;
        setView(middle - m_view.length() / 2, middle - m_view.length() / 2 + m_view.length());
    }
}

void FlameGraphView::updateScrollBar()
{
    const int rows = m_data ? m_data->rowCount() : 0;
    verticalScrollBar()->setPageStep(viewport()->height());
    verticalScrollBar()->setSingleStep(rowHeight());
    verticalScrollBar()->setRange(0, std::max(0, rows * rowHeight() - viewport()->height()));
}

void FlameGraphView::updateColours()
{
    if (m_data)
        m_colourSource->prepare(*m_data, palette());
    updateScrollBar();
    viewport()->update();
}

void FlameGraphView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        updateColours();
    QAbstractScrollArea::changeEvent(event);
}

void FlameGraphView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBar();
}

void FlameGraphView::paintEvent(QPaintEvent* event)
{
    QPainter painter(viewport());
    const QRect exposed = event->rect();
    painter.fillRect(exposed, palette().color(QPalette::Base));
    if (!m_data || m_data->isEmpty()) {
        painter.setPen(palette().color(QPalette::PlaceholderText));
        painter.drawText(viewport()->rect(), Qt::AlignCenter, tr("No spans"));
        return;
    }
    const int rh = rowHeight();
    const int scroll = verticalScrollBar()->value();
    const int firstRow = std::max(0, (exposed.top() + scroll) / rh);
    const int lastRow = std::min(m_data->rowCount() - 1, (exposed.bottom() + scroll) / rh);
    const qint64 from = timeAt(exposed.left() - 1);
    const qint64 to = timeAt(exposed.right() + 2);
    for (int row = firstRow; row <= lastRow; ++row)
        paintRow(painter, row, row * rh - scroll, from, to);

    if (m_selected >= 0) {
        const QRectF r = frameRect(m_selected).intersected(QRectF(viewport()->rect()).adjusted(-2, 0, 2, 0));
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(r.adjusted(1, 1, -1, -1));
    }
}

void FlameGraphView::paintRow(QPainter& painter, int row, int y, qint64 from, qint64 to)
{
    const FlameGraphData& d = *m_data;
    const int end = d.rowEnd(row);
    const double minBoxNs = kMinBoxPx * nsPerPixel();
    const double height = rowHeight() - 1;
    int i = d.firstEndingAfter(row, from);
    while (i < end && d.frame(i).start <= to) {
        const FlameFrame& f = d.frame(i);
        if (f.end < from) { // overlapped by a longer frame that reaches into view; this one does not
            ++i;
            continue;
        }
        const int first = i++;
        const double x0 = xOf(f.start);
        double x1 = xOf(f.end);
        if (x1 - x0 < kMinBoxPx) {
            // A run of tiny frames becomes one block. Frames ending within a box width of the block
            // are swallowed by one binary search on the row's running end (never visited); the block
            // stops at the first frame reaching clearly past it, which gets painted on its own.
            auto nextTime = qint64(double(f.end) + minBoxNs);
            while (i < end) {
                const int skipTo = d.firstEndingAfter(row, nextTime);
                if (skipTo > i) {
                    x1 = std::max(x1, xOf(d.maxEndUpTo(skipTo - 1)));
                    i = skipTo;
                }
                if (i >= end)
                    break;
                const double nextX1 = xOf(d.frame(i).end);
                if (nextX1 - x1 >= 2 * kMinBoxPx || nextX1 - x0 > kMaxBlockPx)
                    break;
                x1 = nextX1;
                nextTime = qint64(double(d.frame(i).end) + minBoxNs);
                ++i;
            }
        }
        const double left = std::max(x0, -2.0);
        const double right = std::min(std::max(x1, x0 + 1.0), viewport()->width() + 2.0);
        int next = i;
        while (next < end && d.frame(next).end < from)
            ++next;
        const double textRight = next < end ? std::min(right, xOf(d.frame(next).start)) : right;
        paintBlock(painter,
                   Block{QRectF(left, y, right - left, height), first, i - first, d.errorCount(first, i) > 0,
                         matches(first, i), isMarked(first, i), textRight});
    }
}

void FlameGraphView::paintBlock(QPainter& painter, const Block& block)
{
    const FlameGraphData& d = *m_data;
    const FlameFrame& f = d.frame(block.first);
    QColor fill = m_colourSource->fill(d, block.first);
    if (!block.matched)
        fill = blend(fill, palette().color(QPalette::Base), 0.75);
    if (block.count > 1) // merged: a shade darker, so it does not pass for a single span
        fill = fill.darker(115);
    // One pixel of gap on the right separates spans once boxes are wide enough to show it; merged
    // blocks of one dense run stay joined, they are not separate spans.
    QRectF r = block.rect;
    if (block.count == 1 && r.width() > 2 * kMinBoxPx)
        r.setWidth(r.width() - 1);
    const QColor error = block.matched ? kErrorColour : blend(kErrorColour, fill, 0.6);
    if (block.error && block.count == 1) { // a failed span: red border
        painter.fillRect(r, error);
        const QRectF inner = r.adjusted(kErrorBorderPx, kErrorBorderPx, -kErrorBorderPx, -kErrorBorderPx);
        if (inner.width() >= 1)
            painter.fillRect(inner, fill);
    } else {
        painter.fillRect(r, fill);
    }
    if (block.marked) // on the critical path: a stripe along the top, clear of the error border
        painter.fillRect(QRectF(r.left(), r.top(), r.width(), kMarkPx), palette().color(QPalette::Text));
    if (block.count > 1) {
        // Failures among merged spans only underline the block: in a dense trace a border on every
        // block that holds one would paint the whole graph red.
        if (block.error)
            painter.fillRect(QRectF(r.left(), r.bottom() - kErrorBorderPx, r.width(), kErrorBorderPx), error);
        return;
    }
    if (m_colourSource->marked(d, block.first) && r.width() >= kMarkerPx && r.height() >= kMarkerPx) {
        const QPointF corner = r.topLeft();
        const QPointF triangle[3] = {corner, corner + QPointF(kMarkerPx, 0), corner + QPointF(0, kMarkerPx)};
        painter.setPen(Qt::NoPen);
        painter.setBrush(palette().color(QPalette::Text));
        painter.drawPolygon(triangle, 3);
    }

    const QFontMetrics fm = fontMetrics();
    const int textWidth = int(std::min(r.right(), block.textRight) - r.left()) - 6;
    if (textWidth < fm.averageCharWidth() * 5) // a letter and an ellipsis help nobody
        return;
    const QString service = d.serviceName(f.service);
    const QString operation = d.operationName(f.operation);
    const QString label = service.isEmpty() ? operation : service + QLatin1Char(' ') + operation;
    QColor text = palette().color(QPalette::Text);
    if (!block.matched)
        text = blend(text, palette().color(QPalette::Base), 0.6);
    painter.setPen(text);
    painter.drawText(QRectF(r.left() + 3, r.top(), textWidth, r.height()), Qt::AlignLeft | Qt::AlignVCenter,
                     fm.elidedText(label, Qt::ElideRight, textWidth));
}

QString FlameGraphView::toolTipFor(int index) const
{
    const FlameGraphData& d = *m_data;
    const FlameFrame& f = d.frame(index);
    QString text =
        QStringLiteral("<b>%1</b><br>%2<br>duration: %3<br>self: %4")
            .arg(d.serviceName(f.service).toHtmlEscaped(), d.operationName(f.operation).toHtmlEscaped(),
                 formatDuration(f.end - f.start), formatDuration(d.selfTime(index)));
    if (f.error)
        text += QStringLiteral("<br><font color=\"%1\">error</font>").arg(kErrorColour.name());
    if (const QString more = m_colourSource->describe(d, index); !more.isEmpty())
        text += QStringLiteral("<br>") + more;
    if (isFrameMarked(index))
        text += QStringLiteral("<br>") + tr("on the page load's critical path");
    return text;
}

bool FlameGraphView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const int index = frameAtPosition(help->pos());
        if (index < 0) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), toolTipFor(index), viewport(),
                               frameRect(index).toAlignedRect());
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void FlameGraphView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    m_pressed = true;
    m_dragging = false;
    m_pressPos = event->position().toPoint();
    m_pressView = m_view;
    m_pressScroll = verticalScrollBar()->value();
}

void FlameGraphView::mouseMoveEvent(QMouseEvent* event)
{
    if (!m_pressed)
        return QAbstractScrollArea::mouseMoveEvent(event);
    const QPoint delta = event->position().toPoint() - m_pressPos;
    if (!m_dragging && delta.manhattanLength() < QApplication::startDragDistance())
        return;
    if (!m_dragging) {
        m_dragging = true;
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
    // Pan relative to where the drag started, so rounding does not accumulate.
    const auto shift = qint64(std::llround(delta.x() * nsPerPixel()));
    setView(m_pressView.start - shift, m_pressView.end - shift);
    verticalScrollBar()->setValue(m_pressScroll - delta.y());
}

void FlameGraphView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || !m_pressed)
        return QAbstractScrollArea::mouseReleaseEvent(event);
    m_pressed = false;
    if (m_dragging) {
        m_dragging = false;
        viewport()->unsetCursor();
        return;
    }
    select(frameAtPosition(event->position().toPoint()), true);
}

void FlameGraphView::mouseDoubleClickEvent(QMouseEvent* event)
{
    const int index = frameAtPosition(event->position().toPoint());
    if (event->button() != Qt::LeftButton || index < 0)
        return QAbstractScrollArea::mouseDoubleClickEvent(event);
    select(index, true);
    const FlameFrame& f = m_data->frame(index);
    setView(f.start, f.end);
}

void FlameGraphView::wheelEvent(QWheelEvent* event)
{
    const QPoint delta = event->angleDelta();
    if (event->modifiers() & Qt::ControlModifier) {
        const double notches = delta.y() / 120.0;
        zoomAround(event->position().x(), std::pow(kZoomStep, notches));
        event->accept();
    } else if ((event->modifiers() & Qt::ShiftModifier) || delta.x() != 0) {
        const int dx = delta.x() != 0 ? delta.x() : delta.y();
        const auto shift = qint64(std::llround(-dx / 120.0 * viewport()->width() / 10.0 * nsPerPixel()));
        setView(m_view.start + shift, m_view.end + shift);
        event->accept();
    } else {
        QAbstractScrollArea::wheelEvent(event);
    }
}

void FlameGraphView::keyPressEvent(QKeyEvent* event)
{
    if (!m_data || m_data->isEmpty())
        return QAbstractScrollArea::keyPressEvent(event);
    const int current = m_selected;
    const auto firstVisibleRoot = [&] {
        const int root = m_data->firstEndingAfter(0, m_view.start);
        return root < m_data->rowEnd(0) ? root : -1;
    };
    const auto neighbour = [&](int step) {
        const int row = m_data->frame(current).depth;
        const int next = current + step;
        return next >= m_data->rowBegin(row) && next < m_data->rowEnd(row) ? next : -1;
    };
    switch (event->key()) {
    case Qt::Key_Escape:
        reset();
        break;
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        zoomIn();
        break;
    case Qt::Key_Minus:
        zoomOut();
        break;
    case Qt::Key_Up:
        select(current < 0 ? firstVisibleRoot() : m_data->frame(current).parent, true);
        break;
    case Qt::Key_Down:
        select(current < 0 ? firstVisibleRoot() : m_data->firstChild(current), true);
        break;
    case Qt::Key_Left:
        select(current < 0 ? -1 : neighbour(-1), true);
        break;
    case Qt::Key_Right:
        select(current < 0 ? -1 : neighbour(+1), true);
        break;
    default:
        return QAbstractScrollArea::keyPressEvent(event);
    }
    event->accept();
}

} // namespace seam
