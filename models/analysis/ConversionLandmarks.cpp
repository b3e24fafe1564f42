#include "ConversionLandmarks.h"

#include "BorrowedControls.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace seam {
namespace {

struct SessionReach
{
    TimeNs at;
    std::int64_t trace;
    bool affected;
    const ImpactLoad* load;
};

} // namespace

/// A route's reaches with fewer than this in the window take the window's overall hit rate.
constexpr std::int64_t kMinRouteReaches = 20;

std::vector<Landmark> conversionLandmarks(const std::vector<ImpactLoad>& loads, TimeNs horizon)
{
    // The chance that a reach is hit, by the route of its page load (what the window did to it).
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> routeHits; // route -> (hit, reaches)
    std::pair<std::int64_t, std::int64_t> allHits{0, 0};
    for (const ImpactLoad& p : loads)
        for (const ReachEvent& e : p.reach) {
            auto& [hit, reaches] = routeHits[p.route];
            hit += e.affected ? 1 : 0;
            ++reaches;
            allHits.first += e.affected ? 1 : 0;
            ++allHits.second;
        }
    const auto hitRate = [&](const std::string& route) {
        const auto it = routeHits.find(route);
        const auto& [hit, reaches] =
            it != routeHits.end() && it->second.second >= kMinRouteReaches ? it->second : allHits;
        return reaches > 0 ? double(hit) / double(reaches) : 0.0;
    };

    std::map<std::int64_t, std::vector<SessionReach>> bySession;
    for (const ImpactLoad& p : loads) {
        if (!p.session)
            continue;
        for (const ReachEvent& e : p.reach)
            bySession[p.session].push_back({e.at, e.trace, e.affected, &p});
    }
    std::vector<Landmark> out;
    for (auto& [session, reaches] : bySession) {
        std::sort(reaches.begin(), reaches.end(), [](const SessionReach& a, const SessionReach& b) {
            return std::tie(a.at, a.trace) < std::tie(b.at, b.trace);
        });
        // A trace linked from two page loads of the session counts once, at its first reach.
        std::set<std::int64_t> seen;
        std::erase_if(reaches, [&](const SessionReach& r) { return !seen.insert(r.trace).second; });
        std::size_t firstHarm = reaches.size();
        for (std::size_t i = 0; i < reaches.size(); ++i)
            if (reaches[i].affected) {
                firstHarm = i;
                break;
            }
        // A hit session is no control (ConversionLandmarks.h); the others stand at the first reach of
        // every class of reach count they entered (activityClass, BorrowedControls.h).
        for (std::size_t i = 0; firstHarm == reaches.size() && i < reaches.size(); ++i) {
            const int start = int(i + 1);
            if (activityClass(start) != start)
                continue;
            double stayUnhit = 1;
            for (std::size_t j = i + 1; j < reaches.size() && reaches[j].at <= reaches[i].at + horizon; ++j)
                stayUnhit *= 1 - hitRate(reaches[j].load->route);
            const double weight = stayUnhit > 1 / kMaxControlWeight ? 1 / stayUnhit : kMaxControlWeight;
            out.push_back({session, reaches[i].at, reaches[i].load->start, reaches[i].load->route, start,
                           false, weight});
        }
        if (firstHarm < reaches.size())
            out.push_back({session, reaches[firstHarm].at, reaches[firstHarm].load->start,
                           reaches[firstHarm].load->route, int(firstHarm + 1), true});
    }
    return out;
}

} // namespace seam
