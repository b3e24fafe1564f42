#include "CriticalPath.h"

#include "ClockSkew.h"
#include "SpanTree.h"

#include <algorithm>
#include <tuple>

namespace seam {
namespace {

constexpr std::uint8_t kServer = 2;
constexpr std::uint8_t kProducer = 4;
constexpr std::uint8_t kConsumer = 5;

/// Browser timings come in whole milliseconds from some sources (HAR, Datadog): a resource that ends
/// within this much after the load event is taken as having ended with it, not after it.
constexpr std::int64_t kLoadEndTolerance = 1'000'000;

/// The handling of `parent`'s call on another clock: the caller waits for it (until it gives up),
/// and its times may be skewed against the caller's. A consumer does not hold its producer up.
bool isRemoteHop(const CriticalSpan& parent, const CriticalSpan& child)
{
    if (child.kind == kServer)
        return true;
    return child.service != parent.service && child.kind != kConsumer && parent.kind != kProducer;
}

struct Candidate
{
    std::int32_t index = 0;
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::uint64_t tie = 0; ///< span id (resources: their index); decides between equal intervals
};

/// Latest end first; then the later start (the shorter one, nearer to t); then the smaller span id,
/// so the answer never depends on the order rows were read in (clipping and skew alignment make
/// equal intervals common: two callees longer than their caller both start and end with it).
void sortForWalk(std::vector<Candidate>& c)
{
    std::sort(c.begin(), c.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(b.end, b.start, a.tie, a.index) < std::tie(a.end, a.start, b.tie, b.index);
    });
}

/// One node's turn in the walk: picks, in `sorted` (by sortForWalk), the children the node waited for
/// inside [ws, we]; calls pick(child, start, end) for each and own(start, end) for the node's own time
/// between them. A child reaching past `we` is cut there only while nothing is picked yet (the node's
/// window was itself cut by its caller); after a pick the rule is strict: a child still running when
/// the picked one started did not delay it.
template<typename Pick, typename Own>
void walkNode(const std::vector<Candidate>& sorted, std::int64_t ws, std::int64_t we, Pick&& pick, Own&& own)
{
    std::int64_t t = we;
    bool picked = false;
    for (const Candidate& c : sorted) {
        if (t <= ws)
            break;
        std::int64_t end = c.end;
        if (end > t) {
            if (picked)
                continue;
            end = t;
        }
        if (end <= ws)
            break; // sorted by end: nothing later fits
        const std::int64_t start = std::max(c.start, ws);
        if (start >= end)
            continue;
        if (end < t)
            own(end, t);
        pick(c.index, start, end);
        t = start;
        picked = true;
    }
    if (t > ws)
        own(ws, t);
}

bool isAsset(const std::string& type)
{
    return type != "document" && type != "fetch" && type != "xhr" && type != "beacon" && type != "other";
}

} // namespace

const char* criticalSideName(CriticalSide side)
{
    switch (side) {
    case CriticalSide::Frontend:
        return "frontend";
    case CriticalSide::Network:
        return "network";
    case CriticalSide::Backend:
        return "backend";
    }
    return "frontend";
}

const char* criticalPhaseName(CriticalPhase phase)
{
    switch (phase) {
    case CriticalPhase::MainThread:
        return "main thread";
    case CriticalPhase::LongTask:
        return "long task";
    case CriticalPhase::Redirect:
        return "redirect";
    case CriticalPhase::Queue:
        return "queue";
    case CriticalPhase::Dns:
        return "dns";
    case CriticalPhase::Connect:
        return "connect";
    case CriticalPhase::Request:
        return "request";
    case CriticalPhase::Download:
        return "download";
    case CriticalPhase::Load:
        return "load";
    case CriticalPhase::Span:
        return "span";
    }
    return "main thread";
}

