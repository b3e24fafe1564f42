#pragma once

// Unaffected sessions from just before and after an impact window, for the conversion strata whose
// control inside the window is too thin (BusinessImpact). An incident that touches most of a window's
// sessions leaves a handful of unaffected ones per (route, activity) stratum, and the strata then fall
// back to the route's or everyone's controls, which brings back the busy-session bias the strata exist
// to remove (ConversionStrata.h). So a thin stratum is filled with sessions of the same stratum from
// slices of the window's length before and after it, nearest first: same route, same activity (their
// traces that reached the service within their slice, from page_load_reach), never affected there
// (no error, nothing above the normal p99), never touching the window or an incident window of the
// service. ConversionStrata widens the interval by the drift between periods that borrowing adds.

#include "Ids.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace seam {

class Database;

/// A conversion stratum: the route of the session's reference page load and its activity class.
using Stratum = std::pair<std::string, int>;

/// The activity classes of the strata, by the traces that reached the service: 0, 1, 2, 3, 4, 5-6,
/// 7-9, 10-14, 15 and more (a class is named by its lowest count).
int activityClass(int reachedTraces);

struct BorrowCriteria
{
    std::set<std::int64_t> serviceIds;
    TimeNs from = 0; ///< the impact window
    TimeNs to = 0;
    std::int64_t normalP99 = 0;                      ///< ns; 0: only errors affect
    std::set<std::int64_t> windowSessions;           ///< never borrowed (they are compared in the window)
    std::vector<std::pair<TimeNs, TimeNs>> avoided;  ///< the service's incident windows
    std::map<Stratum, std::int64_t> wanted;          ///< stratum -> how many controls to borrow
    TimeNs maxDistance = 2LL * 3600 * 1'000'000'000; ///< how far from the window to look
};

struct BorrowedSession
{
    std::int64_t session = 0;
    TimeNs reference = 0; ///< its first page load on the stratum's route in its slice
    Stratum stratum;
    int side = 0; ///< -1 before the window, +1 after
};

struct BorrowedControls
{
    std::vector<BorrowedSession> sessions; ///< nearest slices first
    std::int64_t before = 0;
    std::int64_t after = 0;
    TimeNs earliest = 0; ///< the range the borrowed sessions' reference page loads span
    TimeNs latest = 0;
    std::int64_t skippedAffected = 0; ///< candidates the service affected in their own slice
    std::int64_t skippedIncident = 0; ///< candidates with a page load in an incident window
};

/// Reads page_load_reach and page_loads by start, slice by slice, until every wanted stratum is full or
/// maxDistance is reached: cost grows with the slices read. Needs page_load_reach. Throws SqliteError.
BorrowedControls borrowControls(Database& db, const BorrowCriteria& criteria);

} // namespace seam
