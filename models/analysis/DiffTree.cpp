#include "DiffTree.h"

#include <algorithm>
#include <cmath>

namespace seam {

const char* diffWeightName(DiffWeight weight)
{
    return weight == DiffWeight::Self ? "self" : "critical";
}

std::optional<DiffWeight> parseDiffWeight(std::string_view name)
{
    if (name == "self")
        return DiffWeight::Self;
    if (name == "critical")
        return DiffWeight::Critical;
    return std::nullopt;
}

std::int32_t PathTable::child(std::int32_t parent, const DiffFrame& frame)
{
    const auto [it, added] = m_ids.try_emplace({parent, frame.label}, size());
    if (added) {
        m_parents.push_back(parent);
        m_frames.push_back(frame);
    }
    return it->second;
}

std::vector<std::string> PathTable::path(std::int32_t node) const
{
    std::vector<std::string> out;
    for (std::int32_t n = node; n >= 0; n = parent(n))
        out.push_back(frame(n).label);
    std::reverse(out.begin(), out.end());
    return out;
}

void mergeNodeValues(NodeValues& values)
{
    std::sort(values.begin(), values.end());
    std::size_t out = 0;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (out > 0 && values[out - 1].first == values[i].first)
            values[out - 1].second += values[i].second;
        else
            values[out++] = values[i];
    }
    values.resize(out);
}

std::vector<DiffNode> diffNodes(const PathTable& table, const std::vector<NodeValues>& a,
                                const std::vector<NodeValues>& b)
{
    const auto n = std::size_t(table.size());
    // Sums in integer nanoseconds: exact, so the mean does not depend on the order units come in.
    std::vector<std::int64_t> sumA(n, 0), sumB(n, 0), countA(n, 0), countB(n, 0);
    const auto add = [](const std::vector<NodeValues>& units, std::vector<std::int64_t>& sum,
                        std::vector<std::int64_t>& count) {
        for (const NodeValues& u : units)
            for (const auto& [node, ns] : u) {
                sum[std::size_t(node)] += ns;
                ++count[std::size_t(node)];
            }
    };
    add(a, sumA, countA);
    add(b, sumB, countB);
    std::vector<DiffNode> out;
    for (std::size_t i = 0; i < n; ++i) {
        if (countA[i] == 0 && countB[i] == 0)
            continue;
        DiffNode d;
        const auto node = std::int32_t(i);
        d.node = node;
        d.path = table.path(node);
        d.service = table.frame(node).service;
        d.operation = table.frame(node).operation;
        d.aMs = a.empty() ? 0 : double(sumA[i]) / 1e6 / double(a.size());
        d.bMs = b.empty() ? 0 : double(sumB[i]) / 1e6 / double(b.size());
        d.deltaMs = d.bMs - d.aMs;
        if (d.aMs > 0)
            d.relative = d.deltaMs / d.aMs;
        d.loadsA = countA[i];
        d.loadsB = countB[i];
        out.push_back(std::move(d));
    }
    return out;
}

void sortDiffNodes(std::vector<DiffNode>& nodes)
{
    std::sort(nodes.begin(), nodes.end(), [](const DiffNode& x, const DiffNode& y) {
        const double dx = std::abs(x.deltaMs), dy = std::abs(y.deltaMs);
        if (dx != dy)
            return dx > dy;
        return x.path < y.path;
    });
}

} // namespace seam
