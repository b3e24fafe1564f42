#pragma once

#include "Ids.h"
#include "Records.h"
#include "TraceLowFilter.h"
#include "TraceRowMap.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace seam {

class Statement;

class Database;
struct WriteStatements;

/// A page load an item belongs to: named by key, or the session's page load at the item's time.
struct PageRef
{
    std::int64_t id = 0;
    bool byTime = false;
};

/// Row ids of the dimensions records refer to by natural key: services, operations, traces, sessions
/// and page loads. Looked up (or created) once and then served from memory: most records of a batch
/// name a service, trace or session an earlier one already did.
///
/// A key's row never changes identity once committed (unique constraints, rows are not deleted), so
/// those entries stay valid whoever else writes to the file, except page loads: reconciliation merges
/// one into another, and a service's is_browser flag can be raised by another writer: forgetMutable()
/// drops what may have changed. A rolled-back transaction may have
/// cached ids that no longer exist: clear() drops everything.
class DimensionCache
{
public:
    DimensionCache(Database& db, WriteStatements& statements);

    std::int64_t serviceId(const ServiceRef& service);
    /// Whether a service (an id serviceId() returned) is a browser app.
    bool isBrowser(std::int64_t serviceId) const;
    std::int64_t operationId(std::int64_t serviceId, std::string_view name);
    /// Row id of the trace, creating the row (with no spans yet) when new; new rows are listed in
    /// newTraces().
    std::int64_t traceRow(const TraceId& id);
    /// Like traceRow(), but a new row is only given its id (listed in newTraces() all the same): the
    /// caller writes it with its figures, once, after takeReservedTraces() and before anything else
    /// reads or writes traces (SpanWriter: a trace its spans create is written with their counts
    /// rather than inserted empty and updated; RumWriter's page loads, written before the batch's spans,
    /// reserve theirs for SpanWriter::updateTraces() to write).
    std::int64_t reserveTraceRow(const TraceId& id);
    struct ReservedTrace
    {
        std::int64_t row;
        TraceId id;
    };
    /// The rows reserved since the last call, to be written now.
    std::vector<ReservedTrace> takeReservedTraces();
    /// Row id of the visit the session belongs to (a bare row is created when new); 0 for an empty key.
    /// A session merged into another source's session of the same visit gives that one.
    std::int64_t sessionId(const std::string& key) { return sessionIds(key).second; }
    /// The session as its source named it, even when merged: what a page-load report keeps.
    std::int64_t reportSessionId(const std::string& key) { return sessionIds(key).first; }
    std::int64_t pageLoadIdByKey(const std::string& key);
    /// The form a record's key is stored in (schema v16, ResourceKey.h): an OTLP key
    /// `otel:<trace>:<span>` names its trace by row; Datadog's forms are packed where the table packs
    /// them (resources, long tasks, actions; page loads and their reports keep them as text); any other
    /// key is its text. With `create`, a new trace gets its row (a record being written); without, an
    /// OTLP key whose trace the cache lacks gives nullopt: no row has that key.
    struct StoredKey
    {
        std::string_view bytes; ///< into the caller's buffer (kMaxPacked bytes) or the key itself
        bool packed = false;
    };
    enum class KeyForms
    {
        Otlp,          ///< page_loads, page_load_reports
        OtlpAndDatadog ///< resources, long_tasks, actions
    };
    std::optional<StoredKey> storedKey(std::string_view key, KeyForms forms, bool create, char* buffer);
    /// Binds a stored key (neither it nor the buffer it points into is copied).
    static void bindStoredKey(Statement& st, int index, const StoredKey& key);
    /// The session's page load at `time` (the latest that started at or before it), 0 if none.
    std::int64_t pageLoadAt(std::int64_t sessionId, TimeNs time);
    PageRef resolvePage(const std::string& pageLoadKey, std::int64_t sessionId, TimeNs time);

    /// Rows the writers created or found themselves.
    void noteSession(const std::string& key, std::int64_t id, std::int64_t visit)
    {
        m_sessions[key] = {id, visit};
    }
    void notePageLoad(const std::string& key, std::int64_t id) { m_pageLoads[key] = id; }

    /// Whether the trace row was created (or reserved) since startGroup(): none of its spans or
    /// resources can be in the cache but those this writer wrote since (SpanWriter, RumWriter write
    /// theirs many rows a statement).
    bool createdInGroup(std::int64_t row) const { return m_createdInGroup.count(row) != 0; }
    /// A write group (the batches of one transaction) begins.
    void startGroup() { m_createdInGroup.clear(); }

    /// Trace rows created since the caller last cleared the list: (row, low 64 bits of the id).
    std::vector<std::pair<std::int64_t, std::uint64_t>>& newTraces() { return m_newTraces; }
    /// Trace ids looked up in the cache (not kept in memory), and how many of those the filter answered.
    std::uint64_t traceLookups() const { return m_traceLookups; }
    std::uint64_t traceLookupsSkipped() const { return m_traceLookupsSkipped; }

    void forgetMutable();
    /// Page loads were merged (PageLoadReconciler): keys may now name another id.
    void forgetPageLoads() { m_pageLoads.clear(); }
    /// Sessions were merged: keys may now name another visit.
    void forgetSessions() { m_sessions.clear(); }
    void clear();

private:
    struct StringHash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using NameMap = std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>>;

    Database& m_db;
    WriteStatements& m_st;
    std::unordered_map<std::string, std::int64_t> m_services;
    std::unordered_map<std::int64_t, bool> m_serviceIsBrowser;
    ServiceRef m_lastService;
    std::int64_t m_lastServiceId = 0;
    std::unordered_map<std::int64_t, NameMap> m_operations; // service -> operation name -> id
    TraceRowMap m_traces;
    TraceLowFilter m_traceLows;            // which trace ids the cache cannot have: their look-up is skipped
    std::vector<ReservedTrace> m_reserved; // not written yet
    std::unordered_map<TraceId, std::int64_t, TraceIdHash> m_reservedIds; // the same, by id
    std::int64_t m_nextTraceRow = 0; // 0: unknown (read max(id) + 1 at the next reservation)
    std::int64_t traceRow(const TraceId& id, bool reserve);
    /// The row of a trace the cache holds (or this writer reserved), 0 when none: creates nothing.
    std::int64_t findTraceRow(const TraceId& id);
    std::pair<std::int64_t, std::int64_t> sessionIds(const std::string& key);

    std::unordered_map<std::string, std::pair<std::int64_t, std::int64_t>> m_sessions; // key -> (id, visit)
    std::unordered_map<std::string, std::int64_t> m_pageLoads;
    std::vector<std::pair<std::int64_t, std::uint64_t>> m_newTraces;
    std::unordered_set<std::int64_t> m_createdInGroup;
    std::uint64_t m_traceLookups = 0, m_traceLookupsSkipped = 0;
};

} // namespace seam
