#include "CriticalPathReader.h"

#include "CallMergeSchema.h"

namespace seam {
namespace {

std::int64_t intOr(const Statement& s, int col, std::int64_t fallback)
{
    return s.isNull(col) ? fallback : s.int64(col);
}

} // namespace

CriticalPathReader::CriticalPathReader(Database& db)
    : m_db(db),
      m_page(db.prepare("SELECT start_ns, duration_ns, ttfb_ns, url, trace FROM page_loads WHERE id = ?1")),
      // The waterfall's rows (WaterfallData): one per call.
      m_resources(db.prepare(
          "SELECT r.type, r.url, r.start_ns, r.duration_ns, r.dns_ns, r.connect_ns, r.ssl_ns, r.ttfb_ns, "
          "r.download_ns, l.trace, l.span_id FROM resources r" +
          schema::callLinkJoin(db, "r", "l") + "WHERE r.page_load_id = ?1" + schema::oneRowPerCall(db, "r") +
          " ORDER BY r.start_ns, r.id")),
      m_longTasks(db.prepare(
          "SELECT time_ns, duration_ns FROM long_tasks WHERE page_load_id = ?1 ORDER BY time_ns, id")),
      m_spans(db.prepare("SELECT s.span_id, s.parent_span_id, s.start_ns, s.end_ns, s.kind, s.service_id, "
                         "s.operation_id FROM spans s JOIN services sv ON sv.id = s.service_id "
                         "WHERE s.trace = ?1 AND sv.is_browser = 0 ORDER BY s.start_ns, s.span_id"))
{}

std::int32_t CriticalPathReader::nameIndex(CriticalPathInput& in,
                                           std::unordered_map<std::int64_t, std::int32_t>& local,
                                           std::int64_t id, bool service)
{
    if (const auto it = local.find(id); it != local.end())
        return it->second;
    auto& cache = service ? m_serviceNames : m_operationNames;
    auto cached = cache.find(id);
    if (cached == cache.end()) {
        Statement q = m_db.prepare(service ? "SELECT name FROM services WHERE id = ?1"
                                           : "SELECT name FROM operations WHERE id = ?1");
        q.bind(1, id);
        cached = cache.emplace(id, q.step() ? std::string(q.text(0)) : std::string()).first;
    }
    const auto index = std::int32_t(in.names.size());
    in.names.push_back(cached->second);
    local.emplace(id, index);
    return index;
}

std::int32_t CriticalPathReader::readTrace(CriticalPathInput& in, std::int64_t traceRowId,
                                           std::unordered_map<std::int64_t, std::int32_t>& traces,
                                           std::vector<std::int64_t>* traceRowIds)
{
    if (const auto it = traces.find(traceRowId); it != traces.end())
        return it->second;
    std::vector<CriticalSpan> spans;
    m_spans.reset();
    m_spans.bind(1, traceRowId);
    while (m_spans.step()) {
        CriticalSpan s;
        s.id = std::uint64_t(m_spans.int64(0));
        s.parentId = std::uint64_t(m_spans.int64(1));
        s.start = m_spans.int64(2);
        s.end = m_spans.int64(3);
        s.kind = std::uint8_t(m_spans.int64(4));
        s.service = nameIndex(in, m_serviceIndex, m_spans.int64(5), true);
        s.operation = nameIndex(in, m_operationIndex, m_spans.int64(6), false);
        spans.push_back(s);
    }
    m_spans.reset();
    const auto index = std::int32_t(in.traces.size());
    in.traces.push_back(std::move(spans));
    traces.emplace(traceRowId, index);
    if (traceRowIds)
        traceRowIds->push_back(traceRowId);
    return index;
}

std::optional<CriticalPathInput> CriticalPathReader::read(std::int64_t pageLoadId,
                                                          std::vector<std::int64_t>* traceRowIds)
{
    m_serviceIndex.clear();
    m_operationIndex.clear();
    if (traceRowIds)
        traceRowIds->clear();
    CriticalPathInput in;
    std::int64_t documentTrace = 0;
    m_page.reset();
    m_page.bind(1, pageLoadId);
    if (!m_page.step()) {
        m_page.reset();
        return std::nullopt;
    }
    in.start = m_page.int64(0);
    in.duration = intOr(m_page, 1, -1);
    in.ttfb = intOr(m_page, 2, -1);
    in.url = std::string(m_page.text(3));
    documentTrace = intOr(m_page, 4, 0);
    m_page.reset();

    std::unordered_map<std::int64_t, std::int32_t> traces;
    m_resources.reset();
    m_resources.bind(1, pageLoadId);
    std::vector<std::int64_t> linkedTraces;
    while (m_resources.step()) {
        CriticalResource r;
        r.type = std::string(m_resources.text(0));
        r.url = std::string(m_resources.text(1));
        r.start = m_resources.int64(2);
        r.duration = intOr(m_resources, 3, -1);
        r.dns = intOr(m_resources, 4, -1);
        r.connect = intOr(m_resources, 5, -1);
        r.ssl = intOr(m_resources, 6, -1);
        r.ttfb = intOr(m_resources, 7, -1);
        r.download = intOr(m_resources, 8, -1);
        linkedTraces.push_back(intOr(m_resources, 9, 0));
        r.entrySpan = std::uint64_t(intOr(m_resources, 10, 0));
        in.resources.push_back(std::move(r));
    }
    m_resources.reset();
    // Traces are read after the resource statement is done with (one statement at a time).
    for (std::size_t i = 0; i < in.resources.size(); ++i)
        if (linkedTraces[i] != 0)
            in.resources[i].trace = readTrace(in, linkedTraces[i], traces, traceRowIds);
    if (documentTrace != 0)
        in.documentTrace = readTrace(in, documentTrace, traces, traceRowIds);

    m_longTasks.reset();
    m_longTasks.bind(1, pageLoadId);
    while (m_longTasks.step()) {
        const std::int64_t t = m_longTasks.int64(0);
        in.longTasks.push_back({t, t + std::max<std::int64_t>(0, m_longTasks.int64(1))});
    }
    m_longTasks.reset();
    return in;
}

} // namespace seam
