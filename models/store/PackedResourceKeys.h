#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step v11 (issue 15, the cache under 250 bytes a span), two narrower rows:
/// - `resources.key` holds the packed form of the importer's key when it has one (ResourceKey.h: a
///   BLOB of 25 bytes for an OTLP key rather than 57 characters, twice: the table and its UNIQUE
///   index); other keys stay text. The step packs every text key that packs; readers show a key with
///   `resource_key_text(key)`. The column's declared type stays TEXT (SQLite keeps a BLOB as it is in
///   a TEXT column; changing the type would rebuild the table and its indexes for nothing).
/// - `page_load_reach` loses `span_id`: nothing reads it, and an entry span is named just as well by
///   (service, start, trace). Two entry spans of one service starting at the same nanosecond in one
///   trace become one row, with the longer duration and the error of either: what impact reads of
///   them (reached, affected) is unchanged.
/// Guarded: packs only text keys, rebuilds page_load_reach only while it has span_id. Called inside
/// migrate()'s transaction.
void packResourceKeys(Database& db);

} // namespace schema
} // namespace seam
