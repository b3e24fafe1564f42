#include "PageLoadReports.h"

#include "CallMergeSchema.h"
#include "Sqlite.h"

namespace seam {
namespace {

// The same order as PageLoadReconciler::canonicalOrder (analysis may not include correlation): the
// in-page SDKs by how complete their navigation timing is, a HAR's page timings last.
std::string formatOrder(const char* column)
{
    return std::string("CASE ") + column +
           " WHEN 'otel' THEN 0 WHEN 'datadog' THEN 1 WHEN 'faro' THEN 2 WHEN 'har' THEN 4 ELSE 3 END";
}

std::optional<std::int64_t> optionalInt(Statement& st, int col)
{
    if (st.isNull(col))
        return std::nullopt;
    return st.int64(col);
}

} // namespace

std::vector<PageLoadReport> pageLoadReports(Database& db, std::int64_t pageLoadId)
{
    std::vector<PageLoadReport> out;
    auto st = db.prepare(
        std::string(
            "SELECT r.source_id, s.path, r.format, resource_key_text(r.key), r.start_ns, r.duration_ns, "
            "r.ttfb_ns, r.fcp_ns, r.lcp_ns, r.inp_ns, r.cls, lower(hex(t.trace_id)), "
            "r.matched_by, r.key = p.key FROM page_load_reports r "
            "JOIN page_loads p ON p.id = r.page_load_id "
            "LEFT JOIN sources s ON s.id = r.source_id "
            "LEFT JOIN traces t ON t.id = r.trace WHERE r.page_load_id = ?1 "
            "ORDER BY r.key = p.key DESC, ") +
        formatOrder("r.format") + ", resource_key_text(r.key)");
    st.bind(1, pageLoadId);
    while (st.step()) {
        PageLoadReport r;
        r.sourceId = st.isNull(0) ? 0 : st.int64(0);
        r.source = st.isNull(1) ? std::string() : std::string(st.text(1));
        r.format = std::string(st.text(2));
        r.key = std::string(st.text(3));
        r.startNs = st.int64(4);
        r.durationNs = optionalInt(st, 5);
        r.ttfbNs = optionalInt(st, 6);
        r.fcpNs = optionalInt(st, 7);
        r.lcpNs = optionalInt(st, 8);
        r.inpNs = optionalInt(st, 9);
        if (!st.isNull(10))
            r.cls = st.real(10);
        r.traceId = st.isNull(11) ? std::string() : std::string(st.text(11));
        r.matchedBy = st.isNull(12) ? std::string() : std::string(st.text(12));
        r.canonical = st.int64(13) != 0;
        out.push_back(std::move(r));
    }
    return out;
}

std::vector<PageLoadCall> pageLoadCalls(Database& db, std::int64_t pageLoadId, int limit)
{
    // Caches from before call merging have one row per report: each call is its own only report.
    const bool merging = schema::hasCallMerging(db);
    auto st = db.prepare(
        std::string("SELECT c.id, c.type, c.method, c.url, c.start_ns - p.start_ns, m.id, ") +
        (merging ? "m.reporter" : "NULL") +
        ", m.status, m.duration_ns, lower(hex(t.trace_id)) FROM (SELECT id, type, method, url, start_ns, "
        "page_load_id FROM resources c WHERE c.page_load_id = ?1" +
        schema::oneRowPerCall(db, "c") +
        " ORDER BY c.start_ns, c.id LIMIT ?2) c JOIN page_loads p ON p.id = c.page_load_id "
        "JOIN resources m ON " +
        (merging ? "(m.id = c.id OR m.merged_into = c.id)" : "m.id = c.id") +
        " LEFT JOIN traces t ON t.id = m.trace ORDER BY c.start_ns, c.id, m.id <> c.id, " +
        (merging ? "m.reporter, " : "") + "resource_key_text(m.key)");
    st.bind(1, pageLoadId).bind(2, std::int64_t(limit));
    std::vector<PageLoadCall> out;
    while (st.step()) {
        if (out.empty() || out.back().resourceId != st.int64(0)) {
            PageLoadCall& c = out.emplace_back();
            c.resourceId = st.int64(0);
            c.type = std::string(st.text(1));
            c.method = st.isNull(2) ? std::string() : std::string(st.text(2));
            c.url = std::string(st.text(3));
            c.offsetNs = st.int64(4);
        }
        CallReport& r = out.back().reports.emplace_back();
        r.resourceId = st.int64(5);
        r.source = st.isNull(6) ? std::string() : std::string(st.text(6));
        r.status = optionalInt(st, 7);
        r.durationNs = optionalInt(st, 8);
        r.traceId = st.isNull(9) ? std::string() : std::string(st.text(9));
    }
    return out;
}

std::string pageLoadSourcesSql(const char* pageLoadIdExpression)
{
    // A correlated subquery over the reports index: one or a few rows per page load.
    return std::string(
               "(SELECT group_concat(format, ',') FROM (SELECT DISTINCT format FROM page_load_reports "
               "WHERE page_load_id = ") +
           pageLoadIdExpression + " ORDER BY " + formatOrder("format") + "))";
}

} // namespace seam
