#pragma once

#include "IncidentsData.h"

#include <QWidget>
#include <memory>
#include <optional>

namespace seam {

/// The incident windows on the investigation's time axis: one lane per service (in the list's order),
/// each window a bar coloured by what went wrong (errors red, latency orange, traffic blue), the
/// open incident outlined. A custom painter over the rows: a handful of bars, no layout to cache.
class IncidentTimeline : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kLaneHeight = 13;
    static constexpr int kLabelWidth = 110;
    static constexpr int kAxisHeight = 16;
    /// Lanes the incidents panel shows before the timeline scrolls (1366x768 keeps room for the list).
    static constexpr int kVisibleLanes = 6;

    explicit IncidentTimeline(QWidget* parent = nullptr);

    void setData(std::shared_ptr<const IncidentsData> data);
    /// The row drawn outlined (-1: none).
    void setCurrentRow(int row);
    int currentRow() const { return m_current; }
    /// The investigation's brushed range, drawn as a band (nullopt: none).
    void setRange(std::optional<std::pair<qint64, qint64>> range);

    /// The bar of `row` in widget coordinates (empty when the row is not drawn): tests click it.
    QRect barRect(int row) const;
    int laneCount() const { return int(m_lanes.size()); }
    /// The y of lane `lane`'s top (lanes sit under the time axis).
    static int laneTop(int lane);
    /// The lane at `y` (-1: none).
    int laneAt(int y) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    void rowClicked(int row);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    double xOf(qint64 t) const;

    std::shared_ptr<const IncidentsData> m_data;
    std::vector<std::string> m_lanes; ///< service per lane
    std::vector<int> m_laneOfRow;
    int m_current = -1;
    std::optional<std::pair<qint64, qint64>> m_range;
};

} // namespace seam
