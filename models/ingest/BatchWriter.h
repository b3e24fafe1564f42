#pragma once

#include "BatchResult.h"
#include "Correlator.h"
#include "DatadogIds.h"
#include "DimensionCache.h"
#include "PendingRows.h"
#include "Records.h"
#include "RollupAccumulator.h"
#include "RumWriter.h"
#include "SessionTracker.h"
#include "SpanWriter.h"
#include "Sqlite.h"
#include "StageProfile.h"
#include "WriteStatements.h"
#include "WriteTouches.h"

#include <memory>

namespace seam {

/// Writes batches of records into the cache on the writer's connection. Lives on the writer thread;
/// the caller owns the transaction. Keeps prepared statements and id caches (services, operations,
/// traces, sessions, page loads) across batches; rolled-back work must call invalidateCaches().
///
/// Order inside a batch matters and is fixed here: sessions, page loads (which adopt orphans and
/// pending vitals), spans, Datadog ids of the new traces, resources, errors, actions, long tasks,
/// vitals, logs; then rollups, then the Correlator over every trace the batch touched, then derived
/// counters. The rows are written by SpanWriter and RumWriter.
class BatchWriter
{
public:
    explicit BatchWriter(Database& db);
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

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
    void resolveDatadogIds();

    Database& m_db;
    WriteStatements m_st;
    std::unique_ptr<StageProfile> m_profile; // SEAM_PROFILE_WRITER=1: time per stage on exit
    RollupAccumulator m_rollups;
    Correlator m_correlator;
    DatadogIds m_datadog;
    WriteTouches m_touches;
    DimensionCache m_dimensions;
    PendingRows m_pending;
    SessionTracker m_sessions;
    SpanWriter m_spans;
    RumWriter m_rum;
};

} // namespace seam
