#pragma once

// Unaffected sessions from just before and after an impact window: the conversion comparison's first
// choice of controls (BusinessImpact). Inside the window a session not hit yet may be hit later, and
// one never hit may owe that to leaving early; around it the service was healthy. Each wanted stratum is
// filled from slices of the window's length before and after it (each side on its own, so that the two
// can be compared), nearest first, each session at its landmark (ConversionLandmarks.h): the k-th of
// its traces that reached the service within its slice (from page_load_reach), on the stratum's route,
// not hit up to there (no error, nothing above the normal p99; a later hit is the ordinary background
// the window's sessions would also have met), its follow-up (the conversion horizon after the
// landmark) clear of the window, of every incident window and of the data's end. ConversionStrata
// widens the interval by the drift between periods that borrowing adds.

#include "Ids.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace seam {

class Database;

/// A conversion stratum: the route of a landmark's page load and the class of its reach count.
using Stratum = std::pair<std::string, int>;

/// The activity classes of the strata, by the traces that reached the service: 0, 1, 2, 3, 4, 5-6,
/// 7-9, 10-14, 15 and more (a class is named by its lowest count).
int activityClass(int reachedTraces);

struct BorrowCriteria
{
    std::set<std::int64_t> serviceIds;
    TimeNs from = 0; ///< the impact window
    TimeNs to = 0;
    std::int64_t normalP99 = 0;                     ///< ns; 0: only errors affect
    std::set<std::int64_t> windowSessions;          ///< never borrowed (they are compared in the window)
    std::vector<std::pair<TimeNs, TimeNs>> avoided; ///< every service's incident windows
    TimeNs horizon = 0; ///< a landmark's follow-up: conversions counted within this after it
    TimeNs dataEnd = 0; ///< the last page load of the data (a follow-up must end before)
    std::map<Stratum, std::int64_t> wanted;          ///< stratum -> how many controls to borrow
    TimeNs maxDistance = 2LL * 3600 * 1'000'000'000; ///< how far from the window to look
};

struct BorrowedSession
{
    std::int64_t session = 0;
    TimeNs reference = 0; ///< its landmark: the reach of the service that starts the stratum's class
    TimeNs loadStart = 0; ///< the start of that reach's page load
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
    /// Landmarks whose follow-up met the window or an incident window, or ran past the data's end.
    std::int64_t skippedIncident = 0;
};

/// Reads page_load_reach and page_loads by start, slice by slice, until every wanted stratum is full or
/// maxDistance is reached: cost grows with the slices read. Needs page_load_reach. Throws SqliteError.
BorrowedControls borrowControls(Database& db, const BorrowCriteria& criteria);

} // namespace seam
