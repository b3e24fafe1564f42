#include "InvestigationExtract.h"

#include "CacheCheck.h"
#include "FileUri.h"
#include "PageLoadReach.h"
#include "PageLoadReachTraces.h"
#include "Schema.h"
#include "Sqlite.h"
#include "Store.h"
#include "TraceRowKeys.h"

#include <iterator>

namespace seam::report {
namespace {

/// The columns `table` has in both files: a source of an older schema version lacks the newer
/// columns (they take their defaults), and nothing is lost from an equal one.
/// Returns the column list for the INSERT and the same columns of the source row `x` for the SELECT.
std::pair<std::string, std::string> sharedColumns(Database& db, const char* table)
{
    Statement dst = db.prepare("SELECT name FROM pragma_table_info(?1, 'main') ORDER BY cid");
    Statement src = db.prepare("SELECT 1 FROM pragma_table_info(?1, 'src') WHERE name = ?2");
    dst.bindText(1, table);
    std::string insert, select;
    while (dst.step()) {
        const std::string name(dst.text(0));
        src.reset();
        src.bindText(1, table);
        src.bindText(2, name);
        if (!src.step())
            continue;
        insert += (insert.empty() ? "\"" : ", \"") + name + "\"";
        select += (select.empty() ? "x.\"" : ", x.\"") + name + "\"";
    }
    return {insert, select};
}

struct Copy
{
    const char* table;
    const char* where; ///< condition on the source row `x`; ?1 / ?2 are the window
    bool orIgnore = false;
};

// In dependency order: each condition reads what the steps before it copied into main. Every table
// name here is qualified (main., src., temp.): the two files have the same tables.
const Copy kCopies[] = {
    {"page_loads", "x.id IN (SELECT id FROM temp.x_page_loads)"},
    // Every source's report of each kept page load (schema v3).
    {"page_load_reports", "x.page_load_id IN (SELECT id FROM temp.x_page_loads)"},
    // The visits, and every source's own session of them (merged into a visit, still found by its key).
    {"sessions", "x.id IN (SELECT session_id FROM main.page_loads WHERE session_id IS NOT NULL UNION SELECT "
                 "session_id FROM main.page_load_reports WHERE session_id IS NOT NULL)"},
    {"resources", "x.page_load_id IN (SELECT id FROM temp.x_page_loads)"},
    {"rum_errors", "x.page_load_id IN (SELECT id FROM temp.x_page_loads)"},
    {"actions", "x.page_load_id IN (SELECT id FROM temp.x_page_loads)"},
    {"long_tasks", "x.page_load_id IN (SELECT id FROM temp.x_page_loads)"},
    {"links", "x.resource_id IN (SELECT id FROM main.resources)"},
    // Rows keep their ids: the OTLP keys of page loads and their reports, resources, long tasks and
    // actions name their trace by id (schema v16), so those traces come too.
    {"traces",
     "x.id IN (SELECT trace FROM main.page_loads WHERE trace IS NOT NULL UNION "
     "SELECT trace FROM main.resources WHERE trace IS NOT NULL UNION SELECT trace FROM main.links UNION "
     "SELECT resource_key_trace(key) FROM main.page_loads WHERE typeof(key) = 'blob' UNION "
     "SELECT resource_key_trace(key) FROM main.page_load_reports WHERE typeof(key) = 'blob' UNION "
     "SELECT resource_key_trace(key) FROM main.resources WHERE typeof(key) = 'blob' UNION "
     "SELECT resource_key_trace(key) FROM main.long_tasks WHERE typeof(key) = 'blob' UNION "
     "SELECT resource_key_trace(key) FROM main.actions WHERE typeof(key) = 'blob')"},
    {"spans", "x.trace IN (SELECT id FROM main.traces)"},
    {"span_payloads", "x.id IN (SELECT payload FROM main.spans WHERE payload IS NOT NULL)"},
    // The strings the payloads' bytes refer to (schema v8): all of them, the table is small.
    {"attribute_keys", "1"},
    // Logs of the extracted traces, and the window's logs without a trace that name an extracted
    // session (browser console logs carry session.id): both explain the selected loads.
    {"logs",
     "x.trace IN (SELECT id FROM main.traces) OR (x.trace IS NULL AND x.time_ns >= ?1 AND x.time_ns < ?2 "
     "AND CASE WHEN json_valid(x.attributes) THEN json_extract(x.attributes, '$.\"session.id\"') END "
     "IN (SELECT key FROM main.sessions))"},
    {"rollups", "x.bucket_ns >= ?1 AND x.bucket_ns < ?2"},
    // The whole history of every operation the extracted spans ran: its typical latency.
    {"rollups",
     "EXISTS (SELECT 1 FROM (SELECT DISTINCT service_id, operation_id FROM main.spans) u "
     "WHERE u.service_id = x.service_id AND u.operation_id = x.operation_id)",
     true},
    {"services",
     "x.id IN (SELECT service_id FROM main.spans UNION SELECT app_service_id FROM main.page_loads "
     "UNION SELECT service_id FROM main.rollups UNION SELECT service_id FROM main.logs)"},
    {"operations",
     "x.id IN (SELECT operation_id FROM main.spans UNION SELECT operation_id FROM main.rollups)"},
    {"sources", "1"},
    {"source_errors", "1"},
    // Notes about what was kept, and the ones about no particular row (time ranges, services, traces).
    {"notes",
     "x.target_type IS NULL OR x.target_type NOT IN ('page_load', 'resource') OR "
     "(x.target_type = 'page_load' AND x.target_id IN (SELECT CAST(id AS TEXT) FROM temp.x_page_loads)) "
     "OR (x.target_type = 'resource' AND x.target_id IN (SELECT CAST(id AS TEXT) FROM main.resources))"},
    {"note_tags", "x.note_id IN (SELECT id FROM main.notes)"},
    // Where the investigation was (filter, range, selection, layout): the extract reopens there.
    {"investigation_state", "1"},
};

/// The selected page loads, by the filter over the source on its own read-only connection (the
/// filter's SQL names the tables unqualified), into temp.x_page_loads of the target connection.
void selectPageLoads(const std::string& sourcePath, Database& target, const ExtractOptions& o)
{
    Database source = store::openForReading(sourcePath);
    std::string sql = "SELECT p.id FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id WHERE (" +
                      o.filter.sql() + ")";
    if (o.from)
        sql += " AND p.start_ns >= ?" + std::to_string(o.filter.values().size() + 1);
    if (o.to)
        sql += " AND p.start_ns < ?" + std::to_string(o.filter.values().size() + (o.from ? 2 : 1));
    Statement select = source.prepare(sql);
    int next = o.filter.bind(select);
    if (o.from)
        select.bind(next++, *o.from);
    if (o.to)
        select.bind(next++, *o.to);
    target.exec("CREATE TEMP TABLE x_page_loads (id INTEGER PRIMARY KEY)");
    Statement insert = target.prepare("INSERT INTO temp.x_page_loads (id) VALUES (?1)");
    while (select.step()) {
        insert.bind(1, select.int64(0));
        insert.run();
    }
}

} // namespace

std::int64_t ExtractResult::count(const std::string& table) const
{
    std::int64_t n = 0;
    for (const auto& [name, rows] : this->rows)
        if (name == table)
            n += rows;
    return n;
}

ExtractResult extractInvestigation(const std::string& sourcePath, const std::string& targetPath,
                                   const ExtractOptions& options)
{
    {
        // Refuse a damaged or foreign source before creating anything.
        Database check = store::openForReading(sourcePath);
        store::requireUndamaged(check, store::kReaderCheckBudget);
    }
    Database target = store::openForWriting(targetPath);
    // Read-only: the extract never writes the source, and a read-write attachment would checkpoint
    // its write-ahead log into it on detach (a source on read-only media or shared with a colleague
    // stays as it was, byte for byte).
    const std::string sourceUri = fileUri(sourcePath, "mode=ro"); // bound without a copy: outlives the run
    Statement attach = target.prepare("ATTACH DATABASE ?1 AS src");
    attach.bindText(1, sourceUri);
    attach.run();

    ExtractResult result;
    {
        Transaction tx(target);
        selectPageLoads(sourcePath, target, options);
        // The rollups' window: the range asked for, else the selected loads' own.
        Statement window = target.prepare(
            "SELECT min(p.start_ns), max(p.start_ns + coalesce(p.duration_ns, 0)) FROM src.page_loads p "
            "WHERE p.id IN (SELECT id FROM temp.x_page_loads)");
        window.step();
        result.windowFrom = options.from.value_or(window.isNull(0) ? 0 : window.int64(0));
        result.windowTo = options.to.value_or(window.isNull(1) ? 0 : window.int64(1) + 1);
        window.reset();

        // meta: the source's settings win over the new file's defaults.
        const auto [metaInsert, metaSelect] = sharedColumns(target, "meta");
        target.exec("INSERT OR REPLACE INTO main.meta (" + metaInsert + ") SELECT " + metaSelect +
                    " FROM src.meta x");
        const int total = int(std::size(kCopies)) + 1;
        int done = 1;
        for (const Copy& c : kCopies) {
            const auto [columns, select] = sharedColumns(target, c.table);
            if (columns.empty()) { // an older source file without this table: nothing to copy
                result.rows.emplace_back(c.table, 0);
                continue;
            }
            Statement copy = target.prepare(std::string("INSERT ") + (c.orIgnore ? "OR IGNORE " : "") +
                                            "INTO main." + c.table + " (" + columns + ") SELECT " + select +
                                            " FROM src." + c.table + " x WHERE " + c.where);
            const std::string_view where(c.where);
            if (where.find("?1") != std::string_view::npos) {
                copy.bind(1, result.windowFrom);
                copy.bind(2, result.windowTo);
            }
            copy.run();
            result.rows.emplace_back(c.table, target.changes());
            if (options.progress)
                options.progress(c.table, ++done, total);
        }
        // A source older than v16 (read where it lies, not migrated) has its keys in older forms: in
        // today's, naming the copied traces (a trace that was not copied gets a row).
        schema::packKeysByTraceRow(target);
        // Derived rows (what impact reads), from what was copied: also when the source predates them.
        schema::fillPageLoadReach(target);
        schema::fillPageLoadReachTraces(target);
        tx.commit();
    }
    target.exec("DETACH DATABASE src");
    return result;
}

} // namespace seam::report
