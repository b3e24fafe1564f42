#pragma once

// Normalized records: what every importer (OTLP, the demo generator, later Jaeger, Zipkin, HAR,
// Datadog RUM, Faro and the live receiver) produces and the StoreWriter consumes. Importers never
// touch SQL; the writer never parses formats.
//
// Cross-record references use natural keys (strings chosen by the importer, stable across
// re-imports), so a record may refer to one that arrives in a later batch or a later file. The writer
// resolves keys to row ids and fills in what is missing later (see StoreWriter).

#include "Ids.h"

#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace seam {

enum class SpanKind : std::uint8_t
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5
};
enum class StatusCode : std::uint8_t
{
    Unset = 0,
    Ok = 1,
    Error = 2
};

/// A service as described by OpenTelemetry resource attributes (service.name, service.namespace,
/// service.version, deployment.environment[.name]). Identity is (name, namespace, version,
/// environment): a deploy of a new version is a new row, which is how bad deploys become visible.
struct ServiceRef
{
    std::string name;
    std::string ns;
    std::string version;
    std::string environment;
    /// True for browser / RUM sources (telemetry.sdk.language = webjs, Datadog RUM, Faro, HAR).
    bool isBrowser = false;

    friend bool operator==(const ServiceRef&, const ServiceRef&) = default;
};

/// A span's attributes, events and links in the cache's binary form (store/PayloadCodec.h) and its
/// scope as a dictionary id; the ids refer to the batch's payloadKeys.
struct EncodedPayload
{
    std::string attributes;
    std::string events;
    std::string links;
    std::uint32_t scope = 0;
    bool done = false;
};

struct SpanRecord
{
    TraceId traceId;
    SpanId spanId = 0;
    SpanId parentSpanId = 0;
    ServiceRef service;
    std::string name;
    SpanKind kind = SpanKind::Unspecified;
    TimeNs start = 0;
    TimeNs end = 0;
    StatusCode statusCode = StatusCode::Unset;
    std::string statusMessage;
    /// Compact JSON object {"key": value, ...}; "" means none. See importers/common/JsonWriter.h.
    std::string attributesJson;
    /// Compact JSON array [{"t": ns, "name": "...", "attributes": {...}}, ...]; "" means none.
    std::string eventsJson;
    /// Compact JSON array of span links [{"trace_id": hex, "span_id": hex, "attributes": {...}}]; "" = none.
    std::string linksJson;
    /// Instrumentation scope name (e.g. "@opentelemetry/instrumentation-fetch").
    std::string scope;
    /// The payload as the cache stores it, filled from the fields above on the producer's thread
    /// (models/ingest/SpanPayloads.h), which then drops the JSON: the writer only binds these bytes.
    EncodedPayload encoded;
};

struct LogRecordRow
{
    TimeNs time = 0;
    int severityNumber = 0;
    std::string severityText;
    std::string body;
    std::string attributesJson;
    TraceId traceId;
    SpanId spanId = 0;
    ServiceRef service;
};

/// A RUM session (OTel session.id, Datadog session.id, Faro meta.session.id, HAR file).
struct SessionRecord
{
    std::string key;
    std::string userId;
    std::string browser;        // "Chrome", "Firefox", "Safari", "Edge", ...
    std::string browserVersion; // major version, e.g. "120"
    std::string os;             // "Windows", "macOS", "Linux", "Android", "iOS", ...
    std::string device;         // "desktop", "mobile", "tablet"
    std::string country;        // ISO 3166-1 alpha-2 where known
    std::string appVersion;
    TimeNs start = 0; // first time seen; the writer keeps min(start) and max(end)
    TimeNs end = 0;
};

