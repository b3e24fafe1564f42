#include "DatadogIds.h"

namespace seam {

DatadogIds::DatadogIds(Database& db)
    : m_traceByLow(db.prepare("SELECT id FROM traces WHERE trace_lo = ?1 LIMIT 2")),
      m_resourcesByLow(db.prepare("UPDATE resources SET trace = ?1 WHERE trace IS NULL AND trace_lo = ?2 "
                                  "RETURNING page_load_id"))
{}

std::int64_t DatadogIds::traceForLow64(std::uint64_t low64)
{
    m_traceByLow.bind(1, low64);
    int matches = 0;
    std::int64_t trace = 0;
    while (m_traceByLow.step()) {
        ++matches;
        trace = m_traceByLow.int64(0);
    }
    m_traceByLow.reset();
    return matches == 1 ? trace : 0; // none yet, or ambiguous: keep the low bits and wait
}

std::int64_t DatadogIds::adoptWaiting(std::int64_t traceRow, std::uint64_t low64,
                                      std::vector<std::int64_t>* pageLoads)
{
    m_resourcesByLow.bind(1, traceRow).bind(2, low64);
    std::int64_t adopted = 0;
    while (m_resourcesByLow.step()) {
        ++adopted;
        if (pageLoads && !m_resourcesByLow.isNull(0))
            pageLoads->push_back(m_resourcesByLow.int64(0));
    }
    m_resourcesByLow.reset();
    return adopted;
}

} // namespace seam
