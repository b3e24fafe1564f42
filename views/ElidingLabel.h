#pragma once

#include <QLabel>

namespace seam {

/// A one-line plain-text label that gives way: it asks for little width and, when narrower than its
/// text, draws the text cut with "…" and shows the whole of it as a tooltip. Headers and captions use
/// it so that a long route or caption never sets the window's minimum width (a laptop screen).
class ElidingLabel : public QLabel
{
    Q_OBJECT

public:
    explicit ElidingLabel(const QString& text = {}, QWidget* parent = nullptr);

    QSize minimumSizeHint() const override;
    /// True when the text does not fit and is drawn cut.
    bool isElided() const;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
};

} // namespace seam
