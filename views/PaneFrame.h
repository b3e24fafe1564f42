#pragma once

#include <QPointer>
#include <QWidget>

namespace seam {

/// What a pane's dock holds: the pane's widget inside a thin margin that is drawn in the highlight
/// colour while the keyboard focus is in the pane, so one sees where F6 or Alt+N went and where keys go.
class PaneFrame : public QWidget
{
    Q_OBJECT

public:
    PaneFrame(QWidget* content, QWidget* focusWidget, QWidget* parent = nullptr);

    QWidget* content() const { return m_content; }
    /// Where the keyboard goes when the pane is focused.
    QWidget* focusTarget() const;

    bool isFramed() const { return m_framed; }
    void setFramed(bool framed);

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QWidget* m_content;
    QPointer<QWidget> m_focusWidget;
    bool m_framed = false;
};

} // namespace seam
