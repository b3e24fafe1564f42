#include "BackendCauses.h"

#include "LatencyHistogram.h"
#include "SpanTree.h"
#include "Sqlite.h"

#include <algorithm>
#include <map>

namespace seam {

std::vector<BackendCause> backendCauses(Database& db, std::span<const std::int64_t> traces, std::size_t limit)
{
    struct Span
    {
        std::int64_t id, parent, service, operation, start, end;
    };
    struct Agg
    {
        std::int64_t self = 0, total = 0, count = 0;
        std::int64_t service = 0;
    };
    std::map<std::int64_t, Agg> perOperation;
    std::int64_t totalSelf = 0;
    auto st = db.prepare(
        "SELECT s.span_id, s.parent_span_id, s.service_id, s.operation_id, s.start_ns, s.end_ns "
        "FROM spans s JOIN services v ON v.id = s.service_id WHERE s.trace = ?1 AND v.is_browser = 0");
    for (const std::int64_t trace : traces) {
        std::vector<Span> spans;
        st.bind(1, trace);
        while (st.step())
            spans.push_back({st.int64(0), st.int64(1), st.int64(2), st.int64(3), st.int64(4), st.int64(5)});
        st.reset();
        std::vector<TreeSpan> tree(spans.size());
        for (std::size_t i = 0; i < spans.size(); ++i)
            tree[i] = {std::uint64_t(spans[i].id), std::uint64_t(spans[i].parent), spans[i].start,
                       spans[i].end};
        const std::vector<std::int64_t> selfNs = selfTimes(tree, buildSpanTree(tree));
        for (std::size_t i = 0; i < spans.size(); ++i) {
            const Span& s = spans[i];
            Agg& a = perOperation[s.operation];
            a.self += selfNs[i];
            a.total += s.end - s.start;
            ++a.count;
            a.service = s.service;
            totalSelf += selfNs[i];
        }
    }
    // Operation ids ascending in, largest self time out: ties keep the order std::sort gives them, as
    // `seam pageload` always has (its JSON is a stable contract).
    std::vector<std::pair<std::int64_t, Agg>> ranked(perOperation.begin(), perOperation.end());
    std::sort(ranked.begin(), ranked.end(),
              [](const auto& a, const auto& b) { return a.second.self > b.second.self; });
    if (ranked.size() > limit)
        ranked.resize(limit);

    auto names = db.prepare("SELECT v.name, o.name FROM operations o JOIN services v ON v.id = o.service_id "
                            "WHERE o.id = ?1");
    auto typical = db.prepare("SELECT histogram FROM rollups WHERE service_id = ?1 AND operation_id = ?2");
    std::vector<BackendCause> out;
    for (const auto& [op, a] : ranked) {
        if (a.self <= 0)
            continue;
        BackendCause c;
        names.bind(1, op);
        if (names.step()) {
            c.service = std::string(names.text(0));
            c.operation = std::string(names.text(1));
            c.named = true;
        }
        names.reset();
        c.selfNs = a.self;
        c.share = totalSelf ? double(a.self) / double(totalSelf) : 0.0;
        c.calls = a.count;
        c.meanNs = double(a.total) / double(a.count);
        LatencyHistogram h;
        typical.bind(1, a.service).bind(2, op);
        while (typical.step())
            h.mergeEncoded(typical.blob(0));
        typical.reset();
        if (!h.empty()) {
            c.typicalP50Ns = h.quantile(0.5);
            c.slowdown = *c.typicalP50Ns > 0 ? c.meanNs / double(*c.typicalP50Ns) : 0.0;
        }
        out.push_back(std::move(c));
    }
    return out;
}

} // namespace seam
