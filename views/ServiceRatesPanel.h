#pragma once

#include "Investigation.h"
#include "ServiceRatesLoader.h"

#include <QElapsedTimer>
#include <QWidget>
#include <memory>
#include <vector>

class QChart;
class QComboBox;
class QLabel;
class QStackedWidget;
class QScrollArea;
class QVBoxLayout;

namespace seam {

class ServiceBaselineCache;
class ServiceRateRow;

/// Error rate and latency (p50, p95) of every backend service the selected page load reached, over a
/// window around the load's moment, from the rollups: small multiples, one row per service, sharing the
/// time axis (minutes from the load), the load marked on every chart, the services that misbehaved
/// around that moment first and flagged with the reason. Observes the Investigation's page load and
/// traces; reads on a worker thread (ServiceRatesLoader). Rows and their charts are reused between
/// selections: only the series' points change.
class ServiceRatesPanel : public QWidget
{
    Q_OBJECT

public:
    ServiceRatesPanel(const QString& cachePath, Investigation* investigation, QWidget* parent = nullptr);
    ~ServiceRatesPanel() override;

    /// Half-width of the window around the load (±5, ±15 or ±60 minutes; default ±15).
    qint64 windowNs() const;
    /// Selects the closest offered window and re-queries.
    void setWindowNs(qint64 ns);

    QLabel* header() const { return m_header; }
    QComboBox* windowSelector() const { return m_window; }
    /// The message shown instead of the charts, empty while charts are shown.
    QString message() const;
    bool isLoading() const;
    /// The data the charts show (nullptr before any).
    const ServiceRatesData* data() const { return m_data.get(); }

    // For tests and the integrator: the shown rows, in order.
    int rowCount() const { return m_shownRows; }
    QString rowService(int row) const;
    bool rowFlagged(int row) const;
    QString rowReason(int row) const;
    QChart* errorChart(int row) const;
    QChart* latencyChart(int row) const;
    QWidget* rowWidget(int row) const;

    /// Milliseconds from the last data's arrival to its charts painted (-1 before any).
    double lastRenderMs() const { return m_lastRenderMs; }

public slots:
    /// Re-reads the rollups of the selection (live data arrived: what was normal is computed again);
    /// the charts stay up meanwhile.
    void refresh();

signals:
    /// New data is in the charts (not yet painted).
    void dataShown();
    /// The charts of the last data have been painted, `ms` after the data arrived.
    void rendered(double ms);

protected:
    void changeEvent(QEvent* event) override;

private:
    void onInvestigationChanged(Investigation::Changes changes);
    /// Loads the selection's charts; the baselines of ranges already seen come from m_baselines.
    void reload();
    void showMessage(const QString& text);
    void showData(std::shared_ptr<const ServiceRatesData> data);
    /// Row `index`, made (and styled) when there are not that many yet.
    ServiceRateRow& row(int index);
    void restyleAll();
    void chartPainted();

    Investigation* m_investigation;
    ServiceRatesLoader* m_loader;
    std::shared_ptr<ServiceBaselineCache> m_baselines; ///< of the data as it is; replaced by refresh()
    QLabel* m_header;
    QComboBox* m_window;
    QStackedWidget* m_stack;
    QLabel* m_message;
    QLabel* m_errorCaption = nullptr; ///< names the time axis's unit, which follows the window's span
    QScrollArea* m_scroll;
    QVBoxLayout* m_rowsLayout;
    std::vector<std::unique_ptr<ServiceRateRow>> m_rows;
    int m_shownRows = 0;
    std::shared_ptr<const ServiceRatesData> m_data;
    QElapsedTimer m_arrival;
    bool m_awaitingPaint = false;
    double m_lastRenderMs = -1;
};

} // namespace seam
