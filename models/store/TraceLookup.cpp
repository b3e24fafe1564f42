#include "TraceLookup.h"

#include "Sqlite.h"

#include <optional>
#include <sqlite3.h>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seam {
namespace trace_lookup {

void bind(Statement& st, int idParam, int loParam, const TraceId& id)
{
    st.bindBlob(idParam, id.bytes.data(), int(id.bytes.size())).bind(loParam, id.low64());
}

namespace {

void traceLo(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    std::optional<TraceId> id;
    if (sqlite3_value_type(argv[0]) == SQLITE_BLOB) {
        const auto* data = static_cast<const char*>(sqlite3_value_blob(argv[0]));
        id =
            TraceId::fromBytes(std::string_view(data ? data : "", std::size_t(sqlite3_value_bytes(argv[0]))));
    } else if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        id = TraceId::fromHex(std::string_view(text ? text : "", std::size_t(sqlite3_value_bytes(argv[0]))));
    }
    if (!id) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_result_int64(ctx, sqlite3_int64(id->low64())); // the bits as stored: signed reinterpretation
}

} // namespace

void registerSqlFunctions(sqlite3* db)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function_v2(db, "trace_lo", 1, flags, nullptr, &traceLo, nullptr, nullptr, nullptr);
}

} // namespace trace_lookup

namespace schema {
namespace {

// The v1 table without UNIQUE on trace_id. Rows keep their ids (every other table refers to them);
// trace_lo is computed again from the id, since it is now what finds the row.
constexpr const char* kTraces = R"sql(
CREATE TABLE traces_v14 (
    id                 INTEGER PRIMARY KEY,
    trace_id           BLOB NOT NULL,         -- 16 bytes; found through traces_by_lo (TraceLookup.h)
    trace_lo           INTEGER NOT NULL,      -- low 64 bits (Datadog ids, and the lookup key)
    start_ns           INTEGER,               -- NULL until a span arrives
    end_ns             INTEGER,
    span_count         INTEGER NOT NULL DEFAULT 0,
    backend_span_count INTEGER NOT NULL DEFAULT 0,
    error_count        INTEGER NOT NULL DEFAULT 0,
    root_service_id    INTEGER,
    root_operation_id  INTEGER
);
INSERT INTO traces_v14(id, trace_id, trace_lo, start_ns, end_ns, span_count, backend_span_count, error_count,
                       root_service_id, root_operation_id)
SELECT id, trace_id, coalesce(trace_lo(trace_id), trace_lo), start_ns, end_ns, span_count, backend_span_count, error_count, root_service_id,
       root_operation_id FROM traces ORDER BY id;
DROP TABLE traces;
ALTER TABLE traces_v14 RENAME TO traces;
CREATE INDEX traces_by_lo ON traces(trace_lo);
CREATE INDEX traces_by_start ON traces(start_ns) WHERE start_ns IS NOT NULL;
)sql";

} // namespace

void lookUpTracesByLowBits(Database& db)
{
    // A file whose version was set back may have had this step already.
    if (db.queryInt("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'traces' AND "
                    "name LIKE 'sqlite_autoindex_%'") == 0)
        return;
    // ALTER TABLE ... RENAME parses every view and fails on one that names a table that is gone, so the
    // views (all of them: a user's own view may read traces too) are taken off and put back as they were.
    std::vector<std::pair<std::string, std::string>> views;
    {
        Statement st = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'view' ORDER BY rowid");
        while (st.step())
            views.emplace_back(std::string(st.text(0)), std::string(st.text(1)));
    }
    for (const auto& view : views)
        db.exec("DROP VIEW " + quotedIdentifier(view.first));
    db.exec(kTraces);
    for (const auto& view : views)
        db.exec(view.second);
}

} // namespace schema
} // namespace seam
