#include "InvestigationStats.h"

#include "CallMergeSchema.h"
#include "Sqlite.h"

namespace seam {

InvestigationStats investigationStats(Database& db)
{
    InvestigationStats s;
    // traces.span_count and error_count are kept by the writer: summing them avoids counting spans.
    s.spans = db.queryInt("SELECT coalesce(sum(span_count), 0) FROM traces");
    s.traces = db.queryInt("SELECT count(*) FROM traces WHERE span_count > 0");
    s.services = db.queryInt("SELECT count(DISTINCT name) FROM services WHERE is_browser = 0");
    // A visit several sources reported is one session, a call they all reported one resource.
    const bool merging = schema::hasCallMerging(db);
    s.sessions = db.queryInt(merging ? "SELECT count(*) FROM sessions WHERE merged_into IS NULL"
                                     : "SELECT count(*) FROM sessions");
    s.pageLoads = db.queryInt("SELECT count(*) FROM page_loads");
    s.pageLoadReports = db.queryInt("SELECT count(*) FROM page_load_reports");
    s.resources = db.queryInt(merging ? "SELECT count(*) FROM resources WHERE merged_into IS NULL"
                                      : "SELECT count(*) FROM resources");
    s.linkedResources =
        db.queryInt(merging ? "SELECT count(DISTINCT coalesce(r.merged_into, r.id)) FROM links l "
                              "JOIN resources r ON r.id = l.resource_id"
                            : "SELECT count(*) FROM links");
    s.rumErrors = db.queryInt("SELECT count(*) FROM rum_errors");
    s.errorSpans = db.queryInt("SELECT coalesce(sum(error_count), 0) FROM traces");
    s.logs = db.queryInt("SELECT count(*) FROM logs");
    s.actions = db.queryInt("SELECT count(*) FROM actions");
    s.longTasks = db.queryInt("SELECT count(*) FROM long_tasks");
    s.sources = db.queryInt("SELECT count(*) FROM sources");
    auto st = db.prepare("SELECT min(start_ns), max(end_ns) FROM traces WHERE start_ns IS NOT NULL");
    if (st.step() && !st.isNull(0))
        s.timeRange = InvestigationStats::TimeRange{st.int64(0), st.int64(1)};
    return s;
}

} // namespace seam
