#pragma once
// RED series per backend service from the rollups (entry spans: server, consumer and root spans):
// `seam services`, and the numbers behind the GUI's summary of services.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam {

class Database;
struct RedTotals;

/// Requests, errors and latency quantiles of a step (or of a whole window).
struct RedPoint
{
    std::int64_t t = 0; ///< step start, ns since the epoch (0 for a window's total)
    std::int64_t requests = 0;
    std::int64_t errors = 0;
    double errorRate = 0; ///< 0..1; 0 without requests
    std::int64_t p50 = 0; ///< ns; 0 without requests
    std::int64_t p95 = 0;
    std::int64_t p99 = 0;

    static RedPoint of(std::int64_t t, const RedTotals& totals);
};

struct ServiceSeries
{
    std::string name;
    std::vector<std::string> versions; ///< with rollups in the window, sorted
    RedPoint total;                    ///< the whole window
    std::vector<RedPoint> series;      ///< steps with rollups only, in time order
};

struct ServiceSeriesSet
{
    /// False when there is no window: no rollups and no bounds given, or `to` not after `from`.
    bool hasWindow = false;
    std::int64_t from = 0; ///< [from, to), ns
    std::int64_t to = 0;
    std::int64_t step = 0;               ///< whole rollup buckets
    std::vector<ServiceSeries> services; ///< by name
};

/// A series step covering `spanNs` in about `targetSteps` steps: whole rollup buckets (10 s), at least
/// one, so every bucket falls in exactly one step.
std::int64_t rollupStep(std::int64_t spanNs, std::int64_t targetSteps);

/// RED series of every backend service over [from, to) (each bound defaults to the rollups' own),
/// steps aligned on `from`. stepNs <= 0: automatic (about 120 steps); otherwise rounded down to whole
/// buckets. Versions of one service name are merged. Reads the rollups by their bucket index; throws
/// SqliteError.
ServiceSeriesSet serviceSeries(Database& db, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                               std::int64_t stepNs);

} // namespace seam
