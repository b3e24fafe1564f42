#include "WaterfallData.h"

#include "CallMergeSchema.h"
#include "CriticalPathReader.h"
#include "Sqlite.h"

#include <algorithm>
#include <unordered_map>

namespace seam {
namespace {

/// A trace's backend spans as stored, before they are placed under a call.
struct TraceSpans
{
    std::vector<WaterfallSpan> spans;                              // by start
    std::unordered_map<qint64, std::size_t> byId;                  // span id -> index in spans
    std::unordered_map<qint64, std::vector<std::size_t>> children; // parent id -> indexes, by start
};

std::optional<qint64> optionalInt(const Statement& s, int col)
{
    return s.isNull(col) ? std::nullopt : std::optional<qint64>(s.int64(col));
}

QString textOf(const Statement& s, int col)
{
    return QString::fromUtf8(s.text(col));
}

TraceSpans readTrace(Database& db, qint64 traceRowId)
{
    // Browser spans are left out: the call row already stands for them.
    Statement q = db.prepare("SELECT s.span_id, s.parent_span_id, sv.name, o.name, s.start_ns, s.end_ns, "
                             "s.status_code FROM spans s JOIN services sv ON sv.id = s.service_id "
                             "JOIN operations o ON o.id = s.operation_id "
                             "WHERE s.trace = ?1 AND sv.is_browser = 0 ORDER BY s.start_ns, s.span_id");
    q.bind(1, traceRowId);
    TraceSpans t;
    while (q.step()) {
        WaterfallSpan s;
        s.spanId = q.int64(0);
        s.parentSpanId = q.int64(1);
        s.service = textOf(q, 2);
        s.operation = textOf(q, 3);
        s.start = q.int64(4);
        s.end = q.int64(5);
        s.error = q.int64(6) == 2;
        t.byId.emplace(s.spanId, t.spans.size());
        t.spans.push_back(std::move(s));
    }
    for (std::size_t i = 0; i < t.spans.size(); ++i)
        t.children[t.spans[i].parentSpanId].push_back(i);
    return t;
}

/// Appends the subtrees under `roots` depth-first (iteratively: a deep trace must not overflow the
/// stack), up to the per-call cap.
void appendSubtrees(const TraceSpans& t, const std::vector<std::size_t>& roots, WaterfallResource& call)
{
    std::vector<std::pair<std::size_t, int>> stack; // index, depth
    for (auto it = roots.rbegin(); it != roots.rend(); ++it)
        stack.emplace_back(*it, 0);
    while (!stack.empty()) {
        const auto [index, depth] = stack.back();
        stack.pop_back();
        if (int(call.spans.size()) >= WaterfallData::kMaxSpansPerCall) {
            ++call.omittedSpans;
            continue; // still walked, to count what is left out
        }
        WaterfallSpan s = t.spans[index];
        s.depth = depth;
        call.spans.push_back(std::move(s));
        const auto children = t.children.find(t.spans[index].spanId);
        if (children == t.children.end())
            continue;
        for (auto it = children->second.rbegin(); it != children->second.rend(); ++it)
            stack.emplace_back(*it, depth + 1);
    }
}

/// Places the linked trace's backend spans under `call`: the entry span's subtree when the link names
/// it, else every backend root (a span whose parent is not a backend span: the browser's or missing).
void attachBackend(const TraceSpans& t, WaterfallResource& call)
{
    std::vector<std::size_t> roots;
    if (const auto entry = t.byId.find(call.entrySpanId); call.entrySpanId != 0 && entry != t.byId.end()) {
        roots.push_back(entry->second);
    } else {
        for (std::size_t i = 0; i < t.spans.size(); ++i)
            if (!t.byId.contains(t.spans[i].parentSpanId))
                roots.push_back(i);
    }
    if (roots.empty())
        return;
    appendSubtrees(t, roots, call);

    // The first root stands for the server's handling of the call; if it cannot lie inside the call
    // on the browser's clock, the two clocks disagree and the whole subtree moves together.
    if (call.duration) {
        const WaterfallSpan& entry = t.spans[roots.front()];
        call.clockShift = clockShiftFor(call.start, call.end(), entry.start, entry.end);
        for (WaterfallSpan& s : call.spans) {
            s.start += call.clockShift;
            s.end += call.clockShift;
        }
    }
}

} // namespace

qint64 WaterfallData::end() const
{
    qint64 latest =
        start + std::max({duration.value_or(0), ttfb.value_or(0), fcp.value_or(0), lcp.value_or(0)});
    for (const WaterfallResource& r : resources) {
        latest = std::max(latest, r.end());
        for (const WaterfallSpan& s : r.spans)
            latest = std::max(latest, s.end);
    }
    for (const WaterfallEvent& e : longTasks)
        latest = std::max(latest, e.time + e.duration);
    for (const WaterfallEvent& e : errors)
        latest = std::max(latest, e.time);
    return latest;
}

qint64 WaterfallData::ownEnd() const
{
    if (!duration || *duration <= 0)
        return end();
    const qint64 loadEnd = start + *duration;
    qint64 latest = loadEnd;
    for (const WaterfallResource& r : resources)
        if (r.start < loadEnd)
            latest = std::max(latest, r.end());
    return std::min(latest, loadEnd + *duration / 2);
}

std::vector<qint64> WaterfallData::criticalSpanIds() const
{
    std::vector<qint64> ids;
    for (const WaterfallCriticalSegment& s : criticalPath)
        if (s.spanId != 0)
            ids.push_back(s.spanId);
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

namespace {

/// The critical path, on the waterfall's own indexes: CriticalPathReader reads resources in the same
/// (start, id) order as load() below, so a segment's resource index is this data's.
void readCriticalPath(Database& db, WaterfallData& data)
{
    CriticalPathReader reader(db);
    const auto input = reader.read(data.pageLoadId);
    if (!input || input->resources.size() != data.resources.size())
        return;
    const CriticalPath path = criticalPath(*input);
    data.criticalPath.reserve(path.segments.size());
    for (const CriticalSegment& s : path.segments) {
        WaterfallCriticalSegment w;
        w.side = int(s.side);
        w.start = s.start;
        w.end = s.end;
        // A document known only from the TTFB is the analysis' own resource, past this data's.
        w.resource = s.resource < int(data.resources.size()) ? s.resource : -1;
        if (s.trace >= 0 && s.span >= 0)
            w.spanId = qint64(input->traces[std::size_t(s.trace)][std::size_t(s.span)].id);
        w.label = QString::fromStdString(criticalSegmentLabel(*input, s));
        data.criticalPath.push_back(std::move(w));
    }
}

} // namespace

WaterfallData WaterfallData::load(Database& db, qint64 pageLoadId)
{
    WaterfallData data;
    Statement page = db.prepare(
        "SELECT route, url, start_ns, duration_ns, ttfb_ns, fcp_ns, lcp_ns FROM page_loads WHERE id = ?1");
    page.bind(1, pageLoadId);
    if (!page.step())
        return data;
    data.pageLoadId = pageLoadId;
    data.route = textOf(page, 0);
    data.url = textOf(page, 1);
    data.start = page.int64(2);
    data.duration = optionalInt(page, 3);
    data.ttfb = optionalInt(page, 4);
    data.fcp = optionalInt(page, 5);
    data.lcp = optionalInt(page, 6);

    // One row per call, however many sources reported it, with the link any of its reports got.
    Statement resources = db.prepare(
        "SELECT r.id, r.type, r.method, r.url, r.status, r.start_ns, r.duration_ns, r.dns_ns, r.connect_ns, "
        "r.ssl_ns, r.ttfb_ns, r.download_ns, l.trace, l.span_id, l.method, l.confidence FROM resources r" +
        schema::callLinkJoin(db, "r", "l") + "WHERE r.page_load_id = ?1" + schema::oneRowPerCall(db, "r") +
        " ORDER BY r.start_ns, r.id");
    resources.bind(1, pageLoadId);
    while (resources.step()) {
        WaterfallResource r;
        r.id = resources.int64(0);
        r.type = textOf(resources, 1);
        r.method = textOf(resources, 2);
        r.url = textOf(resources, 3);
        if (!resources.isNull(4))
            r.status = int(resources.int64(4));
        r.start = resources.int64(5);
        r.duration = optionalInt(resources, 6);
        r.dns = optionalInt(resources, 7);
        r.connect = optionalInt(resources, 8);
        r.ssl = optionalInt(resources, 9);
        r.ttfb = optionalInt(resources, 10);
        r.download = optionalInt(resources, 11);
        if (!resources.isNull(12)) {
            r.traceRowId = resources.int64(12);
            r.entrySpanId = resources.isNull(13) ? 0 : resources.int64(13);
            r.linkMethod = textOf(resources, 14);
            r.confidence = resources.real(15);
        }
        data.resources.push_back(std::move(r));
    }

    // Several calls may reach one trace (the document's, say): each trace is read once.
    std::unordered_map<qint64, TraceSpans> traces;
    for (WaterfallResource& r : data.resources) {
        if (!r.isLinked())
            continue;
        auto it = traces.find(r.traceRowId);
        if (it == traces.end())
            it = traces.emplace(r.traceRowId, readTrace(db, r.traceRowId)).first;
        attachBackend(it->second, r);
    }

    Statement tasks =
        db.prepare("SELECT time_ns, duration_ns FROM long_tasks WHERE page_load_id = ?1 ORDER BY time_ns");
    tasks.bind(1, pageLoadId);
    while (tasks.step())
        data.longTasks.push_back({tasks.int64(0), tasks.int64(1), {}});

    Statement errors =
        db.prepare("SELECT time_ns, type, message FROM rum_errors WHERE page_load_id = ?1 ORDER BY time_ns");
    errors.bind(1, pageLoadId);
    while (errors.step()) {
        const QString type = textOf(errors, 1);
        const QString message = textOf(errors, 2);
        data.errors.push_back(
            {errors.int64(0), 0, type.isEmpty() ? message : type + QStringLiteral(": ") + message});
    }
    readCriticalPath(db, data);
    return data;
}

} // namespace seam
