#pragma once

#include <QCoreApplication>
#include <QString>
#include <functional>
#include <vector>

class QAreaSeries;
class QChart;
class QChartView;
class QFont;
class QLabel;
class QLineSeries;
class QPalette;
class QScatterSeries;
class QValueAxis;
class QWidget;

namespace seam {

struct ServiceRateSeries;
struct ServiceRatesData;

/// One service of the ServiceRatesPanel: its caption (swatch, name, versions, why it is flagged) on
/// the left, its error-rate and latency charts on the right, sharing the panel's time axis. Rows are
/// reused between selections: fill() only changes the series' points, and restyles only when the
/// service or its flag changed.
class ServiceRateRow
{
    Q_DECLARE_TR_FUNCTIONS(ServiceRateRow)

public:
    static constexpr int kHeight = 104;
    static constexpr int kInfoWidth = 200;

    /// Builds the row's widgets; `painted` runs whenever one of its charts has painted. The widget is
    /// owned by whichever layout it is put in.
    explicit ServiceRateRow(const std::function<void()>& painted);

    QWidget* widget() const { return m_widget; }
    const QString& service() const { return m_service; }
    bool flagged() const { return m_flagged; }
    const QString& reason() const { return m_reason; }
    QChart* errorChart() const { return m_errChart; }
    QChart* latencyChart() const { return m_latChart; }
    /// The shaded incident windows of the error-rate chart (its upper line steps over each window).
    QAreaSeries* errorIncidents() const { return m_errIncidents; }

    /// Shows `series` of `data` (whose window and load moment give the axes).
    void fill(const ServiceRatesData& data, const ServiceRateSeries& series, const QPalette& palette,
              const QFont& font);
    /// Colours for `palette` (light or dark, the service's colour, a tint when flagged), axis labels
    /// in a smaller `font`.
    void style(const QPalette& palette, const QFont& font, const QString& service, bool flagged);

private:
    QWidget* m_widget = nullptr;
    QWidget* m_info = nullptr;
    QLabel* m_swatch = nullptr;
    QLabel* m_title = nullptr;
    QLabel* m_detail = nullptr;
    QChart* m_errChart = nullptr;
    QChart* m_latChart = nullptr;
    QChartView* m_errView = nullptr;
    QChartView* m_latView = nullptr;
    QValueAxis* m_errX = nullptr;
    QValueAxis* m_errY = nullptr;
    QValueAxis* m_latX = nullptr;
    QValueAxis* m_latY = nullptr;
    QLineSeries* m_errRate = nullptr;
    std::vector<QLineSeries*> m_versionRates;
    QLineSeries* m_p50 = nullptr;
    QLineSeries* m_p95 = nullptr;
    QScatterSeries* m_thisRequest = nullptr;
    QScatterSeries* m_thisRequestErrors = nullptr;
    // The load's moment (a line) and its duration (shaded), on both charts.
    QLineSeries* m_errMarker = nullptr;
    QLineSeries* m_latMarker = nullptr;
    QAreaSeries* m_errShade = nullptr;
    QAreaSeries* m_latShade = nullptr;
    // The service's incident windows (detectAnomalies), shaded on both charts.
    QAreaSeries* m_errIncidents = nullptr;
    QAreaSeries* m_latIncidents = nullptr;
    QString m_service;
    bool m_flagged = false;
    QString m_reason;
    // What style() last applied, so that a row showing the same service again is not restyled.
    QString m_styledService;
    int m_styledFlagged = -1;
};

} // namespace seam
