#pragma once

#include <QWidget>

namespace seam {

class FlameGraphView;

/// A thin strip under the flamegraph while it is zoomed: the whole time span of the graph with the
/// visible part drawn as a window, so one knows where in the traces one is. Clicking or dragging on it
/// moves the window (same zoom); it hides when everything is visible.
class FlameGraphOverview : public QWidget
{
    Q_OBJECT

public:
    explicit FlameGraphOverview(FlameGraphView* view, QWidget* parent = nullptr);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    /// The visible window, in this widget's coordinates.
    QRectF windowRect() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;

private:
    void follow();
    void centreAt(double x);

    FlameGraphView* m_view;
};

} // namespace seam
