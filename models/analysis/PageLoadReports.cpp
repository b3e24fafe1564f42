#include "PageLoadReports.h"

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
    auto st =
        db.prepare(std::string("SELECT r.source_id, s.path, r.format, r.key, r.start_ns, r.duration_ns, "
                               "r.ttfb_ns, r.fcp_ns, r.lcp_ns, r.inp_ns, r.cls, lower(hex(t.trace_id)), "
                               "r.matched_by, r.key = p.key FROM page_load_reports r "
                               "JOIN page_loads p ON p.id = r.page_load_id "
                               "LEFT JOIN sources s ON s.id = r.source_id "
                               "LEFT JOIN traces t ON t.id = r.trace WHERE r.page_load_id = ?1 "
                               "ORDER BY r.key = p.key DESC, ") +
                   formatOrder("r.format") + ", r.key");
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

std::string pageLoadSourcesSql(const char* pageLoadIdExpression)
{
    // A correlated subquery over the reports index: one or a few rows per page load.
    return std::string(
               "(SELECT group_concat(format, ',') FROM (SELECT DISTINCT format FROM page_load_reports "
               "WHERE page_load_id = ") +
           pageLoadIdExpression + " ORDER BY " + formatOrder("format") + "))";
}

} // namespace seam
