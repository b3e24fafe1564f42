#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace seam {

class Database;
class ServiceBaselineCache;

/// What the service-rate charts need to know about one selection: the page load (its moment is the
/// centre of the window), the backend traces it caused (their services are the ones charted) and the
/// half-width of the window.
struct ServiceRatesRequest
{
    qint64 pageLoadId = 0;
    std::vector<qint64> traces; ///< traces.id
    qint64 windowNs = 15LL * 60 * 1'000'000'000;
    /// Incident windows and normal values already computed for the baseline range (the panel's, kept
    /// until the data changes); null: computed for this request alone (the CLI, tests).
    std::shared_ptr<ServiceBaselineCache> baselines;

    friend bool operator==(const ServiceRatesRequest&, const ServiceRatesRequest&) = default;
};

/// One step of a service's series: rollup buckets merged over [t, t + step).
struct ServiceRatePoint
{
    qint64 t = 0; ///< step start, ns since the epoch
    qint64 requests = 0;
    qint64 errors = 0;
    double errorRate = 0; ///< 0..1; 0 without requests
    qint64 p50 = 0;       ///< ns; 0 without requests
    qint64 p95 = 0;
};

/// One version of a service seen in the window, with its own error-rate series (same steps as the
/// service's) so that a bad deploy can be told apart from the rest of the fleet.
struct ServiceRateVersion
{
    QString version;
    qint64 requests = 0;
    qint64 errors = 0;
    std::vector<double> errorRate; ///< per step; < 0 where the version had no requests
    double score = 0;
};

/// An entry span of this service in the selected traces: "this request" on the latency chart.
struct ServiceRateSpan
{
    qint64 start = 0; ///< ns since the epoch
    qint64 duration = 0;
    bool error = false;
};

/// Requests, errors and latency of a window part (around the load, or what is normal).
struct ServiceRateStats
{
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 p95 = 0;
    double errorRate() const { return requests ? double(errors) / double(requests) : 0.0; }
};

/// An incident window of the service (detectAnomalies), clipped to nothing: the chart clips it.
struct ServiceRateIncident
{
    qint64 from = 0; ///< ns since the epoch
    qint64 to = 0;
};

struct ServiceRateSeries
{
    QString name;
    QStringList versions;                       ///< versions with requests in the window, sorted
    std::vector<ServiceRatePoint> points;       ///< one per step, in time order, empty steps included
    std::vector<ServiceRateVersion> perVersion; ///< only when more than one version is in the window
    std::vector<ServiceRateSpan> spans;         ///< this request's entry spans of the service
    /// The service's incident windows overlapping the chart, shaded on both of its charts.
    std::vector<ServiceRateIncident> incidents;
    ServiceRateStats around; ///< the minutes around the load
    /// What is normal for the service: its requests outside its incident windows over the baseline
    /// range (NormalBaseline), never the other side of the clicked moment, which during an incident is
    /// the incident itself.
    ServiceRateStats normal;
    bool normalEnough = false; ///< enough requests outside the incidents to compare with
    /// How much worse the service did around the load than normally; >= kMisbehaving flags it.
    double score = 0;
    bool misbehaving = false;
    QString reason; ///< one line: "error rate 24% vs 0.3% normally", "p95 3.1 s vs 410 ms normally"
    /// A misbehaving service this one calls in the selected traces (its misbehaviour is likely inherited).
    QString blamedOn;
};

/// Per-service error rate and latency (p50, p95) from the rollups over a window around a page load,
/// the services that misbehaved around its moment first. Built on a worker thread (ServiceRatesLoader).
struct ServiceRatesData
{
    /// The volume guards of detectAnomalies: fewer requests than this around the load, or fewer errors
    /// for an error-rate verdict, or fewer requests normally, is not evidence of anything.
    static const qint64 kMinAroundRequests;
    static const qint64 kMinErrors;
    static const qint64 kMinNormalRequests;
    static constexpr double kMisbehaving = 1.0;
    /// The minutes around the load compared with normal: [start - kAroundNs, end + kAroundNs).
    static constexpr qint64 kAroundNs = 2LL * 60 * 1'000'000'000;
    static constexpr int kTargetSteps = 60;
    /// The narrowest window shown (a few rollup buckets), however short the data.
    static constexpr qint64 kMinSpanNs = 60LL * 1'000'000'000;
    /// The baseline range is this grid's cell around the load, widened by kBaselineMarginNs each side:
    /// loads moments apart share it, so their sentences compare with the same normal.
    static constexpr qint64 kBaselineGridNs = 3600LL * 1'000'000'000;
    static constexpr qint64 kBaselineMarginNs = 3LL * 3600 * 1'000'000'000;

    qint64 pageLoadId = 0;
    bool pageLoadFound = false;
    QString route;
    qint64 loadStart = 0; ///< page_loads.start_ns
    qint64 loadDuration = 0;
    qint64 from = 0; ///< window [from, to), aligned to the step, within the data's extent
    qint64 to = 0;
    qint64 step = 0;
    qint64 windowNs = 0;   ///< the half-width asked for
    qint64 extentFrom = 0; ///< the charted services' rollups and the load, [extentFrom, extentTo)
    qint64 extentTo = 0;
    qint64 aroundFrom = 0; ///< the part compared with normal
    qint64 aroundTo = 0;
    qint64 baselineFrom = 0; ///< the range NormalBaseline and the incident windows were read over
    qint64 baselineTo = 0;
    std::vector<ServiceRateSeries> services; ///< highest score first, then by name

    /// Reads everything from `db`: the page load row, the distinct services of the traces' spans (their
    /// primary key), for each service version the rollups' primary key range, and the incident windows
    /// of the baseline range (detectAnomalies without origin ranking). Throws SqliteError.
    static ServiceRatesData load(Database& db, const ServiceRatesRequest& request);

    /// Puts a misbehaving service after the misbehaving services it calls (by `callees`, from the selected
    /// traces: caller name -> callee names), keeping the score order otherwise; `services` sorted by score.
    static void orderDownstreamFirst(std::vector<ServiceRateSeries>& services,
                                     const std::map<std::string, std::set<std::string>>& callees);
};

} // namespace seam
