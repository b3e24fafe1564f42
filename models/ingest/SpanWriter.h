#pragma once

#include "BatchResult.h"
#include "Records.h"
#include "SpanPayloads.h"

#include <cstdint>
#include <unordered_map>

namespace seam {

class Database;
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
    };
    void updateTraces();

    Database& m_db;
    WriteStatements& m_st;
    DimensionCache& m_dimensions;
    RollupAccumulator& m_rollups;
    WriteTouches& m_touches;
    std::unordered_map<std::int64_t, TraceDelta> m_traceDeltas; // per batch
    SpanPayloadKeys m_payloadKeys;
    std::int64_t m_nextPayloadId = 0;                           // 0: read max(id) + 1 before the next payload
};

} // namespace seam
