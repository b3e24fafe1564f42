#include "RollupGaps.h"

#include <algorithm>

namespace seam {
namespace {

std::int64_t floorTo(std::int64_t t, std::int64_t step)
{
    return t - ((t % step) + step) % step;
}

std::int64_t ceilTo(std::int64_t t, std::int64_t step)
{
    const std::int64_t down = floorTo(t, step);
    return down < t ? down + step : down;
}

} // namespace

std::vector<CoveredRange> uncoveredRanges(std::vector<CoveredRange> covered, CoveredRange wanted,
                                          std::int64_t bucketNs)
{
    std::vector<CoveredRange> gaps;
    if (bucketNs <= 0 || wanted.to <= wanted.from)
        return gaps;
    // A bucket only part of which was counted is not covered: a cell is replaced whole.
    for (CoveredRange& c : covered) {
        c.from = ceilTo(c.from, bucketNs);
        c.to = floorTo(c.to, bucketNs);
    }
    std::erase_if(covered, [](const CoveredRange& c) { return c.to <= c.from; });
    std::sort(covered.begin(), covered.end(),
              [](const CoveredRange& a, const CoveredRange& b) { return a.from < b.from; });
    std::int64_t cursor = floorTo(wanted.from, bucketNs);
    const std::int64_t end = ceilTo(wanted.to, bucketNs);
    for (const CoveredRange& c : covered) {
        if (c.from >= end)
            break;
        if (c.to <= cursor)
            continue;
        if (c.from > cursor)
            gaps.push_back({cursor, c.from});
        cursor = std::max(cursor, c.to);
        if (cursor >= end)
            break;
    }
    if (cursor < end)
        gaps.push_back({cursor, end});
    return gaps;
}

} // namespace seam
