#pragma once

#include "SessionJourney.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <QRect>
#include <memory>
#include <vector>

namespace seam {

/// A session's journey as one horizontal strip: each page view a segment (its width its share of the
/// session's time, or enough to read it and hold its events), its route and load time written on it,
/// slow loads and loads with errors marked; the actions, failed requests and JS errors that happened
/// on it as glyphs under it, in time order. The selected page load is highlighted and scrolled into
/// view. Everything is painted: a session of thousands of steps is one widget, a repaint walks the
/// steps in the visible range only.
///
/// A click on a step, or Left / Right / Home / End to move between steps, activates it: the view emits
/// stepActivated() and the owner turns that into a selection. setSelection() moves the highlight
/// without an echo.
class SessionJourneyView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    explicit SessionJourneyView(QWidget* parent = nullptr);
    ~SessionJourneyView() override;

    void setJourney(std::shared_ptr<const SessionJourney> journey);
    const std::shared_ptr<const SessionJourney>& journey() const { return m_journey; }

    int stepCount() const { return m_journey ? int(m_journey->steps.size()) : 0; }
    /// Where step `index` is drawn (a page view's segment, an event's glyph), in viewport coordinates
    /// at the current scroll position.
    QRect stepRect(int index) const;
    /// The step under a viewport position (a glyph before the segment it lies on), or -1.
    int stepAt(QPoint pos) const;
    /// The step the keyboard moves from: the last one activated or the selection's.
    int currentStep() const { return m_current; }
    /// page_loads.id of the highlighted page view, 0 when none.
    qint64 highlightedPageLoad() const { return m_highlightedPageLoad; }
    /// The text of the tooltip shown over step `index`.
    QString toolTipFor(int index) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    /// The marker of one kind of step as the strip draws it (`variant`: a frustrated action, a request
    /// that got no response), for the legend under the strip.
    QPixmap legendGlyph(JourneyStep::Kind kind, bool variant = false);

public slots:
    /// Highlights the page view of `pageLoadId` and, when `resourceId` is one of its failed requests,
    /// that step, scrolling them into view; no stepActivated() echo. A step already current that
    /// stands for this selection (an action or JS error of the page load) stays current.
    void setSelection(qint64 pageLoadId, qint64 resourceId);

signals:
    /// A step was clicked or reached with the keyboard: its page load and, for a failed request, its
    /// resource (else 0).
    void stepActivated(qint64 pageLoadId, qint64 resourceId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    void relayout();
    void updateScrollBar();
    void updateColours();
    void activate(int index);
    void ensureVisible(int index);
    int glyphSize() const;
    int boxHeight() const;
    int contentHeight() const;
    QString omittedText(bool before) const;

    void paintPageView(QPainter& painter, int index, const QRect& box);
    void paintGlyph(QPainter& painter, const JourneyStep& step, const QRect& rect);

    std::shared_ptr<const SessionJourney> m_journey;
    std::vector<QRect> m_rects; // per step, in content coordinates (x from the strip's left)
    int m_contentWidth = 0;
    int m_current = -1;
    qint64 m_highlightedPageLoad = 0;
    qint64 m_highlightedResource = 0;

    bool m_darkPalette = false;
    QColor m_error;
    QColor m_slow;
    QColor m_frustration;
    QColor m_action;
};

} // namespace seam
