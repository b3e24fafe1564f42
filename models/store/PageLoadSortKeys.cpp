#include "PageLoadSortKeys.h"

#include "Sqlite.h"

#include <string>

namespace seam::schema {
namespace {

// The session's values as the page-load table shows them (its LEFT JOINs of sessions and of the app's
// service), for the page_loads row being updated. Scalar subqueries by rowid: a joined subquery in FROM
// would open a temporary table at every row the writer inserts.
constexpr const char* kSessionKeys =
    "sort_browser = (SELECT browser FROM sessions WHERE id = page_loads.session_id), "
    "sort_country = (SELECT country FROM sessions WHERE id = page_loads.session_id), "
    "sort_app_version = coalesce((SELECT app_version FROM sessions WHERE id = page_loads.session_id), "
    "(SELECT version FROM services WHERE id = page_loads.app_service_id))";

// What the table's Source(s) column shows: the distinct formats in the canonical order of
// models/analysis/PageLoadReports.cpp (pageLoadSourcesSql), which the store may not include; the
// page-load table's test compares the two orders.
constexpr const char* kSourcesKey =
    "sort_sources = (SELECT group_concat(format, ',') FROM (SELECT DISTINCT format FROM page_load_reports "
    "WHERE page_load_id = page_loads.id ORDER BY CASE format WHEN 'otel' THEN 0 WHEN 'datadog' THEN 1 "
    "WHEN 'faro' THEN 2 WHEN 'har' THEN 4 ELSE 3 END))";

// A page load's first report (the writer's every new page load) is its sources as they are: the
// DISTINCT and ORDER BY above open temporary tables, which cost more than the rest of the insert.
constexpr const char* kSourcesOnReportInsert =
    "sort_sources = CASE WHEN NOT EXISTS (SELECT 1 FROM page_load_reports WHERE page_load_id = "
    "NEW.page_load_id "
    "AND id <> NEW.id) THEN NEW.format ELSE (SELECT group_concat(format, ',') FROM (SELECT DISTINCT format "
    "FROM page_load_reports WHERE page_load_id = page_loads.id ORDER BY CASE format WHEN 'otel' THEN 0 "
    "WHEN 'datadog' THEN 1 WHEN 'faro' THEN 2 WHEN 'har' THEN 4 ELSE 3 END)) END";

// Indexes name the column they order by; the id is every index's last key, which is the table's
// tie-breaker, so ORDER BY <column>, id (either direction) is a walk of the index with no sort.
// No trigger on inserting a page load: any trigger on a table makes each insert into it open a statement
// journal (the writer's statements may abort: unique keys), measured at ~50 us a row. Every page load
// gets its first report right after its insert (the writer, an extract, the v3 step), so the report's
// insert sets the session's values too. Updates fire only when a source value really changed (the
// writer's session upsert rewrites every column on each batch).
std::string ddl()
{
    const std::string session = kSessionKeys;
    const std::string sources = kSourcesKey;
    const std::string firstReport = kSourcesOnReportInsert;
    return R"sql(
ALTER TABLE page_loads ADD COLUMN sort_browser TEXT;      -- sessions.browser
ALTER TABLE page_loads ADD COLUMN sort_country TEXT;      -- sessions.country
ALTER TABLE page_loads ADD COLUMN sort_app_version TEXT;  -- coalesce(sessions.app_version, services.version)
ALTER TABLE page_loads ADD COLUMN sort_sources TEXT;      -- the reports' formats, "otel,har"
UPDATE page_loads SET )sql" +
           session + ", " + sources + R"sql(;
CREATE INDEX page_loads_by_url ON page_loads(url);
CREATE INDEX page_loads_by_ttfb ON page_loads(ttfb_ns);
CREATE INDEX page_loads_by_lcp ON page_loads(lcp_ns);
CREATE INDEX page_loads_by_errors ON page_loads(error_count);
CREATE INDEX page_loads_by_backend ON page_loads(backend_ns);
CREATE INDEX page_loads_by_services ON page_loads(services);
CREATE INDEX page_loads_by_browser ON page_loads(sort_browser);
CREATE INDEX page_loads_by_country ON page_loads(sort_country);
CREATE INDEX page_loads_by_app_version ON page_loads(sort_app_version);
CREATE INDEX page_loads_by_sources ON page_loads(sort_sources);

CREATE TRIGGER page_loads_sort_keys_on_update AFTER UPDATE OF session_id, app_service_id ON page_loads
WHEN OLD.session_id IS NOT NEW.session_id OR OLD.app_service_id IS NOT NEW.app_service_id BEGIN
    UPDATE page_loads SET )sql" +
           session + R"sql( WHERE id = NEW.id;
END;
CREATE TRIGGER sessions_sort_keys_on_insert AFTER INSERT ON sessions BEGIN
    UPDATE page_loads SET )sql" +
           session + R"sql( WHERE session_id = NEW.id;
END;
CREATE TRIGGER sessions_sort_keys_on_update AFTER UPDATE OF browser, country, app_version ON sessions
WHEN OLD.browser IS NOT NEW.browser OR OLD.country IS NOT NEW.country OR OLD.app_version IS NOT NEW.app_version
BEGIN
    UPDATE page_loads SET )sql" +
           session + R"sql( WHERE session_id = NEW.id;
END;
-- Rare (a new service version) and a scan of page_loads: app_service_id has no index of its own.
CREATE TRIGGER services_sort_keys_on_insert AFTER INSERT ON services WHEN NEW.version IS NOT NULL BEGIN
    UPDATE page_loads SET )sql" +
           session + R"sql( WHERE app_service_id = NEW.id;
END;
CREATE TRIGGER services_sort_keys_on_update AFTER UPDATE OF version ON services
WHEN OLD.version IS NOT NEW.version BEGIN
    UPDATE page_loads SET )sql" +
           session + R"sql( WHERE app_service_id = NEW.id;
END;
CREATE TRIGGER reports_sort_keys_on_insert AFTER INSERT ON page_load_reports BEGIN
    UPDATE page_loads SET )sql" +
           session + ", " + firstReport + R"sql( WHERE id = NEW.page_load_id;
END;
CREATE TRIGGER reports_sort_keys_on_update AFTER UPDATE OF page_load_id, format ON page_load_reports
WHEN OLD.page_load_id IS NOT NEW.page_load_id OR OLD.format IS NOT NEW.format BEGIN
    UPDATE page_loads SET )sql" +
           sources + R"sql( WHERE id IN (OLD.page_load_id, NEW.page_load_id);
END;
CREATE TRIGGER reports_sort_keys_on_delete AFTER DELETE ON page_load_reports BEGIN
    UPDATE page_loads SET )sql" +
           sources + R"sql( WHERE id = OLD.page_load_id;
END;
)sql";
}

} // namespace

const char* sessionSortKeysSet()
{
    return kSessionKeys;
}

const char* firstReportSourcesSet()
{
    return kSourcesOnReportInsert;
}

void addPageLoadSortKeys(Database& db)
{
    // A step finds its columns already there when an older version number was written back over a file
    // that had them (tests that rebuild a previous version take the later steps' objects off one by one):
    // adding them again would fail the whole migration.
    if (hasPageLoadSortKeys(db))
        return;
    db.exec(ddl());
}

bool hasPageLoadSortKeys(Database& db)
{
    return db.queryInt("SELECT count(*) FROM pragma_table_info('page_loads') WHERE name = 'sort_sources'") >
           0;
}

} // namespace seam::schema
