#include "PageLoadReach.h"

#include "Sqlite.h"

namespace seam::schema {
namespace {

// Entry spans rather than one row per (page load, service) with first/last times: a window edge cuts
// through a page load's calls, and counts must stay exact, which an aggregate over [first, last]
// cannot tell. A page load reaches ~1.1 entry spans per (trace, service), so rows stay nearly as few.
// WITHOUT ROWID clustered by (service, start): the impact query reads one contiguous range.
// The trigger drops the rows of a page load merged away (PageLoadReconciler deletes it), so an id that
// SQLite hands out again never inherits them.
constexpr const char* kDdl = R"sql(
CREATE TABLE page_load_reach (
    service_id   INTEGER NOT NULL,   -- services.id (one version) of the entry span
    start_ns     INTEGER NOT NULL,   -- the entry span's start
    page_load_id INTEGER NOT NULL,
    trace        INTEGER NOT NULL,   -- traces.id: a linked call's trace or the document's
    span_id      INTEGER NOT NULL,
    duration_ns  INTEGER NOT NULL,
    error        INTEGER NOT NULL,   -- 1: status_code = 2
    PRIMARY KEY (service_id, start_ns, page_load_id, trace, span_id)
) WITHOUT ROWID;
CREATE INDEX page_load_reach_by_page_load ON page_load_reach(page_load_id);
CREATE TRIGGER page_load_reach_gone AFTER DELETE ON page_loads BEGIN
    DELETE FROM page_load_reach WHERE page_load_id = old.id;
END;
)sql";

// The same rows the correlation step writes (PageLoadReachWriter): traces of the page load's linked
// calls and its document trace, their non-browser entry spans. Sorted by the key so that the insert
// appends to the B-tree. The v5 table's rows, with span_id (the v11 step narrows them).
constexpr const char* kBackfillV5 = R"sql(
INSERT OR IGNORE INTO main.page_load_reach(service_id, start_ns, page_load_id, trace, span_id, duration_ns, error)
SELECT s.service_id, s.start_ns, t.page_load_id, s.trace, s.span_id, s.end_ns - s.start_ns,
       s.status_code = 2
FROM (SELECT r.page_load_id AS page_load_id, l.trace AS trace FROM main.links l
          JOIN main.resources r ON r.id = l.resource_id WHERE r.page_load_id IS NOT NULL
      UNION SELECT id, trace FROM main.page_loads WHERE trace IS NOT NULL) t
CROSS JOIN main.spans s ON s.trace = t.trace
JOIN main.services v ON v.id = s.service_id AND v.is_browser = 0
WHERE s.kind IN (2, 5) OR s.parent_span_id = 0
ORDER BY 1, 2, 3, 4, 5
)sql";

// The same rows in today's table (schema v11, PackedResourceKeys.cpp): entry spans of one service
// and start in a trace are one row, the longest duration and the error of either.
constexpr const char* kBackfill = R"sql(
INSERT OR IGNORE INTO main.page_load_reach(service_id, start_ns, page_load_id, trace, duration_ns, error)
SELECT s.service_id, s.start_ns, t.page_load_id, s.trace, max(s.end_ns - s.start_ns),
       max(s.status_code = 2)
FROM (SELECT r.page_load_id AS page_load_id, l.trace AS trace FROM main.links l
          JOIN main.resources r ON r.id = l.resource_id WHERE r.page_load_id IS NOT NULL
      UNION SELECT id, trace FROM main.page_loads WHERE trace IS NOT NULL) t
CROSS JOIN main.spans s ON s.trace = t.trace
JOIN main.services v ON v.id = s.service_id AND v.is_browser = 0
WHERE s.kind IN (2, 5) OR s.parent_span_id = 0
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
)sql";

} // namespace

void addPageLoadReach(Database& db)
{
    // Already there (a file whose version number was set back, as PageLoadSortKeys explains): keep it.
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'page_load_reach'") > 0)
        return;
    db.exec(kDdl);
    db.exec(kBackfillV5);
}

void fillPageLoadReach(Database& db)
{
    db.exec(kBackfill);
}

} // namespace seam::schema
