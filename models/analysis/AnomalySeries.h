#pragma once

// The rollups of one service as the anomaly detector reads them: dense grids of rollup buckets per
// service row (a version), and RED values per step of whole buckets.

#include "Anomalies.h"
#include "Ids.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace seam {

class Statement;

/// A range of rollup buckets: [from, from + count * bucket).
struct GridRange
{
    TimeNs from = 0;
    TimeNs bucket = 0;
    std::size_t count = 0;

    TimeNs to() const { return from + TimeNs(count) * bucket; }
};

/// One `services` row's entry-span rollups (operation 0) on a dense grid; empty buckets are zero.
struct RollupGrid
{
    std::vector<std::int64_t> requests;
    std::vector<std::int64_t> errors;
    std::vector<std::string> histograms; ///< LatencyHistogram encoding, empty when no requests

    /// Reads the rollups through `rollups` (service_id ?1, bucket_ns in [?2, ?3)), the primary key.
    static RollupGrid load(Statement& rollups, std::int64_t serviceId, const GridRange& range);
    bool empty() const;
};

/// RED values of a series (the sum of some grids) per step of `bucketsPerStep` buckets.
struct StepValues
{
    TimeNs from = 0;
    TimeNs step = 0;
    int bucketsPerStep = 1;
    std::vector<std::int64_t> requests;
    std::vector<std::int64_t> errors;
    std::vector<double> p50; ///< ns; 0 without requests
    std::vector<double> p95;
    /// Each step's latency distribution, sparse: (LatencyHistogram bucket, count).
    std::vector<std::vector<std::pair<std::uint16_t, std::uint32_t>>> latency;

    std::size_t size() const { return requests.size(); }
    /// The metric's value at step i in its unit: fraction, ns, or requests per second.
    double value(AnomalyMetric metric, std::size_t i) const;
    /// Requests of step i slower than `ns`.
    std::int64_t slowerThan(std::size_t i, double ns) const;

    static StepValues compute(const std::vector<const RollupGrid*>& grids, const GridRange& range,
                              int bucketsPerStep);
};

} // namespace seam
