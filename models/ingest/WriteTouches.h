#pragma once

#include "Records.h"
#include "TraceSpanRow.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace seam {

/// What the batch being written touched, for the steps after the rows (correlation, counters), and the
/// time range written since link inference last ran. Shared by the span and RUM writers.
struct WriteTouches
{
    std::unordered_set<std::int64_t> traces;
    /// Touched traces that had a row before this transaction and gained backend spans in it: the page
    /// loads of their links and of their documents need their backend figures again. A trace created
    /// in the transaction is not one: its links are the ones the correlator makes now (whose page loads
    /// it touches), and a page load naming it as its document was written in the transaction (touched).
    std::unordered_set<std::int64_t> tracesWithNewBackendSpans;
    std::unordered_set<std::int64_t> pageLoads;
    /// The touched page loads whose counters (calls, failed calls, errors) may have changed: RUM rows
    /// written, moved to them, merged into one of theirs, or given a trace id. A subset of pageLoads: a
    /// link, a vital or new backend spans of a linked trace change none of the counts.
    std::unordered_set<std::int64_t> pageLoadsToCount;
    std::unordered_set<std::int64_t> sessions;
    /// Every span written of the traces the batch created, in the order written: the correlation step
    /// takes them from here instead of reading them back.
    std::vector<TraceSpanRow> freshTraceSpans;
    /// Reporters (page_load_reports.format) of the page loads written; kept across batches. The
    /// reconciler starts looking for one navigation in two sources once two are known.
    std::set<std::string, std::less<>> reporters;

    // Time range of spans and resources written since the last inferLinks(); empty when from > to.
    // Kept across batches (not cleared by startBatch()).
    TimeNs inferFrom = std::numeric_limits<TimeNs>::max();
    TimeNs inferTo = std::numeric_limits<TimeNs>::min();

    void startBatch()
    {
        traces.clear();
        tracesWithNewBackendSpans.clear();
        pageLoads.clear();
        pageLoadsToCount.clear();
        sessions.clear();
        freshTraceSpans.clear();
    }
    /// A page load whose RUM rows changed: refreshed and counted again.
    void notePageLoadRows(std::int64_t pageLoad)
    {
        pageLoads.insert(pageLoad);
        pageLoadsToCount.insert(pageLoad);
    }
    void noteInferenceTime(TimeNs t)
    {
        inferFrom = std::min(inferFrom, t);
        inferTo = std::max(inferTo, t);
    }
};

} // namespace seam
