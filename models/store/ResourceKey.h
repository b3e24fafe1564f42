#pragma once

#include <cstddef>
#include <string>
#include <string_view>

struct sqlite3;

namespace seam::resource_key {

/// The form `resources.key` is stored in (schema v11): an importer's key text, packed when it has a
/// packed form. The OTLP keys (`otel:<32 hex>:<16 hex>`, 57 bytes, all of the demo's) become 25
/// bytes; with their UNIQUE index they were a sixteenth of the cache. A packed key is a `BLOB` of one
/// tag byte, then:
///
///   0x01  16-byte trace id, 8-byte span id: `otel:<trace hex>:<span hex>`
///   0x02  8 bytes: `dd:<16 hex>` (the Datadog reader's keys for resources without an id)
///   0x03  16 bytes: a UUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (Datadog's resource ids)
///
/// Any other key (Faro, HAR, tests' names) stays `TEXT`, as before v11: a text value and a blob never
/// compare equal, so the two cannot collide, and `key = 'har:...'` keeps working. Hex digits are
/// lower-case in the packed forms; a key with an upper-case digit stays text, so that every key comes
/// back exactly.
///
/// The longest packed form (an OTLP key).
constexpr std::size_t kMaxPacked = 25;
/// Writes the packed form of `text` at `out` (kMaxPacked bytes) and returns its size, or 0 when the
/// key has none (store the text). What the writer calls for every resource: no allocation.
std::size_t pack(std::string_view text, char* out);
/// The same as a string ("" when it has none).
std::string encode(std::string_view text);
/// The key text of a packed form (what encode() returned).
std::string decode(std::string_view packed);

/// Registers, on one connection, the SQL functions of the stored form (docs/SCHEMA.md):
///   resource_key_text(key)  the key as the importer wrote it (a text key as it is)
///   resource_key(text)      the stored form of a key text, for `WHERE key = resource_key('otel:...')`:
///                           a BLOB when it packs, else the text (a BLOB given is returned as it is:
///                           converting twice changes nothing)
void registerSqlFunctions(sqlite3* db);

} // namespace seam::resource_key
