#include "LoadVerdict.h"

#include "Format.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace seam {
namespace {

/// Durations the way the window spells them (Format.h): "850 ms", "3.1 s".
std::string fmtMs(double ms)
{
    return formatDuration(std::int64_t(std::llround(ms * 1e6))).toStdString();
}

const char* kSides[3] = {"frontend", "network", "backend"};

std::vector<LoadPathItem> itemsOf(const CriticalPathInput& input, const CriticalPath& path)
{
    std::map<std::string, LoadPathItem> byLabel;
    for (const CriticalSegment& s : path.segments) {
        const std::string label = criticalSegmentLabel(input, s);
        LoadPathItem& item = byLabel[label];
        if (item.label.empty()) {
            item.label = label;
            item.side = s.side;
            if (s.side == CriticalSide::Backend && s.service >= 0 && s.operation >= 0) {
                item.service = input.names[std::size_t(s.service)];
                item.operation = input.names[std::size_t(s.operation)];
            }
        }
        item.ms += double(s.end - s.start) / 1e6;
    }
    std::vector<LoadPathItem> items;
    for (auto& [label, item] : byLabel)
        items.push_back(std::move(item));
    // Ties by label: the same load gives the same list.
    std::stable_sort(items.begin(), items.end(),
                     [](const LoadPathItem& a, const LoadPathItem& b) { return a.ms > b.ms; });
    return items;
}

const LoadPathItem* topItemOf(const std::vector<LoadPathItem>& items, int side)
{
    for (const LoadPathItem& i : items)
        if (int(i.side) == side)
            return &i;
    return nullptr;
}

} // namespace

LoadVerdict explainLoad(const CriticalPathInput& input, const CriticalPath& path, const WhyResult& route,
                        int minNormalLoads)
{
    LoadVerdict v;
    v.loadMs = double(path.end - path.start) / 1e6;
    v.normalLoadMs = route.baseline.p50Ms;
    v.normalLoads = route.baseline.pageLoads;
    v.items = itemsOf(input, path);
    for (int side = 0; side < 3; ++side) {
        v.ownMs[side] = double(path.bySide[side]) / 1e6;
        v.normalMs[side] = route.verdict.baselineMedianMs[side];
        v.extraMs[side] = v.ownMs[side] - v.normalMs[side];
    }
    if (route.baseline.pageLoads < minNormalLoads || route.baseline.sampled == 0) {
        v.text = "Too few normal loads of this route to say what normal is (" +
                 std::to_string(route.baseline.pageLoads) + ", at least " + std::to_string(minNormalLoads) +
                 " needed).";
        return v;
    }
    const double gap = v.loadMs - v.normalLoadMs;
    if (gap < std::max(20.0, 0.1 * v.normalLoadMs)) {
        v.text = "This load took " + fmtMs(v.loadMs) +
                 ", about as long as the route's normal loads (median " + fmtMs(v.normalLoadMs) +
                 "): no extra time to attribute.";
        return v;
    }
    // Same rule as the cohort verdict (RootCause): a side with 70% of the extra time is the answer,
    // two sides with 20% each are mixed. Sides where this load was faster take no share.
    double positive = 0;
    int best = 0;
    for (int side = 0; side < 3; ++side) {
        positive += std::max(0.0, v.extraMs[side]);
        if (v.extraMs[side] > v.extraMs[best])
            best = side;
    }
    const auto share = [&](int side) {
        return positive > 0 ? std::max(0.0, v.extraMs[side]) / positive : 0.0;
    };
    const std::string head = "This load took " + fmtMs(v.loadMs) + " against a median of " +
                             fmtMs(v.normalLoadMs) + " for the route's normal loads";
    if (positive > 0 && share(best) >= 0.7) {
        v.side = kSides[best];
        const LoadPathItem* top = topItemOf(v.items, best);
        const int backend = int(CriticalSide::Backend);
        const std::string lead = best == backend        ? "Backend at fault"
                                 : share(backend) < 0.1 ? "Backend not at fault"
                                                        : "Mostly " + std::string(kSides[best]);
        v.text = lead + ": " + head + "; " + fmtMs(v.extraMs[best]) + " of the extra time is " +
                 kSides[best] + " time (" + fmtMs(v.ownMs[best]) + " against " + fmtMs(v.normalMs[best]) +
                 ")" + (top ? ", mostly " + top->label + " (" + fmtMs(top->ms) + ")." : ".");
        return v;
    }
    int sides = 0;
    for (int side = 0; side < 3; ++side)
        sides += share(side) >= 0.2;
    v.side = sides >= 2 ? "mixed" : "inconclusive";
    const LoadPathItem* top = topItemOf(v.items, best);
    v.text = (sides >= 2 ? "Mixed: " : "No side explains most of it: ") + head + "; extra frontend " +
             fmtMs(v.extraMs[0]) + ", network " + fmtMs(v.extraMs[1]) + ", backend " + fmtMs(v.extraMs[2]) +
             (top && positive > 0 ? "; the most " + std::string(kSides[best]) + " time in " + top->label +
                                        " (" + fmtMs(top->ms) + ")."
                                  : ".");
    return v;
}

} // namespace seam
