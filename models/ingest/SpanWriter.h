#pragma once

#include "BatchResult.h"
#include "Records.h"
#include "SpanPayloads.h"
#include "Sqlite.h"

#include <cstdint>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace seam {

class DimensionCache;
class RollupAccumulator;
struct WriteStatements;
struct WriteTouches;

/// Writes the backend's telemetry of a batch: spans with their payloads (status message, attributes,
/// events, links, scope: a row of its own, so scans of spans stay narrow), the traces' running
/// figures, the rollups' input, and log records (which belong to a service and a trace like spans do).
class SpanWriter
{
public:
    SpanWriter(Database& db, WriteStatements& statements, DimensionCache& dimensions,
               RollupAccumulator& rollups, WriteTouches& touches);

    /// Spans of the traces created in the group (DimensionCache::createdInGroup) go in many rows per
    /// statement (see writeSpans()) and into WriteTouches::freshTraceSpans, emptied when a group starts.
    void writeSpans(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    void writeLogs(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result);
    /// The next payload id is read from the file again before the next payload.
    void forgetPayloadIds()
    {
        m_nextPayloadId = 0;
        m_payloadKeys.forget();
    }

private:
    struct TraceDelta
    {
        std::int64_t spans = 0, backendSpans = 0, errors = 0;
        TimeNs start = 0, end = 0;
        std::int64_t rootService = 0, rootOperation = 0;
        std::size_t rootAt = 0; // the root's place in the batch: the last root of a batch wins
    };
    /// A span of a fresh trace, written once the batch's are sorted. Holds what sorting and
    /// de-duplicating read, so that neither reaches into the batch's records (cold memory).
    struct PendingSpan
    {
        const SpanRecord* span = nullptr;
        const EncodedPayload* encoded = nullptr;
        std::int64_t trace = 0, spanId = 0; // spanId as SQLite stores it (signed): the table's order
        std::int64_t service = 0, operation = 0, payload = 0; // payload 0: none
        std::size_t at = 0;                                   // its place in the batch
        bool hasPayload = false;
    };
    /// Rows per multi-row INSERT (spans: 11 parameters a row, payloads 6).
    static constexpr int kRowsPerInsert = 32;

    void updateTraces();
    /// traceUpdate's and traceInsertWithSpans' ?1-?8.
    /// Binds ?1 to ?8 (after `offset`) of traceUpdate and traceInsertWithSpans.
    static void bindTraceDelta(Statement& st, std::int64_t trace, const TraceDelta& d, int offset = 0);
    /// Writes the batch's spans of fresh traces, sorted by key, once each.
    void flushSpans(std::int64_t sourceId, bool rollUp, BatchResult& result);
    /// Drops the copies among the sorted pending spans: of a span twice in the batch the first stays,
    /// and a span an earlier batch of the group wrote (WriteTouches::freshTraceSpans) is not written
    /// again. Returns how many were dropped.
    std::uint64_t dropCopies();
    /// A new span's share of its trace's figures and of the rollups.
    void count(const SpanRecord& s, std::int64_t trace, std::int64_t service, std::int64_t operation,
               std::size_t at, bool rollUp, BatchResult& result);
    /// The next payload id (read from the file first when not known).
    std::int64_t nextPayloadId();
    void queuePayload(std::int64_t id, const SpanRecord& s, const EncodedPayload& e);
    void flushSpanRows(std::size_t first, std::size_t count, std::int64_t sourceId);
    void flushPayloads();
    struct PendingPayload
    {
        std::int64_t id;
        const SpanRecord* span;        // its status message
        const EncodedPayload* encoded; // the producer's bytes, or the batch's re-encoding
    };
    static void bindPayload(Statement& st, int offset, std::int64_t id, const SpanRecord& s,
                            const EncodedPayload& e);

    Database& m_db;
    WriteStatements& m_st;
    DimensionCache& m_dimensions;
    RollupAccumulator& m_rollups;
    WriteTouches& m_touches;
    std::unordered_map<std::int64_t, TraceDelta> m_traceDeltas; // per batch
    SpanPayloadKeys m_payloadKeys;
    Statement m_spanInsertMany;    // kRowsPerInsert rows of spans of fresh traces
    Statement m_payloadInsertMany; // kRowsPerInsert payload rows
    Statement m_traceInsertMany;   // kRowsPerInsert rows of traceInsertWithSpans
    std::vector<PendingSpan> m_pendingSpans;
    std::vector<PendingPayload> m_pendingPayloads;
    std::int64_t m_nextPayloadId = 0; // 0: read max(id) + 1 before the next payload
};

} // namespace seam
