#include "TraceServices.h"

#include "Sqlite.h"

#include <map>
#include <utility>

namespace seam {

std::vector<TraceServiceCount> traceServiceCounts(Database& db, std::span<const std::int64_t> traces)
{
    std::map<std::string, std::pair<std::int64_t, std::int64_t>> perService;
    auto st = db.prepare("SELECT v.name, count(*), sum(s.status_code = 2) FROM spans s "
                         "JOIN services v ON v.id = s.service_id WHERE s.trace = ?1 AND v.is_browser = 0 "
                         "GROUP BY v.name");
    for (const std::int64_t t : traces) {
        st.bind(1, t);
        while (st.step()) {
            auto& p = perService[std::string(st.text(0))];
            p.first += st.int64(1);
            p.second += st.int64(2);
        }
        st.reset();
    }
    std::vector<TraceServiceCount> out;
    out.reserve(perService.size());
    for (const auto& [name, counts] : perService)
        out.push_back({name, counts.first, counts.second});
    return out;
}

} // namespace seam
