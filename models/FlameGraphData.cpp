#include "FlameGraphData.h"

#include "QtText.h"
#include "SpanTree.h"
#include "Sqlite.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <unordered_map>
#include <unordered_set>

namespace seam {

namespace {

/// Parent frame (input index) of every span, -1 for roots. Ids are resolved through one sorted
/// index rather than a hash map: half the memory at a million spans, and duplicates (hostile data)
/// resolve deterministically to the first span carrying the id.
std::vector<std::int32_t> resolveParents(const std::vector<FlameSpan>& spans)
{
    const auto n = std::int32_t(spans.size());
    std::vector<std::int32_t> byId(spans.size());
    std::iota(byId.begin(), byId.end(), 0);
    std::sort(byId.begin(), byId.end(), [&](std::int32_t a, std::int32_t b) {
        const FlameSpan& x = spans[std::size_t(a)];
        const FlameSpan& y = spans[std::size_t(b)];
        if (x.trace != y.trace)
            return x.trace < y.trace;
        if (x.spanId != y.spanId)
            return x.spanId < y.spanId;
        return a < b;
    });
    std::vector<std::int32_t> parent(spans.size(), -1);
    for (std::int32_t i = 0; i < n; ++i) {
        const FlameSpan& s = spans[std::size_t(i)];
        if (s.parentSpanId == 0)
            continue;
        const auto it =
            std::lower_bound(byId.begin(), byId.end(), s, [&](std::int32_t a, const FlameSpan& key) {
                const FlameSpan& x = spans[std::size_t(a)];
                return x.trace != key.trace ? x.trace < key.trace : x.spanId < key.parentSpanId;
            });
        if (it != byId.end() && spans[std::size_t(*it)].trace == s.trace &&
            spans[std::size_t(*it)].spanId == s.parentSpanId && *it != i)
            parent[std::size_t(i)] = *it;
    }
    return parent;
}

/// Depth of every span along its parent chain. Each span is visited once (chains are resolved
/// iteratively and memoised, so a million-deep chain neither recurses nor goes quadratic). A chain
/// that comes back to itself is cut where the loop closes: that span becomes a root.
std::vector<int> resolveDepths(std::vector<std::int32_t>& parent)
{
    constexpr int kUnknown = -1;
    constexpr int kVisiting = -2;
    std::vector<int> depth(parent.size(), kUnknown);
    std::vector<std::int32_t> chain;
    for (std::size_t i = 0; i < parent.size(); ++i) {
        auto cur = std::int32_t(i);
        while (depth[std::size_t(cur)] == kUnknown) {
            depth[std::size_t(cur)] = kVisiting;
            chain.push_back(cur);
            const std::int32_t p = parent[std::size_t(cur)];
            if (p < 0)
                break;
            if (depth[std::size_t(p)] == kVisiting) {
                parent[std::size_t(cur)] = -1; // cycle
                break;
            }
            cur = p;
        }
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const std::int32_t p = parent[std::size_t(*it)];
            depth[std::size_t(*it)] = p < 0 ? 0 : depth[std::size_t(p)] + 1;
        }
        chain.clear();
    }
    return depth;
}

} // namespace

FlameGraphData FlameGraphData::build(std::vector<FlameSpan> spans, QStringList serviceNames,
                                     QStringList operationNames)
{
    FlameGraphData d;
    d.m_serviceNames = std::move(serviceNames);
    d.m_operationNames = std::move(operationNames);
    if (spans.empty() || spans.size() > std::size_t(std::numeric_limits<std::int32_t>::max()))
        return d;

    std::vector<std::int32_t> parent = resolveParents(spans);
    const std::vector<int> depth = resolveDepths(parent);

    // Row-major order: by depth, then start; on equal starts the longer frame first, so the shorter
    // one is painted over it and stays visible.
    std::vector<std::int32_t> order(spans.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::int32_t a, std::int32_t b) {
        const FlameSpan& x = spans[std::size_t(a)];
        const FlameSpan& y = spans[std::size_t(b)];
        const int da = depth[std::size_t(a)], db = depth[std::size_t(b)];
        if (da != db)
            return da < db;
        if (x.start != y.start)
            return x.start < y.start;
        if (x.end != y.end)
            return x.end > y.end;
        return a < b;
    });
    std::vector<std::int32_t> position(spans.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        position[std::size_t(order[i])] = std::int32_t(i);

    const auto validName = [](std::int32_t index, const QStringList& names) {
        return index >= 0 && index < names.size() ? index : -1;
    };
    d.m_frames.reserve(spans.size());
    for (const std::int32_t i : order) {
        const FlameSpan& s = spans[std::size_t(i)];
        const std::int32_t p = parent[std::size_t(i)];
        d.m_frames.push_back(FlameFrame{s.start, std::max(s.start, s.end), s.spanId, depth[std::size_t(i)],
                                        validName(s.service, d.m_serviceNames),
                                        validName(s.operation, d.m_operationNames),
                                        p < 0 ? -1 : position[std::size_t(p)], s.error});
    }
    spans = {};
    d.finishLayout();
    return d;
}

