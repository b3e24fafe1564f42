#include "Correlator.h"

#include "Records.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

namespace seam {

Correlator::Correlator(Database& db)
    : m_db(db), m_createTouched((db.exec("CREATE TEMP TABLE IF NOT EXISTS seam_touched_traces("
                                         "id INTEGER PRIMARY KEY, new_backend INTEGER NOT NULL)"),
                                 0)),
      m_insertTouched(
          db.prepare("INSERT OR IGNORE INTO temp.seam_touched_traces(id, new_backend) VALUES (?1, ?2)")),
      m_clearTouched(db.prepare("DELETE FROM temp.seam_touched_traces")),
      // Resources of touched traces that have backend spans and no link yet, or only a weaker one.
      m_candidates(
          db.prepare("SELECT r.id, r.trace, coalesce(r.span_id, 0), r.id_source, r.type = 'document', "
                     "r.page_load_id, coalesce(l.confidence, -1) FROM temp.seam_touched_traces t "
                     "CROSS JOIN traces tr ON tr.id = t.id CROSS JOIN resources r ON r.trace = t.id "
                     "LEFT JOIN links l ON l.resource_id = r.id WHERE tr.backend_span_count > 0 "
                     "AND (l.resource_id IS NULL OR l.confidence < 1.0)")),
      m_pageLoadsOfGrownTraces(
          db.prepare("SELECT DISTINCT r.page_load_id FROM temp.seam_touched_traces t "
                     "CROSS JOIN links l ON l.trace = t.id CROSS JOIN resources r ON r.id = l.resource_id "
                     "WHERE t.new_backend = 1 AND r.page_load_id IS NOT NULL "
                     // and of a document trace no call names (page_load_reach has its entry spans)
                     "UNION SELECT p.id FROM temp.seam_touched_traces t CROSS JOIN page_loads p "
                     "ON p.trace = t.id WHERE t.new_backend = 1")),
      m_spansOfTrace(db.prepare(
          "SELECT span_id, parent_span_id, kind, start_ns, end_ns, service_id, status_code FROM spans "
          "WHERE trace = ?1")),
      m_serviceInfo(db.prepare("SELECT name, is_browser FROM services WHERE id = ?1")),
      m_upsertLink(
          db.prepare("INSERT INTO links(resource_id, trace, span_id, method, confidence, created_ns) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(resource_id) DO UPDATE SET "
                     "trace = excluded.trace, span_id = excluded.span_id, method = excluded.method, "
                     "confidence = excluded.confidence, created_ns = excluded.created_ns "
                     "WHERE excluded.confidence > links.confidence")),
      // The resources' side from the index alone: their rows are scattered among other sessions' (a
      // page read each, cold on a large cache). The calls that several sources reported and linked
      // count once: the few merged rows name theirs, through their own partial index.
      m_linksOfPageLoad(db.prepare("SELECT l.trace, l.span_id, r.id FROM resources r INDEXED BY "
                                   "resources_by_page_load JOIN links l ON l.resource_id = r.id "
                                   "WHERE r.page_load_id = ?1")),
      m_mergedOfPageLoad(db.prepare("SELECT id, merged_into FROM resources INDEXED BY "
                                    "resources_merged_by_page_load WHERE page_load_id = ?1 AND "
                                    "merged_into IS NOT NULL")),
      m_hasBrowserData(
          db.prepare("SELECT EXISTS (SELECT 1 FROM resources) OR EXISTS (SELECT 1 FROM page_loads)")),
      m_updatePageLoad(db.prepare("UPDATE page_loads SET linked_count = ?2, backend_ns = ?3, services = ?4 "
                                  "WHERE id = ?1 AND (linked_count IS NOT ?2 OR backend_ns IS NOT ?3 OR "
                                  "services IS NOT ?4)")),
      m_reach(db)
{}

Correlator::~Correlator() = default;

const char* Correlator::methodName(int idSource)
{
    switch (TraceIdSource(idSource)) {
    case TraceIdSource::SameTrace:
        return "trace";
    case TraceIdSource::TraceparentHeader:
        return "traceparent-header";
    case TraceIdSource::ServerTiming:
        return "server-timing";
    case TraceIdSource::DatadogId:
        return "datadog-id";
    case TraceIdSource::DocumentMeta:
        return "document-meta";
    case TraceIdSource::None:
        break;
    }
    return "trace";
}

bool Correlator::store(const Link& link)
{
    const auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    m_upsertLink.bind(1, link.resourceId).bind(2, link.trace);
    if (link.spanId)
        m_upsertLink.bind(3, link.spanId);
    else
        m_upsertLink.bindNull(3);
    m_upsertLink.bindText(4, link.method).bind(5, link.confidence).bind(6, std::int64_t(now));
    m_upsertLink.run();
    return m_db.changes() > 0;
}

std::uint64_t Correlator::correlate(const std::unordered_set<std::int64_t>& touchedTraces,
                                    const std::unordered_set<std::int64_t>& tracesWithNewBackendSpans,
                                    std::unordered_set<std::int64_t>& touchedPageLoads,
                                    std::vector<TraceSpanRow>* written)
{
    // Spans written in this transaction do not change while it links: each trace is read once, for its
    // calls' entry spans and again for its page loads' backend time and services. The traces read stay
    // cached for the next transactions too: a page load whose calls arrive over several transactions (a
    // live receiver's, one per few requests) is refreshed in each, and read its older traces again every
    // time (3x the file import's reads on the same data). Only this writer adds spans, and a trace that
    // got spans in this batch is touched: those are read again.
    for (const std::int64_t trace : touchedTraces)
        m_traces.erase(trace);
    m_traces.ageIfFull();
    struct KeepTraces
    {
        Correlator& c;
        KeepTraces(Correlator& owner, std::vector<TraceSpan>* written) : c(owner)
        {
            c.m_keepTraces = true;
            c.m_written = written;
            c.m_writtenSorted = false;
        }
        ~KeepTraces()
        {
            c.m_keepTraces = false;
            c.m_written = nullptr;
        }
    } keep(*this, written);
    std::uint64_t added = 0;
    // Without resources and page loads (backend data only, so far) there is nothing to link or refresh:
    // filling the temp table would be ~5% of such an import's writing. This transaction holds the write
    // lock, so no other connection adds any meanwhile.
    const bool browserData = m_hasBrowserData.step() && m_hasBrowserData.int64(0) != 0;
    m_hasBrowserData.reset();
    if (browserData)
        added = linkTouched(touchedTraces, tracesWithNewBackendSpans, touchedPageLoads);

    // Their page_load_reach rows are written together at the end, sorted (see PageLoadReachWriter).
    DiscardUnflushed guard{m_reach};
    for (const std::int64_t pageLoad : touchedPageLoads)
        refresh(pageLoad);
    m_reach.flush();
    return added;
}

std::uint64_t Correlator::linkTouched(const std::unordered_set<std::int64_t>& touchedTraces,
                                      const std::unordered_set<std::int64_t>& tracesWithNewBackendSpans,
                                      std::unordered_set<std::int64_t>& touchedPageLoads)
{
    // Set-based: the touched traces go into a temp table and two joins find everything to do, which
    // costs a fraction of a handful of point queries per trace.
    for (const std::int64_t trace : touchedTraces) {
        m_insertTouched.bind(1, trace).bind(2, tracesWithNewBackendSpans.count(trace) ? 1 : 0);
        m_insertTouched.run();
    }

    std::uint64_t added = 0;
    struct Candidate
    {
        std::int64_t resourceId, trace, spanId, pageLoad;
        int idSource;
        bool document;
        double currentConfidence;
    };
    std::vector<Candidate> candidates;
    while (m_candidates.step())
        candidates.push_back({m_candidates.int64(0), m_candidates.int64(1), m_candidates.int64(2),
                              m_candidates.isNull(5) ? 0 : m_candidates.int64(5), int(m_candidates.int64(3)),
                              m_candidates.int64(4) != 0, m_candidates.real(6)});
    m_candidates.reset();

    for (const Candidate& c : candidates) {
        const BackendEntry entry = backendEntry(c.trace, c.spanId);
        if (!entry.spanId)
            continue; // no backend spans (yet): a later batch brings this trace back here
        Link link;
        link.resourceId = c.resourceId;
        link.trace = c.trace;
        link.spanId = entry.spanId;
        const bool direct = entry.direct;

        if (c.document && TraceIdSource(c.idSource) == TraceIdSource::SameTrace) {
            // The document shares its trace with the server that rendered it: the page carried
            // <meta name="traceparent">, so the backend span is the documentLoad's parent.
            link.method = methodName(int(TraceIdSource::DocumentMeta));
            link.confidence = 1.0;
        } else {
            link.method = methodName(c.idSource);
            // A direct parent/child relation proves the call; same trace without it is very likely
            // (the id was propagated) but the exact entry span is a guess.
            link.confidence =
                direct ? 1.0 : (TraceIdSource(c.idSource) == TraceIdSource::DatadogId ? 0.9 : 0.95);
        }
        if (link.confidence <= c.currentConfidence)
            continue;
        if (store(link)) {
            ++added;
            if (c.pageLoad)
                touchedPageLoads.insert(c.pageLoad);
        }
    }

    // New backend spans of an already linked trace change backend time and services of its page loads.
    while (m_pageLoadsOfGrownTraces.step())
        touchedPageLoads.insert(m_pageLoadsOfGrownTraces.int64(0));
    m_pageLoadsOfGrownTraces.reset();
    m_clearTouched.run();
    return added;
}

const Correlator::ServiceInfo& Correlator::service(std::int64_t id)
{
    auto it = m_services.find(id);
    if (it != m_services.end())
        return it->second;
    ServiceInfo info;
    m_serviceInfo.bind(1, id);
    if (m_serviceInfo.step()) {
        info.name = std::string(m_serviceInfo.text(0));
        info.browser = m_serviceInfo.int64(1) != 0;
    }
    m_serviceInfo.reset();
    return m_services.emplace(id, std::move(info)).first->second;
}

Correlator::Spans Correlator::loadTrace(std::int64_t trace)
{
    // Found first: put() would replace a vector whose spans a caller may still hold.
    if (m_keepTraces)
        if (const std::vector<TraceSpan>* kept = m_traces.find(trace))
            return *kept;
    if (m_keepTraces && m_written) {
        // The batch's own spans of a trace it created are all the trace has, in the order (span id)
        // the cache would give them back: reading them again cost as much as inserting them.
        if (!m_writtenSorted) {
            sortTraceSpanRows(*m_written);
            m_writtenSorted = true;
        }
        const auto [first, last] =
            std::equal_range(m_written->begin(), m_written->end(), TraceSpan{.trace = trace},
                             [](const TraceSpan& a, const TraceSpan& b) { return a.trace < b.trace; });
        if (first != last) {
            // Kept for the next transactions (a page load is refreshed again when more of its calls
            // arrive), where the batch is gone.
            return m_traces.put(trace, std::vector<TraceSpan>(first, last));
        }
    }
    ++m_traceReads;
    m_traceSpans.clear();
    m_spansOfTrace.bind(1, trace);
    while (m_spansOfTrace.step())
        m_traceSpans.push_back({trace, m_spansOfTrace.int64(0), m_spansOfTrace.int64(1),
                                int(m_spansOfTrace.int64(2)), m_spansOfTrace.int64(3),
                                m_spansOfTrace.int64(4), m_spansOfTrace.int64(5),
                                int(m_spansOfTrace.int64(6))});
    m_spansOfTrace.reset();
    if (!m_keepTraces)
        return m_traceSpans;
    return m_traces.put(trace, m_traceSpans);
}

Correlator::BackendEntry Correlator::backendEntry(std::int64_t trace, std::int64_t browserSpan)
{
    // The backend span that received the call: the direct child of the browser's span if present,
    // else the earliest server span, else the earliest backend span. Spans of a trace are adjacent
    // (indexed by trace), so reading them all is cheap; the choice is made here rather than in SQL.
    BackendEntry best;
    int bestRank = -1;
    std::int64_t bestStart = 0;
    for (const TraceSpan& s : loadTrace(trace)) {
        if (service(s.service).browser)
            continue;
        const int rank = (browserSpan && s.parent == browserSpan) ? 2 : (s.kind == 2 ? 1 : 0);
        if (rank > bestRank || (rank == bestRank && s.start < bestStart)) {
            best = {s.id, rank == 2};
            bestRank = rank;
            bestStart = s.start;
        }
    }
    return best;
}

void Correlator::addReach(std::int64_t trace, Spans spans)
{
    // The entry spans as a service's rollups count them (server or consumer spans, or roots).
    for (const TraceSpan& s : spans)
        if ((s.kind == 2 || s.kind == 5 || s.parent == 0) && !service(s.service).browser)
            m_reach.add(s.service, s.start, trace, s.end - s.start, s.status == 2);
}

void Correlator::refreshPageLoad(std::int64_t pageLoadId)
{
    DiscardUnflushed guard{m_reach};
    refresh(pageLoadId);
    m_reach.flush();
}

void Correlator::refresh(std::int64_t pageLoadId)
{
    std::vector<std::pair<std::int64_t, std::int64_t>> links; // (trace, span)
    std::set<std::int64_t> calls;
    m_mergedCalls.clear();
    m_mergedOfPageLoad.bind(1, pageLoadId);
    while (m_mergedOfPageLoad.step())
        m_mergedCalls.emplace_back(m_mergedOfPageLoad.int64(0), m_mergedOfPageLoad.int64(1));
    m_mergedOfPageLoad.reset();
    std::sort(m_mergedCalls.begin(), m_mergedCalls.end());
    m_linksOfPageLoad.bind(1, pageLoadId);
    while (m_linksOfPageLoad.step()) {
        links.emplace_back(m_linksOfPageLoad.int64(0), m_linksOfPageLoad.int64(1));
        const std::int64_t resource = m_linksOfPageLoad.int64(2);
        const auto merged = std::lower_bound(m_mergedCalls.begin(), m_mergedCalls.end(),
                                             std::pair{resource, std::int64_t(0)});
        calls.insert(merged != m_mergedCalls.end() && merged->first == resource ? merged->second : resource);
    }
    m_linksOfPageLoad.reset();
    ++m_refreshes;
    std::sort(links.begin(), links.end());

    std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
    std::set<std::string> services;
    std::int64_t loaded = 0;
    m_reach.begin(pageLoadId);
    Spans spans;
    for (const auto& [trace, span] : links) {
        if (trace != loaded) {
            spans = loadTrace(trace);
            loaded = trace;
            addReach(trace, spans);
            for (const TraceSpan& s : spans) {
                const ServiceInfo& info = service(s.service);
                if (!info.browser)
                    services.insert(info.name);
            }
        }
        for (const TraceSpan& s : spans)
            if (s.id == span)
                intervals.emplace_back(s.start, s.end);
    }

    const std::int64_t document = m_reach.documentTrace(pageLoadId);
    if (document && !std::binary_search(links.begin(), links.end(), std::pair{document, std::int64_t(0)},
                                        [](const auto& a, const auto& b) { return a.first < b.first; })) {
        addReach(document, loadTrace(document));
    }
    m_reach.finish();

    // Backend time is the union of the entry spans' intervals: parallel calls are not double counted.
    std::sort(intervals.begin(), intervals.end());
    std::int64_t backend = 0, curStart = 0, curEnd = 0;
    bool open = false;
    for (const auto& [s, e] : intervals) {
        if (!open || s > curEnd) {
            if (open)
                backend += curEnd - curStart;
            curStart = s;
            curEnd = e;
            open = true;
        } else {
            curEnd = std::max(curEnd, e);
        }
    }
    if (open)
        backend += curEnd - curStart;

    std::string joined;
    for (const auto& s : services) {
        if (!joined.empty())
            joined += ',';
        joined += s;
    }
    m_updatePageLoad.bind(1, pageLoadId).bind(2, std::int64_t(calls.size()));
    if (intervals.empty())
        m_updatePageLoad.bindNull(3);
    else
        m_updatePageLoad.bind(3, backend);
    m_updatePageLoad.bindTextOrNull(4, joined);
    m_updatePageLoad.run();
}

} // namespace seam
