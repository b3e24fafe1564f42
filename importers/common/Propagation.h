#pragma once
// Trace context propagated between browser and backend, in every spelling the sources use: W3C
// traceparent, b3, Datadog decimal ids, Server-Timing and the HTML <meta name="traceparent"> tag.
// Shared by the HAR, Datadog and Faro readers (and anything else that sees headers).

#include "Ids.h"
#include "Records.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seam {

/// A trace id found on an entry, and how it was found.
struct PropagatedTrace
{
    TraceId traceId;         // full 128-bit id, when known
    std::uint64_t low64 = 0; // only the low 64 bits known (Datadog decimal ids)
    SpanId spanId = 0;       // the propagated parent id (the browser side of the call)
    TraceIdSource source = TraceIdSource::None;

    bool found() const { return source != TraceIdSource::None; }
};

/// A W3C traceparent as a PropagatedTrace. A traceparent whose high 64 bits are zero is what the
/// Datadog SDK sends (00-0000000000000000<16 hex>-...): only its low half is meaningful, so it is
/// matched by the low 64 bits like x-datadog-trace-id.
PropagatedTrace fromTraceParent(std::string_view value, TraceIdSource source);

/// b3 single header: "{traceId}-{spanId}[-{sampled}[-{parentSpanId}]]" (trace id 16 or 32 hex).
/// "0", "1" or "d" alone (sampling only) yields nothing.
PropagatedTrace fromB3(std::string_view value);

/// Server-Timing: `traceparent;desc="00-..."` among other metrics (comma separated, desc quoted or
/// not, names case-insensitive).
std::optional<std::string> traceParentFromServerTiming(std::string_view value);

/// `<meta name="traceparent" content="00-...">` in HTML (attribute order and quoting free, case
/// insensitive). Looks at `html` only, so the caller bounds the scan.
std::optional<std::string> traceParentFromHtml(std::string_view html);

/// Unsigned decimal that fits 64 bits (x-datadog-trace-id), nothing else.
std::optional<std::uint64_t> parseDecimalU64(std::string_view text);

} // namespace seam
