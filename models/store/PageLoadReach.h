#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step (issue 11, impact speed): adds `page_load_reach`, one row per backend entry span
/// (server or consumer span, or a root) of a trace linked to a page load (a linked call's trace or the
/// document's own), keyed by (service, start): "which page loads reached service S in [from, to), and
/// did they hit an error or a slow entry span there" becomes one index range scan instead of reading
/// every span of every trace of the window. Written by the correlation step (PageLoadReachWriter) when
/// it refreshes a page load; this step backfills it from the links and spans of an existing cache.
/// Called inside migrate()'s transaction.
void addPageLoadReach(Database& db);
/// Adds the rows of every page load to page_load_reach from the links, document traces and spans in
/// the file (what the writer would have written) into today's table (v11, without span_id): an
/// extract's (its rows are derived, so an extract of an older file gets them too).
void fillPageLoadReach(Database& db);

} // namespace schema
} // namespace seam
