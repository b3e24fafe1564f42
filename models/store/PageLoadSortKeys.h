#pragma once

namespace seam {

class Database;

namespace schema {

/// Schema step (issue 15, the read side at 250k-1M page loads): every sortable column of the page-load
/// table gets an index, so a sort is a walk of an index and the first screen of rows costs one page,
/// not a sort of every row. The columns that live elsewhere (the session's browser, country and app
/// version, the sources that reported the page load) are copied onto page_loads as sort_* columns,
/// kept right by triggers whatever writes the tables (the writer, an extract, a recovery). A new page
/// load gets its keys with its first report (every page load has one: the writer inserts it right
/// after), not on its own insert, which would cost the writer a statement journal per row.
/// Since v9 (SortKeysByWriter) Seam's writer writes them with the page load's insert instead, and the
/// report's trigger only fills them in for other writers.
/// Fills the columns of the rows already there; called inside migrate()'s transaction.
void addPageLoadSortKeys(Database& db);

/// The SET terms the triggers use, for the later step that changes one of them (SortKeysByWriter):
/// sort_browser, sort_country and sort_app_version of page_loads' row, from its session and app;
/// sort_sources on the insert of report NEW.
const char* sessionSortKeysSet();
const char* firstReportSourcesSet();

/// True when `db` has the sort_* columns (a cache of an older version read as it is has not).
bool hasPageLoadSortKeys(Database& db);

} // namespace schema
} // namespace seam
