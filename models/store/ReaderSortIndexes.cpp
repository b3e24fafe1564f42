#include "ReaderSortIndexes.h"

#include "Sqlite.h"

#include <array>
#include <string>

namespace seam::store {
namespace {

// tst_deferredindexes checks that these are, word for word, what a new cache's schema creates.
constexpr std::array kIndexes{
    IndexDefinition{"page_loads_by_duration",
                    "CREATE INDEX page_loads_by_duration ON page_loads(duration_ns)"},
    IndexDefinition{"page_loads_by_route", "CREATE INDEX page_loads_by_route ON page_loads(route, start_ns)"},
    IndexDefinition{"page_loads_by_url", "CREATE INDEX page_loads_by_url ON page_loads(url)"},
    IndexDefinition{"page_loads_by_ttfb", "CREATE INDEX page_loads_by_ttfb ON page_loads(ttfb_ns)"},
    IndexDefinition{"page_loads_by_lcp", "CREATE INDEX page_loads_by_lcp ON page_loads(lcp_ns)"},
    IndexDefinition{"page_loads_by_errors", "CREATE INDEX page_loads_by_errors ON page_loads(error_count)"},
    IndexDefinition{"page_loads_by_backend", "CREATE INDEX page_loads_by_backend ON page_loads(backend_ns)"},
    IndexDefinition{"page_loads_by_services", "CREATE INDEX page_loads_by_services ON page_loads(services)"},
    IndexDefinition{"page_loads_by_browser",
                    "CREATE INDEX page_loads_by_browser ON page_loads(sort_browser)"},
    IndexDefinition{"page_loads_by_country",
                    "CREATE INDEX page_loads_by_country ON page_loads(sort_country)"},
    IndexDefinition{"page_loads_by_app_version",
                    "CREATE INDEX page_loads_by_app_version ON page_loads(sort_app_version)"},
    IndexDefinition{"page_loads_by_sources",
                    "CREATE INDEX page_loads_by_sources ON page_loads(sort_sources)"},
};

bool exists(Statement& lookup, const char* name)
{
    lookup.bindText(1, name);
    const bool found = lookup.step();
    lookup.reset();
    return found;
}

Statement indexLookup(Database& db)
{
    return db.prepare("SELECT 1 FROM main.sqlite_master WHERE type = 'index' AND name = ?1");
}

} // namespace

std::span<const IndexDefinition> readerSortIndexes()
{
    return kIndexes;
}

int missingReaderSortIndexes(Database& db)
{
    Statement lookup = indexLookup(db);
    int missing = 0;
    for (const IndexDefinition& index : kIndexes)
        missing += exists(lookup, index.name) ? 0 : 1;
    return missing;
}

void dropReaderSortIndexes(Database& db)
{
    for (const IndexDefinition& index : kIndexes)
        db.exec(std::string("DROP INDEX IF EXISTS main.") + index.name);
}

int restoreReaderSortIndexes(Database& db)
{
    // Each is built by one scan of page_loads and a sort: 0.1-0.4 s apiece for the 234k page loads of a
    // 10M-span import (README, *Bulk imports*).
    Statement lookup = indexLookup(db);
    int created = 0;
    for (const IndexDefinition& index : kIndexes) {
        if (exists(lookup, index.name))
            continue;
        db.exec(index.sql);
        ++created;
    }
    return created;
}

} // namespace seam::store
