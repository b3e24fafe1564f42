#pragma once

#include "RecentCache.h"
#include "Sqlite.h"

#include <cstdint>
#include <tuple>
#include <utility>
#include <vector>

namespace seam {

/// Keeps `page_load_reach` (models/store/PageLoadReach.h) of one page load current: the Correlator
/// hands it the backend entry spans of the page load's traces each time it refreshes the page load,
/// and it writes only the rows that changed, and the page load's page_load_reach_traces (a refresh
/// after a batch that brought nothing new to it reads the stored rows and writes nothing). Runs in the
/// writer's transaction.
class PageLoadReachWriter
{
public:
    explicit PageLoadReachWriter(Database& db);

    /// Starts collecting the rows of `pageLoadId`.
    void begin(std::int64_t pageLoadId);
    /// One entry span. Spans of one service starting at the same time in one trace make one row
    /// (schema v11: the table has no span_id), with the longest duration and the error of either.
    void add(std::int64_t serviceId, std::int64_t startNs, std::int64_t trace, std::int64_t durationNs,
             bool error);
    /// Compares what was collected since begin() with the page load's stored rows: removes the rows that
    /// went away now, and queues the new ones for flush().
    void finish();
    /// Writes the queued rows of every page load finished since the last flush, in key order and many
    /// rows per statement (a page load's dozen rows one statement each cost twice as much).
    void flush();
    /// Drops what flush() would write (the transaction failed; a no-op after flush()), and then what it
    /// keeps of the stored rows, which counted on it.
    void discard()
    {
        if (m_queuedRows.empty() && m_queuedTraces.empty())
            return;
        m_queuedRows.clear();
        m_queuedTraces.clear();
        m_recent.clear();
    }
    /// Forgets the stored rows it keeps (another connection or a task may have changed them, or a
    /// transaction rolled back). Cheap: they are read again when needed.
    void forgetStored() { m_recent.clear(); }
    /// How many times finish() read a page load's stored rows from the cache file (not kept).
    std::uint64_t storedReads() const { return m_storedReads; }

    /// The document trace of the page load (0: none), which its links may not name.
    std::int64_t documentTrace(std::int64_t pageLoadId);

private:
    // service, start, trace, duration, error: the table's columns but the page load.
    using Row = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, int>;

    /// The page load's rows and traces as the cache file has them, into m_stored and m_storedTraces.
    void readStored();

    // A queued page_load_reach row: the key's order (service, start, page load, trace), then the rest.
    using QueuedRow = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, std::int64_t, int>;
    static constexpr int kRowsPerInsert = 32;

    /// What finish() left stored for the page loads it wrote last: a page load is refreshed again in
    /// each transaction its calls' traces grow in (1.7 times each on the 10M-span mix), and reading its
    /// rows back costs a seek per span of its traces (the rows are keyed by service and start; 7% of the
    /// writer's time at 10M spans, the pages cold). Only this writer changes them; see forgetStored().
    struct Stored
    {
        std::vector<Row> rows;            // sorted, one per key
        std::vector<std::int64_t> traces; // sorted: page_load_reach_traces
    };
    RecentCache<std::int64_t, Stored> m_recent{8192};
    std::uint64_t m_storedReads = 0;

    std::int64_t m_pageLoad = 0;
    std::vector<Row> m_rows;
    std::vector<Row> m_stored;
    std::vector<std::int64_t> m_storedTraces;
    std::vector<QueuedRow> m_queuedRows;
    std::vector<std::pair<std::int64_t, std::int64_t>> m_queuedTraces; // (page load, trace)
    Statement m_select;
    Statement m_delete;
    Statement m_insert;
    Statement m_insertMany;
    Statement m_selectTraces;
    Statement m_deleteTrace;
    Statement m_insertTrace;
    Statement m_insertTraceMany;
    Statement m_documentTrace;
};

} // namespace seam
