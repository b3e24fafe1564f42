#include "PageLoadReachWriter.h"

#include "ManyRowsSql.h"

#include <algorithm>
#include <iterator>

namespace seam {

PageLoadReachWriter::PageLoadReachWriter(Database& db)
    // The stored rows of a page load: its traces' entry spans, each looked up by page_load_reach's key
    // (schema step PageLoadReachTraces; spans never change once written, so their keys are the rows').
    // Two spans of one service and start in a trace name the same row (schema v11): finish() drops
    // the repeats (sorted anyway; cheaper than SQL's DISTINCT and its temporary b-tree).
    : m_select(db.prepare(
          "SELECT r.service_id, r.start_ns, r.trace, r.duration_ns, r.error FROM "
          "page_load_reach_traces t CROSS JOIN spans s ON s.trace = t.trace CROSS JOIN page_load_reach r ON "
          "r.service_id = s.service_id AND r.start_ns = s.start_ns AND r.page_load_id = t.page_load_id AND "
          "r.trace = t.trace WHERE t.page_load_id = ?1")),
      m_delete(db.prepare("DELETE FROM page_load_reach WHERE service_id = ?1 AND start_ns = ?2 AND "
                          "page_load_id = ?3 AND trace = ?4")),
      // OR REPLACE: a row whose duration or error changed is deleted above and written again here.
      m_insert(db.prepare(manyRowsSql("INSERT OR REPLACE INTO page_load_reach(service_id, start_ns, "
                                      "page_load_id, trace, duration_ns, error)",
                                      6, 1))),
      m_insertMany(db.prepare(manyRowsSql("INSERT OR REPLACE INTO page_load_reach(service_id, start_ns, "
                                          "page_load_id, trace, duration_ns, error)",
                                          6, kRowsPerInsert))),
      m_selectTraces(db.prepare("SELECT trace FROM page_load_reach_traces WHERE page_load_id = ?1")),
      m_deleteTrace(db.prepare("DELETE FROM page_load_reach_traces WHERE page_load_id = ?1 AND trace = ?2")),
      m_insertTrace(
          db.prepare(manyRowsSql("INSERT OR IGNORE INTO page_load_reach_traces(page_load_id, trace)", 2, 1))),
      m_insertTraceMany(db.prepare(manyRowsSql(
          "INSERT OR IGNORE INTO page_load_reach_traces(page_load_id, trace)", 2, kRowsPerInsert))),
      m_documentTrace(db.prepare("SELECT coalesce(trace, 0) FROM page_loads WHERE id = ?1"))
{}

void PageLoadReachWriter::begin(std::int64_t pageLoadId)
{
    m_pageLoad = pageLoadId;
    m_rows.clear();
}

void PageLoadReachWriter::add(std::int64_t serviceId, std::int64_t startNs, std::int64_t trace,
                              std::int64_t durationNs, bool error)
{
    m_rows.emplace_back(serviceId, startNs, trace, durationNs, error ? 1 : 0);
}

void PageLoadReachWriter::finish()
{
    std::sort(m_rows.begin(), m_rows.end());
    // One row per key: a trace named by two calls of the page load (or by a call and the document)
    // gives its spans twice, and entry spans of one service and start share a row (the longest
    // duration, the error of either: sorted, the last of a key has the longest and, at a tie, the error).
    std::vector<Row> merged;
    merged.reserve(m_rows.size());
    for (const Row& r : m_rows) {
        if (!merged.empty() && std::get<0>(merged.back()) == std::get<0>(r) &&
            std::get<1>(merged.back()) == std::get<1>(r) && std::get<2>(merged.back()) == std::get<2>(r)) {
            const int error = std::max(std::get<4>(merged.back()), std::get<4>(r));
            merged.back() = r;
            std::get<4>(merged.back()) = error;
        } else {
            merged.push_back(r);
        }
    }
    m_rows.swap(merged);
    m_recent.ageIfFull();
    if (const Stored* kept = m_recent.find(m_pageLoad)) {
        if (kept->rows == m_rows)
            return;
        m_stored = kept->rows;
        m_storedTraces = kept->traces;
    } else {
        readStored();
        if (m_stored == m_rows) {
            m_recent.put(m_pageLoad, Stored{m_stored, m_storedTraces});
            return;
        }
    }
    // Only the difference is written: a refresh that brought one more span of a trace inserts one row.
    std::vector<Row> gone, added;
    std::set_difference(m_stored.begin(), m_stored.end(), m_rows.begin(), m_rows.end(),
                        std::back_inserter(gone));
    std::set_difference(m_rows.begin(), m_rows.end(), m_stored.begin(), m_stored.end(),
                        std::back_inserter(added));
    for (const auto& [service, start, trace, duration, error] : gone) {
        m_delete.bind(1, service).bind(2, start).bind(3, m_pageLoad).bind(4, trace);
        m_delete.run();
    }
    for (const auto& [service, start, trace, duration, error] : added)
        m_queuedRows.emplace_back(service, start, m_pageLoad, trace, duration, error);
    // The traces row set follows the rows: every trace with a row, none without (the rows are sorted by
    // service first, so collect and sort the traces). Only the difference is written.
    std::vector<std::int64_t> traces;
    traces.reserve(m_rows.size());
    for (const Row& r : m_rows)
        traces.push_back(std::get<2>(r));
    std::sort(traces.begin(), traces.end());
    traces.erase(std::unique(traces.begin(), traces.end()), traces.end());
    std::vector<std::int64_t> tracesGone;
    std::set_difference(m_storedTraces.begin(), m_storedTraces.end(), traces.begin(), traces.end(),
                        std::back_inserter(tracesGone));
    for (const std::int64_t trace : tracesGone) {
        m_deleteTrace.bind(1, m_pageLoad).bind(2, trace);
        m_deleteTrace.run();
    }
    for (const std::int64_t trace : traces)
        if (!std::binary_search(m_storedTraces.begin(), m_storedTraces.end(), trace))
            m_queuedTraces.emplace_back(m_pageLoad, trace);
    // What the page load has once flush() ran (a failed flush rolls back, and discard() forgets).
    m_recent.put(m_pageLoad, Stored{m_rows, std::move(traces)});
}

void PageLoadReachWriter::readStored()
{
    ++m_storedReads;
    m_stored.clear();
    m_select.bind(1, m_pageLoad);
    while (m_select.step())
        m_stored.emplace_back(m_select.int64(0), m_select.int64(1), m_select.int64(2), m_select.int64(3),
                              int(m_select.int64(4)));
    m_select.reset();
    std::sort(m_stored.begin(), m_stored.end());
    m_stored.erase(std::unique(m_stored.begin(), m_stored.end()), m_stored.end());
    m_storedTraces.clear();
    m_selectTraces.bind(1, m_pageLoad);
    while (m_selectTraces.step())
        m_storedTraces.push_back(m_selectTraces.int64(0));
    m_selectTraces.reset();
    std::sort(m_storedTraces.begin(), m_storedTraces.end());
}

void PageLoadReachWriter::flush()
{
    // Keys are distinct: each page load's rows were merged by key, and page loads differ.
    std::sort(m_queuedRows.begin(), m_queuedRows.end());
    runManyRows(m_insertMany, m_insert, m_queuedRows.size(), kRowsPerInsert, 6,
                [this](Statement& st, int o, std::size_t row) {
                    const auto& [service, start, pageLoad, trace, duration, error] = m_queuedRows[row];
                    st.bind(o + 1, service).bind(o + 2, start).bind(o + 3, pageLoad).bind(o + 4, trace);
                    st.bind(o + 5, duration).bind(o + 6, std::int64_t(error));
                });
    m_queuedRows.clear();
    std::sort(m_queuedTraces.begin(), m_queuedTraces.end());
    runManyRows(m_insertTraceMany, m_insertTrace, m_queuedTraces.size(), kRowsPerInsert, 2,
                [this](Statement& st, int o, std::size_t row) {
                    st.bind(o + 1, m_queuedTraces[row].first).bind(o + 2, m_queuedTraces[row].second);
                });
    m_queuedTraces.clear();
}

std::int64_t PageLoadReachWriter::documentTrace(std::int64_t pageLoadId)
{
    m_documentTrace.bind(1, pageLoadId);
    const std::int64_t trace = m_documentTrace.step() ? m_documentTrace.int64(0) : 0;
    m_documentTrace.reset();
    return trace;
}

} // namespace seam
