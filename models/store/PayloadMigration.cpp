#include "PayloadMigration.h"

#include "KeyDictionary.h"
#include "PayloadCodec.h"
#include "PayloadFormat.h"
#include "Sqlite.h"

#include <algorithm>

namespace seam::schema {
namespace {

// attribute_keys has no UNIQUE(key): nothing looks a string up by its text except a writer that
// found its ids disagreeing with the file's (rare, a full scan then), and the index would double the
// table. Two processes may give one string two ids; both decode.
constexpr const char* kPayloadDdl = R"sql(
CREATE TABLE attribute_keys (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL                          -- attribute key, scope name or shared string value
);
DROP VIEW v_spans;
CREATE TABLE span_payloads_v4 (
    id             INTEGER PRIMARY KEY,
    status_message TEXT,
    attributes     BLOB,                       -- encoded JSON object (docs/SCHEMA.md, payload encoding)
    events         BLOB,                       -- encoded JSON array [{t, name, attributes}]
    links          BLOB,                       -- encoded JSON array [{trace_id, span_id, attributes}]
    scope          INTEGER                     -- attribute_keys.id of the instrumentation scope's name
);
)sql";

constexpr const char* kViewsDdl = R"sql(
CREATE VIEW v_spans AS
SELECT lower(hex(t.trace_id)) AS trace_id, printf('%016x', s.span_id) AS span_id,
       CASE s.parent_span_id WHEN 0 THEN NULL ELSE printf('%016x', s.parent_span_id) END AS parent_span_id,
       v.name AS service, v.version AS service_version, o.name AS name, s.kind, s.start_ns, s.end_ns,
       s.end_ns - s.start_ns AS duration_ns, s.status_code, p.status_message,
       span_attributes(p.attributes) AS attributes, span_events(p.events) AS events,
       span_links(p.links) AS links, span_scope(p.scope) AS scope
FROM spans s JOIN traces t ON t.id = s.trace JOIN services v ON v.id = s.service_id
JOIN operations o ON o.id = s.operation_id LEFT JOIN span_payloads p ON p.id = s.payload;
CREATE VIEW span_attributes AS
SELECT s.trace, s.span_id, a.key, a.value
FROM spans s JOIN span_payloads p ON p.id = s.payload, json_each(span_attributes(p.attributes)) a
WHERE p.attributes IS NOT NULL;
)sql";

} // namespace

void migrateToBinaryPayloads(Database& db)
{
    // Already binary (a file whose version number a test set back to rebuild an earlier step): encoding
    // the bytes again would corrupt every payload.
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'attribute_keys'") > 0)
        return;
    db.exec(kPayloadDdl);
    KeyDictionary dictionary;
    std::vector<std::uint32_t> used;
    {
        auto lock = dictionary.lock();
        auto read =
            db.prepare("SELECT id, status_message, attributes, events, links, scope FROM span_payloads");
        auto write = db.prepare("INSERT INTO span_payloads_v4(id, status_message, attributes, events, links, "
                                "scope) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        std::string attributes, events, links;
        std::size_t compactAt = 65536; // doubles with the distinct ids: compacting stays linear overall
        while (read.step()) {
            attributes = payload::encode(read.text(2), dictionary, used);
            events = payload::encode(read.text(3), dictionary, used);
            links = payload::encode(read.text(4), dictionary, used);
            write.bind(1, read.int64(0));
            if (read.isNull(1))
                write.bindNull(2);
            else
                write.bindText(2, read.text(1));
            for (int i = 0; i < 3; ++i) {
                const std::string& b = i == 0 ? attributes : i == 1 ? events : links;
                if (b.empty())
                    write.bindNull(3 + i);
                else
                    write.bindBlob(3 + i, b.data(), int(b.size()));
            }
            const std::string_view scope = read.text(5);
            const std::uint32_t scopeId = scope.empty() ? 0 : dictionary.keyId(scope);
            if (scopeId) {
                write.bind(6, scopeId);
                used.push_back(scopeId);
            } else {
                write.bindNull(6);
            }
            write.run();
            // Keep the list of ids short on a big cache: it only needs each id once.
            if (used.size() > compactAt) {
                std::sort(used.begin(), used.end());
                used.erase(std::unique(used.begin(), used.end()), used.end());
                compactAt = std::max<std::size_t>(65536, used.size() * 2);
            }
        }
        std::sort(used.begin(), used.end());
        used.erase(std::unique(used.begin(), used.end()), used.end());
        auto key = db.prepare("INSERT INTO attribute_keys(id, key) VALUES (?1, ?2)");
        for (const std::uint32_t id : used) {
            const std::string& text = dictionary.text(id);
            key.bind(1, id);
            if (payload::isBinaryDictionaryString(text))
                key.bindBlob(2, text.data(), int(text.size()));
            else
                key.bindText(2, text);
            key.run();
        }
    }
    db.exec("DROP TABLE span_payloads");
    db.exec("ALTER TABLE span_payloads_v4 RENAME TO span_payloads");
    db.exec(kViewsDdl);
}

} // namespace seam::schema
