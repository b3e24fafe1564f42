#pragma once

#include "FlameColourSource.h"
#include "FlameGraphData.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <memory>
#include <vector>

namespace seam {

/// Time-based flamegraph (icicle: roots on top) of one or several backend traces, coloured by a
/// FlameColourSource (by service unless told otherwise), failed spans outlined in red (merged blocks
/// that hold one: underlined), frames the source marks with a corner triangle. It paints a precomputed
/// FlameGraphData and never lays out anything itself.
///
/// A repaint visits only the rows and frames that intersect the exposed rect: each row is entered by
/// binary search, and a run of frames narrower than a few pixels is drawn as one block whose extent
/// is skipped by binary search too (as Tracy does), so the cost follows the pixels, not the spans.
///
/// Mouse, as in Perfetto and speedscope: click selects, double-click zooms to a frame, drag pans,
/// Ctrl+wheel zooms around the cursor, wheel scrolls rows, Shift+wheel (or a horizontal wheel) pans. Keys: Up
/// parent, Down first child, Left/Right the neighbours in the row, +/- zoom, Escape (or reset()) shows
/// everything.
class FlameGraphView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    struct TimeRange
    {
        qint64 start = 0; // ns
        qint64 end = 0;
        qint64 length() const { return end - start; }
        friend bool operator==(const TimeRange&, const TimeRange&) = default;
    };

    explicit FlameGraphView(QWidget* parent = nullptr);
    ~FlameGraphView() override;

    /// Shows `data` whole; the selection is cleared, the search text kept and applied to it.
    void setData(std::shared_ptr<const FlameGraphData> data);
    const std::shared_ptr<const FlameGraphData>& data() const { return m_data; }
    /// Where box colours come from; nullptr restores colouring by service.
    void setColourSource(std::shared_ptr<FlameColourSource> source);
    const std::shared_ptr<FlameColourSource>& colourSource() const { return m_colourSource; }

    TimeRange visibleRange() const { return m_view; }
    /// Span id of the selected frame, 0 when none (0 is never a valid span id).
    qint64 selectedSpan() const;
    int selectedFrame() const { return m_selected; }
    int searchMatchCount() const { return m_matchPrefix.empty() ? 0 : m_matchPrefix.back(); }
    /// Frames of the marked spans in the current data (setMarkedSpans).
    int markedFrameCount() const { return m_markedPrefix.empty() ? 0 : m_markedPrefix.back(); }
    bool isFrameMarked(int index) const { return isMarked(index, index + 1); }

    int rowHeight() const;
    /// Where frame `index` is drawn, in viewport coordinates at the current zoom and scroll.
    QRectF frameRect(int index) const;
    /// The frame under a viewport position (a couple of pixels of slack), or -1.
    int frameAtPosition(QPoint pos) const;

public slots:
    /// Zooms out to everything and scrolls to the top.
    void reset();
    void zoomTo(qint64 start, qint64 end);
    void zoomIn();
    void zoomOut();
    /// Frames whose service or operation contains `text` keep their colour; the others are dimmed.
    void setSearchText(const QString& text);
    /// Selects a span chosen elsewhere (another view): no frameSelected() echo.
    void selectSpan(qint64 spanId);
    /// Selects frame `index` and scrolls it into view, as a click would (frameSelected() is emitted):
    /// the search's next / previous match.
    void showFrame(int index);
    /// Marks spans (the page load's critical path) with a stripe along their top edge; kept across
    /// setData() and matched by span id, so it may arrive before or after the graph. Empty: none.
    void setMarkedSpans(std::vector<qint64> spanIds);

signals:
    /// The user selected a frame (click or keys).
    void frameSelected(qint64 spanId);
    void visibleRangeChanged(qint64 start, qint64 end);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    struct Block;
    double nsPerPixel() const;
    double xOf(qint64 time) const;
    qint64 timeAt(double x) const;
    void zoomAround(double x, double factor);
    void setView(qint64 start, qint64 end);
    void select(int index, bool notify);
    void ensureVisible(int index);
    void updateScrollBar();
    void updateColours();
    void paintRow(QPainter& painter, int row, int y, qint64 from, qint64 to);
    void paintBlock(QPainter& painter, const Block& block);
    bool matches(int begin, int end) const;
    bool isMarked(int begin, int end) const;
    void updateMarks();
    QString toolTipFor(int index) const;

    std::shared_ptr<const FlameGraphData> m_data;
    TimeRange m_view;
    int m_selected = -1;

    QString m_searchText;
    std::vector<std::int32_t> m_matchPrefix;  // frameCount() + 1 running match counts; empty = no search
    std::vector<qint64> m_markedSpans;        // sorted span ids
    std::vector<std::int32_t> m_markedPrefix; // frameCount() + 1 running marked counts; empty = none

    std::shared_ptr<FlameColourSource> m_colourSource;

    bool m_pressed = false;
    bool m_dragging = false;
    QPoint m_pressPos;
    TimeRange m_pressView;
    int m_pressScroll = 0;
};

} // namespace seam
