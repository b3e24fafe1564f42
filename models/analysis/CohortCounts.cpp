#include "CohortCounts.h"

#include "RollupCoverage.h"
#include "Sqlite.h"
#include "Stats.h"

#include <algorithm>
#include <cmath>

namespace seam {

void CohortCounts::addLoads(const std::string& route, const std::string& browser,
                            const std::string& appVersion, const std::string& country, bool slow,
                            std::int64_t n)
{
    auto add = [&](Split& s) { (slow ? s.slow : s.normal) += n; };
    add(loads);
    for (const auto& [field, value] : {std::pair<const char*, const std::string&>{"route", route},
                                       {"browser", browser},
                                       {"app.version", appVersion},
                                       {"country", country}})
        if (!value.empty())
            add(terms[{field, value}]);
}

void CohortCounts::merge(const CohortCounts& other)
{
    loads.slow += other.loads.slow;
    loads.normal += other.loads.normal;
    for (const auto& [key, split] : other.terms) {
        Split& s = terms[key];
        s.slow += split.slow;
        s.normal += split.normal;
    }
}

CohortCounts localCohortCounts(Database& db, const std::vector<CoveredRange>& ranges, std::int64_t slowNs,
                               const std::string& route)
{
    CohortCounts out;
    Statement st = db.prepare(
        "SELECT p.route, coalesce(s.browser, ''), coalesce(s.app_version, ''), coalesce(s.country, ''), "
        "coalesce(p.duration_ns, 0) > ?3, count(*) FROM page_loads p LEFT JOIN sessions s ON s.id = "
        "p.session_id "
        "WHERE p.start_ns >= ?1 AND p.start_ns < ?2 AND (?4 = '' OR p.route = ?4) GROUP BY 1, 2, 3, 4, 5");
    for (const CoveredRange& r : ranges) {
        st.reset();
        st.bind(1, r.from).bind(2, r.to).bind(3, slowNs).bindText(4, route);
        while (st.step())
            out.addLoads(std::string(st.text(0)), std::string(st.text(1)), std::string(st.text(2)),
                         std::string(st.text(3)), st.int64(4) != 0, st.int64(5));
    }
    return out;
}

std::vector<TermShare> cohortTermShares(const CohortCounts& counts)
{
    std::vector<TermShare> out;
    std::vector<double> p;
    const CohortCounts::Split all = counts.loads;
    for (const auto& [key, split] : counts.terms) {
        TermShare t{key.first, key.second, split};
        t.slowShare = all.slow > 0 ? double(split.slow) / double(all.slow) : 0;
        t.normalShare = all.normal > 0 ? double(split.normal) / double(all.normal) : 0;
        t.p = stats::categoryTest(split.slow, all.slow - split.slow, split.normal, all.normal - split.normal);
        p.push_back(t.p);
        out.push_back(std::move(t));
    }
    const std::vector<double> q = stats::benjaminiHochberg(p);
    for (std::size_t i = 0; i < out.size(); ++i)
        out[i].q = q[i];
    std::stable_sort(out.begin(), out.end(), [](const TermShare& a, const TermShare& b) {
        if (a.q != b.q)
            return a.q < b.q;
        return std::abs(a.slowShare - a.normalShare) > std::abs(b.slowShare - b.normalShare);
    });
    return out;
}

} // namespace seam
