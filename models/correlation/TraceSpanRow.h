#pragma once

#include <cstdint>

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

} // namespace seam
