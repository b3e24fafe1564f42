#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace seam {

/// What the correlation step needs of one span: the columns of `spans` it reads back, or the same
/// values the span writer just inserted (see Correlator::correlate()).
struct TraceSpanRow
{
    std::int64_t trace = 0;
    std::int64_t id = 0; // span_id as SQLite stores it (signed): rows of a trace come back in this order
    std::int64_t parent = 0;
    int kind = 0;
    std::int64_t start = 0, end = 0, service = 0;
    int status = 0;
};

/// The order the cache gives a trace's spans back in: by trace, then span id.
inline bool traceSpanRowBefore(const TraceSpanRow& a, const TraceSpanRow& b)
{
    return a.trace != b.trace ? a.trace < b.trace : a.id < b.id;
}

inline void sortTraceSpanRows(std::vector<TraceSpanRow>& rows)
{
    // The span writer hands them over sorted (SpanWriter::flushSpans).
    if (!std::is_sorted(rows.begin(), rows.end(), traceSpanRowBefore))
        std::sort(rows.begin(), rows.end(), traceSpanRowBefore);
}

} // namespace seam
