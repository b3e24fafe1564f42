#include "PageLoadReachWriter.h"

#include <algorithm>
#include <iterator>

namespace seam {

PageLoadReachWriter::PageLoadReachWriter(Database& db)
    // The stored rows of a page load: its traces' entry spans, each looked up by page_load_reach's key
    // (schema step PageLoadReachTraces; spans never change once written, so their keys are the rows').
    : m_select(db.prepare(
          "SELECT r.service_id, r.start_ns, r.trace, r.span_id, r.duration_ns, r.error FROM "
          "page_load_reach_traces t CROSS JOIN spans s ON s.trace = t.trace CROSS JOIN page_load_reach r ON "
          "r.service_id = s.service_id AND r.start_ns = s.start_ns AND r.page_load_id = t.page_load_id AND "
          "r.trace = t.trace AND r.span_id = s.span_id WHERE t.page_load_id = ?1")),
      m_delete(db.prepare("DELETE FROM page_load_reach WHERE service_id = ?1 AND start_ns = ?2 AND "
                          "page_load_id = ?3 AND trace = ?4 AND span_id = ?5")),
      m_insert(db.prepare("INSERT OR IGNORE INTO page_load_reach(service_id, start_ns, page_load_id, trace, "
                          "span_id, duration_ns, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")),
      m_deleteTraces(db.prepare("DELETE FROM page_load_reach_traces WHERE page_load_id = ?1")),
      m_insertTrace(
          db.prepare("INSERT OR IGNORE INTO page_load_reach_traces(page_load_id, trace) VALUES (?1, ?2)")),
      m_documentTrace(db.prepare("SELECT coalesce(trace, 0) FROM page_loads WHERE id = ?1"))
{}

void PageLoadReachWriter::begin(std::int64_t pageLoadId)
{
    m_pageLoad = pageLoadId;
    m_rows.clear();
}

void PageLoadReachWriter::add(std::int64_t serviceId, std::int64_t startNs, std::int64_t trace,
                              std::int64_t spanId, std::int64_t durationNs, bool error)
{
    m_rows.emplace_back(serviceId, startNs, trace, spanId, durationNs, error ? 1 : 0);
}

void PageLoadReachWriter::finish()
{
    std::sort(m_rows.begin(), m_rows.end());
    // A trace named by two calls of the page load (or by a call and the document) gives its spans once.
    m_rows.erase(std::unique(m_rows.begin(), m_rows.end(),
                             [](const Row& a, const Row& b) {
                                 return std::get<0>(a) == std::get<0>(b) &&
                                        std::get<1>(a) == std::get<1>(b) &&
                                        std::get<2>(a) == std::get<2>(b) && std::get<3>(a) == std::get<3>(b);
                             }),
                 m_rows.end());
    m_stored.clear();
    m_select.bind(1, m_pageLoad);
    while (m_select.step())
        m_stored.emplace_back(m_select.int64(0), m_select.int64(1), m_select.int64(2), m_select.int64(3),
                              m_select.int64(4), int(m_select.int64(5)));
    m_select.reset();
    std::sort(m_stored.begin(), m_stored.end());
    if (m_stored == m_rows)
        return;
    // Only the difference is written: a refresh that brought one more span of a trace inserts one row.
    std::vector<Row> gone, added;
    std::set_difference(m_stored.begin(), m_stored.end(), m_rows.begin(), m_rows.end(),
                        std::back_inserter(gone));
    std::set_difference(m_rows.begin(), m_rows.end(), m_stored.begin(), m_stored.end(),
                        std::back_inserter(added));
    for (const auto& [service, start, trace, span, duration, error] : gone) {
        m_delete.bind(1, service).bind(2, start).bind(3, m_pageLoad).bind(4, trace).bind(5, span);
        m_delete.run();
    }
    for (const auto& [service, start, trace, span, duration, error] : added) {
        m_insert.bind(1, service).bind(2, start).bind(3, m_pageLoad).bind(4, trace).bind(5, span);
        m_insert.bind(6, duration).bind(7, std::int64_t(error));
        m_insert.run();
    }
    // The traces row set follows the rows: every trace with a row, none without (the rows are sorted by
    // service first, so collect and sort the traces).
    std::vector<std::int64_t> traces;
    traces.reserve(m_rows.size());
    for (const Row& r : m_rows)
        traces.push_back(std::get<2>(r));
    std::sort(traces.begin(), traces.end());
    traces.erase(std::unique(traces.begin(), traces.end()), traces.end());
    m_deleteTraces.bind(1, m_pageLoad);
    m_deleteTraces.run();
    for (const std::int64_t trace : traces) {
        m_insertTrace.bind(1, m_pageLoad).bind(2, trace);
        m_insertTrace.run();
    }
}

std::int64_t PageLoadReachWriter::documentTrace(std::int64_t pageLoadId)
{
    m_documentTrace.bind(1, pageLoadId);
    const std::int64_t trace = m_documentTrace.step() ? m_documentTrace.int64(0) : 0;
    m_documentTrace.reset();
    return trace;
}

} // namespace seam
