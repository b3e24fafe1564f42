#include "BorrowedControls.h"

#include "Sqlite.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

namespace seam {
namespace {

/// A window shorter than this borrows slices this long: a minute's sessions are too few to be worth a
/// query, and their activity is still counted over a comparable stretch.
constexpr TimeNs kMinSliceNs = 60LL * 1'000'000'000;

struct SliceLoad
{
    std::int64_t session = 0;
    TimeNs start = 0;
    std::string route;
};

/// A candidate's reach of the service in its slice (as ReachEvent, with its page load).
struct SliceReach
{
    TimeNs at = 0;
    std::int64_t trace = 0;
    bool affected = false;
    const SliceLoad* load = nullptr;
};

/// The landmark's follow-up (where its conversion is counted) lies inside the data and clear of the
/// window and of every incident window: a session some incident hurt after its landmark, or one whose
/// follow-up the data cuts short, is no picture of a healthy shop. Judged on the follow-up rather than
/// on where the session went, which would favour sessions that left early.
bool cleanFollowUp(const BorrowCriteria& c, TimeNs at)
{
    const TimeNs end = at + c.horizon;
    if (end > c.dataEnd || (at < c.to && end > c.from))
        return false;
    for (const auto& [x, y] : c.avoided)
        if (at < y && end > x)
            return false;
    return true;
}

} // namespace

int activityClass(int reachedTraces)
{
    // Widening classes: the chance to be hit grows with every call, and so (on a shop) does the chance
    // to convert, so a wide top class (4 and more) would hold affected sessions busier than its
    // controls. Beyond a few calls, sessions differ less per call.
    for (const int lower : {15, 10, 7, 5})
        if (reachedTraces >= lower)
            return lower;
    return std::max(0, reachedTraces);
}

BorrowedControls borrowControls(Database& db, const BorrowCriteria& criteria)
{
    BorrowedControls out;
    // Each side fills every wanted stratum on its own: the same number from before and after the window
    // measures the drift between them (ConversionStrata.h), which one side alone cannot.
    std::map<Stratum, std::int64_t> missingBefore;
    for (const auto& [stratum, n] : criteria.wanted)
        if (n > 0) {
            missingBefore[stratum] = n;
        }
    std::map<Stratum, std::int64_t> missingAfter = missingBefore;
    if (missingBefore.empty() || criteria.to <= criteria.from)
        return out;

    auto loadsOf = db.prepare("SELECT id, coalesce(session_id, 0), route, start_ns FROM page_loads "
                              "WHERE start_ns >= ?1 AND start_ns < ?2 ORDER BY start_ns, id");
    auto reachOf = db.prepare("SELECT page_load_id, trace, duration_ns, error, start_ns FROM page_load_reach "
                              "WHERE service_id = ?1 AND start_ns >= ?2 AND start_ns < ?3");
    std::set<std::int64_t> seen = criteria.windowSessions;

    const TimeNs slice = std::max(criteria.to - criteria.from, kMinSliceNs);
    const TimeNs slices = std::max<TimeNs>(1, criteria.maxDistance / slice);
    for (TimeNs k = 1; k <= slices && !(missingBefore.empty() && missingAfter.empty()); ++k) {
        for (const int side : {-1, +1}) {
            std::map<Stratum, std::int64_t>& missing = side < 0 ? missingBefore : missingAfter;
            if (missing.empty())
                continue;
            const TimeNs a = side < 0 ? criteria.from - k * slice : criteria.to + (k - 1) * slice;
            const TimeNs b = a + slice;
            // The slice's sessions, their page loads and their reaches of the service, as in the window.
            std::unordered_map<std::int64_t, SliceLoad> loads;
            loadsOf.reset();
            loadsOf.bind(1, a).bind(2, b);
            while (loadsOf.step()) {
                const std::int64_t session = loadsOf.int64(1);
                if (session && !seen.count(session))
                    loads.emplace(loadsOf.int64(0),
                                  SliceLoad{session, loadsOf.int64(3), std::string(loadsOf.text(2))});
            }
            std::map<std::int64_t, std::vector<SliceReach>> candidates; // session -> reaches
            std::map<std::int64_t, std::size_t> reachIndex;             // trace -> its session's reach
            for (const std::int64_t service : criteria.serviceIds) {
                reachOf.reset();
                reachOf.bind(1, service).bind(2, a).bind(3, b);
                while (reachOf.step()) {
                    const auto load = loads.find(reachOf.int64(0));
                    if (load == loads.end())
                        continue;
                    const bool affected = reachOf.int64(3) != 0 ||
                                          (criteria.normalP99 > 0 && reachOf.int64(2) > criteria.normalP99);
                    auto& reaches = candidates[load->second.session];
                    const std::int64_t trace = reachOf.int64(1);
                    const TimeNs at = reachOf.int64(4);
                    const auto known = std::find_if(reaches.begin(), reaches.end(),
                                                    [&](const SliceReach& r) { return r.trace == trace; });
                    if (known == reaches.end()) {
                        reaches.push_back({at, trace, affected, &load->second});
                    } else {
                        known->affected = known->affected || affected;
                        if (at < known->at)
                            *known = {at, trace, known->affected, &load->second};
                    }
                }
            }
            // Nearest to the window first, so a stratum that fills up keeps the closest sessions.
            std::vector<std::pair<TimeNs, std::int64_t>> order;
            for (auto& [session, reaches] : candidates) {
                std::sort(reaches.begin(), reaches.end(), [](const SliceReach& x, const SliceReach& y) {
                    return std::tie(x.at, x.trace) < std::tie(y.at, y.trace);
                });
                order.emplace_back(side < 0 ? -reaches.front().at : reaches.front().at, session);
            }
            std::sort(order.begin(), order.end());
            for (const auto& [key, session] : order) {
                seen.insert(session);
                const std::vector<SliceReach>& reaches = candidates[session];
                // Its landmarks (ConversionLandmarks.h) that a thin stratum wants, up to its first harm.
                std::vector<std::pair<Stratum, const SliceReach*>> wanted;
                bool harmed = false;
                for (std::size_t i = 0; i < reaches.size() && !harmed; ++i) {
                    harmed = reaches[i].affected;
                    const int start = int(i + 1);
                    if (activityClass(start) != start)
                        continue; // not the first reach of a class
                    const Stratum stratum{reaches[i].load->route, start};
                    if (!missing.count(stratum))
                        continue;
                    if (harmed)
                        ++out.skippedAffected;
                    else
                        wanted.emplace_back(stratum, &reaches[i]);
                }
                if (wanted.empty())
                    continue;
                for (const auto& [stratum, reach] : wanted) {
                    const auto want = missing.find(stratum);
                    if (want == missing.end())
                        continue;
                    if (!cleanFollowUp(criteria, reach->at)) {
                        ++out.skippedIncident;
                        continue;
                    }
                    out.sessions.push_back({session, reach->at, reach->load->start, stratum, side});
                    (side < 0 ? out.before : out.after) += 1;
                    out.earliest = out.sessions.size() == 1 ? reach->at : std::min(out.earliest, reach->at);
                    out.latest = std::max(out.latest, reach->at);
                    if (--want->second == 0)
                        missing.erase(want);
                }
            }
        }
    }
    return out;
}

} // namespace seam
