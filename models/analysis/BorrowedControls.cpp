#include "BorrowedControls.h"

#include "Sqlite.h"

#include <algorithm>
#include <unordered_map>

namespace seam {
namespace {

/// A window shorter than this borrows slices this long: a minute's sessions are too few to be worth a
/// query, and their activity is still counted over a comparable stretch.
constexpr TimeNs kMinSliceNs = 60LL * 1'000'000'000;

struct Candidate
{
    TimeNs reference = -1;
    std::string route;
    int exposure = 0;
    bool affected = false;
};

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
    std::map<Stratum, std::int64_t> missing;
    std::set<std::string> routes;
    for (const auto& [stratum, n] : criteria.wanted)
        if (n > 0) {
            missing[stratum] = n;
            routes.insert(stratum.first);
        }
    if (missing.empty() || criteria.to <= criteria.from)
        return out;

    auto loadsOf = db.prepare("SELECT id, coalesce(session_id, 0), route, start_ns FROM page_loads "
                              "WHERE start_ns >= ?1 AND start_ns < ?2 ORDER BY start_ns, id");
    auto reachOf = db.prepare("SELECT page_load_id, trace, duration_ns, error FROM page_load_reach "
                              "WHERE service_id = ?1 AND start_ns >= ?2 AND start_ns < ?3");
    auto touches = db.prepare(
        "SELECT 1 FROM page_loads WHERE session_id = ?1 AND start_ns >= ?2 AND start_ns < ?3 LIMIT 1");
    std::set<std::int64_t> seen = criteria.windowSessions;

    const TimeNs slice = std::max(criteria.to - criteria.from, kMinSliceNs);
    const TimeNs slices = std::max<TimeNs>(1, criteria.maxDistance / slice);
    for (TimeNs k = 1; k <= slices && !missing.empty(); ++k) {
        for (const int side : {-1, +1}) {
            const TimeNs a = side < 0 ? criteria.from - k * slice : criteria.to + (k - 1) * slice;
            const TimeNs b = a + slice;
            // The slice's sessions: reference page load on a wanted route, activity and harm in the slice.
            std::unordered_map<std::int64_t, std::int64_t> sessionOfLoad;
            std::map<std::int64_t, Candidate> candidates;
            loadsOf.reset();
            loadsOf.bind(1, a).bind(2, b);
            while (loadsOf.step()) {
                const std::int64_t session = loadsOf.int64(1);
                if (!session || seen.count(session))
                    continue;
                sessionOfLoad.emplace(loadsOf.int64(0), session);
                Candidate& c = candidates[session];
                const std::string route(loadsOf.text(2));
                if (c.reference < 0 && routes.count(route)) {
                    c.reference = loadsOf.int64(3);
                    c.route = route;
                }
            }
            std::set<std::pair<std::int64_t, std::int64_t>> reachedBy; // (load, trace), as in the window
            for (const std::int64_t service : criteria.serviceIds) {
                reachOf.reset();
                reachOf.bind(1, service).bind(2, a).bind(3, b);
                while (reachOf.step()) {
                    const auto it = sessionOfLoad.find(reachOf.int64(0));
                    if (it == sessionOfLoad.end())
                        continue;
                    Candidate& c = candidates[it->second];
                    if (reachedBy.emplace(reachOf.int64(0), reachOf.int64(1)).second)
                        ++c.exposure;
                    c.affected = c.affected || reachOf.int64(3) != 0 ||
                                 (criteria.normalP99 > 0 && reachOf.int64(2) > criteria.normalP99);
                }
            }
            // Nearest to the window first, so a stratum that fills up keeps the closest sessions.
            std::vector<std::pair<TimeNs, std::int64_t>> order;
            for (const auto& [session, c] : candidates)
                if (c.reference >= 0)
                    order.emplace_back(side < 0 ? -c.reference : c.reference, session);
            std::sort(order.begin(), order.end());
            for (const auto& [key, session] : order) {
                seen.insert(session);
                const Candidate& c = candidates[session];
                const Stratum stratum{c.route, activityClass(c.exposure)};
                const auto want = missing.find(stratum);
                if (want == missing.end())
                    continue;
                if (c.affected) {
                    ++out.skippedAffected;
                    continue;
                }
                bool inIncident = false;
                for (const auto& [x, y] : criteria.avoided) {
                    touches.reset();
                    touches.bind(1, session).bind(2, x).bind(3, y);
                    if (touches.step()) {
                        inIncident = true;
                        break;
                    }
                }
                if (inIncident) {
                    ++out.skippedIncident;
                    continue;
                }
                out.sessions.push_back({session, c.reference, stratum, side});
                (side < 0 ? out.before : out.after) += 1;
                out.earliest = out.sessions.size() == 1 ? c.reference : std::min(out.earliest, c.reference);
                out.latest = std::max(out.latest, c.reference);
                if (--want->second == 0)
                    missing.erase(want);
            }
        }
    }
    return out;
}

} // namespace seam
