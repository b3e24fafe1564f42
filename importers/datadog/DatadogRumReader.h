#pragma once

#include "Importer.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace seam {

/// Whether the head of a JSON input is Datadog RUM: an event object whose "type" is a RUM event
/// type and that carries "_dd", "application" or "session"/"view", or an API export envelope
/// {"data": [{"type": "rum", "attributes": {...}}]}.
bool looksLikeDatadogRum(std::string_view head);

/// A Datadog trace or span id as RUM events carry it in _dd.trace_id / _dd.span_id.
struct DatadogTraceId
{
    TraceId full;            // set when 128 bits were given (32 hex digits with a non-zero high half)
    std::uint64_t low64 = 0; // otherwise the low 64 bits (0 = none)
};
/// Decimal (the classic form, up to 2^64-1), or hex: 32 digits (128-bit), or up to 16 digits with
/// at least one letter a-f. All-zero and unparsable ids yield nothing.
std::optional<DatadogTraceId> parseDatadogTraceId(std::string_view text);

/// Reads Datadog browser RUM events: the SDK's intake bodies (newline-delimited JSON, often gzip),
/// single events or arrays of them, and the API export envelope
/// (data[]{type: "rum", attributes{attributes{event}, service, timestamp, tags}}).
///
/// - view / view_update -> page load keyed by view.id (url, route, loading_time, first_byte, FCP, LCP,
///   CLS, INP; nanoseconds). _dd.document_version is the page load's version: a later version
///   replaces an earlier one in the store, re-importing changes nothing. A partial view_update is
///   merged into the latest version of its view seen in this input; without one it only creates the
///   page load when none exists.
/// - resource -> resource (type, method, url, status, duration and phases, transfer size, and the
///   trace it propagated: _dd.trace_id as the low 64 bits (decimal) or the full id (128-bit hex),
///   _dd.span_id; id source "datadog-id", which the Correlator matches to backend traces by the low
///   64 bits).
/// - error -> RUM error, action -> action (type, target name, frustration types), long_task -> long
///   task, vital (web-vital names only) -> vital. Other event types are skipped.
/// - session.id -> session (usr.id, browser / os / device / geo fields when the export has them, else
///   a user agent, app version from "version").
///
/// Each event is rejected on its own with its location ("line 7: ..."), the rest still imports.
class DatadogRumReader : public FormatReader
{
public:
    void read(InputSource& in, ImportContext& ctx) override;

    /// How many views are remembered for merging view_update events (then the memory starts over).
    static constexpr std::size_t kMaxRememberedViews = 20000;
};

} // namespace seam