std::vector<TraceSegment> traceCriticalPath(std::span<const CriticalSpan> spans,
                                            std::span<const std::int32_t> roots, std::int64_t windowStart,
                                            std::int64_t windowEnd, std::int64_t rootShift)
{
    std::vector<TraceSegment> out;
    if (windowEnd <= windowStart)
        return out;
    const std::size_t n = spans.size();

    // Parents resolved once (cycle-safe), children as one flat array grouped by parent.
    std::vector<TreeSpan> tree(n);
    for (std::size_t i = 0; i < n; ++i)
        tree[i] = {spans[i].id, spans[i].parentId, spans[i].start, spans[i].end};
    const SpanTree parents = buildSpanTree(tree);
    std::vector<std::uint32_t> first(n + 1, 0);
    for (std::size_t i = 0; i < n; ++i)
        if (parents.parent[i] >= 0)
            ++first[std::size_t(parents.parent[i]) + 1];
    for (std::size_t i = 0; i < n; ++i)
        first[i + 1] += first[i];
    std::vector<std::int32_t> children(first[n]);
    {
        std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
        for (std::size_t i = 0; i < n; ++i)
            if (parents.parent[i] >= 0)
                children[fill[std::size_t(parents.parent[i])]++] = std::int32_t(i);
    }

    // Clock shifts, top-down from the roots: a remote child that cannot lie inside its caller moves
    // (with everything under it) to the caller's middle.
    std::vector<std::int64_t> shift(n, 0);
    std::vector<std::int32_t> stack;
    for (const std::int32_t r : roots) {
        if (r < 0 || std::size_t(r) >= n)
            continue;
        shift[std::size_t(r)] = rootShift;
        stack.push_back(r);
    }
    while (!stack.empty()) {
        const std::int32_t p = stack.back();
        stack.pop_back();
        const CriticalSpan& ps = spans[std::size_t(p)];
        const std::int64_t s = shift[std::size_t(p)];
        for (std::uint32_t k = first[std::size_t(p)]; k < first[std::size_t(p) + 1]; ++k) {
            const std::int32_t c = children[k];
            const CriticalSpan& cs = spans[std::size_t(c)];
            std::int64_t extra = 0;
            if (isRemoteHop(ps, cs))
                extra = hopShift(ps.start + s, ps.end + s, cs.start + s, cs.end + s);
            shift[std::size_t(c)] = s + extra;
            stack.push_back(c);
        }
    }

    // The walk: a heap stack of frames, one per node on the path. Node -1 is the window itself, whose
    // children are the roots (remote from the caller: clipped, never skipped as fire-and-forget).
    struct Frame
    {
        std::int32_t node;
        std::int64_t ws, we;
    };
    std::vector<Frame> frames{{-1, windowStart, windowEnd}};
    std::vector<Candidate> cands;
    while (!frames.empty()) {
        const Frame f = frames.back();
        frames.pop_back();
        cands.clear();
        if (f.node < 0) {
            for (const std::int32_t r : roots) {
                if (r < 0 || std::size_t(r) >= n)
                    continue;
                const CriticalSpan& c = spans[std::size_t(r)];
                cands.push_back({r, c.start + shift[std::size_t(r)],
                                 std::min(c.end + shift[std::size_t(r)], windowEnd), c.id});
            }
        } else {
            const CriticalSpan& p = spans[std::size_t(f.node)];
            const std::int64_t parentEnd = p.end + shift[std::size_t(f.node)];
            for (std::uint32_t k = first[std::size_t(f.node)]; k < first[std::size_t(f.node) + 1]; ++k) {
                const std::int32_t ci = children[k];
                const CriticalSpan& c = spans[std::size_t(ci)];
                const std::int64_t cs = c.start + shift[std::size_t(ci)];
                std::int64_t ce = c.end + shift[std::size_t(ci)];
                if (ce > parentEnd) {
                    if (!isRemoteHop(p, c))
                        continue; // fire-and-forget: the parent did not wait for it
                    ce = parentEnd;
                }
                cands.push_back({ci, cs, ce, c.id});
            }
        }
        sortForWalk(cands);
        walkNode(
            cands, f.ws, f.we,
            [&](std::int32_t child, std::int64_t s, std::int64_t e) {
                frames.push_back({child, s, e});
            },
            [&](std::int64_t s, std::int64_t e) {
                out.push_back({f.node, s, e});
            });
    }
    std::sort(out.begin(), out.end(),
              [](const TraceSegment& a, const TraceSegment& b) { return a.start < b.start; });
    // Pieces of one span's own time on either side of a zero-length hop merge back.
    std::vector<TraceSegment> merged;
    merged.reserve(out.size());
    for (const TraceSegment& s : out) {
        if (!merged.empty() && merged.back().span == s.span && merged.back().end == s.start)
            merged.back().end = s.end;
        else
            merged.push_back(s);
    }
    return merged;
}

