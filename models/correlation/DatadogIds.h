#pragma once

#include "Sqlite.h"

#include <cstdint>
#include <vector>

namespace seam {

/// The Datadog id rule (DESIGN.md §4, 3): Datadog's browser SDK propagates, and its RUM events record
/// (`_dd.trace_id`, decimal), only the low 64 bits of a trace id, while the backend's OpenTelemetry
/// spans carry all 128. A resource that knows only the low 64 bits belongs to the trace whose id ends
/// in them, if exactly one trace does; otherwise (none yet, or two traces sharing the low half) it keeps
/// the low bits (resources.trace_lo) and waits. A trace that arrives later gives its row to the resources
/// waiting for its low bits. Which backend span received the call is then confirmed by span id: the
/// Correlator links the call with full confidence only when a backend span is a direct child of the
/// resource's `_dd.span_id`, and with 0.9 otherwise.
///
/// Runs on the writer's connection, inside its transaction.
class DatadogIds
{
public:
    explicit DatadogIds(Database& db);

    /// The trace row whose id ends in `low64`, or 0 when there is none or more than one.
    std::int64_t traceForLow64(std::uint64_t low64);
    /// A trace row just created: the resources waiting for its low 64 bits get it. Returns how many did;
    /// `pageLoads` gains their page loads (new trace evidence for reconciliation, counters to refresh).
    std::int64_t adoptWaiting(std::int64_t traceRow, std::uint64_t low64,
                              std::vector<std::int64_t>* pageLoads = nullptr);

private:
    Statement m_traceByLow;
    Statement m_resourcesByLow;
};

} // namespace seam
