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
/// Fills the columns of the rows already there; called inside migrate()'s transaction.
void addPageLoadSortKeys(Database& db);

/// True when `db` has the sort_* columns (a cache of an older version read as it is has not).
bool hasPageLoadSortKeys(Database& db);

} // namespace schema
} // namespace seam
