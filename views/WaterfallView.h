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
/// The time axis always fits the width: the flamegraph is where one zooms.
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

public slots:
    /// Selects a span chosen elsewhere: no spanSelected() echo. A selected call whose entry span it is
    /// stays selected.
    void selectSpan(qint64 spanId);
    /// Selects a resource chosen elsewhere (0: clears a selected resource row): no echo.
    void selectResource(qint64 resourceId);

signals:
    /// A click on a call or asset; traceRowId is 0 when it reached no known backend trace.
    void resourceSelected(qint64 resourceId, qint64 traceRowId);
    void spanSelected(qint64 spanId);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void changeEvent(QEvent* event) override;
    bool viewportEvent(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

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

    void paintRuler(QPainter& painter);
    void paintMarks(QPainter& painter);
    void paintRow(QPainter& painter, int row, const QRect& rect);
    void paintResource(QPainter& painter, const WaterfallResource& r, const QRect& rect);
    void paintSpan(QPainter& painter, const WaterfallResource& r, const WaterfallSpan& s, const QRect& rect);
    void paintEvents(QPainter& painter, const Row& row, const QRect& rect);
    QString labelOf(const Row& row) const;
    QString toolTipFor(int row, int x) const;
    QColor serviceColour(const QString& service) const;

    std::shared_ptr<const WaterfallData> m_data;
    std::vector<Row> m_rows;
    int m_selected = -1;
    QString m_pageHost; // resources on the page's own host are labelled by path only
    mutable QHash<QString, QColor> m_serviceColours;
    bool m_darkPalette = false;
    QSet<qint64> m_notedResources, m_notedSpans;
};

} // namespace seam
