#include "PackedResourceKeys.h"

#include "Sqlite.h"

namespace seam::schema {
namespace {

// page_load_reach without span_id: ~9 of its ~47 bytes a row. WITHOUT ROWID clustered by (service,
// start) as before (PageLoadReach.cpp): impact reads one range of the key. The old rows are moved
// aside, not altered: SQLite cannot drop a primary-key column.
constexpr const char* kNarrowReach = R"sql(
DROP TRIGGER IF EXISTS page_load_reach_gone;
ALTER TABLE page_load_reach RENAME TO page_load_reach_v10;
CREATE TABLE page_load_reach (
    service_id   INTEGER NOT NULL,   -- services.id (one version) of the entry span
    start_ns     INTEGER NOT NULL,   -- the entry span's start
    page_load_id INTEGER NOT NULL,
    trace        INTEGER NOT NULL,   -- traces.id: a linked call's trace or the document's
    duration_ns  INTEGER NOT NULL,   -- the longest of the trace's entry spans of that service and start
    error        INTEGER NOT NULL,   -- 1: one of them has status_code = 2
    PRIMARY KEY (service_id, start_ns, page_load_id, trace)
) WITHOUT ROWID;
INSERT INTO page_load_reach(service_id, start_ns, page_load_id, trace, duration_ns, error)
SELECT service_id, start_ns, page_load_id, trace, max(duration_ns), max(error) FROM page_load_reach_v10
GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4;
DROP TABLE page_load_reach_v10;
)sql";

// The v10 trigger (PageLoadReachTraces.cpp) without span_id: a deleted page load's rows are its
// traces' entry spans' (service, start), found through page_load_reach_traces and spans.
constexpr const char* kTrigger = R"sql(
DROP TRIGGER IF EXISTS page_load_reach_gone;
CREATE TRIGGER page_load_reach_gone AFTER DELETE ON page_loads BEGIN
    DELETE FROM page_load_reach WHERE (service_id, start_ns, page_load_id, trace) IN
        (SELECT s.service_id, s.start_ns, t.page_load_id, s.trace FROM page_load_reach_traces t
         JOIN spans s ON s.trace = t.trace WHERE t.page_load_id = old.id);
    DELETE FROM page_load_reach_traces WHERE page_load_id = old.id;
END;
)sql";

} // namespace

void packResourceKeys(Database& db)
{
    // resource_key() (ResourceKey.cpp, on every connection) packs a text key, leaves a packed one.
    // A key without a packed form stays the text it is. The OTLP keys are left to step v16, which
    // packs them in their form of today (they name their trace's row).
    db.exec("UPDATE main.resources SET key = resource_key(key) WHERE typeof(key) = 'text' AND "
            "key NOT LIKE 'otel:%' AND typeof(resource_key(key)) = 'blob'");
    if (db.queryInt("SELECT count(*) FROM pragma_table_info('page_load_reach') WHERE name = 'span_id'") > 0)
        db.exec(kNarrowReach);
    // Always: a file whose version was set back (as PageLoadSortKeys explains) may have had the v10
    // step put back its trigger, which names span_id.
    db.exec(kTrigger);
}

} // namespace seam::schema
