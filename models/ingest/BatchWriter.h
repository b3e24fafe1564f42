#pragma once

#include "Correlator.h"
#include "Records.h"
#include "RollupAccumulator.h"
#include "Sqlite.h"
#include "StageProfile.h"

#include <array>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace seam {

/// What one committed batch changed.
struct BatchResult
{
    std::uint64_t newSpans = 0;
    std::uint64_t duplicateSpans = 0;
    std::uint64_t newPageLoads = 0;
    std::uint64_t newResources = 0;
    std::uint64_t newLinks = 0;
    std::uint64_t newRecords = 0; // everything new, all kinds
};

/// Writes batches of records into the cache on the writer's connection. Lives on the writer thread;
/// the caller owns the transaction. Keeps prepared statements and id caches (services, operations,
/// traces, sessions, page loads) across batches; rolled-back work must call invalidateCaches().
///
/// Order inside a batch matters and is fixed here: sessions, page loads (which adopt orphans and
/// pending vitals), spans, resources, errors, actions, long tasks, vitals, logs; then rollups, then
/// the Correlator over every trace the batch touched, then derived counters.
class BatchWriter
{
public:
    explicit BatchWriter(Database& db);
    ~BatchWriter();

    BatchResult write(const RecordBatch& batch, std::int64_t sourceId);
    void invalidateCaches();
    /// Runs LinkInference over the time range written since the last call (widened back by
    /// kInferenceLookback so calls of page loads that started earlier are included). Returns the
    /// links written.
    std::uint64_t inferLinks();

    /// How far before the earliest new record inference looks for page loads: a call belongs to a page
    /// load that may have started minutes before it.
    static constexpr TimeNs kInferenceLookback = 10LL * 60 * 1'000'000'000;

private:
    struct Statements;

    std::int64_t serviceId(const ServiceRef& service);
    std::int64_t operationId(std::int64_t serviceId, std::string_view name);
    /// Row id of the trace, creating the row (with no spans yet) when new.
    std::int64_t traceRow(const TraceId& id);
    std::int64_t sessionId(const std::string& key);
    std::int64_t pageLoadIdByKey(const std::string& key);
    std::int64_t pageLoadAt(std::int64_t sessionId, TimeNs time);

    void writeSessions(const RecordBatch& batch);
    void writePageLoads(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    void adoptIntoPageLoad(std::int64_t pageLoadId, const std::string& key, std::int64_t sessionId,
                           const std::string& sessionKey, TimeNs start);
    void writeSpans(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    void writeResources(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    /// Merges `r` into the one resource that is the same request reported by another instrumentation;
    /// false if there is none (or more than one).
    bool mergeIntoTwin(const ResourceRecord& r, std::int64_t session, std::int64_t trace);
    void writeRumEvents(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    void writeVitals(const RecordBatch& batch);
    bool applyVital(std::int64_t pageLoadId, std::string_view name, double value);
    void writeLogs(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    void resolveDatadogIds();
    void extendSession(std::int64_t session, TimeNs time);
    /// Sessions created by this writer are tracked exactly: a new page load only has to look for
    /// earlier-arrived items to adopt when the session has items at or after its start.
    bool mayHaveItemsAfter(std::int64_t session, TimeNs time);
    void noteSessionItem(std::int64_t session, TimeNs time);
    void refreshCounters();

    struct PageRef
    {
        std::int64_t id = 0;
        bool byTime = false;
    };
    PageRef resolvePage(const std::string& pageLoadKey, std::int64_t sessionId, TimeNs time);

    /// Rows waiting for something to arrive (indexes 0-3 match Statements::adoptByKey). Counted so that
    /// the common case, nothing pending, costs no lookups. -1 = unknown, counted on first use.
    enum class PendingKind
    {
        Resources = 0,
        RumErrors,
        Actions,
        LongTasks,
        Vitals,
        TraceLow64,
        Count
    };
    std::int64_t pending(PendingKind kind);
    void addPending(PendingKind kind)
    {
        if (m_pending[int(kind)] >= 0)
            ++m_pending[int(kind)];
    }
    std::array<std::int64_t, int(PendingKind::Count)> m_pending{-1, -1, -1, -1, -1, -1};

    Database& m_db;
    Statements* m_st;
    std::unique_ptr<StageProfile> m_profile; // SEAM_PROFILE_WRITER=1: time per stage on exit
    RollupAccumulator m_rollups;
    Correlator m_correlator;
    // Time range of spans and resources written since the last inferLinks(); empty when from > to.
    TimeNs m_inferFrom = std::numeric_limits<TimeNs>::max();
    TimeNs m_inferTo = std::numeric_limits<TimeNs>::min();

    std::unordered_map<std::string, std::int64_t> m_services;
    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using NameMap = std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>>;
    std::unordered_map<std::int64_t, NameMap> m_operations; // service -> operation name -> id
    ServiceRef m_lastService;
    std::int64_t m_lastServiceId = 0;
    std::unordered_map<TraceId, std::int64_t, TraceIdHash> m_traces;
    std::unordered_map<std::string, std::int64_t> m_sessions;
    std::unordered_map<std::string, std::int64_t> m_pageLoads;

    // Per batch.
    struct TraceDelta
    {
        std::int64_t spans = 0, backendSpans = 0, errors = 0;
        TimeNs start = 0, end = 0;
        std::int64_t rootService = 0, rootOperation = 0;
    };
    std::unordered_map<std::int64_t, TraceDelta> m_traceDeltas;
    std::vector<std::pair<std::int64_t, std::uint64_t>> m_newTraces; // (row, low64)
    std::unordered_set<std::int64_t> m_touchedTraces;
    std::unordered_set<std::int64_t> m_tracesWithNewBackendSpans;
    std::unordered_set<std::int64_t> m_touchedPageLoads;
    std::unordered_set<std::int64_t> m_touchedSessions;
    std::unordered_map<std::int64_t, std::pair<TimeNs, TimeNs>> m_sessionExtents; // per batch
    std::int64_t m_sessionWatermark = -1; // max(sessions.id) before this writer; -1 = not read yet
    std::unordered_map<std::int64_t, TimeNs> m_sessionLatestItem; // latest item time, new sessions only
    std::unordered_map<std::int64_t, bool> m_serviceIsBrowser;
    std::int64_t m_nextPayloadId = 0; // 0: read max(id) + 1 before the next payload
};

} // namespace seam
