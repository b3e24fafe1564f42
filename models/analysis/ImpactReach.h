#pragma once

// Which page loads of an impact window (BusinessImpact) reached a service there, and which it affected:
// from the page_load_reach rows the correlation step keeps (an index range scan over the window), or,
// for caches without that table, from the spans of every trace of the window's page loads. Both give
// the same answer for the service's entry spans and its operations (tst_businessimpact checks them
// against each other and against plain SQL).

#include "Ids.h"

#include <cstdint>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace seam {

class Database;

/// A trace of a page load that reached the service in the window: when it first did, and whether the
/// service failed or was slow in it. A session's reach events in time order are its chances to be hit.
struct ReachEvent
{
    TimeNs at = 0;
    std::int64_t trace = 0;
    bool affected = false;
};

struct ImpactLoad
{
    std::int64_t id = 0;
    std::int64_t session = 0; ///< 0: none
    TimeNs start = 0;
    std::string route;
    std::int64_t documentTrace = 0; ///< 0: none
    bool reached = false;
    bool affected = false;
    /// Its traces (calls, document) that reached the service in the window: how many chances it had to
    /// be affected, which the conversion comparison stratifies on.
    int reachedTraces = 0;
    /// Those traces, in time order (reachedTraces of them).
    std::vector<ReachEvent> reach;
    /// Linked calls: start, affected. Filled for affected page loads at least (the others' calls cannot be).
    std::vector<std::pair<TimeNs, bool>> calls;
};

struct ReachCriteria
{
    std::set<std::int64_t> serviceIds;
    std::set<std::int64_t> operationIds; ///< with `operation`: spans of these
    bool operation = false;              ///< false: the services' entry spans
    TimeNs from = 0;
    TimeNs to = 0;
    std::int64_t normalP99 = 0; ///< ns; 0: only errors affect
};

/// The page loads that started in [from, to), by start (not judged yet), and into `userOf` the user id of
/// each of their sessions that has one. Throws SqliteError.
std::vector<ImpactLoad> windowLoads(Database& db, TimeNs from, TimeNs to,
                                    std::unordered_map<std::int64_t, std::string>& userOf);
/// True when the cache has page_load_reach (schema step PageLoadReach) and it answers `criteria`.
bool reachTableAnswers(Database& db, const ReachCriteria& criteria);
/// Sets reached, affected and calls of `loads` (the window's page loads) from page_load_reach.
void judgeLoadsByReach(Database& db, const ReachCriteria& criteria, std::vector<ImpactLoad>& loads);
/// For an operation (`criteria.operation`, any span of it): page_load_reach gives the traces that reached
/// the service in the window (from a little before it, so that an operation inside a long request
/// counts), and only their spans are read, not those of every trace of the window's page loads.
/// Returns false when the cache has no page_load_reach.
bool judgeOperationByReach(Database& db, const ReachCriteria& criteria, std::vector<ImpactLoad>& loads);
/// The same from the spans of every linked trace of `loads`.
void judgeLoadsBySpans(Database& db, const ReachCriteria& criteria, std::vector<ImpactLoad>& loads);

} // namespace seam
