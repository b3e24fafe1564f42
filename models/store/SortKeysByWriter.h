#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step (issue 15, the writer's speed): the page-load sort keys of a new page load are written
/// by the writer in its own insert (ingest/WriteStatements, pageLoadInsert), so the trigger on a
/// report's insert, which set them with a second write of the page-load row and its four sort indexes
/// (about 36 us a page load), only does so when the page load does not already show that report's
/// format: a page load someone inserted without keys (tests, an extract of an older file), or a new
/// report of another format. Every other sort-key trigger stays as it is.
/// Self-contained: replaces one trigger; skips when the replacement exists.
void letWritersSetSortKeys(Database& db);

/// True when `db` has the trigger this step creates.
bool writersSetSortKeys(Database& db);

} // namespace schema
} // namespace seam
