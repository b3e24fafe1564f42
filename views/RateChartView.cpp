#include "RateChartView.h"

namespace seam {

RateChartView::RateChartView(QChart* chart, std::function<void()> painted)
    : QChartView(chart), m_painted(std::move(painted))
{
    setRenderHint(QPainter::Antialiasing);
    setFrameShape(QFrame::NoFrame);
    setMinimumWidth(160);
}

void RateChartView::paintEvent(QPaintEvent* event)
{
    QChartView::paintEvent(event);
    if (m_painted)
        m_painted();
}

} // namespace seam
