#include "SessionRevenue.h"

namespace seam {

SessionRevenue::SessionRevenue(Database& db, std::string attribute)
    : m_attribute(std::move(attribute)),
      m_traces(db.prepare(
          "SELECT p.trace FROM page_loads p WHERE p.session_id = ?1 AND p.start_ns >= ?2 AND "
          "p.start_ns <= ?3 AND p.trace IS NOT NULL "
          "UNION SELECT r.trace FROM page_loads p JOIN resources r ON r.page_load_id = p.id "
          "WHERE p.session_id = ?1 AND p.start_ns >= ?2 AND p.start_ns <= ?3 AND r.trace IS NOT NULL "
          "UNION SELECT l.trace FROM page_loads p JOIN resources r ON r.page_load_id = p.id "
          "JOIN links l ON l.resource_id = r.id WHERE p.session_id = ?1 AND p.start_ns >= ?2 AND "
          "p.start_ns <= ?3")),
      m_spanValues(db.prepare(
          "SELECT span_attribute(pp.attributes, ?2) FROM spans s JOIN span_payloads pp ON pp.id = s.payload "
          "WHERE s.trace = ?1 AND span_attribute(pp.attributes, ?2) IS NOT NULL")),
      m_rumValues(db.prepare(
          "SELECT v.value FROM page_loads p JOIN page_load_values v ON v.page_load_id = p.id AND v.key = ?2 "
          "WHERE p.session_id = ?1 AND p.start_ns >= ?3 AND p.start_ns <= ?4 "
          "UNION ALL SELECT v.value FROM actions a JOIN action_values v ON v.action_id = a.id AND v.key = ?2 "
          "WHERE a.session_id = ?1 AND a.time_ns >= ?3 AND a.time_ns <= ?4 AND NOT EXISTS (SELECT 1 FROM "
          "page_load_values pv WHERE pv.page_load_id = a.page_load_id AND pv.key = ?2 AND pv.value = "
          "v.value)"))
{}

std::optional<double> SessionRevenue::of(std::int64_t session, TimeNs from, TimeNs to)
{
    double sum = 0;
    bool any = false;
    m_traces.reset();
    m_traces.bind(1, session).bind(2, from).bind(3, to);
    while (m_traces.step()) {
        m_spanValues.reset();
        m_spanValues.bind(1, m_traces.int64(0)).bindText(2, m_attribute);
        while (m_spanValues.step()) {
            const int type = m_spanValues.columnType(0);
            if (type == 1 || type == 2) { // SQLITE_INTEGER, SQLITE_FLOAT
                sum += m_spanValues.real(0);
                any = true;
            }
        }
    }
    if (any)
        return sum;
    m_rumValues.reset();
    m_rumValues.bind(1, session).bindText(2, m_attribute).bind(3, from).bind(4, to);
    while (m_rumValues.step()) {
        sum += m_rumValues.real(0);
        any = true;
    }
    return any ? std::optional<double>(sum) : std::nullopt;
}

} // namespace seam
