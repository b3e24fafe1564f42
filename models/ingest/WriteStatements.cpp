#include "WriteStatements.h"

#include "CallMergeSchema.h"
#include "Schema.h"

namespace seam {
namespace {

constexpr const char* kResourceInsert =
    "INSERT OR IGNORE INTO resources(key, page_load_id, page_load_key, page_load_by_time, session_id, type, "
    "method, url, status, start_ns, duration_ns, transfer_size, dns_ns, connect_ns, ssl_ns, ttfb_ns, "
    "download_ns, trace, trace_lo, span_id, id_source, source_id, reporter)";

} // namespace

WriteStatements::WriteStatements(Database& db)
    : serviceUpsert(
          db.prepare("INSERT INTO services(name, namespace, version, environment, is_browser) VALUES "
                     "(?1, ?2, ?3, ?4, ?5) "
                     "ON CONFLICT(name, namespace, version, environment) DO UPDATE SET "
                     "is_browser = max(is_browser, excluded.is_browser) RETURNING id, is_browser")),
      operationUpsert(db.prepare("INSERT INTO operations(service_id, name) VALUES (?1, ?2) "
                                 "ON CONFLICT(service_id, name) DO UPDATE SET name = name RETURNING id")),
      traceSelect(db.prepare("SELECT id FROM traces WHERE trace_lo = ?2 AND trace_id = ?1")),
      // ?3 NULL: SQLite picks the id.
      traceInsert(db.prepare("INSERT INTO traces(trace_id, trace_lo, id) VALUES (?1, ?2, ?3)")),
      traceInsertWithSpans(db.prepare(
          "INSERT INTO traces(id, trace_id, trace_lo, span_count, backend_span_count, error_count, "
          "start_ns, end_ns, root_service_id, root_operation_id) VALUES (?1, ?9, ?10, ?2, ?3, ?4, ?5, ?6, "
          "?7, "
          "?8)")),
      traceUpdate(db.prepare(
          "UPDATE traces SET span_count = span_count + ?2, backend_span_count = backend_span_count + ?3, "
          "error_count = error_count + ?4, start_ns = min(coalesce(start_ns, ?5), ?5), "
          "end_ns = max(coalesce(end_ns, ?6), ?6), root_service_id = coalesce(?7, root_service_id), "
          "root_operation_id = coalesce(?8, root_operation_id) WHERE id = ?1")),
      spanInsert(db.prepare("INSERT OR IGNORE INTO spans(trace, span_id, parent_span_id, service_id, "
                            "operation_id, kind, start_ns, end_ns, status_code, payload, source_id) "
                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")),
      payloadInsert(
          db.prepare("INSERT INTO span_payloads(id, status_message, attributes, events, links, scope) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
      sessionUpsert(db.prepare(
          "INSERT INTO sessions(key, user_id, browser, browser_version, os, device, country, "
          "app_version, "
          "start_ns, end_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(key) DO UPDATE "
          "SET "
          "user_id = coalesce(excluded.user_id, user_id), browser = coalesce(excluded.browser, browser), "
          "browser_version = coalesce(excluded.browser_version, browser_version), "
          "os = coalesce(excluded.os, os), device = coalesce(excluded.device, device), "
          "country = coalesce(excluded.country, country), "
          "app_version = coalesce(excluded.app_version, app_version), "
          "start_ns = min(coalesce(start_ns, excluded.start_ns), coalesce(excluded.start_ns, start_ns)), "
          "end_ns = max(coalesce(end_ns, excluded.end_ns), coalesce(excluded.end_ns, end_ns)) RETURNING "
          "id, coalesce(merged_into, id)")),
      // A session merged into another visit (PageLoadReconciler) is still found by its key: the raw id is
      // the source's session (its reports keep it), the other the visit its items now belong to.
      sessionSelect(db.prepare("SELECT id, coalesce(merged_into, id) FROM sessions WHERE key = ?1")),
      sessionInsertBare(db.prepare("INSERT INTO sessions(key) VALUES (?1)")),
      sessionExtend(db.prepare("UPDATE sessions SET start_ns = min(coalesce(start_ns, ?2), ?2), "
                               "end_ns = max(coalesce(end_ns, ?3), ?3) WHERE id = ?1")),
      // A key names a report; its page load may be one that several sources' reports were merged into.
      pageLoadSelect(db.prepare("SELECT page_load_id, version, id FROM page_load_reports WHERE key = ?1")),
      // The page-load table's sort keys (schema v6) come with the row: the session's values (by rowid)
      // and ?17, the format of the report inserted right after, which then finds them set and leaves
      // the row alone (v9, SortKeysByWriter): one write of the row and its sort indexes, not two.
      pageLoadInsert(db.prepare(
          "INSERT INTO page_loads(key, session_id, app_service_id, url, route, start_ns, duration_ns, "
          "ttfb_ns, fcp_ns, lcp_ns, cls, inp_ns, trace, span_id, version, source_id, sort_browser, "
          "sort_country, sort_app_version, sort_sources) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
          "(SELECT browser FROM sessions WHERE id = ?2), (SELECT country FROM sessions WHERE id = ?2), "
          "coalesce((SELECT app_version FROM sessions WHERE id = ?2), "
          "(SELECT version FROM services WHERE id = ?3)), ?17)")),
      // A newer version of a page load, bound like pageLoadInsert but ?1 is the row's id, in three
      // statements: an UPDATE rewrites the index entry of every column it sets, changed or not (only the
      // table row is left alone when equal), so the place (session, app, URL, route, start) and the
      // sorted timings are written only when they changed, and the unindexed rest (version) on its own.
      pageLoadPlaceUpdate(db.prepare(
          "UPDATE page_loads SET session_id = coalesce(?2, session_id), app_service_id = ?3, url = ?4, "
          "route = ?5, start_ns = ?6 WHERE id = ?1 AND (session_id IS NOT coalesce(?2, session_id) OR "
          "app_service_id IS NOT ?3 OR url IS NOT ?4 OR route IS NOT ?5 OR start_ns IS NOT ?6)")),
      pageLoadTimingsUpdate(db.prepare(
          "UPDATE page_loads SET duration_ns = coalesce(?7, duration_ns), ttfb_ns = coalesce(?8, ttfb_ns), "
          "lcp_ns = coalesce(?10, lcp_ns), trace = coalesce(?13, trace) WHERE id = ?1 AND "
          "(duration_ns IS NOT coalesce(?7, duration_ns) OR ttfb_ns IS NOT coalesce(?8, ttfb_ns) OR "
          "lcp_ns IS NOT coalesce(?10, lcp_ns) OR trace IS NOT coalesce(?13, trace))")),
      pageLoadRestUpdate(db.prepare(
          "UPDATE page_loads SET fcp_ns = coalesce(?9, fcp_ns), cls = coalesce(?11, cls), "
          "inp_ns = coalesce(?12, inp_ns), span_id = coalesce(?14, span_id), version = ?15 WHERE id = ?1")),
      // Binds like pageLoadInsert (?1 is the page load's id instead of the key), then key and format.
      reportInsert(db.prepare(
          "INSERT INTO page_load_reports(page_load_id, session_id, app_service_id, url, route, start_ns, "
          "duration_ns, ttfb_ns, fcp_ns, lcp_ns, cls, inp_ns, trace, span_id, version, source_id, key, "
          "format) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)")),
      // Binds like pageLoadUpdate, ?1 being the report's id.
      reportUpdate(db.prepare(
          "UPDATE page_load_reports SET session_id = coalesce(?2, session_id), app_service_id = ?3, "
          "url = ?4, route = ?5, start_ns = ?6, duration_ns = coalesce(?7, duration_ns), "
          "ttfb_ns = coalesce(?8, ttfb_ns), fcp_ns = coalesce(?9, fcp_ns), lcp_ns = coalesce(?10, lcp_ns), "
          "cls = coalesce(?11, cls), inp_ns = coalesce(?12, inp_ns), trace = coalesce(?13, trace), "
          "span_id = coalesce(?14, span_id), version = ?15 WHERE id = ?1")),
      pageLoadAt(db.prepare("SELECT id FROM page_loads WHERE session_id = ?1 AND start_ns <= ?2 "
                            "ORDER BY start_ns DESC LIMIT 1")),
      pageLoadBefore(db.prepare("SELECT id FROM page_loads WHERE session_id = ?1 AND start_ns < ?2 "
                                "ORDER BY start_ns DESC LIMIT 1")),
      nextPageLoadStart(
          db.prepare("SELECT min(start_ns) FROM page_loads WHERE session_id = ?1 AND start_ns > ?2")),
      pageLoadValuesClear(db.prepare("DELETE FROM page_load_values WHERE page_load_id = ?1")),
      pageLoadValueInsert(db.prepare(
          "INSERT OR REPLACE INTO page_load_values(page_load_id, key, value) VALUES (?1, ?2, ?3)")),
      resourceInsert(db.prepare(manyRowsSql(kResourceInsert, kResourceColumns, 1))),
      resourceInsertMany(db.prepare(manyRowsSql(kResourceInsert, kResourceColumns, kResourceRowsPerInsert))),
      // A twin: the same request reported by the other instrumentation of the same page, the one with
      // the trace id when this one has none and vice versa (or the same trace: a re-import). Starts
      // within 250 ms (a browser's span clock and its performance timeline part by tens of ms, more on
      // a busy page: at 50 ms the e2e Faro page sometimes kept both); durations are not compared (a fetch
      // span ends when the page has read the body); two candidates keep the record on its own.
      resourceTwin(db.prepare(
          "SELECT id, page_load_id FROM resources WHERE session_id = ?1 AND "
          "start_ns BETWEEN ?2 - 250000000 AND ?2 + 250000000 AND url = ?3 AND type = ?4 AND key <> ?5 "
          "AND (CASE WHEN ?6 IS NULL THEN trace IS NOT NULL ELSE trace IS NULL OR trace = ?6 END) LIMIT 2")),
      resourceMerge(
          db.prepare("UPDATE resources SET method = coalesce(method, ?2), status = coalesce(status, ?3), "
                     "duration_ns = coalesce(duration_ns, ?4), transfer_size = coalesce(transfer_size, ?5), "
                     "dns_ns = coalesce(dns_ns, ?6), connect_ns = coalesce(connect_ns, ?7), ssl_ns = "
                     "coalesce(ssl_ns, "
                     "?8), ttfb_ns = coalesce(ttfb_ns, ?9), download_ns = coalesce(download_ns, ?10), "
                     "span_id = CASE WHEN trace IS NULL AND ?11 IS NOT NULL THEN ?12 ELSE span_id END, "
                     "id_source = CASE WHEN trace IS NULL AND ?11 IS NOT NULL THEN ?13 ELSE id_source END, "
                     "trace = coalesce(trace, ?11) WHERE id = ?1")),
      errorInsert(
          db.prepare("INSERT OR IGNORE INTO rum_errors(key, page_load_id, page_load_key, "
                     "page_load_by_time, session_id, "
                     "time_ns, type, message, source, stack, resource_url, resource_status, source_id) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")),
      actionInsert(db.prepare("INSERT OR IGNORE INTO actions(key, page_load_id, page_load_key, "
                              "page_load_by_time, session_id, "
                              "time_ns, duration_ns, type, name, frustration, source_id) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")),
      actionValueInsert(
          db.prepare("INSERT OR REPLACE INTO action_values(action_id, key, value) VALUES (?1, ?2, ?3)")),
      longTaskInsert(db.prepare("INSERT OR IGNORE INTO long_tasks(key, page_load_id, page_load_key, "
                                "page_load_by_time, session_id, "
                                "time_ns, duration_ns, source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")),
      pendingVitalInsert(
          db.prepare("INSERT INTO pending_vitals(page_load_key, session_key, time_ns, name, value) "
                     "VALUES (?1, ?2, ?3, ?4, ?5)")),
      pendingVitalsByKey(db.prepare("DELETE FROM pending_vitals WHERE page_load_key = ?1 "
                                    "RETURNING name, value")),
      pendingVitalsBySession(db.prepare(
          "DELETE FROM pending_vitals WHERE page_load_key IS NULL AND session_key = ?1 AND time_ns >= ?2 "
          "AND time_ns < ?3 RETURNING name, value")),
      logInsert(db.prepare(
          "INSERT OR IGNORE INTO logs(fingerprint, time_ns, service_id, severity, severity_text, body, "
          "attributes, trace, span_id, source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")),
      pageLoadCounters(db.prepare(schema::pageLoadCountersSelect("?1"))),
      // Two statements for the reason of pageLoadPlaceUpdate: error_count is sorted (page_loads_by_errors),
      // the others are not, and a page load's calls change far more often than its errors.
      pageLoadCountsUpdate(
          db.prepare("UPDATE page_loads SET network_error_count = ?2, resource_count = ?3 WHERE id = ?1")),
      pageLoadErrorCountUpdate(db.prepare("UPDATE page_loads SET error_count = ?2 WHERE id = ?1")),
      sessionCounters(db.prepare(
          "UPDATE sessions SET page_load_count = (SELECT count(*) FROM page_loads WHERE session_id = "
          "?1), "
          "error_count = (SELECT count(*) FROM rum_errors WHERE session_id = ?1) WHERE id = ?1"))
{
    static const char* const tables[] = {"resources", "rum_errors", "actions", "long_tasks"};
    static const char* const timeColumn[] = {"start_ns", "time_ns", "time_ns", "time_ns"};
    for (int i = 0; i < 4; ++i) {
        adoptByKey[i] = db.prepare(std::string("UPDATE ") + tables[i] +
                                   " SET page_load_id = ?1, page_load_by_time = 0 "
                                   "WHERE page_load_key = ?2 AND page_load_id IS NULL RETURNING session_id");
        // Attached-by-time items of this session inside [start, next page load) move here: they were
        // given to an earlier page load only because this one had not arrived yet.
        adoptByTime[i] =
            db.prepare(std::string("UPDATE ") + tables[i] +
                       " SET page_load_id = ?1, page_load_by_time = 1 WHERE session_id = ?2 AND " +
                       timeColumn[i] + " >= ?3 AND " + timeColumn[i] +
                       " < ?4 AND page_load_key IS NULL AND (page_load_id IS NULL OR "
                       "page_load_by_time = 1) AND page_load_id IS NOT ?1");
    }
}

} // namespace seam
