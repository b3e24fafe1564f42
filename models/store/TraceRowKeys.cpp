#include "TraceRowKeys.h"

#include "ResourceKey.h"
#include "Sqlite.h"
#include "TraceLookup.h"

#include <string>
#include <vector>

namespace seam::schema {
namespace {

void packTable(Database& db, const std::string& table, bool standalone)
{
    // The forms that need no trace (Datadog's): as resource_key() stores them.
    if (standalone)
        db.exec("UPDATE main." + table +
                " SET key = resource_key(key) WHERE typeof(key) = 'text' AND key NOT "
                "LIKE 'otel:%' AND typeof(resource_key(key)) = 'blob'");
    // The keys to rewrite, read first: the UPDATEs below move them within the index being read.
    struct Rewrite
    {
        std::int64_t id;
        resource_key::OtelKey key;
    };
    std::vector<Rewrite> rewrites;
    {
        Statement old = db.prepare("SELECT id, key, typeof(key) = 'blob' FROM main." + table +
                                   " WHERE (typeof(key) = 'blob' AND substr(key, 1, 1) = x'01') OR "
                                   "(typeof(key) = 'text' AND key LIKE 'otel:%')");
        while (old.step()) {
            const std::string_view stored = old.blob(1);
            const std::string text =
                old.int64(2) ? resource_key::decodeStandalone(stored) : std::string(stored);
            if (const auto key = resource_key::parseOtel(text))
                rewrites.push_back({old.int64(0), *key});
        }
    }
    Statement find = db.prepare("SELECT id FROM main.traces WHERE trace_lo = ?2 AND trace_id = ?1");
    Statement create = db.prepare("INSERT INTO main.traces(trace_id, trace_lo) VALUES (?1, ?2)");
    // OR IGNORE: two old keys of one request (the same text once packed, once not) keep the first.
    Statement update = db.prepare("UPDATE OR IGNORE main." + table + " SET key = ?2 WHERE id = ?1");
    for (const Rewrite& r : rewrites) {
        trace_lookup::bind(find, 1, 2, r.key.trace);
        std::int64_t row = find.step() ? find.int64(0) : 0;
        find.reset();
        if (!row) {
            trace_lookup::bind(create, 1, 2, r.key.trace);
            create.run();
            row = db.lastInsertRowId();
        }
        char packed[resource_key::kMaxPacked];
        update.bind(1, r.id).bindBlob(2, packed, int(resource_key::packTraceRow(row, r.key.span, packed)));
        update.run();
    }
}

} // namespace

void packKeysByTraceRow(Database& db)
{
    for (const char* table : {"resources", "long_tasks", "actions"})
        packTable(db, table, true);
    // A page load's key also names it in other rows until it arrives (`page_load_key`, pending vitals):
    // those stay text, the writer packs the key it looks up. Only the OTLP form, which is what puts
    // the keys in arrival order; Datadog's view ids stay text.
    for (const char* table : {"page_loads", "page_load_reports"})
        packTable(db, table, false);
}

} // namespace seam::schema