/// Optional timings are nanoseconds relative to the page load's start; -1 = unknown.
struct PageLoadRecord
{
    std::string key;
    std::string sessionKey; // may be empty (e.g. a HAR page without session)
    ServiceRef app;         // the browser application
    std::string url;
    std::string route; // e.g. "/product/:id" (importers/common/Route.h); empty -> the URL's path
    TimeNs start = 0;
    TimeNs duration = -1; // until load event end
    TimeNs ttfb = -1;
    TimeNs fcp = -1;
    TimeNs lcp = -1;
    double cls = -1;
    TimeNs inp = -1;
    /// The backend trace that served the document (meta traceparent / documentLoad's trace), if any.
    TraceId traceId;
    SpanId spanId = 0; // the documentLoad span, when from OTel
    /// Later versions replace earlier ones (Datadog's _dd.document_version); 0 = unversioned.
    std::int64_t version = 0;
    /// Which kind of instrumentation reported it (page_load_reports.format, the filter's `source:`):
    /// "otel", "datadog", "faro" or "har". Decides whose value wins when several report one navigation.
    std::string reporter;
    /// Numeric custom attributes of the page (a Datadog view's `context`), dotted keys: where a
    /// conversion's value may sit (page_load_values). nullopt: this report says nothing about them and
    /// leaves the page load's values as they are; a vector (even empty) replaces them.
    std::optional<std::vector<std::pair<std::string, double>>> values;
};

/// How the browser's propagated trace id was obtained; also the link method when it matches.
enum class TraceIdSource : std::uint8_t
{
    None = 0,
    SameTrace = 1,         // the resource is itself a span of the trace (OTel fetch/XHR/document spans)
    TraceparentHeader = 2, // request header traceparent / b3 / x-b3-traceid
    ServerTiming = 3,      // response server-timing traceparent / traceresponse / x-trace-id
    DatadogId = 4,         // _dd.trace_id / x-datadog-trace-id (64-bit, low half only)
    DocumentMeta = 5,      // <meta name="traceparent"> in the HTML
};

struct ResourceRecord
{
    std::string key;
    std::string pageLoadKey; // empty -> the writer attaches it to the session's page load by time
    std::string sessionKey;
    std::string type; // document, fetch, xhr, script, css, image, font, media, beacon, other
    std::string method;
    std::string url;
    int statusCode = 0; // 0 = unknown, unless `failed`
    /// The source says the request got no response (network error, CORS, aborted): stored as status 0,
    /// counted as a network error of its page load. Without it a status 0 is unknown (stored NULL).
    bool failed = false;
    /// The instrumentation that reported it (otel, datadog, faro, har): calls of one page load reported
    /// by several merge into one (PageLoadReconciler), never two of the same reporter.
    std::string reporter;
    TimeNs start = 0;
    TimeNs duration = -1;
    std::int64_t transferSize = -1;
    // Phases, ns from the resource's start; -1 = unknown.
    TimeNs dnsNs = -1, connectNs = -1, sslNs = -1, ttfbNs = -1, downloadNs = -1;

    /// Trace id the browser propagated (or the resource's own span's trace for OTel).
    TraceId traceId;
    /// When only the low 64 bits are known (Datadog decimal ids); 0 = unknown.
    std::uint64_t traceIdLow64 = 0;
    /// Span id of the browser-side span (OTel fetch span) or the propagated parent id.
    SpanId spanId = 0;
    TraceIdSource traceIdSource = TraceIdSource::None;
    /// The same request may also arrive as another record with another key (Faro reports a fetch as a
    /// performance entry with timings and as an OpenTelemetry span with the trace id): the writer merges
    /// it into a unique twin of the session with the same type and URL that started at the same time.
    bool mayHaveTwin = false;
};

struct RumErrorRecord
{
    std::string key;
    std::string pageLoadKey;
    std::string sessionKey;
    TimeNs time = 0;
    std::string type; // e.g. "TypeError"
    std::string message;
    std::string source; // source, network, console, custom, ...
    std::string stack;
    std::string resourceUrl;
    int resourceStatus = 0;
};

struct ActionRecord
{
    std::string key;
    std::string pageLoadKey;
    std::string sessionKey;
    TimeNs time = 0;
    TimeNs duration = -1;
    std::string type; // click, tap, scroll, custom, ...
    std::string name;
    std::string frustration; // comma-separated: rage_click, dead_click, error_click
    /// Numeric custom attributes (Datadog `context`, Faro event `attributes`), dotted keys: what a
    /// conversion's value may be read from (action_values).
    std::vector<std::pair<std::string, double>> values;
};

