#include "PageLoadReachTraces.h"

#include "Sqlite.h"

namespace seam::schema {
namespace {

// The index page_load_reach_by_page_load repeated every key column of page_load_reach behind the page
// load's id (~27 bytes a row, half of its pages left empty by the refreshes' deletes and re-inserts):
// as big as the table it indexes, for the writer's refresh and the delete trigger alone. A page load
// reaches ~3 traces, each ~4 entry spans: one small row per trace instead, and the keys of the page
// load's rows read from the traces' spans (clustered by trace: the writer reads them anyway).
// WITHOUT ROWID keyed by page load: the writer and the trigger only ever ask by page load.
constexpr const char* kDdl = R"sql(
CREATE TABLE page_load_reach_traces (
    page_load_id INTEGER NOT NULL,
    trace        INTEGER NOT NULL,   -- traces.id whose entry spans page_load_reach holds for it
    PRIMARY KEY (page_load_id, trace)
) WITHOUT ROWID;
DROP INDEX IF EXISTS page_load_reach_by_page_load;
DROP TRIGGER IF EXISTS page_load_reach_gone;
CREATE TRIGGER page_load_reach_gone AFTER DELETE ON page_loads BEGIN
    DELETE FROM page_load_reach WHERE (service_id, start_ns, page_load_id, trace, span_id) IN
        (SELECT s.service_id, s.start_ns, t.page_load_id, s.trace, s.span_id FROM page_load_reach_traces t
         JOIN spans s ON s.trace = t.trace WHERE t.page_load_id = old.id);
    DELETE FROM page_load_reach_traces WHERE page_load_id = old.id;
END;
-- A page load's resources are read whole (the waterfall, the counters) and sorted after: ~12 rows each.
-- Without start_ns the index is half the size (8 bytes of a ~17-byte entry) and its counts stay
-- index-only.
DROP INDEX IF EXISTS resources_by_page_load;
CREATE INDEX resources_by_page_load ON resources(page_load_id);
)sql";

} // namespace

void addPageLoadReachTraces(Database& db)
{
    // Already there (a file whose version number was set back, as PageLoadSortKeys explains): keep it.
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'page_load_reach_traces'") > 0)
        return;
    db.exec(kDdl);
    fillPageLoadReachTraces(db);
}

void fillPageLoadReachTraces(Database& db)
{
    db.exec("INSERT OR IGNORE INTO main.page_load_reach_traces(page_load_id, trace) SELECT DISTINCT "
            "page_load_id, trace FROM main.page_load_reach ORDER BY 1, 2");
}

} // namespace seam::schema
