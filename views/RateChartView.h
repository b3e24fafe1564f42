#pragma once

#include <QChartView>
#include <functional>

namespace seam {

/// A chart view that reports when it has painted, so the service-rates panel can measure the time
/// from data arrival to pixels.
class RateChartView : public QChartView
{
public:
    RateChartView(QChart* chart, std::function<void()> painted);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::function<void()> m_painted;
};

} // namespace seam
