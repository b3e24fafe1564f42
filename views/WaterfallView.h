#pragma once

#include "WaterfallData.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <QHash>
#include <QSet>
#include <memory>
#include <vector>

namespace seam {

/// The waterfall of one page load on the page's own timeline: one row per resource (bar coloured by
/// type, Resource Timing phases when known), the backend spans of each linked call nested under it
/// (service colours as in the flamegraph, failed spans in red; guessed links dashed), then a row of
/// long tasks and a row of JS errors, with vertical marks for TTFB, FCP, LCP and the load end and a
/// time ruler on top.
///
/// Rows have one height, so a repaint walks only the visible ones and hit-testing is a division.
/// The time axis starts on the page load's own extent (WaterfallData::ownEnd): a call made long after
/// the load would otherwise squeeze it into a corner; calls beyond the window are counted at the right
/// edge of the ruler (a click there shows everything). As in the flamegraph, Ctrl+wheel zooms around
/// the cursor, Shift+wheel pans, the wheel scrolls rows; keys +/- zoom, Left/Right pan, 0 or Escape
/// reset. The critical path (what the load waited for) is a strip under the ruler, coloured by side,
/// and underlines the rows it passes through; it can be hidden.
class WaterfallView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    enum class RowKind
    {
        Resource,
        Span,
        LongTasks,
        Errors,
    };

    /// A mark's name (TTFB, FCP, LCP, Load) where the ruler shows it, in viewport coordinates.
    struct MarkLabel
    {
        QString name;
        QColor colour;
        int x = 0; ///< the mark's line
        QRect rect;
    };

    explicit WaterfallView(QWidget* parent = nullptr);
    ~WaterfallView() override;

    void setData(std::shared_ptr<const WaterfallData> data);
    const std::shared_ptr<const WaterfallData>& data() const { return m_data; }

    int rowCount() const { return int(m_rows.size()); }
    RowKind rowKind(int row) const { return m_rows[std::size_t(row)].kind; }
    int rowHeight() const;
    /// Where row `row` is drawn, in viewport coordinates at the current scroll position.
    QRect rowRect(int row) const;
    /// The row under a viewport position, or -1 (the ruler, below the last row).
    int rowAt(QPoint pos) const;
    int rowOfResource(qint64 resourceId) const;
    /// The first row showing span `spanId`, or -1.
    int rowOfSpan(qint64 spanId) const;
    int selectedRow() const { return m_selected; }
    /// Rows of these resources and spans get a star before their label (they carry a note).
    void setNotedItems(const QSet<qint64>& resources, const QSet<qint64>& spans);
    bool isNoted(int row) const;

    /// The visible time window, ns since the epoch.
    qint64 viewStart() const { return m_viewStart; }
    qint64 viewEnd() const { return m_viewEnd; }
    /// Where time `time` is drawn (viewport x).
    double xForTime(qint64 time) const { return xOf(time); }
    std::vector<MarkLabel> markLabels() const;
    /// Calls that start after the visible window, and the ruler's note of them ("" when none).
    int laterCount() const;
    QString laterText() const;
    QRect laterIndicatorRect() const;
    bool isCriticalPathShown() const { return m_showCritical; }
    /// The critical-path strip under the ruler (empty when hidden or unknown).
    QRect criticalStripRect() const;
    /// Rows the critical path passes through (its segments' resources and spans).
    bool isRowOnCriticalPath(int row) const;

public slots:
    /// Selects a span chosen elsewhere: no spanSelected() echo. A selected call whose entry span it is
    /// stays selected.
    void selectSpan(qint64 spanId);
    /// Selects a resource chosen elsewhere (0: clears a selected resource row): no echo.
    void selectResource(qint64 resourceId);
    void zoomTo(qint64 start, qint64 end);
    void zoomIn();
    void zoomOut();
    /// Back to the page load's own extent.
    void resetZoom();
    /// Everything, later calls included.
    void showAll();
    void setCriticalPathShown(bool shown);

signals:
    /// A click on a call or asset; traceRowId is 0 when it reached no known backend trace.
    void resourceSelected(qint64 resourceId, qint64 traceRowId);
    void spanSelected(qint64 spanId);
    void visibleRangeChanged(qint64 start, qint64 end);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;

private:
    struct Row
    {
        RowKind kind;
        int resource = -1; // index into resources (Resource, Span)
        int span = -1;     // index into that resource's spans (Span)
    };

    void rebuildRows();
    void updateScrollBar();
    void updateColours();
    void select(int row, bool notify);
    void ensureVisible(int row);
    int rulerHeight() const;
    int labelWidth() const;
    QRect timelineRect() const; // the x extent of the time axis (full viewport height)
    double xOf(qint64 time) const;
    qint64 timeAt(double x) const;
    void zoomAround(double x, double factor);
    bool axisKey(QKeyEvent* event);
    int markLaneCount() const;
    QString criticalToolTip(int x) const;

    void paintRuler(QPainter& painter);
    void paintMarks(QPainter& painter);
    void paintRow(QPainter& painter, int row, const QRect& rect);
    void paintBar(QPainter& painter, const Row& row, const QRect& bar);
    void paintResource(QPainter& painter, const WaterfallResource& r, const QRect& rect);
    void paintSpan(QPainter& painter, const WaterfallResource& r, const WaterfallSpan& s, const QRect& rect);
    void paintEvents(QPainter& painter, const Row& row, const QRect& rect);
    QString labelOf(const Row& row) const;
    QString toolTipFor(int row, int x) const;
    QColor serviceColour(const QString& service) const;

    std::shared_ptr<const WaterfallData> m_data;
    std::vector<Row> m_rows;
    std::vector<std::vector<int>> m_criticalByRow; // per row: indexes into criticalPath
    qint64 m_viewStart = 0;
    qint64 m_viewEnd = 1;
    bool m_showCritical = true;
    int m_selected = -1;
    QString m_pageHost; // resources on the page's own host are labelled by path only
    mutable QHash<QString, QColor> m_serviceColours;
    bool m_darkPalette = false;
    QSet<qint64> m_notedResources, m_notedSpans;
};

} // namespace seam