struct LongTaskRecord
{
    std::string key;
    std::string pageLoadKey;
    std::string sessionKey;
    TimeNs time = 0;
    TimeNs duration = 0;
};

/// A web-vital measurement that arrives separately from its page load (OTel browser.web_vital events,
/// Faro measurements). The writer applies it to the page load by key, or by session + time.
struct VitalRecord
{
    std::string pageLoadKey;
    std::string sessionKey;
    TimeNs time = 0;
    std::string name; // lcp, fcp, cls, inp, ttfb (lower case)
    double value = 0; // milliseconds for times, unitless for cls
};

/// RED figures of one (service, operation, bucket) computed elsewhere (a remote store's aggregation),
/// complete for that bucket: the writer replaces the cell rather than adding to it, so fetching the
/// same window again changes nothing. `operation` empty: the service as a whole (its entry spans).
struct RollupRow
{
    ServiceRef service;
    std::string operation;
    TimeNs bucket = 0;
    std::int64_t requests = 0, errors = 0, durationSumNs = 0, durationMaxNs = 0;
    std::string histogram; ///< LatencyHistogram encoding
};

struct RecordBatch
{
    std::vector<SpanRecord> spans;
    std::vector<LogRecordRow> logs;
    std::vector<SessionRecord> sessions;
    std::vector<PageLoadRecord> pageLoads;
    std::vector<ResourceRecord> resources;
    std::vector<RumErrorRecord> rumErrors;
    std::vector<ActionRecord> actions;
    std::vector<LongTaskRecord> longTasks;
    std::vector<VitalRecord> vitals;
    std::vector<RollupRow> rollups;
    /// False when the rollups of these spans' buckets come whole from elsewhere (`rollups` of this or
    /// another batch of the source): their spans then must not be counted a second time.
    bool spansRollUp = true;
    /// Input items (the importer's accepted count) whose records are complete with this batch, so the
    /// writer can say how many of a source's items are committed in the unit its report counts them in.
    /// Set by importSource(); 0 where nobody counts.
    std::uint64_t items = 0;
    /// The dictionary ids (and their strings) that the spans' encoded payloads use: the writer makes
    /// sure the cache has them before it writes the payloads.
    std::vector<std::pair<std::uint32_t, std::string>> payloadKeys;
    /// Dictionary ids used by spans an importer encoded itself (BatchSink::payloadDictionary), duplicates
    /// possible: encodeSpanPayloads lists them, with their strings, in payloadKeys.
    std::vector<std::uint32_t> encodedKeyIds;

    std::size_t size() const
    {
        return spans.size() + logs.size() + sessions.size() + pageLoads.size() + resources.size() +
               rumErrors.size() + actions.size() + longTasks.size() + vitals.size() + rollups.size();
    }
    bool empty() const { return size() == 0; }

    /// Moves `other`'s records to the end of this batch's.
    void append(RecordBatch&& other)
    {
        auto move = [](auto& to, auto& from) {
            if (to.empty()) {
                to = std::move(from);
            } else {
                // insert() grows the capacity geometrically; an exact reserve() here reallocated and
                // moved every record already merged on each append: quadratic in a group commit of
                // many small batches (a live receiver's requests, a writer draining its queue).
                to.insert(to.end(), std::make_move_iterator(from.begin()),
                          std::make_move_iterator(from.end()));
            }
            from.clear();
        };
        move(spans, other.spans);
        move(logs, other.logs);
        move(sessions, other.sessions);
        move(pageLoads, other.pageLoads);
        move(resources, other.resources);
        move(rumErrors, other.rumErrors);
        move(actions, other.actions);
        move(longTasks, other.longTasks);
        move(vitals, other.vitals);
        move(rollups, other.rollups);
        spansRollUp = spansRollUp && other.spansRollUp;
        items += std::exchange(other.items, 0);
        move(payloadKeys, other.payloadKeys);
        move(encodedKeyIds, other.encodedKeyIds);
    }
};

} // namespace seam
