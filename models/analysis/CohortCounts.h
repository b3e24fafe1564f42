#pragma once
// The page-load-level half of "Why?" as counts: how many slow and how many normal page loads carry
// each value of the terms a load itself has (route, browser, app.version, country: FeatureReader's
// names), slow meaning longer than a threshold. Counts add: the cache's loads and, for the time a
// pull did not bring, the same counts computed by the remote store (importers/remote/clickhouse
// ClickHouseCohortCounts) merge into one struct without counting a load twice.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace seam {

class Database;
struct CoveredRange;

struct CohortCounts
{
    struct Split
    {
        std::int64_t slow = 0, normal = 0;
        friend bool operator==(const Split&, const Split&) = default;
    };
    Split loads;
    std::map<std::pair<std::string, std::string>, Split> terms; ///< (field, value) -> loads carrying it

    /// `n` loads with these terms (an empty value carries no term).
    void addLoads(const std::string& route, const std::string& browser, const std::string& appVersion,
                  const std::string& country, bool slow, std::int64_t n);
    void merge(const CohortCounts& other);
    friend bool operator==(const CohortCounts&, const CohortCounts&) = default;
};

/// The counts of the cache's page loads started in `ranges` (each [from, to)), slow when longer than
/// `slowNs`, of one route when `route` is not empty. Throws SqliteError.
CohortCounts localCohortCounts(Database& db, const std::vector<CoveredRange>& ranges, std::int64_t slowNs,
                               const std::string& route = {});

/// One term's evidence: its share among the slow loads against its share among the normal ones,
/// tested as a 2x2 table (stats::categoryTest), q by Benjamini-Hochberg across all the terms.
struct TermShare
{
    std::string field, value;
    CohortCounts::Split loads;
    double slowShare = 0, normalShare = 0, p = 1, q = 1;
};

/// Every term of `counts`, most significant first (q, then the wider share gap, then the name).
std::vector<TermShare> cohortTermShares(const CohortCounts& counts);

} // namespace seam
