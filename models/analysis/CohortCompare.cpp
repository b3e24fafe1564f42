#include "CohortCompare.h"

#include "CohortReader.h"
#include "CriticalPathReader.h"
#include "RootCause.h"
#include "SpanTree.h"
#include "Stats.h"
#include "TraceDiff.h"

#include <algorithm>
#include <cmath>

namespace seam {
namespace {

DiffFrame browserFrame(const std::string& label)
{
    return {label, "browser", label};
}

std::vector<CohortLoad> cohort(Database& db, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                               const PageLoadFilter& filter)
{
    WhyOptions w;
    w.from = from;
    w.to = to;
    w.filter = filter;
    w.criterion = WhyOptions::Criterion::None;
    return selectCohorts(db, w).selection; // ordered by key
}

} // namespace

NodeValues pageLoadValues(const CriticalPathInput& in, DiffWeight weight, PathTable& table)
{
    const std::int32_t browser = table.child(-1, browserFrame("browser"));
    const std::size_t resources = in.resources.size();
    std::vector<std::int32_t> resourceNode(resources);
    for (std::size_t r = 0; r < resources; ++r) {
        const CriticalResource& res = in.resources[r];
        resourceNode[r] = table.child(browser, browserFrame(res.type + " " + resourceName(res.url, in.url)));
    }
    // A trace hangs under the first resource that links it (two calls sharing a trace count once);
    // the document's trace without a document resource under a "document" frame of its own.
    std::vector<std::int32_t> owner(in.traces.size(), -1);
    for (std::size_t r = 0; r < resources; ++r) {
        const std::int32_t t = in.resources[r].trace;
        if (t >= 0 && owner[std::size_t(t)] < 0)
            owner[std::size_t(t)] = std::int32_t(r);
    }
    std::vector<std::int32_t> ownerNode(in.traces.size(), browser);
    for (std::size_t t = 0; t < in.traces.size(); ++t) {
        if (owner[t] >= 0)
            ownerNode[t] = resourceNode[std::size_t(owner[t])];
        else if (std::int32_t(t) == in.documentTrace)
            ownerNode[t] = table.child(browser, browserFrame("document"));
    }
    std::vector<SpanNodes> spans;
    spans.reserve(in.traces.size());
    for (std::size_t t = 0; t < in.traces.size(); ++t)
        spans.push_back(spanNodes(in.traces[t], in.names, table, ownerNode[t]));

    NodeValues values;
    if (weight == DiffWeight::Critical) {
        for (const CriticalSegment& s : criticalPath(in).segments) {
            const std::int64_t ns = s.end - s.start;
            if (s.side == CriticalSide::Backend && s.trace >= 0 && s.span >= 0) {
                values.emplace_back(spans[std::size_t(s.trace)].node[std::size_t(s.span)], ns);
                continue;
            }
            const std::int32_t parent = s.resource >= 0 ? resourceNode[std::size_t(s.resource)] : browser;
            values.emplace_back(table.child(parent, browserFrame(criticalPhaseName(s.phase))), ns);
        }
        mergeNodeValues(values);
        return values;
    }

    // Self time, one rule for every frame: the page load [0] over its resources, each resource over
    // the roots of the trace it owns, then each trace's spans over their children.
    std::int64_t end = in.duration >= 0 ? in.start + in.duration : in.start;
    if (in.duration < 0)
        for (const CriticalResource& r : in.resources)
            end = std::max(end, r.end());
    std::vector<ParentedInterval> intervals;
    intervals.push_back({in.start, end, -1});
    for (const CriticalResource& r : in.resources)
        intervals.push_back({r.start, r.end(), 0});
    for (std::size_t t = 0; t < in.traces.size(); ++t) {
        const std::int32_t parent = owner[t] >= 0 ? owner[t] + 1 : 0;
        for (const std::int32_t root : spans[t].roots) {
            const CriticalSpan& s = in.traces[t][std::size_t(root)];
            intervals.push_back({s.start, s.end, parent});
        }
    }
    const std::vector<std::int64_t> self = selfTimes(intervals);
    values.emplace_back(browser, self[0]);
    for (std::size_t r = 0; r < resources; ++r)
        values.emplace_back(resourceNode[r], self[r + 1]);
    for (std::size_t t = 0; t < in.traces.size(); ++t) {
        const std::vector<std::int64_t> spanSelf = spanSelfTimes(in.traces[t]);
        for (std::size_t i = 0; i < spanSelf.size(); ++i)
            values.emplace_back(spans[t].node[i], spanSelf[i]);
    }
    mergeNodeValues(values);
    return values;
}

void testNodes(std::vector<DiffNode>& nodes, const std::vector<NodeValues>& a,
               const std::vector<NodeValues>& b, const CompareOptions& options)
{
    if (int(a.size()) < options.minCohortLoads || int(b.size()) < options.minCohortLoads)
        return;
    // Per-load values of each tested node: zeros for loads without it, then the carriers' values.
    std::int32_t maxNode = -1;
    for (const DiffNode& n : nodes)
        maxNode = std::max(maxNode, n.node);
    std::vector<std::int32_t> slot(std::size_t(maxNode + 1), -1);
    std::vector<std::size_t> tested;
    for (std::size_t i = 0; i < nodes.size(); ++i)
        if (nodes[i].loadsA + nodes[i].loadsB >= options.minNodeLoads) {
            slot[std::size_t(nodes[i].node)] = std::int32_t(tested.size());
            tested.push_back(i);
        }
    const auto spread = [&](const std::vector<NodeValues>& units) {
        std::vector<std::vector<double>> x(tested.size(), std::vector<double>(units.size(), 0.0));
        for (std::size_t u = 0; u < units.size(); ++u)
            for (const auto& [node, ns] : units[u])
                if (std::size_t(node) < slot.size() && slot[std::size_t(node)] >= 0)
                    x[std::size_t(slot[std::size_t(node)])][u] = double(ns) / 1e6;
        return x;
    };
    const std::vector<std::vector<double>> xa = spread(a), xb = spread(b);
    std::vector<double> p(tested.size(), 1.0);
    for (std::size_t k = 0; k < tested.size(); ++k)
        p[k] = stats::mannWhitney(xb[k], xa[k]).p;
    const std::vector<double> q = stats::benjaminiHochberg(p);
    const auto meanVariance = [](const std::vector<double>& x) {
        double mean = 0, squares = 0;
        for (const double v : x)
            mean += v;
        mean /= double(x.size());
        for (const double v : x)
            squares += (v - mean) * (v - mean);
        return std::pair(mean, x.size() > 1 ? squares / double(x.size() - 1) : 0.0);
    };
    for (std::size_t k = 0; k < tested.size(); ++k) {
        DiffNode& n = nodes[tested[k]];
        n.pValue = p[k];
        n.qValue = q[k];
        n.significant = q[k] <= options.alpha;
        const auto [meanA, varA] = meanVariance(xa[k]);
        const auto [meanB, varB] = meanVariance(xb[k]);
        const double half = 1.959964 * std::sqrt(varA / double(xa[k].size()) + varB / double(xb[k].size()));
        n.deltaCi95 = std::pair(n.deltaMs - half, n.deltaMs + half);
    }
}

DiffResult compareCohorts(Database& db, const CompareOptions& options)
{
    DiffResult r;
    r.weight = options.weight;
    PathTable table;
    CriticalPathReader reader(db);
    const auto side = [&](const PageLoadFilter& filter, const std::string& label, DiffSide& out) {
        const bool isB = &out == &r.b;
        const std::vector<CohortLoad> loads = isB && options.ownRangeB
                                                  ? cohort(db, options.fromB, options.toB, filter)
                                                  : cohort(db, options.from, options.to, filter);
        out.kind = "cohort";
        out.label = label;
        out.pageLoads = std::int64_t(loads.size());
        std::vector<NodeValues> values;
        for (const CohortLoad& l : sampleLoads(loads, options.sampleCap))
            if (auto input = reader.read(l.id))
                values.push_back(pageLoadValues(*input, options.weight, table));
        out.sampled = std::int64_t(values.size());
        return values;
    };
    const std::vector<NodeValues> a = side(options.a, options.labelA, r.a);
    const std::vector<NodeValues> b = side(options.b, options.labelB, r.b);
    r.nodes = diffNodes(table, a, b);
    testNodes(r.nodes, a, b, options);
    sortDiffNodes(r.nodes);
    return r;
}

DiffResult comparePageLoads(Database& db, std::int64_t a, std::int64_t b, DiffWeight weight)
{
    DiffResult r;
    r.weight = weight;
    PathTable table;
    CriticalPathReader reader(db);
    const auto side = [&](std::int64_t id, DiffSide& out) {
        out.kind = "cohort";
        out.label = "page load " + std::to_string(id);
        std::vector<NodeValues> values;
        if (auto input = reader.read(id)) {
            values.push_back(pageLoadValues(*input, weight, table));
            out.pageLoads = out.sampled = 1;
        }
        return values;
    };
    const std::vector<NodeValues> va = side(a, r.a);
    const std::vector<NodeValues> vb = side(b, r.b);
    r.nodes = diffNodes(table, va, vb);
    sortDiffNodes(r.nodes);
    return r;
}

} // namespace seam