void FlameGraphData::finishLayout()
{
    FlameGraphData& d = *this;
    const int rows = d.m_frames.back().depth + 1;
    d.m_rowBegin.assign(std::size_t(rows) + 1, 0);
    for (const FlameFrame& f : d.m_frames)
        ++d.m_rowBegin[std::size_t(f.depth) + 1];
    std::partial_sum(d.m_rowBegin.begin(), d.m_rowBegin.end(), d.m_rowBegin.begin());

    d.m_start = std::numeric_limits<std::int64_t>::max();
    d.m_end = std::numeric_limits<std::int64_t>::min();
    d.m_rowMaxEnd.resize(d.m_frames.size());
    for (int r = 0; r < rows; ++r) {
        std::int64_t maxEnd = std::numeric_limits<std::int64_t>::min();
        for (int i = d.rowBegin(r); i < d.rowEnd(r); ++i) {
            const FlameFrame& f = d.m_frames[std::size_t(i)];
            maxEnd = std::max(maxEnd, f.end);
            d.m_rowMaxEnd[std::size_t(i)] = maxEnd;
            d.m_start = std::min(d.m_start, f.start);
            d.m_end = std::max(d.m_end, f.end);
        }
    }

    const std::size_t n = d.m_frames.size();
    d.m_errorPrefix.resize(n + 1);
    for (std::size_t i = 0; i < n; ++i)
        d.m_errorPrefix[i + 1] = d.m_errorPrefix[i] + (d.m_frames[i].error ? 1 : 0);
    std::vector<ParentedInterval> intervals(n);
    for (std::size_t i = 0; i < n; ++i)
        intervals[i] = {d.m_frames[i].start, d.m_frames[i].end, std::int32_t(d.m_frames[i].parent)};
    d.m_selfTime = selfTimes(intervals);
}

FlameGraphData FlameGraphData::load(Database& db, const std::vector<std::int64_t>& traceRowIds)
{
    // Names are interned to dense indexes as spans stream in, then looked up by primary key: the
    // cost follows the traces, never the size of the cache.
    std::vector<FlameSpan> spans;
    std::unordered_map<std::int64_t, std::int32_t> serviceIndex, operationIndex;
    std::vector<std::int64_t> serviceIds, operationIds;
    const auto intern = [](std::unordered_map<std::int64_t, std::int32_t>& index,
                           std::vector<std::int64_t>& ids, std::int64_t id) {
        const auto [it, added] = index.try_emplace(id, std::int32_t(ids.size()));
        if (added)
            ids.push_back(id);
        return it->second;
    };

    // The browser's own spans (documentLoad, fetch) are the waterfall's; the flamegraph is the backend's.
    // A server span that rendered the page is their parent, so leaving them out leaves no orphans.
    std::unordered_set<std::int64_t> browserServices;
    Statement browser = db.prepare("SELECT id FROM services WHERE is_browser = 1");
    while (browser.step())
        browserServices.insert(browser.int64(0));

    Statement st = db.prepare("SELECT span_id, parent_span_id, service_id, operation_id, start_ns, end_ns, "
                              "status_code FROM spans WHERE trace = ?1");
    std::unordered_set<std::int64_t> seen;
    for (const std::int64_t trace : traceRowIds) {
        if (!seen.insert(trace).second)
            continue;
        st.bind(1, trace);
        while (st.step()) {
            if (browserServices.count(st.int64(2)))
                continue;
            FlameSpan s;
            s.trace = trace;
            s.spanId = st.int64(0);
            s.parentSpanId = st.int64(1);
            s.service = intern(serviceIndex, serviceIds, st.int64(2));
            s.operation = intern(operationIndex, operationIds, st.int64(3));
            s.start = st.int64(4);
            s.end = st.int64(5);
            s.error = st.int64(6) == 2;
            spans.push_back(s);
        }
        st.reset();
    }

    const auto names = [&db](const char* sql, const std::vector<std::int64_t>& ids) {
        QStringList out;
        out.reserve(qsizetype(ids.size()));
        Statement q = db.prepare(sql);
        for (const std::int64_t id : ids) {
            q.bind(1, id);
            if (q.step())
                out.append(qs(q.text(0)));
            else
                out.append(QString());
            q.reset();
        }
        return out;
    };
    QStringList services = names("SELECT name FROM services WHERE id = ?1", serviceIds);
    QStringList operations = names("SELECT name FROM operations WHERE id = ?1", operationIds);
    FlameGraphData graph = build(std::move(spans), std::move(services), std::move(operations));
    // The panel toggles between time and aggregated views at once: both are laid out off the GUI thread.
    graph.m_aggregated = std::make_shared<const FlameGraphData>(graph.aggregated());
    return graph;
}

