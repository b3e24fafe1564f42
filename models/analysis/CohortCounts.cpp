#include "CohortCounts.h"

#include "RollupCoverage.h"
#include "Sqlite.h"

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

CohortCounts localCohortCounts(Database& db, const std::vector<CoveredRange>& ranges, std::int64_t slowNs)
{
    CohortCounts out;
    Statement st = db.prepare(
        "SELECT p.route, coalesce(s.browser, ''), coalesce(s.app_version, ''), coalesce(s.country, ''), "
        "coalesce(p.duration_ns, 0) > ?3, count(*) FROM page_loads p LEFT JOIN sessions s ON s.id = "
        "p.session_id "
        "WHERE p.start_ns >= ?1 AND p.start_ns < ?2 GROUP BY 1, 2, 3, 4, 5");
    for (const CoveredRange& r : ranges) {
        st.reset();
        st.bind(1, r.from).bind(2, r.to).bind(3, slowNs);
        while (st.step())
            out.addLoads(std::string(st.text(0)), std::string(st.text(1)), std::string(st.text(2)),
                         std::string(st.text(3)), st.int64(4) != 0, st.int64(5));
    }
    return out;
}

} // namespace seam