namespace {

/// Emits the segments of one resource on the path, cut to [cs, ce].
class ResourceExpander
{
public:
    ResourceExpander(const CriticalPathInput& in, std::vector<CriticalSegment>& out) : m_in(in), m_out(out) {}

    void expand(const CriticalResource& r, std::int32_t index, std::int64_t cs, std::int64_t ce)
    {
        const bool asset = isAsset(r.type);
        const bool document = r.type == "document";
        const std::int64_t re = r.end();
        const auto known = [](std::int64_t v) { return v > 0 ? v : 0; };
        const bool anyPhase = r.dns >= 0 || r.connect >= 0 || r.ttfb >= 0 || r.download >= 0;
        const bool linked = r.trace >= 0 && std::size_t(r.trace) < m_in.traces.size();

        if (!anyPhase) {
            if (linked) {
                backend(r, index, r.start, re, cs, ce);
                return;
            }
            emit(asset ? CriticalSide::Frontend : CriticalSide::Network, CriticalPhase::Load, index, cs, ce);
            return;
        }
        // Backwards from the end: download, request wait, connect (TLS inside it), DNS; the rest of
        // the resource, at its start, is redirect (document) or queueing.
        std::int64_t t = re;
        const std::int64_t dlStart = std::max(r.start, t - known(r.download));
        const std::int64_t waitStart = std::max(r.start, dlStart - known(r.ttfb));
        const std::int64_t connectStart = std::max(r.start, waitStart - known(r.connect));
        const std::int64_t dnsStart = std::max(r.start, connectStart - known(r.dns));
        emit(document ? CriticalSide::Network : CriticalSide::Frontend,
             document ? CriticalPhase::Redirect : CriticalPhase::Queue, index, std::max(cs, r.start),
             std::min(ce, dnsStart));
        emit(CriticalSide::Network, CriticalPhase::Dns, index, std::max(cs, dnsStart),
             std::min(ce, connectStart));
        emit(CriticalSide::Network, CriticalPhase::Connect, index, std::max(cs, connectStart),
             std::min(ce, waitStart));
        if (linked)
            backend(r, index, waitStart, dlStart, std::max(cs, waitStart), std::min(ce, dlStart));
        else
            emit(CriticalSide::Network, CriticalPhase::Request, index, std::max(cs, waitStart),
                 std::min(ce, dlStart));
        // The bytes of a static asset are the page's choice (an oversized image is a frontend fault);
        // a document's or an API's response is the network's to carry.
        emit(asset ? CriticalSide::Frontend : CriticalSide::Network, CriticalPhase::Download, index,
             std::max(cs, dlStart), std::min(ce, re));
    }

private:
    void emit(CriticalSide side, CriticalPhase phase, std::int32_t resource, std::int64_t s, std::int64_t e)
    {
        if (e <= s)
            return;
        CriticalSegment seg;
        seg.side = side;
        seg.phase = phase;
        seg.resource = resource;
        seg.start = s;
        seg.end = e;
        m_out.push_back(seg);
    }

