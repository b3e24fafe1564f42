#pragma once

// What is normal for a service: its RED values outside its incident windows. Comparisons ("p95 3.9 s
// vs 285 ms normally") use this, never the other side of a clicked moment, which during an incident
// is the incident itself.

#include "Ids.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace seam {

class Database;

struct NormalBaseline
{
    TimeNs from = 0; ///< the range looked at, incident windows cut out
    TimeNs to = 0;
    TimeNs excludedNs = 0; ///< how much of the range the incident windows took
    std::int64_t requests = 0;
    std::int64_t errors = 0;
    double errorRate = 0; ///< errors / requests; 0 without requests
    std::int64_t p50 = 0; ///< ns, from the merged rollup histograms (~6%)
    std::int64_t p95 = 0;
    std::int64_t p99 = 0;
    /// At least `minRequests` requests outside the windows: a baseline worth comparing with.
    bool enough = false;
};

struct BaselineQuery
{
    std::string service;
    std::string version;   ///< empty: every version
    std::string operation; ///< empty: the service's entry spans (rollups' operation 0)
    TimeNs from = 0;
    TimeNs to = 0;
    std::int64_t minRequests = 20;
};

/// The service's values over [from, to) without the `exclude` windows (merged as needed), from the
/// rollups' primary key: cost grows with the range, not the cache. Throws SqliteError.
NormalBaseline normalBaseline(Database& db, const BaselineQuery& query,
                              const std::vector<std::pair<TimeNs, TimeNs>>& exclude);

/// The same, excluding the service's own incident windows found by detectAnomalies over the range.
NormalBaseline normalBaselineOutsideIncidents(Database& db, const BaselineQuery& query);

} // namespace seam
