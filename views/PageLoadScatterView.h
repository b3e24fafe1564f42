#pragma once

#include "Investigation.h"
#include "PageLoadScatterData.h"

#include <QChartView>
#include <QSet>
#include <memory>

class QDateTimeAxis;
class QGraphicsRectItem;
class QLogValueAxis;
class QScatterSeries;

namespace seam {

class PageLoadScatterLoader;

/// The page loads as a scatter chart: load time (log scale) over wall time, loads with errors red, loads
/// slower than the 95th percentile orange, the rest blue; the selected page load ringed, the
/// Investigation's time range shaded. It reads the points of the page loads matching the
/// Investigation's filter off the GUI thread, decimated to PageLoadScatterData::kDefaultMaxPoints (the
/// title says how many are shown of how many).
///
/// Mouse: drag horizontally to brush a time range (Investigation::setTimeRange), click on or near a
/// point to select its page load, hover for a tooltip; Escape or a double-click clears the range.
/// Points are found by binary search on start time within a few pixels, never by scanning every point.
class PageLoadScatterView : public QChartView
{
    Q_OBJECT

public:
    /// Pixels within which a click or hover picks a point.
    static constexpr int kPickRadius = 6;

    PageLoadScatterView(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~PageLoadScatterView() override;

    /// The points shown; nullptr until the first load finished.
    const PageLoadScatterData* data() const { return m_data.get(); }
    bool isLoading() const;

    /// Where a page load starting at `startNs` lasting `durationNs` is drawn, in viewport coordinates.
    QPointF positionOf(qint64 startNs, qint64 durationNs) const;
    /// The time (ns since the epoch) at viewport x.
    qint64 timeAt(qreal x) const;
    /// The plot area in viewport coordinates.
    QRectF plotRect() const;
    /// The page load drawn nearest to `pos` (viewport coordinates) within kPickRadius, or 0.
    qint64 pageLoadAt(QPointF pos) const;
    /// The series (for tests and the integrator's legend tweaks).
    QScatterSeries* okSeries() const { return m_ok; }
    QScatterSeries* slowSeries() const { return m_slow; }
    QScatterSeries* errorSeries() const { return m_errors; }
    /// The glyphs over page loads with a note (NotesPanel::notedPageLoadsChanged).
    QScatterSeries* notedSeries() const { return m_noted; }

public slots:
    /// Queries the points again (e.g. after an import committed more page loads).
    void refresh();
    /// Marks these page loads (those with notes) with a small glyph where they are drawn.
    void setNotedPageLoads(const QSet<qint64>& pageLoads);

signals:
    /// New points are shown.
    void loaded();

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;

private:
    void investigationChanged(Investigation::Changes changes);
    void setData(std::shared_ptr<const PageLoadScatterData> data);
    void applyPalette();
    void updateTitle();
    void updateAxes();
    void updateShading();
    void updateSelected();
    void updateNoted();
    /// The span [x0, x1] (viewport) clipped to the plot area, drawn as the shading.
    void shade(qreal x0, qreal x1);
    QPointF toViewport(QPointF chartValue) const;
    /// A load time on the y axis: in ms or s (m_yUnitNs), at least 1 ms (the log axis has no zero).
    double yValue(qint64 durationNs) const;
    /// Index into m_data->points of the point nearest `pos` within kPickRadius, or -1.
    int pointAt(QPointF pos) const;
    void showSelected(const PageLoadScatterPoint& point);

    Investigation* m_investigation;
    PageLoadScatterLoader* m_loader;
    std::shared_ptr<const PageLoadScatterData> m_data;
    QString m_error;

    QScatterSeries* m_ok;
    QScatterSeries* m_slow;
    QScatterSeries* m_errors;
    QScatterSeries* m_selected;
    QScatterSeries* m_noted;
    QSet<qint64> m_notedIds;
    QDateTimeAxis* m_x;
    QLogValueAxis* m_y;
    QGraphicsRectItem* m_shading;
    double m_yUnitNs = 1e6; // seconds once loads take more than a second: no "10000" labels

    bool m_pressed = false;  // left button down in the plot area
    bool m_brushing = false; // moved far enough to be a drag
    QPointF m_pressPos;
};

} // namespace seam
