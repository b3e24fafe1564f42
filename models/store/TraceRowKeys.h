#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step v16 (issue 15, the writer at 10M spans): an OTLP key names its trace by `traces.id`
/// (ResourceKey.h, form 0x04) instead of by the random trace id, so that a transaction's new keys append
/// to the keys' UNIQUE indexes. In `resources.key` it rewrites every 0x01 key (v11-v15) and every OTLP
/// key still stored as text; `long_tasks.key` and `actions.key`, text until now, take the same packed
/// forms as resources' (OTLP and Datadog); `page_loads.key` and `page_load_reports.key` the OTLP form. The row of a trace the cache does not hold yet is created (no
/// spans, as the writer creates it for a propagated trace). Guarded: touches only keys in the old forms,
/// so running it again does nothing. Called inside migrate()'s transaction, and on an extract of an older
/// source (InvestigationExtract).
void packKeysByTraceRow(Database& db);

} // namespace schema
} // namespace seam
