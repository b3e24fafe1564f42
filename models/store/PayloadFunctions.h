#pragma once

struct sqlite3;

namespace seam::payload {

/// Registers, on one connection, the SQL functions that read span payloads (schema v8's binary form,
/// and the JSON text of older caches alike), so that every reader and `seam query` user gets JSON and
/// typed values rather than bytes:
///   span_attributes(x), span_events(x), span_links(x)  the JSON text of a payload column
///   span_attribute(attributes, key)                    one attribute, typed as json_extract types it
///   span_attribute(trace, span_id, key)                the same, found by span
///   span_scope(scope)                                  the instrumentation scope's name
/// Each connection keeps its own copy of the string dictionary, re-read when a blob names an id it
/// does not know yet (written by another connection since).
void registerSqlFunctions(sqlite3* db);

} // namespace seam::payload
