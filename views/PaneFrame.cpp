#include "PaneFrame.h"

#include <QPainter>
#include <QVBoxLayout>

namespace seam {
namespace {

// Wide enough to see from across the desk, narrow enough not to cost a laptop its pixels.
constexpr int kFrameWidth = 2;

} // namespace

PaneFrame::PaneFrame(QWidget* content, QWidget* focusWidget, QWidget* parent)
    : QWidget(parent), m_content(content), m_focusWidget(focusWidget)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(kFrameWidth, kFrameWidth, kFrameWidth, kFrameWidth);
    layout->setSpacing(0);
    layout->addWidget(content);
    // A pane without a focusable widget (a chart) still takes the focus itself, so F6 never skips it.
    setFocusPolicy(Qt::ClickFocus);
}

QWidget* PaneFrame::focusTarget() const
{
    if (m_focusWidget && m_focusWidget->isVisibleTo(const_cast<PaneFrame*>(this)))
        return m_focusWidget;
    // The first widget of the pane, in Tab order, that takes Tab focus.
    for (QWidget* w = m_content; w; w = w->nextInFocusChain()) {
        if (w != m_content && !m_content->isAncestorOf(w))
            break;
        if ((w->focusPolicy() & Qt::TabFocus) && w->isEnabled() && w->isVisibleTo(m_content))
            return w;
    }
    return const_cast<PaneFrame*>(this);
}

void PaneFrame::setFramed(bool framed)
{
    if (m_framed == framed)
        return;
    m_framed = framed;
    update();
}

void PaneFrame::paintEvent(QPaintEvent*)
{
    if (!m_framed)
        return;
    QPainter painter(this);
    QPen pen(palette().color(QPalette::Highlight), kFrameWidth);
    pen.setJoinStyle(Qt::MiterJoin);
    painter.setPen(pen);
    painter.drawRect(QRectF(rect()).adjusted(kFrameWidth / 2.0, kFrameWidth / 2.0, -kFrameWidth / 2.0,
                                             -kFrameWidth / 2.0));
}

} // namespace seam
