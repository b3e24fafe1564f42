#pragma once
// What an investigation holds, in counts: `seam stats` prints them, the GUI's summary shows them.

#include <cstdint>
#include <optional>

namespace seam {

class Database;

struct InvestigationStats
{
    std::int64_t spans = 0;
    std::int64_t traces = 0;   ///< traces with at least one span
    std::int64_t services = 0; ///< distinct backend service names (browser apps not counted)
    std::int64_t sessions = 0;
    std::int64_t pageLoads = 0;
    std::int64_t pageLoadReports = 0; ///< sources' reports of the page loads (>= pageLoads once merged)
    std::int64_t resources = 0;
    std::int64_t linkedResources = 0;
    std::int64_t rumErrors = 0;
    std::int64_t errorSpans = 0;
    std::int64_t logs = 0;
    std::int64_t actions = 0;
    std::int64_t longTasks = 0;
    std::int64_t sources = 0;

    /// First span start to last span end, ns since the epoch; none without spans.
    struct TimeRange
    {
        std::int64_t from = 0;
        std::int64_t to = 0;
    };
    std::optional<TimeRange> timeRange;
};

/// Each count is a table or index b-tree count or a sum over the traces table: nothing scans spans,
/// so this stays fast on a cache of any size. Throws SqliteError.
InvestigationStats investigationStats(Database& db);

} // namespace seam
