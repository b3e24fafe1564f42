#pragma once

// Push-down of the service charts: the RED rollups of given ranges computed by ClickHouse (the same
// aggregation a pull runs for its window) and written into the investigation as rollups, with the
// ranges recorded as covered, so a chart wider than the pulled window gets the store's figures, the
// investigation reopens offline with them, and a second look asks nothing. No span is transferred.

#include "ClickHousePull.h"
#include "ClickHouseSource.h"
#include "RollupCoverage.h"

#include <QString>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace seam {
class BatchSink;
class StoreWriter;
} // namespace seam

namespace seam::remote {

struct RollupPullReport
{
    std::vector<CoveredRange> counted; ///< ranges whose rollups arrived whole (record these as covered)
    std::int64_t cells = 0;
    std::int64_t requests = 0;
    std::int64_t bytes = 0;     ///< response bodies, decoded
    std::int64_t wireBytes = 0; ///< responses as they travelled (gzip bodies + headers)
    std::int64_t bytesSent = 0;
    QString error; ///< the first failure; ranges fetched before it are kept
    bool cancelled = false;
    double seconds = 0;
};

/// Longest range one query aggregates: bounds the answer (cells per service and operation).
inline constexpr std::int64_t kRollupChunkNs = std::int64_t(6) * 3600 * 1'000'000'000;

/// Fetches the rollups of `ranges` (whole buckets; uncoveredRanges gives them) into `sink`, a chunk of
/// at most kRollupChunkNs per query. `progress` gets the fraction of the ranges' time done.
RollupPullReport pullClickHouseRollups(const ClickHouseSource& source,
                                       const std::vector<CoveredRange>& ranges, BatchSink& sink,
                                       const std::atomic<bool>* cancel = nullptr, int timeoutSeconds = 60,
                                       const std::function<void(double)>& progress = {});

/// Records `ranges` as covered for `source` (its display(), as in sources.path), once the rollups were
/// committed (call after the writer flushed the source). Returns false when the cache cannot be written.
bool recordRollupCoverage(StoreWriter& writer, const std::string& source,
                          const std::vector<CoveredRange>& ranges, const char* what = store::kCoverRollups);

/// A finished pull's coverage: its server rollups and its browser side (page loads).
bool recordPullCoverage(StoreWriter& writer, const std::string& source, const PullReport& pulled);

/// The ranges recorded as covered for `source` in the writer's cache.
std::vector<CoveredRange> readRollupCoverage(StoreWriter& writer, const std::string& source,
                                             const char* what = store::kCoverRollups);

} // namespace seam::remote
