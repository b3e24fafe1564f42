#include "FlameGraphOverview.h"

#include "FlameGraphView.h"

#include <QMouseEvent>
#include <QPainter>

namespace seam {
namespace {

constexpr int kHeight = 10;

} // namespace

FlameGraphOverview::FlameGraphOverview(FlameGraphView* view, QWidget* parent) : QWidget(parent), m_view(view)
{
    setToolTip(tr("Where the zoomed flamegraph is in the whole trace time; click or drag to move"));
    setCursor(Qt::PointingHandCursor);
    connect(view, &FlameGraphView::visibleRangeChanged, this, &FlameGraphOverview::follow);
    hide();
}

QSize FlameGraphOverview::sizeHint() const
{
    return {100, kHeight};
}

QSize FlameGraphOverview::minimumSizeHint() const
{
    return {20, kHeight};
}

void FlameGraphOverview::follow()
{
    const auto& data = m_view->data();
    const bool zoomed =
        data && !data->isEmpty() && m_view->visibleRange().length() > 0 &&
        (m_view->visibleRange().start > data->start() || m_view->visibleRange().end < data->end());
    setVisible(zoomed);
    update();
}

QRectF FlameGraphOverview::windowRect() const
{
    const auto& data = m_view->data();
    if (!data || data->end() <= data->start())
        return {};
    const double scale = width() / double(data->end() - data->start());
    const FlameGraphView::TimeRange v = m_view->visibleRange();
    const double left = std::max(0.0, (v.start - data->start()) * scale);
    const double right = std::min(double(width()), (v.end - data->start()) * scale);
    // At least a few pixels, so a deep zoom is still a visible mark.
    return QRectF(left, 1, std::max(3.0, right - left), height() - 2);
}

void FlameGraphOverview::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.fillRect(rect(), palette().color(QPalette::AlternateBase));
    QColor window = palette().color(QPalette::Highlight);
    painter.setPen(window);
    window.setAlpha(90);
    painter.setBrush(window);
    painter.drawRect(windowRect().adjusted(0.5, 0.5, -0.5, -0.5));
}

void FlameGraphOverview::centreAt(double x)
{
    const auto& data = m_view->data();
    if (!data || width() <= 0)
        return;
    const qint64 length = m_view->visibleRange().length();
    const qint64 middle = data->start() + qint64(x / width() * double(data->end() - data->start()));
    m_view->zoomTo(middle - length / 2, middle - length / 2 + length);
}

void FlameGraphOverview::mousePressEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton)
        centreAt(event->position().x());
}

void FlameGraphOverview::mouseMoveEvent(QMouseEvent* event)
{
    if (event->buttons() & Qt::LeftButton)
        centreAt(event->position().x());
}

} // namespace seam