    /// The request wait [waitStart, waitEnd] of a linked call, cut to [cs, ce]: the backend's
    /// critical path where its spans ran, network latency around them.
    void backend(const CriticalResource& r, std::int32_t index, std::int64_t waitStart, std::int64_t waitEnd,
                 std::int64_t cs, std::int64_t ce)
    {
        if (ce <= cs)
            return;
        const std::vector<CriticalSpan>& spans = m_in.traces[std::size_t(r.trace)];
        std::vector<std::int32_t> roots;
        if (r.entrySpan != 0) {
            for (std::size_t i = 0; i < spans.size(); ++i)
                if (spans[i].id == r.entrySpan) {
                    roots.push_back(std::int32_t(i));
                    break;
                }
        }
        if (roots.empty()) {
            // No known entry: every span whose parent is not in the trace (the browser's, or missing).
            std::vector<TreeSpan> tree(spans.size());
            for (std::size_t i = 0; i < spans.size(); ++i)
                tree[i] = {spans[i].id, spans[i].parentId, spans[i].start, spans[i].end};
            const SpanTree t = buildSpanTree(tree);
            for (std::size_t i = 0; i < spans.size(); ++i)
                if (t.parent[i] < 0)
                    roots.push_back(std::int32_t(i));
        }
        std::int64_t shift = 0;
        if (!roots.empty()) {
            std::int64_t lo = spans[std::size_t(roots.front())].start,
                         hi = spans[std::size_t(roots.front())].end;
            for (const std::int32_t i : roots) {
                lo = std::min(lo, spans[std::size_t(i)].start);
                hi = std::max(hi, spans[std::size_t(i)].end);
            }
            // The server works between the request's send and the response's first byte; when its
            // span is longer than that window (skew in rate, or a wait that includes sending), the
            // whole call is the better frame.
            if (hi - lo <= waitEnd - waitStart)
                shift = hopShift(waitStart, waitEnd, lo, hi);
            else
                shift = hopShift(r.start, r.end(), lo, hi);
        }
        for (const TraceSegment& s : traceCriticalPath(spans, roots, cs, ce, shift)) {
            CriticalSegment seg;
            seg.resource = index;
            seg.trace = r.trace;
            seg.start = s.start;
            seg.end = s.end;
            if (s.span < 0) {
                seg.side = CriticalSide::Network;
                seg.phase = CriticalPhase::Request;
            } else {
                const CriticalSpan& sp = spans[std::size_t(s.span)];
                seg.side = CriticalSide::Backend;
                seg.phase = CriticalPhase::Span;
                seg.span = s.span;
                seg.service = sp.service;
                seg.operation = sp.operation;
            }
            m_out.push_back(seg);
        }
    }

    const CriticalPathInput& m_in;
    std::vector<CriticalSegment>& m_out;
};

bool sameThing(const CriticalSegment& a, const CriticalSegment& b)
{
    return a.side == b.side && a.phase == b.phase && a.resource == b.resource && a.trace == b.trace &&
           a.span == b.span && a.service == b.service && a.operation == b.operation;
}

} // namespace

CriticalPath criticalPath(const CriticalPathInput& input)
{
    CriticalPath path;
    path.start = input.start;
    std::int64_t end = input.start;
    if (input.duration >= 0) {
        end = input.start + input.duration;
    } else {
        for (const CriticalResource& r : input.resources)
            if (r.duration >= 0)
                end = std::max(end, r.end());
        for (const CriticalInterval& t : input.longTasks)
            end = std::max(end, t.end);
    }
    path.end = end;
    if (end <= input.start)
        return path;

    // The document: recorded as a resource, or known only from the page's TTFB.
    CriticalPathInput in = input;
    bool hasDocument = false;
    for (CriticalResource& r : in.resources) {
        if (r.type != "document")
            continue;
        hasDocument = true;
        if (r.trace < 0)
            r.trace = in.documentTrace;
    }
    if (!hasDocument && in.ttfb > 0) {
        CriticalResource doc;
        doc.type = "document";
        doc.url = in.url;
        doc.start = in.start;
        doc.duration = in.ttfb;
        doc.trace = in.documentTrace;
        in.resources.push_back(doc);
    }

    // Children of the page: resources and long tasks (indexes past the resources).
    const auto resourceCount = std::int32_t(in.resources.size());
    std::vector<Candidate> cands;
    for (std::int32_t i = 0; i < resourceCount; ++i) {
        const CriticalResource& r = in.resources[std::size_t(i)];
        if (r.duration < 0 || r.end() > end + kLoadEndTolerance)
            continue; // unknown end, or still running when the load ended: the load did not wait
        cands.push_back({i, r.start, std::min(r.end(), end), std::uint64_t(i)});
    }
    for (std::size_t k = 0; k < in.longTasks.size(); ++k) {
        const CriticalInterval& t = in.longTasks[k];
        if (t.end > end + kLoadEndTolerance)
            continue;
        cands.push_back({resourceCount + std::int32_t(k), t.start, std::min(t.end, end),
                         std::uint64_t(resourceCount) + k});
    }
    sortForWalk(cands);

    ResourceExpander expander(in, path.segments);
    std::vector<std::pair<std::int64_t, std::int64_t>> own;
    std::int64_t firstDocumentStart = -1;
    walkNode(
        cands, input.start, end,
        [&](std::int32_t child, std::int64_t s, std::int64_t e) {
            if (child >= resourceCount) {
                CriticalSegment seg;
                seg.side = CriticalSide::Frontend;
                seg.phase = CriticalPhase::LongTask;
                seg.start = s;
                seg.end = e;
                path.segments.push_back(seg);
                return;
            }
            const CriticalResource& r = in.resources[std::size_t(child)];
            if (r.type == "document")
                firstDocumentStart = firstDocumentStart < 0 ? s : std::min(firstDocumentStart, s);
            expander.expand(r, child, s, e);
        },
        [&](std::int64_t s, std::int64_t e) { own.emplace_back(s, e); });
    for (const auto& [s, e] : own) {
        CriticalSegment seg;
        // Before the document was requested the browser was redirecting or unloading the last page.
        const bool beforeDocument = firstDocumentStart >= 0 && e <= firstDocumentStart;
        seg.side = beforeDocument ? CriticalSide::Network : CriticalSide::Frontend;
        seg.phase = beforeDocument ? CriticalPhase::Redirect : CriticalPhase::MainThread;
        seg.start = s;
        seg.end = e;
        path.segments.push_back(seg);
    }

    std::sort(path.segments.begin(), path.segments.end(),
              [](const CriticalSegment& a, const CriticalSegment& b) { return a.start < b.start; });
    std::vector<CriticalSegment> merged;
    merged.reserve(path.segments.size());
    for (const CriticalSegment& s : path.segments) {
        if (!merged.empty() && merged.back().end == s.start && sameThing(merged.back(), s))
            merged.back().end = s.end;
        else
            merged.push_back(s);
    }
    path.segments = std::move(merged);
    for (const CriticalSegment& s : path.segments)
        path.bySide[int(s.side)] += s.end - s.start;
    return path;
}

