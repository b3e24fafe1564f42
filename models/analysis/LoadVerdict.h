#pragma once
// "Why was this one page load slow?": its own critical path split by side (frontend, network,
// backend) against the normal loads of its route, and which side the extra time went to. One load
// cannot be tested statistically; the comparison is with the median of the route's normal loads
// (RootCause's baseline), and the same thresholds as the cohort verdict decide the side. Plain
// structs in and out.

#include "CriticalPath.h"
#include "RootCause.h"

#include <string>
#include <vector>

namespace seam {

struct LoadPathItem
{
    std::string label;   ///< criticalSegmentLabel: "payments: SELECT …", "download /img/hero.webp"
    std::string service; ///< backend items
    std::string operation;
    CriticalSide side = CriticalSide::Frontend;
    double ms = 0; ///< on this load's critical path, all its segments together
};

struct LoadVerdict
{
    std::string side = "inconclusive"; ///< backend, frontend, network, mixed, inconclusive
    double loadMs = 0;
    double normalLoadMs = 0;         ///< median load time of the route's normal loads
    std::int64_t normalLoads = 0;    ///< how many normal loads of the route there are
    double ownMs[3] = {0, 0, 0};     ///< this load's critical path per CriticalSide
    double normalMs[3] = {0, 0, 0};  ///< the route's normal loads: median per side
    double extraMs[3] = {0, 0, 0};   ///< own - normal, per side (negative: faster there)
    std::vector<LoadPathItem> items; ///< the load's path by item, most time first
    std::string text;
};

/// Compares one load's critical path with the normal loads of its route: `route` is the answer of
/// explainCohort for that route (slow loads against the others), whose baseline is the normal loads.
/// With fewer than `minNormalLoads` normal loads (or no sampled ones), the side stays inconclusive.
LoadVerdict explainLoad(const CriticalPathInput& input, const CriticalPath& path, const WhyResult& route,
                        int minNormalLoads);

} // namespace seam
