#pragma once
// The end-to-end critical path of one page load: what the load event waited for, from navigation
// start to load end, down into the backend spans of every call on the path. Plain structs in and out;
// CriticalPathInput.h reads the input from a cache.
//
// The walk is Jaeger's "last-finishing child" rule, made iterative (no recursion: a million-span
// trace is walked with a heap stack) and extended across the browser-to-server hop:
//   - at time t inside a node, the child that finished last at or before t is what the node waited
//     for; the time between that child's end and t is the node's own time; the walk continues inside
//     the child and then, in the node, from the child's start;
//   - a child that ends after its parent ended did not hold the parent up (fire-and-forget) and is
//     skipped, unless it is the remote handling of the parent's call (a server span, or another
//     service): the caller waited for it until it gave up, so it is clipped to the caller's end;
//   - a remote child that starts outside its caller on their two clocks is moved by hopShift (ClockSkew.h,
//     with its subtree) before the walk: clock skew at a hop is corrected, never mistaken for work.
// The segments tile [start, end] of the load exactly: sorted, contiguous, no gap, no overlap.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace seam {

enum class CriticalSide : std::uint8_t
{
    Frontend, ///< the browser's own work: main thread, long tasks, queueing, the bytes of static assets
    Network,  ///< redirect, DNS, connect/TLS, request and response latency, document and API downloads
    Backend,  ///< time inside backend spans
};
const char* criticalSideName(CriticalSide side);

/// A backend span of a linked trace. `service` and `operation` index CriticalPathInput::names.
struct CriticalSpan
{
    std::uint64_t id = 0;
    std::uint64_t parentId = 0; ///< 0: root
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::int32_t service = -1;
    std::int32_t operation = -1;
    std::uint8_t kind = 0; ///< OTel kind as stored: 2 server, 3 client, 4 producer, 5 consumer
};

/// A resource of the page (document, fetch/XHR, asset). Phases are durations (ns), -1 unknown, laid
/// out backwards from the resource's end (download, then the request wait, connect, DNS), as the
/// Resource Timing API orders them; what is left at the start is redirect (document) or queueing.
struct CriticalResource
{
    std::string type; ///< document, fetch, xhr, script, css, image, font, media, beacon, other
    std::string url;
    std::int64_t start = 0;
    std::int64_t duration = -1;
    std::int64_t dns = -1, connect = -1, ssl = -1, ttfb = -1, download = -1;
    std::int32_t trace = -1;     ///< index into CriticalPathInput::traces; -1 when not linked
    std::uint64_t entrySpan = 0; ///< the backend span that served the call; 0 unknown

    std::int64_t end() const { return start + (duration > 0 ? duration : 0); }
};

struct CriticalInterval
{
    std::int64_t start = 0;
    std::int64_t end = 0;
};

struct CriticalPathInput
{
    std::int64_t start = 0;     ///< navigation start, ns since the epoch
    std::int64_t duration = -1; ///< to the load event's end; -1 unknown (then: the last thing that ended)
    std::int64_t ttfb = -1;     ///< relative to start; used when no document resource was recorded
    std::string url;            ///< the page's URL (resources of its own origin are named by path)
    std::vector<CriticalResource> resources;
    std::vector<CriticalInterval> longTasks;
    std::vector<std::vector<CriticalSpan>> traces; ///< backend spans of each linked trace
    std::vector<std::string> names;                ///< service and operation names
    std::int32_t documentTrace = -1; ///< the document's trace when the document resource has no link
};

/// What a segment is, for aggregation over many loads (RootCause) and for its label.
enum class CriticalPhase : std::uint8_t
{
    MainThread, ///< the page's own time between what it waited for (parse, script, render)
    LongTask,
    Redirect, ///< before the document's request (redirects, unload)
    Queue,    ///< a resource waiting in the browser before its request
    Dns,
    Connect, ///< TCP and TLS
    Request, ///< the request wait outside the backend's spans (latency, untraced proxies)
    Download,
    Load, ///< a resource without phase timings
    Span, ///< a backend span's own time
};
const char* criticalPhaseName(CriticalPhase phase);

struct CriticalSegment
{
    CriticalSide side = CriticalSide::Frontend;
    CriticalPhase phase = CriticalPhase::MainThread;
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::int32_t resource = -1; ///< index into CriticalPathInput::resources, -1 for none
    std::int32_t service = -1;  ///< backend segments: index into names
    std::int32_t operation = -1;
    std::int32_t trace = -1;
    std::int32_t span = -1; ///< backend segments: index into the trace's spans
};

struct CriticalPath
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::vector<CriticalSegment> segments; ///< by start; they tile [start, end]
    std::int64_t bySide[3] = {0, 0, 0};    ///< ns per CriticalSide
};

/// The critical path of one page load. Adjacent pieces of the same thing are merged.
CriticalPath criticalPath(const CriticalPathInput& input);

/// The label of a segment: "service: operation" for backend time, else the phase and the resource
/// ("download /assets/img/hero.webp", "main thread").
std::string criticalSegmentLabel(const CriticalPathInput& input, const CriticalSegment& segment);

/// A piece of one trace's critical path: `span` is an index into the spans, -1 for the window's own
/// time outside every root (the caller's wait, e.g. network latency).
struct TraceSegment
{
    std::int32_t span = -1;
    std::int64_t start = 0;
    std::int64_t end = 0;
};

/// The critical path through `spans` inside [windowStart, windowEnd]: the roots (indexes) are the
/// remote handling of a call that spanned the window; they are shifted together by `rootShift`
/// (clock skew at the first hop) and their subtrees further at every remote hop. Segments by start,
/// tiling the window. Iterative: any depth, any size.
std::vector<TraceSegment> traceCriticalPath(std::span<const CriticalSpan> spans,
                                            std::span<const std::int32_t> roots, std::int64_t windowStart,
                                            std::int64_t windowEnd, std::int64_t rootShift);

/// A resource URL as a stable, low-cardinality name: the path (host and path for another origin than
/// `pageUrl`'s), query and fragment dropped, numeric and id-like path segments as ":id".
std::string resourceName(const std::string& url, const std::string& pageUrl);
/// The host of a URL ("" when it has none).
std::string urlHost(const std::string& url);

} // namespace seam
