// FlameGraphData's aggregated layouts: a path-merged tree laid out by width (fromTree), a time-based
// graph merged into one (aggregated), and how busy a time-based graph's axis is (busyFraction).
#include "FlameGraphData.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <tuple>

namespace seam {

FlameGraphData FlameGraphData::fromTree(const std::vector<FlameTreeNode>& nodes, QStringList serviceNames,
                                        QStringList operationNames)
{
    const std::size_t n = nodes.size();
    // Widths bottom-up: children come after their parents, so a reverse sweep sees every child first.
    std::vector<std::int64_t> width(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        width[i] = std::max<std::int64_t>(0, nodes[i].selfNs);
    for (std::size_t i = n; i-- > 0;)
        if (nodes[i].parent >= 0)
            width[std::size_t(nodes[i].parent)] += width[i];

    // Siblings in name order (service, then operation), then input order: stable and readable.
    const auto name = [&](const QStringList& names, std::int32_t index) {
        return index >= 0 && index < names.size() ? names[index] : QString();
    };
    std::vector<std::int32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        const FlameTreeNode& x = nodes[std::size_t(a)];
        const FlameTreeNode& y = nodes[std::size_t(b)];
        const QString xs = name(serviceNames, x.service), ys = name(serviceNames, y.service);
        if (xs != ys)
            return xs < ys;
        return name(operationNames, x.operation) < name(operationNames, y.operation);
    });
    // Each node starts where its previous sibling ended; the first child where its parent starts.
    std::vector<std::int64_t> start(n, 0);
    std::int64_t nextRoot = 0;
    std::vector<std::vector<std::int32_t>> children(n); // each in name order
    std::vector<std::int32_t> roots;
    for (const std::int32_t i : order)
        (nodes[std::size_t(i)].parent >= 0 ? children[std::size_t(nodes[std::size_t(i)].parent)] : roots)
            .push_back(i);
    for (const std::int32_t r : roots) {
        start[std::size_t(r)] = nextRoot;
        nextRoot += width[std::size_t(r)];
    }
    for (std::size_t i = 0; i < n; ++i) { // parents before children: starts are known when reached
        std::int64_t at = start[i];
        for (const std::int32_t c : children[i]) {
            start[std::size_t(c)] = at;
            at += width[std::size_t(c)];
        }
    }
    std::vector<FlameSpan> spans(n);
    for (std::size_t i = 0; i < n; ++i) {
        const FlameTreeNode& t = nodes[i];
        spans[i] = FlameSpan{0,
                             std::int64_t(i) + 1,
                             t.parent >= 0 ? std::int64_t(t.parent) + 1 : 0,
                             t.service,
                             t.operation,
                             start[i],
                             start[i] + width[i],
                             t.error};
    }
    FlameGraphData d = build(std::move(spans), std::move(serviceNames), std::move(operationNames));
    // build() needed unique ids to find parents; the frames report the nodes' own ids.
    for (FlameFrame& f : d.m_frames)
        f.spanId = nodes[std::size_t(f.spanId - 1)].spanId;
    d.m_aggregate = true;
    return d;
}

FlameGraphData FlameGraphData::aggregated() const
{
    std::vector<FlameTreeNode> nodes;
    std::vector<std::int64_t> longest; // per node: duration of the frame whose span id it reports
    std::map<std::tuple<std::int32_t, std::int32_t, std::int32_t>, std::int32_t> ids;
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
