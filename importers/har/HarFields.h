#pragma once

// Field-level helpers of the HAR importer: the parts of an entry that need more than a lookup
// (timestamps, propagated trace ids in their various header spellings, the HTML meta tag).

#include "Ids.h"
#include "Records.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace seam::har {

/// ISO 8601 / RFC 3339 date-time as HAR writes it ("2016-06-24T18:06:38.604Z",
/// "2010-09-28T20:13:39.238+02:00", up to nanosecond fractions). No zone = UTC.
std::optional<TimeNs> parseIsoTime(std::string_view text);

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

/// Decodes base64 (standard or URL alphabet, whitespace ignored) until `maxOut` bytes are produced or
/// the input ends or is malformed.
std::string decodeBase64Prefix(std::string_view base64, std::size_t maxOut);

/// Unsigned decimal that fits 64 bits (x-datadog-trace-id), nothing else.
std::optional<std::uint64_t> parseDecimalU64(std::string_view text);

/// Resource type from Chrome's `_resourceType` (document, stylesheet, script, xhr, fetch, ...).
/// Empty when the value is not one we know.
std::string_view typeFromChromeResourceType(std::string_view resourceType);
/// Resource type from the Sec-Fetch-Dest request header (document, script, style, image, empty, ...).
/// Empty when the value is not one we know.
std::string_view typeFromFetchDest(std::string_view dest);
/// Resource type from a response MIME type; "document" for HTML. Empty when it does not tell.
std::string_view typeFromMime(std::string_view mime);
/// Resource type from the URL's file extension; empty when it does not tell.
std::string_view typeFromUrl(std::string_view url);

/// Case-insensitive ASCII equality.
bool equalsIgnoreCase(std::string_view a, std::string_view b);

} // namespace seam::har
