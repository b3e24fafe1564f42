#pragma once

#include "PageLoadReachWriter.h"
#include "RecentCache.h"
#include "Sqlite.h"
#include "TraceSpanRow.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace seam {

/// Links browser resources to the backend traces they caused (DESIGN.md §4) and keeps the page
/// loads' derived figures (linked resources, backend time, services reached) current.
///
/// It runs inside the writer's transaction after each batch, over just what the batch touched: the
/// traces that gained spans or resources. That is what makes late arrival work both ways: a resource
/// imported before its backend trace is found again when the trace's spans arrive, and vice versa.
///
/// Id-based methods (same trace, propagated headers, server-timing, Datadog ids, document meta) are
/// all resolved by the time a resource has a `trace` row: the importers say how they got the id
/// (resources.id_source), the Correlator checks the backend side exists and names the method. Calls
/// without ids are matched by LinkInference once an import has settled (it needs both sides and the
/// session's confirmed links); it writes through addLink(). A link never replaces one of higher
/// confidence.
class Correlator
{
public:
    struct Link
    {
        std::int64_t resourceId = 0;
        std::int64_t trace = 0;
        std::int64_t spanId = 0; // backend entry span, 0 = unknown
        const char* method = "";
        double confidence = 0;
    };

    explicit Correlator(Database& db);
    ~Correlator();

    /// Stores a link unless the resource has one of equal or higher confidence. True when written.
    /// The caller refreshes the page load (refreshPageLoad) once it is done adding.
    bool addLink(const Link& link) { return store(link); }

    /// Links resources of the given traces, then refreshes the page loads affected.
    /// `touchedPageLoads` gains the page loads whose links changed. Returns the number of new links.
    /// `tracesWithNewBackendSpans` (a subset) gained backend spans in this batch: the page loads of
    /// their links and documents are refreshed (WriteTouches says which traces the writer lists there;
    /// page loads of the others must be in `touchedPageLoads` already). `written`: every span
    /// of the traces this batch created (none of theirs was in the cache before), in any order (sorted
    /// here the first time a trace is looked up: a batch without browser data never is); those traces
    /// are not read back from the cache. Other traces are.
    std::uint64_t correlate(const std::unordered_set<std::int64_t>& touchedTraces,
                            const std::unordered_set<std::int64_t>& tracesWithNewBackendSpans,
                            std::unordered_set<std::int64_t>& touchedPageLoads,
                            std::vector<TraceSpanRow>* written = nullptr);

    /// Recomputes linked_count, backend_ns and services of one page load, and its page_load_reach rows.
    void refreshPageLoad(std::int64_t pageLoadId);

    static const char* methodName(int idSource);

    /// Forgets the services and traces it read: after a rollback (ids and spans may be gone), when
    /// another connection may have written (a service's browser flag, a trace's spans) and after a
    /// task ran its own SQL.
    void invalidateCaches()
    {
        m_services.clear();
        m_traces.clear();
        m_reach.forgetStored();
        ++m_invalidations;
    }

    /// Page loads were merged or deleted (their page_load_reach rows with them): forgets what it keeps
    /// of their stored rows.
    void forgetPageLoads() { m_reach.forgetStored(); }

    /// How many times the spans of a trace were read from the cache (what correlate() saves by keeping
    /// the traces it read, within a call and across calls).
    std::uint64_t traceReads() const { return m_traceReads; }
    /// How many page loads it refreshed (linked_count, backend_ns, services, reach rows).
    std::uint64_t refreshes() const { return m_refreshes; }
    /// How often the kept traces reached their bound (the older half was dropped).
    std::uint64_t traceCacheOverflows() const { return m_traces.agings(); }
    /// How many refreshes read the page load's stored page_load_reach rows back from the cache.
    std::uint64_t storedReachReads() const { return m_reach.storedReads(); }
    std::uint64_t invalidations() const { return m_invalidations; }

private:
    struct ServiceInfo
    {
        std::string name;
        bool browser = false;
    };
    using TraceSpan = TraceSpanRow;
    using Spans = std::span<const TraceSpan>;
    struct BackendEntry
    {
        std::int64_t spanId = 0;
        bool direct = false;
    };

    /// A failed refresh leaves nothing queued for the next transaction (no-op after a flush).
    struct DiscardUnflushed
    {
        PageLoadReachWriter& reach;
        ~DiscardUnflushed() { reach.discard(); }
    };

    /// correlate()'s linking: the candidates of the touched traces, and the page loads of traces that grew.
    std::uint64_t linkTouched(const std::unordered_set<std::int64_t>& touchedTraces,
                              const std::unordered_set<std::int64_t>& tracesWithNewBackendSpans,
                              std::unordered_set<std::int64_t>& touchedPageLoads);
    /// refreshPageLoad() but the page load's new page_load_reach rows wait for m_reach.flush().
    void refresh(std::int64_t pageLoadId);
    bool store(const Link& link);
    const ServiceInfo& service(std::int64_t id);
    void addReach(std::int64_t trace, Spans spans);
    /// The spans of a trace; inside correlate() each trace is read once (linking a call and then
    /// refreshing its page load both need them), and a trace the batch created comes from `m_written`.
    Spans loadTrace(std::int64_t trace);
    BackendEntry backendEntry(std::int64_t trace, std::int64_t browserSpan);

    Database& m_db;
    int m_createTouched; // sequencing: the temp table exists before the statements below are prepared
    Statement m_insertTouched;
    Statement m_clearTouched;
    Statement m_candidates;
    Statement m_pageLoadsOfGrownTraces;
    Statement m_spansOfTrace;
    Statement m_serviceInfo;
    Statement m_upsertLink;
    Statement m_linksOfPageLoad;
    Statement m_mergedOfPageLoad;
    std::vector<std::pair<std::int64_t, std::int64_t>> m_mergedCalls; // refresh(): (resource, merged into)
    Statement m_hasBrowserData;
    // A refresh's results, written only when one changed: an UPDATE rewrites the index entries of the
    // columns it sets (page_loads_by_backend, page_loads_by_services), equal or not.
    Statement m_updatePageLoad;
    PageLoadReachWriter m_reach;
    std::unordered_map<std::int64_t, ServiceInfo> m_services; // see invalidateCaches()
    std::vector<TraceSpan> m_traceSpans;
    bool m_keepTraces = false; // inside correlate(): what loadTrace() reads is kept in m_traces
    /// Spans of traces read by correlate(), kept across its calls (see there): at most 2 x 16,384
    /// traces, about 16 MiB at the demo's ~10 spans per trace. Aged only at the start of correlate(),
    /// which hands out spans into it.
    RecentCache<std::int64_t, std::vector<TraceSpan>> m_traces{16384};
    std::vector<TraceSpan>* m_written =
        nullptr; // inside correlate(): the batch's spans of the traces it created
    bool m_writtenSorted = false;
    std::uint64_t m_traceReads = 0;
    std::uint64_t m_refreshes = 0;
    std::uint64_t m_invalidations = 0;
};

} // namespace seam
