#include "SortKeysByWriter.h"

#include "PageLoadSortKeys.h"
#include "Sqlite.h"

#include <string>

namespace seam::schema {

void letWritersSetSortKeys(Database& db)
{
    // A step finds its objects already there when an older version number was written back over a
    // file that had them (tests that rebuild a previous version).
    if (writersSetSortKeys(db))
        return;
    // The page load the writer inserted carries its first report's format as sort_sources, and its
    // session's values with it: the WHEN is false and the report's insert writes nothing else. The
    // trigger stays for every other writer (tests, an extract, a recovery), which keeps the v6 promise
    // that the keys are right whoever writes.
    db.exec(std::string(R"sql(
DROP TRIGGER IF EXISTS reports_sort_keys_on_insert;
CREATE TRIGGER reports_sort_keys_on_unsorted_insert AFTER INSERT ON page_load_reports
WHEN (SELECT sort_sources FROM page_loads WHERE id = NEW.page_load_id) IS NOT NEW.format BEGIN
    UPDATE page_loads SET )sql") +
            sessionSortKeysSet() + ", " + firstReportSourcesSet() + R"sql( WHERE id = NEW.page_load_id;
END;
)sql");
}

bool writersSetSortKeys(Database& db)
{
    return db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = "
                       "'reports_sort_keys_on_unsorted_insert'") > 0;
}

} // namespace seam::schema
