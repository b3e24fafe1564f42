#include "ConversionTimes.h"

#include <algorithm>
#include <string>

namespace seam {

ConversionTimes::ConversionTimes(Database& db, const ConversionDefinition& definition)
    : m_definition(definition), m_bySession([&] {
          const bool action = definition.kind == ConversionDefinition::Kind::Action;
          const char* const time = action ? "time_ns" : "start_ns";
          const std::string where = std::string(action ? "FROM actions WHERE name GLOB ?3"
                                                : definition.kind == ConversionDefinition::Kind::Url
                                                    ? "FROM page_loads WHERE url GLOB ?3"
                                                    : "FROM page_loads WHERE route GLOB ?3") +
                                    " AND session_id = ?1 AND " + time;
          return db.prepare("SELECT " + std::string(time) + " " + where + " IS NOT NULL");
      }())
{
    // Without glob characters GLOB is equality, which walks page_loads_by_route(route, start_ns) by time.
    if (definition.kind == ConversionDefinition::Kind::Route &&
        definition.pattern.find_first_of("*?[") == std::string::npos) {
        m_byRoute = db.prepare("SELECT session_id, start_ns FROM page_loads WHERE route = ?1 AND start_ns >= "
                               "?2 AND start_ns <= ?3");
        m_earlier = db.prepare("SELECT 1 FROM page_loads WHERE session_id = ?1 AND start_ns < ?2 LIMIT 1");
        m_anyEarlier = db.prepare("SELECT 1 FROM page_loads WHERE start_ns < ?1 LIMIT 1");
    }
}

void ConversionTimes::prefetch(const std::vector<std::int64_t>& sessions, TimeNs from, TimeNs to)
{
    if (!m_byRoute || to < from)
        return;
    // The sessions that started in the range: nothing of theirs before it. When the data starts in the
    // range (a window from its start), that is every session.
    m_anyEarlier->reset();
    m_anyEarlier->bind(1, from);
    const bool dataBefore = m_anyEarlier->step();
    std::unordered_map<std::int64_t, Known> fresh;
    for (const std::int64_t session : sessions) {
        if (m_known.count(session) || fresh.count(session))
            continue;
        if (dataBefore) {
            m_earlier->reset();
            m_earlier->bind(1, session).bind(2, from);
            if (m_earlier->step())
                continue;
        }
        fresh[session].until = to;
    }
    if (fresh.empty())
        return;
    m_byRoute->reset();
    m_byRoute->bindText(1, m_definition.pattern).bind(2, from).bind(3, to);
    while (m_byRoute->step()) {
        const auto it = fresh.find(m_byRoute->int64(0));
        if (it != fresh.end())
            it->second.times.push_back(m_byRoute->int64(1));
    }
    m_known.merge(fresh);
}

const std::vector<TimeNs>& ConversionTimes::timesOf(std::int64_t session, TimeNs until)
{
    auto [it, added] = m_known.try_emplace(session);
    if (added || it->second.until < until) {
        // Not read yet, or read by range and asked about past its end: every conversion of the session.
        Known& known = it->second;
        known.times.clear();
        known.until = std::numeric_limits<TimeNs>::max();
        m_bySession.reset();
        m_bySession.bind(1, session).bindText(3, m_definition.pattern);
        while (m_bySession.step())
            known.times.push_back(m_bySession.int64(0));
    }
    return it->second.times;
}

bool ConversionTimes::before(std::int64_t session, TimeNs at)
{
    const auto& times = timesOf(session, at);
    return std::any_of(times.begin(), times.end(), [&](TimeNs t) { return t < at; });
}

bool ConversionTimes::within(std::int64_t session, TimeNs at, TimeNs horizon)
{
    const auto& times = timesOf(session, at + horizon);
    return std::any_of(times.begin(), times.end(), [&](TimeNs t) { return t >= at && t <= at + horizon; });
}

} // namespace seam
