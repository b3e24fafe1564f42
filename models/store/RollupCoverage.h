#pragma once

// Which time ranges of a remote store the investigation's rollups already hold whole. An empty bucket
// in `rollups` cannot tell "no traffic" from "never asked", so each server-side rollup fetch (a pull's
// window, a chart's push-down) records the range it counted; the service charts ask the store only for
// what no recorded range covers, and a reopened investigation asks nothing for what it already has.

#include <cstdint>
#include <string>
#include <vector>

namespace seam {

class Database;

struct CoveredRange
{
    std::int64_t from = 0; ///< [from, to), ns, whole rollup buckets
    std::int64_t to = 0;
    friend bool operator==(const CoveredRange&, const CoveredRange&) = default;
};

namespace schema {
/// Schema step: adds rollup_coverage (source, from_ns, to_ns). Self-contained: creates one table.
void addRollupCoverage(Database& db);
} // namespace schema

namespace store {

/// What a recorded range holds whole: the server's rollups, or every page load (documentLoad) the store
/// had then (a pull's browser side, which the "Why?" counts must not count again from the store).
inline constexpr const char* kCoverRollups = "rollups";
inline constexpr const char* kCoverPageLoads = "page_loads";

/// Records that `source` (the URL without secrets, as in sources.path) had `what` over [from, to)
/// written whole. Run inside the writer's transaction.
void recordRollupCoverage(Database& db, const std::string& source, CoveredRange range,
                          const char* what = kCoverRollups);

/// The recorded ranges of `source` for `what`, by start; empty on a cache older than the table.
std::vector<CoveredRange> rollupCoverage(Database& db, const std::string& source,
                                         const char* what = kCoverRollups);

} // namespace store
} // namespace seam
