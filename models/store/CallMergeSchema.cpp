#include "CallMergeSchema.h"

#include "Sqlite.h"

namespace seam::schema {
namespace {

// Several sources of one page report the same call (an OTel fetch span, a Datadog resource, a HAR entry)
// and the same visit (each SDK has its own session id). Every report stays a row of its own, with what
// its source said; `merged_into` names the row that stands for the call (or the visit), NULL on that row
// itself and on rows reported once. Readers that count calls or visits skip rows with merged_into set.
// A column rather than a `resource_reports` table: a call's reports have the very columns of a resource,
// links stay keyed by resource, and single-source data writes nothing more than a NULL.
//
// (page_load_reports by session, which only files with several sources need, is made by SessionMerger the
// first time it is needed: single-source imports do not pay for its upkeep.)
//
// `status = 0` now means the request failed without a response (network error, CORS, aborted), as the
// source said so; an unknown status stays NULL (the writers never stored 0 before this step). The partial
// indexes keep the per-page-load counts index-only: few rows qualify.
constexpr const char* kCallMergeDdl = R"sql(
ALTER TABLE resources ADD COLUMN reporter TEXT;
ALTER TABLE resources ADD COLUMN merged_into INTEGER;
ALTER TABLE sessions ADD COLUMN merged_into INTEGER;
CREATE INDEX resources_merged ON resources(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX resources_merged_by_page_load ON resources(page_load_id) WHERE merged_into IS NOT NULL;
DROP INDEX IF EXISTS resources_failed_by_page_load;
CREATE INDEX resources_failed_calls ON resources(page_load_id, url) WHERE status >= 500 OR status = 0;
CREATE INDEX sessions_merged ON sessions(merged_into) WHERE merged_into IS NOT NULL;
)sql";

} // namespace

void migrateToCallMerging(Database& db)
{
    db.exec(kCallMergeDdl);
}

std::string pageLoadCountersSelect(const std::string& id)
{
    // A failed call counts once, whichever of its reports said it failed. Rows written before the step
    // (no reporter) were never merged: those keep the older rule, one per trace, else method, URL, second.
    // The partial indexes are named: without statistics SQLite picks resources_by_page_load for both and
    // reads every resource row of the page load, where these read only the few failed or merged ones.
    const std::string failed = "(r.status >= 500 OR r.status = 0)";
    const std::string failedCalls =
        "SELECT count(DISTINCT CASE WHEN r.merged_into IS NOT NULL THEN r.merged_into WHEN r.reporter IS NOT "
        "NULL "
        "OR EXISTS (SELECT 1 FROM resources m WHERE m.merged_into = r.id) THEN r.id ELSE 'v3 ' || "
        "coalesce(r.trace, coalesce(r.method, '') || ' ' || r.url || ' ' || (r.start_ns / 1000000000)) END) "
        "FROM resources r INDEXED BY resources_failed_calls WHERE r.page_load_id = " +
        id + " AND " + failed;
    // An SDK's error event about a failed call (Datadog/Faro source 'network') is that call when it names it.
    const std::string networkEvents =
        "SELECT count(*) FROM rum_errors e WHERE e.page_load_id = " + id +
        " AND e.source = 'network' AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.page_load_id = " + id +
        " AND " + failed + " AND r.url = e.resource_url)";
    const std::string jsErrors = "(SELECT count(*) FROM rum_errors WHERE page_load_id = " + id +
                                 ") - (SELECT count(*) FROM rum_errors WHERE page_load_id = " + id +
                                 " AND source = 'network')";
    const std::string network = "(" + failedCalls + ") + (" + networkEvents + ")";
    // Both counts index-only: all the page load's rows, less the reports merged into another row.
    const std::string calls = "(SELECT count(*) FROM resources WHERE page_load_id = " + id +
                              ") - (SELECT count(*) FROM resources INDEXED BY resources_merged_by_page_load "
                              "WHERE page_load_id = " +
                              id + " AND merged_into IS NOT NULL)";
    return "SELECT " + network + ", " + jsErrors + ", " + calls +
           ", network_error_count, error_count, resource_count FROM page_loads WHERE id = " + id;
}

bool hasCallMerging(Database& db)
{
    return db.queryInt("SELECT count(*) FROM pragma_table_info('resources') WHERE name = 'merged_into'") > 0;
}

std::string oneRowPerCall(Database& db, const std::string& alias)
{
    return hasCallMerging(db) ? " AND " + alias + ".merged_into IS NULL" : std::string();
}

std::string callLinkJoin(Database& db, const std::string& alias, const std::string& link)
{
    if (!hasCallMerging(db))
        return " LEFT JOIN links " + link + " ON " + link + ".resource_id = " + alias + ".id ";
    return " LEFT JOIN links " + link + " ON " + link +
           ".resource_id = (SELECT cm.id FROM resources cm JOIN links cl ON cl.resource_id = cm.id WHERE "
           "cm.id = " +
           alias + ".id OR cm.merged_into = " + alias +
           ".id ORDER BY cl.confidence DESC, cm.merged_into IS NOT NULL, cm.id LIMIT 1) ";
}

} // namespace seam::schema