std::string urlHost(const std::string& url)
{
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return {};
    const auto hostStart = scheme + 3;
    auto hostEnd = url.find_first_of("/?#", hostStart);
    if (hostEnd == std::string::npos)
        hostEnd = url.size();
    std::string host = url.substr(hostStart, hostEnd - hostStart);
    if (const auto at = host.rfind('@'); at != std::string::npos)
        host.erase(0, at + 1);
    for (char& c : host)
        if (c >= 'A' && c <= 'Z')
            c = char(c - 'A' + 'a');
    return host;
}

namespace {

bool isIdLike(std::string_view seg)
{
    if (seg.empty())
        return false;
    bool allDigits = true;
    int hexDigits = 0, digits = 0;
    for (const char c : seg) {
        const bool digit = c >= '0' && c <= '9';
        const bool hex = digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        allDigits = allDigits && digit;
        digits += digit;
        if (hex || c == '-')
            hexDigits += hex;
        else
            return allDigits;
    }
    // All digits, or a long hex / UUID-like token with at least one digit in it.
    return allDigits || (hexDigits >= 8 && digits > 0);
}

} // namespace

std::string resourceName(const std::string& url, const std::string& pageUrl)
{
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return url.substr(0, std::min<std::size_t>(url.find_first_of(",?#"), 64));
    const std::string host = urlHost(url);
    auto pathStart = url.find('/', scheme + 3);
    std::string path = "/";
    if (pathStart != std::string::npos) {
        const auto pathEnd = url.find_first_of("?#", pathStart);
        path = url.substr(pathStart, pathEnd == std::string::npos ? std::string::npos : pathEnd - pathStart);
    }
    std::string out = host == urlHost(pageUrl) ? std::string() : host;
    std::size_t i = 0;
    while (i < path.size()) {
        const auto next = path.find('/', i + 1);
        const std::string_view seg =
            std::string_view(path).substr(i + 1, (next == std::string::npos ? path.size() : next) - i - 1);
        out += '/';
        out += isIdLike(seg) ? std::string(":id") : std::string(seg);
        if (next == std::string::npos)
            break;
        i = next;
    }
    return out;
}

std::string criticalSegmentLabel(const CriticalPathInput& in, const CriticalSegment& s)
{
    if (s.side == CriticalSide::Backend && s.service >= 0 && s.operation >= 0)
        return in.names[std::size_t(s.service)] + ": " + in.names[std::size_t(s.operation)];
    std::string label = criticalPhaseName(s.phase);
    if (s.resource >= 0 && std::size_t(s.resource) < in.resources.size())
        label += " " + resourceName(in.resources[std::size_t(s.resource)].url, in.url);
    return label;
}

} // namespace seam
