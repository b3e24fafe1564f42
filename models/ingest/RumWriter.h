#pragma once

#include "BatchResult.h"
#include "DimensionCache.h"
#include "Records.h"
#include "ResourceKey.h"
#include "SpanKeySet.h"
#include "VitalWriter.h"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace seam {

class Database;
class DatadogIds;
class PendingRows;
class SessionTracker;
class Statement;
struct PageRef;
struct WriteStatements;
struct WriteTouches;

/// Writes what the browser saw: sessions, page loads, resources (merging the two reports of one request
/// that two instrumentations of a page make), JS errors, actions, long tasks and web vitals, then the
/// page loads' and sessions' counters.
///
/// Browser items may arrive before the page load they belong to (another file, a later request):
/// an item that names an unknown page load waits (page_load_key kept, pending counted), an item without
/// a key goes to the session's page load at its time; a page load that arrives adopts both kinds.
class RumWriter
{
public:
    RumWriter(Database& db, WriteStatements& statements, DimensionCache& dimensions, PendingRows& pending,
              SessionTracker& sessions, DatadogIds& datadog, WriteTouches& touches);

    void writeSessions(const RecordBatch& batch);
    /// Page loads adopt the items that arrived before them.
    void writePageLoads(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    /// Resources (RumResources.cpp). Those whose key names a trace the write group created go in many
    /// rows a statement.
    void writeResources(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    /// A write group (the batches of one transaction) begins: called with DimensionCache::startGroup().
    void startGroup() { m_freshResourceKeys.clear(); }
    /// JS errors, actions and long tasks.
    void writeRumEvents(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    void writeVitals(const RecordBatch& batch);
    /// Session extents, the counters of the page loads whose RUM rows the batch changed
    /// (WriteTouches::pageLoadsToCount) and of the sessions it touched.
    void refreshCounters();
    /// How many page loads refreshCounters() counted again (SEAM_PROFILE_WRITER).
    std::uint64_t pageLoadsCounted() const { return m_pageLoadsCounted; }

private:
    /// What a page-load row refers to, resolved once for the page load and its report.
    struct PageLoadRow
    {
        std::int64_t session = 0, app = 0;
        std::string_view route;
        std::int64_t trace = 0, sourceId = 0;
    };
    /// Binds the values shared by page_loads and page_load_reports inserts and updates (?1 to ?15, ?16
    /// the source with `withSource`).
    static void bindPageLoad(Statement& st, const PageLoadRecord& p, std::int64_t id, const PageLoadRow& row,
                             bool withSource);
    /// The page load's numeric custom attributes (page_load_values); `replace` drops the ones it had.
    void writePageLoadValues(std::int64_t pageLoadId,
                             const std::vector<std::pair<std::string, double>>& values, bool replace);
    void adoptIntoPageLoad(std::int64_t pageLoadId, const std::string& key, std::int64_t sessionId,
                           const std::string& sessionKey, TimeNs start);
    /// Merges `r` into the one resource that is the same request reported by another instrumentation;
    /// false if there is none (or more than one).
    /// `key`: r.key as resources.key holds it (storedKey()).
    bool mergeIntoTwin(const ResourceRecord& r, const DimensionCache::StoredKey& key, std::int64_t session,
                       std::int64_t trace);
    /// A resource whose row cannot be in the cache yet, waiting to go in with others in one statement.
    struct FreshResource
    {
        const ResourceRecord* record = nullptr;
        std::int64_t session = 0;
        PageRef page;
        std::int64_t trace = 0;
        std::array<char, resource_key::kMaxPacked> key{}; // its stored key (packed)
        std::uint8_t keySize = 0;
    };
    /// Writes the waiting fresh resources: one statement when there are kResourceRowsPerInsert of them.
    void flushFreshResources(std::int64_t sourceId, BatchResult& result);
    /// Binds a resource row's columns at `at` + 1 ... `at` + WriteStatements::kResourceColumns.
    static void bindResource(Statement& st, int at, const ResourceRecord& r,
                             const DimensionCache::StoredKey& key, std::int64_t session, const PageRef& page,
                             std::int64_t trace, std::int64_t sourceId);
    /// What a new resource row changes besides itself: counts, pending items, touched traces and page loads.
    void noteResourceWritten(const ResourceRecord& r, const PageRef& page, std::int64_t session,
                             std::int64_t trace, BatchResult& result);
    /// A resource's, long task's or action's key as its table holds it (DimensionCache::storedKey): an
    /// OTLP key names its trace's row, created when new. `buffer`: kMaxPacked bytes that outlive the
    /// statement's run (nothing is copied).
    DimensionCache::StoredKey storedKey(std::string_view key, char* buffer);

    Database& m_db;
    WriteStatements& m_st;
    DimensionCache& m_dimensions;
    PendingRows& m_pending;
    SessionTracker& m_sessions;
    DatadogIds& m_datadog;
    WriteTouches& m_touches;
    VitalWriter m_vitals;
    std::vector<VitalWriter::Vital> m_vitalRun; // writeVitals(), adoptIntoPageLoad(): reused
    std::uint64_t m_pageLoadsCounted = 0;
    std::vector<FreshResource> m_freshResources;
    SpanKeySet m_freshResourceKeys; // (trace row, span) of the fresh resources since startGroup()
};

} // namespace seam
