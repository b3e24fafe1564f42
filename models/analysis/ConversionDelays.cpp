#include "ConversionDelays.h"

#include "Sqlite.h"

#include <algorithm>
#include <vector>

namespace seam {
namespace {

constexpr TimeNs kMinute = 60LL * 1'000'000'000;
constexpr TimeNs kMinHorizon = 2 * kMinute;
constexpr TimeNs kMaxHorizon = 120 * kMinute;
constexpr TimeNs kUnknownHorizon = 10 * kMinute;
constexpr int kMaxSample = 1000;

} // namespace

std::string minutesText(TimeNs ns)
{
    return std::to_string((ns + kMinute / 2) / kMinute);
}

ConversionDelays conversionDelays(Database& db, const ConversionDefinition& definition, TimeNs from,
                                  TimeNs to)
{
    // The session's first conversion after its start; sessions by their start (sessions_by_start).
    const std::string first =
        definition.kind == ConversionDefinition::Kind::Action
            ? "SELECT min(a.time_ns) FROM actions a WHERE a.session_id = s.id AND a.name GLOB ?3"
        : definition.kind == ConversionDefinition::Kind::Url
            ? "SELECT min(p.start_ns) FROM page_loads p WHERE p.session_id = s.id AND p.url GLOB ?3"
            : "SELECT min(p.start_ns) FROM page_loads p WHERE p.session_id = s.id AND p.route GLOB ?3";
    auto st = db.prepare("SELECT (" + first +
                         ") - s.start_ns FROM sessions s WHERE s.start_ns >= ?1 AND "
                         "s.start_ns < ?2 ORDER BY s.start_ns LIMIT " +
                         std::to_string(kMaxSample * 10));
    st.bind(1, from).bind(2, to).bindText(3, definition.pattern);
    std::vector<TimeNs> delays;
    while (st.step() && int(delays.size()) < kMaxSample)
        if (!st.isNull(0) && st.int64(0) >= 0)
            delays.push_back(st.int64(0));
    ConversionDelays out;
    out.sample = std::int64_t(delays.size());
    if (delays.empty()) {
        out.horizon = kUnknownHorizon;
        return out;
    }
    const std::size_t at = std::min(delays.size() - 1, delays.size() * 95 / 100);
    std::nth_element(delays.begin(), delays.begin() + std::ptrdiff_t(at), delays.end());
    out.horizon = std::clamp(delays[at], kMinHorizon, kMaxHorizon);
    return out;
}

} // namespace seam