std::span<const FlameFrame> FlameGraphData::row(int depth) const
{
    if (depth < 0 || depth >= rowCount())
        return {};
    return std::span<const FlameFrame>(m_frames).subspan(std::size_t(rowBegin(depth)),
                                                         std::size_t(rowEnd(depth) - rowBegin(depth)));
}

int FlameGraphData::frameAt(int depth, std::int64_t time, std::int64_t tolerance) const
{
    if (depth < 0 || depth >= rowCount())
        return -1;
    const int begin = rowBegin(depth);
    const auto probe = [&](std::int64_t slack) {
        // The last frame starting at or before the point, then back while some earlier frame of the
        // row still reaches it (only more than one step where frames overlap).
        const auto first = m_frames.begin() + begin;
        const auto it = std::upper_bound(first, m_frames.begin() + rowEnd(depth), time + slack,
                                         [](std::int64_t t, const FlameFrame& f) { return t < f.start; });
        for (int i = int(it - m_frames.begin()) - 1;
             i >= begin && m_rowMaxEnd[std::size_t(i)] >= time - slack; --i) {
            if (m_frames[std::size_t(i)].end >= time - slack)
                return i;
        }
        return -1;
    };
    // An exact hit beats a near one: a click just left of a frame but inside its neighbour picks the
    // neighbour.
    const int exact = probe(0);
    return exact >= 0 || tolerance <= 0 ? exact : probe(tolerance);
}

int FlameGraphData::firstEndingAfter(int depth, std::int64_t time) const
{
    if (depth < 0 || depth >= rowCount())
        return -1;
    const auto first = m_rowMaxEnd.begin() + rowBegin(depth);
    return int(std::lower_bound(first, m_rowMaxEnd.begin() + rowEnd(depth), time) - m_rowMaxEnd.begin());
}

int FlameGraphData::firstChild(int index) const
{
    if (index < 0 || index >= frameCount())
        return -1;
    const FlameFrame& f = frame(index);
    const int row = f.depth + 1;
    if (row >= rowCount())
        return -1;
    // Children normally lie within their parent; clock skew can put them anywhere, hence the fallback.
    for (int i = firstEndingAfter(row, f.start); i < rowEnd(row) && m_frames[std::size_t(i)].start <= f.end;
         ++i)
        if (m_frames[std::size_t(i)].parent == index)
            return i;
    for (int i = rowBegin(row); i < rowEnd(row); ++i)
        if (m_frames[std::size_t(i)].parent == index)
            return i;
    return -1;
}

int FlameGraphData::indexOfSpan(std::int64_t spanId) const
{
    const auto it = std::find_if(m_frames.begin(), m_frames.end(),
                                 [spanId](const FlameFrame& f) { return f.spanId == spanId; });
    return it == m_frames.end() ? -1 : int(it - m_frames.begin());
}

std::vector<int> FlameGraphData::search(QStringView text) const
{
    std::vector<int> hits;
    if (text.isEmpty())
        return hits;
    // Match the (few) names once, then sweep the frames comparing indexes only.
    const auto matching = [text](const QStringList& names) {
        std::vector<char> match(std::size_t(names.size()) + 1, 0); // slot 0: unknown (-1)
        for (qsizetype i = 0; i < names.size(); ++i)
            match[std::size_t(i) + 1] = names[i].contains(text, Qt::CaseInsensitive);
        return match;
    };
    const std::vector<char> service = matching(m_serviceNames);
    const std::vector<char> operation = matching(m_operationNames);
    for (int i = 0; i < frameCount(); ++i) {
        const FlameFrame& f = m_frames[std::size_t(i)];
        if (service[std::size_t(f.service + 1)] || operation[std::size_t(f.operation + 1)])
            hits.push_back(i);
    }
    return hits;
}

QString FlameGraphData::serviceName(int service) const
{
    return service >= 0 && service < m_serviceNames.size() ? m_serviceNames[service] : QString();
}

QString FlameGraphData::operationName(int operation) const
{
    return operation >= 0 && operation < m_operationNames.size() ? m_operationNames[operation] : QString();
}

} // namespace seam
