#pragma once

#include <QString>
#include <QStringList>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace seam {

class Database;

/// What the service-rate charts need to know about one selection: the page load (its moment is the
/// centre of the window), the backend traces it caused (their services are the ones charted) and the
/// half-width of the window.
struct ServiceRatesRequest
{
    qint64 pageLoadId = 0;
    std::vector<qint64> traces; ///< traces.id
    qint64 windowNs = 15LL * 60 * 1'000'000'000;

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

/// Requests, errors and latency of a window part (around the load, or the baseline).
struct ServiceRateStats
{
    qint64 requests = 0;
    qint64 errors = 0;
    qint64 p95 = 0;
    double errorRate() const { return requests ? double(errors) / double(requests) : 0.0; }
};

struct ServiceRateSeries
{
    QString name;
    QStringList versions;                       ///< versions with requests in the window, sorted
    std::vector<ServiceRatePoint> points;       ///< one per step, in time order, empty steps included
    std::vector<ServiceRateVersion> perVersion; ///< only when more than one version is in the window
    std::vector<ServiceRateSpan> spans;         ///< this request's entry spans of the service
    ServiceRateStats around;                    ///< the minutes around the load
    /// What the minutes around the load are compared with: the side of the window, before or after them,
    /// against which the service looks worst (the calmer one), or the whole rest of the window when
    /// neither side alone has kMinRequests.
    ServiceRateStats baseline;
    QString baselineWhen; ///< "before", "after" or "in the rest of the window", as the reason says
    /// How much worse the service did around the load than in the baseline; >= kMisbehaving flags it.
    double score = 0;
    bool misbehaving = false;
    QString reason; ///< one line: "error rate 24% vs 0.3% before", "p95 3.1 s vs 410 ms before"
    /// A misbehaving service this one calls in the selected traces (its misbehaviour is likely inherited).
    QString blamedOn;
};

/// Per-service error rate and latency (p50, p95) from the rollups over a window around a page load,
/// the services that misbehaved around its moment first. Built on a worker thread (ServiceRatesLoader).
struct ServiceRatesData
{
    /// Fewer requests than this around the load (or in the baseline) is not evidence of anything.
    static constexpr qint64 kMinRequests = 20;
    static constexpr double kMisbehaving = 1.0;
    /// The minutes around the load compared with the rest: [start - kAroundNs, end + kAroundNs).
    static constexpr qint64 kAroundNs = 2LL * 60 * 1'000'000'000;
    static constexpr int kTargetSteps = 60;

    qint64 pageLoadId = 0;
    bool pageLoadFound = false;
    QString route;
    qint64 loadStart = 0; ///< page_loads.start_ns
    qint64 loadDuration = 0;
    qint64 from = 0; ///< window [from, to), aligned to the step
    qint64 to = 0;
    qint64 step = 0;
    qint64 windowNs = 0;
    qint64 aroundFrom = 0; ///< the part compared with the baseline
    qint64 aroundTo = 0;
    std::vector<ServiceRateSeries> services; ///< highest score first, then by name

    /// Reads everything from `db`: the page load row, the distinct services of the traces' spans (their
    /// primary key), then for each service version the rollups' primary key range. Throws SqliteError.
    static ServiceRatesData load(Database& db, const ServiceRatesRequest& request);

    /// Puts a misbehaving service after the misbehaving services it calls (by `callees`, from the selected
    /// traces: caller name -> callee names), keeping the score order otherwise; `services` sorted by score.
    static void orderDownstreamFirst(std::vector<ServiceRateSeries>& services,
                                     const std::map<std::string, std::set<std::string>>& callees);
};

} // namespace seam
