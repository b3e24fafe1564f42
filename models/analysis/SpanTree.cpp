#include "SpanTree.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace seam {

SpanTree buildSpanTree(std::span<const TreeSpan> spans)
{
    const auto n = std::int32_t(spans.size());
    std::unordered_map<std::uint64_t, std::int32_t> byId;
    byId.reserve(spans.size());
    for (std::int32_t i = 0; i < n; ++i)
        byId.try_emplace(spans[std::size_t(i)].id, i);

    SpanTree tree;
    tree.parent.assign(spans.size(), -1);
    for (std::int32_t i = 0; i < n; ++i) {
        const TreeSpan& s = spans[std::size_t(i)];
        if (s.parentId == 0)
            continue;
        if (const auto it = byId.find(s.parentId); it != byId.end())
            tree.parent[std::size_t(i)] = it->second;
    }

    // Every span has at most one parent, so each connected part holds at most one cycle. Walk up from
    // each unvisited span, iteratively (a 1M-span chain must not overflow the stack); a walk that
    // meets its own path has found a cycle.
    enum : std::uint8_t
    {
        Unvisited,
        OnPath,
        Done
    };
    std::vector<std::uint8_t> state(spans.size(), Unvisited);
    std::vector<std::int32_t> path;
    for (std::int32_t start = 0; start < n; ++start) {
        if (state[std::size_t(start)] != Unvisited)
            continue;
        path.clear();
        std::int32_t cur = start;
        while (cur >= 0 && state[std::size_t(cur)] == Unvisited) {
            state[std::size_t(cur)] = OnPath;
            path.push_back(cur);
            cur = tree.parent[std::size_t(cur)];
        }
        if (cur >= 0 && state[std::size_t(cur)] == OnPath) {
            const auto from = std::find(path.begin(), path.end(), cur);
            const auto earliest = std::min_element(from, path.end(), [&](std::int32_t a, std::int32_t b) {
                const TreeSpan& x = spans[std::size_t(a)];
                const TreeSpan& y = spans[std::size_t(b)];
                return std::pair(x.start, x.id) < std::pair(y.start, y.id);
            });
            tree.parent[std::size_t(*earliest)] = -1;
            tree.cycleRoots.push_back(*earliest);
        }
        for (const std::int32_t i : path)
            state[std::size_t(i)] = Done;
    }
    std::sort(tree.cycleRoots.begin(), tree.cycleRoots.end());
    return tree;
}

std::vector<std::int64_t> selfTimes(std::span<const ParentedInterval> spans)
{
    const std::size_t n = spans.size();
    // Children grouped by parent (counting sort), then each group's clipped intervals sorted and
    // swept once as a union.
    std::vector<std::uint32_t> first(n + 1, 0);
    for (const ParentedInterval& s : spans)
        if (s.parent >= 0 && std::size_t(s.parent) < n)
            ++first[std::size_t(s.parent) + 1];
    for (std::size_t i = 0; i < n; ++i)
        first[i + 1] += first[i];
    std::vector<std::pair<std::int64_t, std::int64_t>> children(first[n]);
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (const ParentedInterval& c : spans) {
        if (c.parent < 0 || std::size_t(c.parent) >= n)
            continue;
        const ParentedInterval& p = spans[std::size_t(c.parent)];
        children[fill[std::size_t(c.parent)]++] = {std::max(c.start, p.start), std::min(c.end, p.end)};
    }

    std::vector<std::int64_t> self(n, 0);
    for (std::size_t i = 0; i < n; ++i) {
        const auto begin = children.begin() + first[i], end = children.begin() + first[i + 1];
        if (!std::is_sorted(begin, end))
            std::sort(begin, end);
        std::int64_t covered = 0, openStart = 0, openEnd = 0;
        bool open = false;
        for (auto it = begin; it != end; ++it) {
            const auto [a, b] = *it;
            if (b <= a)
                continue;
            if (!open || a > openEnd) {
                if (open)
                    covered += openEnd - openStart;
                openStart = a;
                openEnd = b;
                open = true;
            } else {
                openEnd = std::max(openEnd, b);
            }
        }
        if (open)
            covered += openEnd - openStart;
        self[i] = std::max<std::int64_t>(0, spans[i].end - spans[i].start - covered);
    }
    return self;
}

std::vector<std::int64_t> selfTimes(std::span<const TreeSpan> spans, const SpanTree& tree)
{
    std::vector<ParentedInterval> intervals(spans.size());
    for (std::size_t i = 0; i < spans.size(); ++i)
        intervals[i] = {spans[i].start, spans[i].end, tree.parent[i]};
    return selfTimes(intervals);
}

} // namespace seam
