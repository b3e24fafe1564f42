#pragma once

#include "Sqlite.h"

#include <cstdint>
#include <tuple>
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
    /// Writes what was collected since begin() in place of the page load's stored rows.
    void finish();

    /// The document trace of the page load (0: none), which its links may not name.
    std::int64_t documentTrace(std::int64_t pageLoadId);

private:
    // service, start, trace, duration, error: the table's columns but the page load.
    using Row = std::tuple<std::int64_t, std::int64_t, std::int64_t, std::int64_t, int>;

    std::int64_t m_pageLoad = 0;
    std::vector<Row> m_rows;
    std::vector<Row> m_stored;
    Statement m_select;
    Statement m_delete;
    Statement m_insert;
    Statement m_deleteTraces;
    Statement m_insertTrace;
    Statement m_documentTrace;
};

} // namespace seam
