// FlameGraphData's aggregated layouts: a path-merged tree laid out by width (fromTree), a time-based
// graph merged into one (aggregated), and how busy a time-based graph's axis is (busyFraction).
#include "FlameGraphData.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <utility>

namespace seam {

FlameGraphData FlameGraphData::fromTree(const std::vector<FlameTreeNode>& nodes, QStringList serviceNames,
                                        QStringList operationNames)
{
    FlameGraphData d;
    d.m_serviceNames = std::move(serviceNames);
    d.m_operationNames = std::move(operationNames);
    d.m_aggregate = true;
    const std::size_t n = nodes.size();
    if (n == 0 || n > std::size_t(std::numeric_limits<std::int32_t>::max()))
        return d;

    // Widths bottom-up: children come after their parents, so a reverse sweep sees every child first.
    std::vector<std::int64_t> width(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        width[i] = std::max<std::int64_t>(0, nodes[i].selfNs);
    for (std::size_t i = n; i-- > 0;)
        if (nodes[i].parent >= 0)
            width[std::size_t(nodes[i].parent)] += width[i];

    // Siblings in name order (service, then operation), then input order: stable and readable. Names
    // are ranked once, so the sort compares one integer per node.
    const auto ranks = [](const QStringList& names) {
        std::vector<std::int32_t> order(std::size_t(names.size()));
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](std::int32_t a, std::int32_t b) { return names[a] < names[b]; });
        std::vector<std::uint32_t> rank(order.size() + 1, 0); // slot 0: unknown (-1) sorts first
        for (std::size_t i = 0; i < order.size(); ++i)
            rank[std::size_t(order[i]) + 1] = std::uint32_t(i) + 1;
        return rank;
    };
    const std::vector<std::uint32_t> serviceRank = ranks(d.m_serviceNames);
    const std::vector<std::uint32_t> operationRank = ranks(d.m_operationNames);
    const auto rankOf = [](const std::vector<std::uint32_t>& rank, std::int32_t index) -> std::uint64_t {
        return index >= 0 && std::size_t(index) + 1 < rank.size() ? rank[std::size_t(index) + 1] : 0;
    };
    std::vector<std::pair<std::uint64_t, std::int32_t>> byName(n);
    for (std::size_t i = 0; i < n; ++i)
        byName[i] = {rankOf(serviceRank, nodes[i].service) << 32 | rankOf(operationRank, nodes[i].operation),
                     std::int32_t(i)};
    std::sort(byName.begin(), byName.end());
    // Children lists in name order, as offsets into one array (counting sort by parent).
    std::vector<std::uint32_t> first(n + 2, 0);
    for (const FlameTreeNode& t : nodes)
        ++first[std::size_t(t.parent + 1) + 1];
    for (std::size_t i = 1; i < first.size(); ++i)
        first[i] += first[i - 1];
    std::vector<std::int32_t> children(n);
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (const auto& [key, i] : byName)
        children[fill[std::size_t(nodes[std::size_t(i)].parent + 1)]++] = i;

    // Breadth first, siblings in name order, each next to the previous one: every row comes out
    // sorted by start, which is the order the layout keeps (no sort of the frames needed).
    std::vector<std::int64_t> start(n, 0);
    std::vector<std::int32_t> position(n, -1);
    d.m_frames.reserve(n);
    std::vector<std::int32_t> queue;
    queue.reserve(n);
    std::int64_t at = 0;
    for (std::uint32_t c = first[0]; c < first[1]; ++c) {
        const std::int32_t root = children[c];
        start[std::size_t(root)] = at;
        at += width[std::size_t(root)];
        queue.push_back(root);
    }
    std::vector<int> depth(n, 0);
    for (std::size_t head = 0; head < queue.size(); ++head) {
        const auto i = std::size_t(queue[head]);
        const FlameTreeNode& t = nodes[i];
        position[i] = std::int32_t(d.m_frames.size());
        d.m_frames.push_back(FlameFrame{start[i], start[i] + width[i], t.spanId, depth[i], t.service,
                                        t.operation, t.parent >= 0 ? position[std::size_t(t.parent)] : -1,
                                        t.error});
        std::int64_t childAt = start[i];
        for (std::uint32_t c = first[i + 1]; c < first[i + 2]; ++c) {
            const auto child = std::size_t(children[c]);
            start[child] = childAt;
            childAt += width[child];
            depth[child] = depth[i] + 1;
            queue.push_back(std::int32_t(child));
        }
    }
    const auto valid = [](std::int32_t index, const QStringList& names) {
        return index >= 0 && index < names.size() ? index : -1;
    };
    for (FlameFrame& f : d.m_frames) {
        f.service = valid(f.service, d.m_serviceNames);
        f.operation = valid(f.operation, d.m_operationNames);
    }
    d.finishLayout();
    return d;
}

FlameGraphData FlameGraphData::aggregated() const
{
    std::vector<FlameTreeNode> nodes;
    std::vector<std::int64_t> longest; // per node: duration of the frame whose span id it reports
    // (parent node, service, operation) -> node; a hash map: a million frames merge in linear time.
    struct Key
    {
        std::int32_t parent, service, operation;
        bool operator==(const Key&) const = default;
    };
    struct KeyHash
    {
        std::size_t operator()(const Key& k) const noexcept
        {
            std::uint64_t h = (std::uint64_t(std::uint32_t(k.parent)) << 32) ^ std::uint32_t(k.service);
            h = (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL ^ std::uint32_t(k.operation);
            return std::size_t((h ^ (h >> 31)) * 0x94d049bb133111ebULL);
        }
    };
    std::unordered_map<Key, std::int32_t, KeyHash> ids;
    ids.reserve(m_frames.size() / 4);
    std::vector<std::int32_t> nodeOf(m_frames.size(), -1);
    // Frames are stored by depth, so a frame's parent has its node before the frame is reached.
    for (std::size_t i = 0; i < m_frames.size(); ++i) {
        const FlameFrame& f = m_frames[i];
        const std::int32_t parent = f.parent >= 0 ? nodeOf[std::size_t(f.parent)] : -1;
        const auto [it, added] =
            ids.try_emplace({parent, f.service, f.operation}, std::int32_t(nodes.size()));
        if (added) {
            nodes.push_back(FlameTreeNode{parent, f.service, f.operation, 0, f.spanId, false});
            longest.push_back(-1);
        }
        const auto node = std::size_t(it->second);
        nodeOf[i] = it->second;
        nodes[node].selfNs += m_selfTime[i];
        nodes[node].error = nodes[node].error || f.error;
        if (f.end - f.start > longest[node]) {
            longest[node] = f.end - f.start;
            nodes[node].spanId = f.spanId;
        }
    }
    return fromTree(nodes, m_serviceNames, m_operationNames);
}

double FlameGraphData::busyFraction() const
{
    if (m_frames.empty() || m_end <= m_start)
        return 1.0;
    // Row 0 is sorted by start: one sweep gives the union of the roots.
    std::int64_t covered = 0, openStart = 0, openEnd = 0;
    bool open = false;
    for (const FlameFrame& f : row(0)) {
        if (!open || f.start > openEnd) {
            if (open)
                covered += openEnd - openStart;
            openStart = f.start;
            openEnd = f.end;
            open = true;
        } else {
            openEnd = std::max(openEnd, f.end);
        }
    }
    if (open)
        covered += openEnd - openStart;
    return double(covered) / double(m_end - m_start);
}

} // namespace seam
