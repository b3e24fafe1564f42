#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step (issue 15, cache size): `page_load_reach` loses its index by page load (a sixth of the
/// demo cache's bytes per span) for `page_load_reach_traces`, one row per (page load, trace) whose entry
/// spans page_load_reach holds. A page load's rows are found from it through `spans`: the rows of
/// (page load P, trace T) are T's entry spans, and spans never change once written, so every key of
/// them is known without an index. The trigger that drops a deleted page load's rows takes that path
/// too. Skips when the table exists. Called inside migrate()'s transaction.
void addPageLoadReachTraces(Database& db);
/// Adds the (page load, trace) pairs of the page_load_reach rows in the file that
/// page_load_reach_traces lacks: the step's backfill, and an extract's after fillPageLoadReach.
void fillPageLoadReachTraces(Database& db);

} // namespace schema
} // namespace seam
