#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step v13 (issue 11, revenue carried by the browser): `page_load_values`, the numeric custom
/// attributes of a page load (a Datadog RUM view's `context`, e.g. `order.value` set with
/// `setViewContextProperty` on the confirmation page). A view is re-sent with a growing
/// `_dd.document_version` and its whole context each time, so the writer replaces a page load's values
/// when it takes a newer version (RumWriter). One row per (page load, key), WITHOUT ROWID; a deleted page
/// load takes its values along (trigger). Guarded (IF NOT EXISTS). Called inside migrate()'s transaction.
void addPageLoadValues(Database& db);

} // namespace schema
} // namespace seam
