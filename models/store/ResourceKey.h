#pragma once

#include <string>
#include <string_view>

struct sqlite3;

namespace seam::resource_key {

/// The form `resources.key` is stored in (schema v11): an importer's key text, packed. The OTLP keys
/// (`otel:<32 hex>:<16 hex>`, 57 bytes, nine resources in ten) become 25 bytes; together with their
/// UNIQUE index that was a sixteenth of the cache. A `BLOB` of one tag byte, then:
///
///   0x00  the key text as it is (Faro, HAR and any key not in a form below)
///   0x01  16-byte trace id, 8-byte span id: `otel:<trace hex>:<span hex>`
///   0x02  8 bytes: `dd:<16 hex>` (the Datadog reader's keys for resources without an id)
///   0x03  16 bytes: a UUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (Datadog's resource ids)
///
/// Hex digits are lower-case in the packed forms; a key with an upper-case digit is kept as text, so
/// that decode(encode(k)) == k for every k.
std::string encode(std::string_view text);
/// The key text back. A `TEXT` value (a cache before v11, read as it is) is already the text: callers
/// pass what the column holds and `isText` says which it was.
std::string decode(std::string_view stored, bool isText = false);

/// Registers, on one connection, the SQL functions of the stored form (docs/SCHEMA.md):
///   resource_key_text(key)  the key as the importer wrote it (text; older caches' text as it is)
///   resource_key(text)      the stored form of a key text, for `WHERE key = resource_key('otel:...')`
///                           (a BLOB given is returned as it is: converting twice changes nothing)
void registerSqlFunctions(sqlite3* db);

} // namespace seam::resource_key
