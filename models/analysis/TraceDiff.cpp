#include "TraceDiff.h"

#include "Ids.h"
#include "SpanTree.h"
#include "Sqlite.h"
#include "TraceLookup.h"

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace seam {
namespace {

std::vector<TreeSpan> treeSpans(std::span<const CriticalSpan> spans)
{
    std::vector<TreeSpan> out(spans.size());
    for (std::size_t i = 0; i < spans.size(); ++i)
        out[i] = {spans[i].id, spans[i].parentId, spans[i].start, spans[i].end};
    return out;
}

const std::string& nameAt(const std::vector<std::string>& names, std::int32_t index)
{
    static const std::string unknown;
    return index >= 0 && std::size_t(index) < names.size() ? names[std::size_t(index)] : unknown;
}

} // namespace

DiffFrame spanFrame(const std::string& service, const std::string& operation)
{
    return {service.empty()     ? operation
            : operation.empty() ? service
                                : service + " " + operation,
            service, operation};
}

SpanNodes spanNodes(std::span<const CriticalSpan> spans, const std::vector<std::string>& names,
                    PathTable& table, std::int32_t parent)
{
    const std::vector<TreeSpan> tree = treeSpans(spans);
    const SpanTree structure = buildSpanTree(tree);
    SpanNodes out;
    out.node.assign(spans.size(), -2);
    // Parents before children without recursion: walk up to the first resolved ancestor, then down.
    std::vector<std::int32_t> chain;
    for (std::size_t i = 0; i < spans.size(); ++i) {
        for (auto cur = std::int32_t(i); cur >= 0 && out.node[std::size_t(cur)] == -2;
             cur = structure.parent[std::size_t(cur)])
            chain.push_back(cur);
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const auto s = std::size_t(*it);
            const std::int32_t p = structure.parent[s];
            const CriticalSpan& span = spans[s];
            out.node[s] = table.child(p < 0 ? parent : out.node[std::size_t(p)],
                                      spanFrame(nameAt(names, span.service), nameAt(names, span.operation)));
        }
        chain.clear();
    }
    for (std::size_t i = 0; i < spans.size(); ++i)
        if (structure.parent[i] < 0)
            out.roots.push_back(std::int32_t(i));
    return out;
}

std::vector<std::int64_t> spanSelfTimes(std::span<const CriticalSpan> spans)
{
    const std::vector<TreeSpan> tree = treeSpans(spans);
    return selfTimes(tree, buildSpanTree(tree));
}

NodeValues traceValues(const TraceSpans& trace, DiffWeight weight, PathTable& table)
{
    const SpanNodes nodes = spanNodes(trace.spans, trace.names, table, -1);
    NodeValues values;
    if (weight == DiffWeight::Self) {
        const std::vector<std::int64_t> self = spanSelfTimes(trace.spans);
        for (std::size_t i = 0; i < self.size(); ++i)
            values.emplace_back(nodes.node[i], self[i]);
    } else if (!nodes.roots.empty()) {
        std::int64_t start = std::numeric_limits<std::int64_t>::max();
        std::int64_t end = std::numeric_limits<std::int64_t>::min();
        for (const std::int32_t r : nodes.roots) {
            start = std::min(start, trace.spans[std::size_t(r)].start);
            end = std::max(end, trace.spans[std::size_t(r)].end);
        }
        for (const TraceSegment& s : traceCriticalPath(trace.spans, nodes.roots, start, end, 0))
            if (s.span >= 0)
                values.emplace_back(nodes.node[std::size_t(s.span)], s.end - s.start);
    }
    mergeNodeValues(values);
    return values;
}

DiffResult diffTraces(const TraceSpans& a, const TraceSpans& b, DiffWeight weight)
{
    PathTable table;
    const NodeValues va = traceValues(a, weight, table);
    const NodeValues vb = traceValues(b, weight, table);
    DiffResult r;
    r.weight = weight;
    r.a = {"trace", a.label, {a.label}, 0, 0};
    r.b = {"trace", b.label, {b.label}, 0, 0};
    r.nodes = diffNodes(table, {va}, {vb});
    sortDiffNodes(r.nodes);
    return r;
}

std::optional<TraceSpans> readTraceSpans(Database& db, const std::string& hex)
{
    const auto id = TraceId::fromHex(hex);
    if (!id || !id->isValid())
        return std::nullopt;
    Statement q = db.prepare(
        "SELECT s.span_id, s.parent_span_id, s.start_ns, s.end_ns, s.kind, sv.name, o.name "
        "FROM spans s JOIN traces t ON t.id = s.trace JOIN services sv ON sv.id = "
        "s.service_id JOIN operations o ON o.id = s.operation_id WHERE t.trace_lo = ?2 AND t.trace_id = ?1 "
        "ORDER BY s.start_ns, s.span_id");
    trace_lookup::bind(q, 1, 2, *id);
    TraceSpans out;
    out.label = id->hex();
    std::unordered_map<std::string, std::int32_t> index;
    const auto intern = [&](std::string name) {
        const auto [it, added] = index.try_emplace(name, std::int32_t(out.names.size()));
        if (added)
            out.names.push_back(std::move(name));
        return it->second;
    };
    while (q.step()) {
        CriticalSpan s;
        s.id = std::uint64_t(q.int64(0));
        s.parentId = std::uint64_t(q.int64(1));
        s.start = q.int64(2);
        s.end = std::max(s.start, q.int64(3));
        s.kind = std::uint8_t(q.int64(4));
        s.service = intern(std::string(q.text(5)));
        s.operation = intern(std::string(q.text(6)));
        out.spans.push_back(s);
    }
    if (out.spans.empty())
        return std::nullopt;
    return out;
}

} // namespace seam
