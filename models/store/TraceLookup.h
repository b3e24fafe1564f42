#pragma once

#include "Ids.h"

struct sqlite3;

namespace seam {

class Database;
class Statement;

namespace trace_lookup {

/// Since schema v14 a trace is found by its 16-byte id through `traces_by_lo`, the index on the id's
/// low 64 bits: `traces.trace_id` has no index of its own. Both indexes took random keys, so every
/// write transaction rewrote pages all over both, and at 10M spans that was 44% of what an import wrote
/// to disk. A statement that looks a trace up says "trace_lo = ?<loParam> AND trace_id = ?<idParam>"
/// (the low bits find the index entries, the full id picks the row) and binds the id with this.
void bind(Statement& st, int idParam, int loParam, const TraceId& id);

/// `trace_lo(id)`, on every connection (`seam query` too): the value `traces.trace_lo` holds for a trace
/// id given as a 16-byte blob or as 32 (or 16) hex digits, so that a hand-written query finds a trace
/// through the index: `WHERE trace_lo = trace_lo(x'4bf9...') AND trace_id = x'4bf9...'`. NULL for
/// anything that is not a trace id.
void registerSqlFunctions(sqlite3* db);

} // namespace trace_lookup

namespace schema {

/// Schema step v14 (issue 15): `traces` rebuilt without the UNIQUE constraint on `trace_id` (SQLite
/// cannot drop a constraint), so without its index. The writer keeps ids unique: it looks an id up
/// before inserting it, inside the write transaction. Views are dropped and put back around the
/// rebuild (a rename checks every view against the schema). Called inside migrate()'s transaction.
void lookUpTracesByLowBits(Database& db);

} // namespace schema
} // namespace seam
