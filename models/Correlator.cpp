#include "Correlator.h"

#include "Records.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <string>

namespace seam {

Correlator::Correlator(Database& db)
    : m_db(db),
      // Resources that carry this trace id and have no link yet, or only a weaker one.
      m_resourcesOfTrace(db.prepare("SELECT r.id, r.span_id, r.id_source, r.type, r.page_load_id, "
                                    "coalesce(l.confidence, -1) FROM resources r "
                                    "LEFT JOIN links l ON l.resource_id = r.id "
                                    "WHERE r.trace = ?1 AND (l.resource_id IS NULL OR l.confidence < 1.0)")),
      // The backend span that received the call: the direct child of the browser span if present,
      // else the earliest server span, else the earliest backend span.
      m_backendEntry(db.prepare("SELECT s.span_id, s.parent_span_id = ?2 AS direct FROM spans s "
                                "JOIN services v ON v.id = s.service_id "
                                "WHERE s.trace = ?1 AND v.is_browser = 0 "
                                "ORDER BY direct DESC, s.kind = 2 DESC, s.start_ns LIMIT 1")),
      m_upsertLink(
          db.prepare("INSERT INTO links(resource_id, trace, span_id, method, confidence, created_ns) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(resource_id) DO UPDATE SET "
                     "trace = excluded.trace, span_id = excluded.span_id, method = excluded.method, "
                     "confidence = excluded.confidence, created_ns = excluded.created_ns "
                     "WHERE excluded.confidence > links.confidence")),
      m_pageLoadsLinkedToTrace(db.prepare("SELECT DISTINCT r.page_load_id FROM links l "
                                          "JOIN resources r ON r.id = l.resource_id "
                                          "WHERE l.trace = ?1 AND r.page_load_id IS NOT NULL")),
      m_linksOfPageLoad(db.prepare("SELECT l.trace, l.span_id FROM resources r "
                                   "JOIN links l ON l.resource_id = r.id WHERE r.page_load_id = ?1")),
      m_spanTimes(db.prepare("SELECT start_ns, end_ns FROM spans WHERE trace = ?1 AND span_id = ?2")),
      m_servicesOfTrace(
          db.prepare("SELECT DISTINCT v.name FROM spans s JOIN services v ON v.id = s.service_id "
                     "WHERE s.trace = ?1 AND v.is_browser = 0")),
      m_updatePageLoad(db.prepare("UPDATE page_loads SET linked_count = ?2, backend_ns = ?3, services = ?4 "
                                  "WHERE id = ?1"))
{}

Correlator::~Correlator() = default;

void Correlator::addStrategy(std::unique_ptr<LinkStrategy> strategy)
{
    m_strategies.push_back(std::move(strategy));
}

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
                                    std::unordered_set<std::int64_t>& touchedPageLoads)
{
    std::uint64_t added = 0;
    struct Candidate
    {
        std::int64_t resourceId, spanId, pageLoad;
        int idSource;
        bool document;
        double currentConfidence;
    };
    std::vector<Candidate> candidates;
    for (const std::int64_t trace : touchedTraces) {
        candidates.clear();
        m_resourcesOfTrace.bind(1, trace);
        while (m_resourcesOfTrace.step())
            candidates.push_back({m_resourcesOfTrace.int64(0), m_resourcesOfTrace.int64(1),
                                  m_resourcesOfTrace.isNull(4) ? 0 : m_resourcesOfTrace.int64(4),
                                  int(m_resourcesOfTrace.int64(2)), m_resourcesOfTrace.text(3) == "document",
                                  m_resourcesOfTrace.real(5)});
        m_resourcesOfTrace.reset();

        for (const Candidate& c : candidates) {
            m_backendEntry.bind(1, trace).bind(2, c.spanId);
            if (!m_backendEntry.step()) {
                m_backendEntry.reset();
                continue; // no backend spans (yet): a later batch will bring us back here
            }
            Link link;
            link.resourceId = c.resourceId;
            link.trace = trace;
            link.spanId = m_backendEntry.int64(0);
            const bool direct = m_backendEntry.int64(1) != 0;
            m_backendEntry.reset();

            if (c.document && TraceIdSource(c.idSource) == TraceIdSource::SameTrace) {
                // The document shares its trace with the server that rendered it: the page carried
                // <meta name="traceparent">, so the backend span is the documentLoad's parent.
                link.method = methodName(int(TraceIdSource::DocumentMeta));
                link.confidence = 1.0;
            } else {
                link.method = methodName(c.idSource);
                // A direct parent/child relation proves the call; same trace without it is very
                // likely (the id was propagated) but the exact entry span is a guess.
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

        // New spans of an already linked trace change backend time and services of its page loads.
        m_pageLoadsLinkedToTrace.bind(1, trace);
        while (m_pageLoadsLinkedToTrace.step())
            touchedPageLoads.insert(m_pageLoadsLinkedToTrace.int64(0));
        m_pageLoadsLinkedToTrace.reset();
    }

    if (!m_strategies.empty() && !touchedPageLoads.empty()) {
        const std::vector<std::int64_t> pages(touchedPageLoads.begin(), touchedPageLoads.end());
        std::vector<Link> proposals;
        for (auto& strategy : m_strategies)
            strategy->propose(m_db, pages, proposals);
        for (const Link& link : proposals)
            if (store(link))
                ++added;
    }

    for (const std::int64_t pageLoad : touchedPageLoads)
        refreshPageLoad(pageLoad);
    return added;
}

void Correlator::refreshPageLoad(std::int64_t pageLoadId)
{
    std::vector<std::pair<std::int64_t, std::int64_t>> links; // (trace, span)
    m_linksOfPageLoad.bind(1, pageLoadId);
    while (m_linksOfPageLoad.step())
        links.emplace_back(m_linksOfPageLoad.int64(0), m_linksOfPageLoad.int64(1));
    m_linksOfPageLoad.reset();

    std::vector<std::pair<std::int64_t, std::int64_t>> intervals;
    std::set<std::string> services;
    std::set<std::int64_t> seenTraces;
    for (const auto& [trace, span] : links) {
        m_spanTimes.bind(1, trace).bind(2, span);
        if (m_spanTimes.step())
            intervals.emplace_back(m_spanTimes.int64(0), m_spanTimes.int64(1));
        m_spanTimes.reset();
        if (seenTraces.insert(trace).second) {
            m_servicesOfTrace.bind(1, trace);
            while (m_servicesOfTrace.step())
                services.emplace(m_servicesOfTrace.text(0));
            m_servicesOfTrace.reset();
        }
    }

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
    m_updatePageLoad.bind(1, pageLoadId).bind(2, std::int64_t(links.size()));
    if (intervals.empty())
        m_updatePageLoad.bindNull(3);
    else
        m_updatePageLoad.bind(3, backend);
    m_updatePageLoad.bindTextOrNull(4, joined);
    m_updatePageLoad.run();
}

} // namespace seam
