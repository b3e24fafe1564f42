#include "RollupCoverage.h"

#include "Sqlite.h"

namespace seam {

namespace schema {

// Keyed by the source's URL without secrets rather than sources.id: each pull is a new sources row,
// while what it covered belongs to the store, whichever pull fetched it.
void addRollupCoverage(Database& db)
{
    db.exec(R"sql(
CREATE TABLE IF NOT EXISTS rollup_coverage (
    source  TEXT NOT NULL,                -- sources.path of the remote store (no credentials)
    what    TEXT NOT NULL,                -- rollups (counted by the server), page_loads (pulled)
    from_ns INTEGER NOT NULL,             -- [from_ns, to_ns); rollups: whole buckets
    to_ns   INTEGER NOT NULL,
    PRIMARY KEY (source, what, from_ns, to_ns)
) WITHOUT ROWID;
)sql");
}

} // namespace schema

namespace store {
namespace {

bool hasCoverageTable(Database& db)
{
    Statement st =
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rollup_coverage'");
    return st.step();
}

} // namespace

void recordRollupCoverage(Database& db, const std::string& source, CoveredRange range, const char* what)
{
    if (range.to <= range.from)
        return;
    Statement st = db.prepare(
        "INSERT OR IGNORE INTO rollup_coverage(source, what, from_ns, to_ns) VALUES (?1, ?2, ?3, ?4)");
    st.bindText(1, source).bindText(2, what).bind(3, range.from).bind(4, range.to);
    st.run();
}

std::vector<CoveredRange> rollupCoverage(Database& db, const std::string& source, const char* what)
{
    std::vector<CoveredRange> out;
    // By table rather than by version: the step's number may change when branches merge.
    if (!hasCoverageTable(db))
        return out;
    Statement st = db.prepare(
        "SELECT from_ns, to_ns FROM rollup_coverage WHERE source = ?1 AND what = ?2 ORDER BY from_ns");
    st.bindText(1, source).bindText(2, what);
    while (st.step())
        out.push_back({st.int64(0), st.int64(1)});
    return out;
}

} // namespace store
} // namespace seam
