#include "CompareData.h"

#include "CohortCompare.h"
#include "PageLoadFilter.h"
#include "TraceDiff.h"

#include <QStringList>
#include <algorithm>
#include <cmath>
#include <map>

namespace seam {

const DiffNode* CompareData::nodeOfSpan(qint64 spanId) const
{
    return spanId >= 1 && std::size_t(spanId) <= result.nodes.size() ? &result.nodes[std::size_t(spanId - 1)]
                                                                     : nullptr;
}

FlameGraphData diffLayout(const DiffResult& result)
{
    // Parents before children: visit nodes by path length; a node's parent is its path minus the last frame.
    const std::vector<DiffNode>& nodes = result.nodes;
    std::vector<std::size_t> order(nodes.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return nodes[a].path.size() < nodes[b].path.size();
    });
    std::map<std::vector<std::string>, std::int32_t> treeIndex;
    QStringList services, operations;
    std::map<std::string, std::int32_t> serviceIds, operationIds;
    const auto intern = [](std::map<std::string, std::int32_t>& ids, QStringList& names,
                           const std::string& s) {
        const auto [it, added] = ids.try_emplace(s, std::int32_t(names.size()));
        if (added)
            names.append(QString::fromStdString(s));
        return it->second;
    };
    std::vector<FlameTreeNode> tree;
    tree.reserve(nodes.size());
    // Nodes without a value of their own (the browser root, a resource on the critical path only
    // through its phases and spans) are not in the result: they are drawn as frames of their children.
    const auto parentOf = [&](const std::vector<std::string>& path) {
        std::int32_t parent = -1;
        std::vector<std::string> prefix;
        for (std::size_t k = 0; k + 1 < path.size(); ++k) {
            prefix.push_back(path[k]);
            const auto it = treeIndex.find(prefix);
            if (it != treeIndex.end()) {
                parent = it->second;
                continue;
            }
            FlameTreeNode t;
            t.parent = parent;
            t.service = intern(serviceIds, services, k == 0 ? path[k] : std::string());
            t.operation = intern(operationIds, operations, k == 0 ? std::string() : path[k]);
            parent = std::int32_t(tree.size());
            treeIndex.emplace(prefix, parent);
            tree.push_back(t);
        }
        return parent;
    };
    for (const std::size_t i : order) {
        const DiffNode& n = nodes[i];
        FlameTreeNode t;
        t.parent = parentOf(n.path);
        // Browser frames show their label alone ("fetch /api/cart"); the root is "browser".
        const bool browser = n.service == "browser";
        t.service = intern(serviceIds, services, browser && n.path.size() > 1 ? std::string() : n.service);
        t.operation =
            intern(operationIds, operations, browser && n.path.size() == 1 ? std::string() : n.operation);
        t.selfNs = std::llround(std::max(n.aMs, n.bMs) * 1e6);
        t.spanId = std::int64_t(i) + 1;
        treeIndex.emplace(n.path, std::int32_t(tree.size()));
        tree.push_back(t);
    }
    return FlameGraphData::fromTree(tree, services, operations);
}

QString CompareRequest::sideName(bool b) const
{
    if (const QString& label = b ? labelB : labelA; !label.isEmpty())
        return label;
    switch (kind) {
    case Kind::PageLoads:
        return QStringLiteral("page load %1").arg(b ? pageLoadB : pageLoadA);
    case Kind::Traces:
        return b ? traceB : traceA;
    case Kind::Cohorts:
        break;
    }
    return b ? filterB : filterA;
}

namespace {

/// Names the sides as the request does (a noted cohort by its note's words, not only its filter).
void applyLabels(DiffResult& result, const CompareRequest& request)
{
    if (!request.labelA.isEmpty())
        result.a.label = request.labelA.toStdString();
    if (!request.labelB.isEmpty())
        result.b.label = request.labelB.toStdString();
}

} // namespace

CompareData CompareData::load(Database& db, const CompareRequest& request)
{
    CompareData d;
    if (request.kind == CompareRequest::Kind::Traces) {
        const auto a = readTraceSpans(db, request.traceA.toStdString());
        const auto b = readTraceSpans(db, request.traceB.toStdString());
        if (!a || !b || a->spans.empty() || b->spans.empty()) {
            d.error = QStringLiteral("no spans of trace %1 in this investigation")
                          .arg(!a || a->spans.empty() ? request.traceA : request.traceB);
            return d;
        }
        d.result = diffTraces(*a, *b, request.weight);
        applyLabels(d.result, request);
        d.graph = std::make_shared<const FlameGraphData>(diffLayout(d.result));
        return d;
    }
    if (request.kind == CompareRequest::Kind::PageLoads) {
        d.result = comparePageLoads(db, request.pageLoadA, request.pageLoadB, request.weight);
        for (const auto& [name, side] : {std::pair{'A', &d.result.a}, std::pair{'B', &d.result.b}})
            if (side->sampled == 0) {
                d.error = QStringLiteral("%1: %2 is not in this investigation")
                              .arg(QChar::fromLatin1(name), QString::fromStdString(side->label));
                return d;
            }
        applyLabels(d.result, request);
        d.graph = std::make_shared<const FlameGraphData>(diffLayout(d.result));
        return d;
    }
    CompareOptions o;
    o.a = PageLoadFilter::parse(request.filterA);
    o.b = PageLoadFilter::parse(request.filterB);
    o.labelA = request.sideName(false).toStdString();
    o.labelB = request.sideName(true).toStdString();
    o.weight = request.weight;
    o.from = request.fromA;
    o.to = request.toA;
    o.ownRangeB = true;
    o.fromB = request.fromB;
    o.toB = request.toB;
    for (const auto& [name, filter] : {std::pair{'A', &o.a}, std::pair{'B', &o.b}})
        if (!filter->isValid()) {
            d.error = QStringLiteral("%1: %2").arg(QChar::fromLatin1(name), filter->error().message);
            return d;
        }
    d.result = compareCohorts(db, o);
    for (const auto& [name, side] : {std::pair{'A', &d.result.a}, std::pair{'B', &d.result.b}})
        if (side->sampled == 0) {
            d.error = QStringLiteral("no page load matches %1 (%2)")
                          .arg(QChar::fromLatin1(name), QString::fromStdString(side->label));
            return d;
        }
    d.graph = std::make_shared<const FlameGraphData>(diffLayout(d.result));
    return d;
}

} // namespace seam
