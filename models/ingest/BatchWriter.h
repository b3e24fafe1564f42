#pragma once

#include "BatchResult.h"
#include "Correlator.h"
#include "DatadogIds.h"
#include "DimensionCache.h"
#include "PageLoadReconciler.h"
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

#include <limits>
#include <memory>

namespace seam {

/// Writes batches of records into the cache on the writer's connection. Lives on the writer thread;
/// the caller owns the transaction and tells this writer where each one starts and how it ends
/// (beginTransaction(), committed(), rolledBack()). Keeps prepared statements and id caches (services,
/// operations, traces, sessions, page loads) across batches and transactions.
///
/// Other connections may write to the same file between this one's transactions (a second `seam
/// import`, `seam serve`): at the start of each transaction, when the file changed since this
/// connection's last one (PRAGMA data_version), whatever they may have made stale is read again —
/// the next payload id, what waits for a page load or a trace, which sessions have untracked items,
/// services' browser flags. Ids of rows others created are found by their keys like any other row.
///
/// Order inside a batch matters and is fixed here: sessions, page loads (which adopt orphans and
/// pending vitals), spans, Datadog ids of the new traces, resources, errors, actions, long tasks,
/// vitals, logs; then rollups, then the Correlator over every trace the batch touched, then the
/// PageLoadReconciler over the page loads it touched (one navigation reported by several sources
/// becomes one page load), then derived counters. The rows are written by SpanWriter and RumWriter.
class BatchWriter
{
public:
    explicit BatchWriter(Database& db);
    ~BatchWriter();
    BatchWriter(const BatchWriter&) = delete;
    BatchWriter& operator=(const BatchWriter&) = delete;

    /// Call first in each transaction (after BEGIN IMMEDIATE).
    void beginTransaction();
    void committed();
    /// The transaction rolled back: forgets every id it may have cached and gives inference back the
    /// range it had taken.
    void rolledBack();

    /// writeRows() then finish(): one batch as a whole.
    BatchResult write(const RecordBatch& batch, std::int64_t sourceId);
    /// Writes the rows of a batch; what runs over everything written (rollups, correlation, page-load
    /// reconciliation, counters) waits for finish(). The batches written between two finish() calls
    /// are written as one would be that held them all (a group commit's batches), without moving their
    /// records into one. Call finish() before the transaction commits.
    BatchResult writeRows(const RecordBatch& batch, std::int64_t sourceId);
    /// The steps after the rows, over what the batches since the last finish() touched. Returns the new
    /// links.
    std::uint64_t finish();
    void invalidateCaches();
    /// A task ran its own SQL on this connection (StoreWriter::runInTransaction): what it may have
    /// changed is forgotten as if another connection had written it.
    void taskRan() { forgetWhatOthersChange(); }
    /// Runs LinkInference over the time range written since the last call (widened back by
    /// kInferenceLookback so calls of page loads that started earlier are included). Returns the
    /// links written.
    std::uint64_t inferLinks();

    /// How far before the earliest new record inference looks for page loads: a call belongs to a page
    /// load that may have started minutes before it.
    static constexpr TimeNs kInferenceLookback = 10LL * 60 * 1'000'000'000;

private:
    void resolveDatadogIds();
    /// Drops what another connection's commits may have made stale.
    void forgetWhatOthersChange();

    Database& m_db;
    WriteStatements m_st;
    Statement m_dataVersion;
    std::int64_t m_seenDataVersion = -1; // PRAGMA data_version at the start of the last transaction
    bool m_groupOpen = false;            // rows written that finish() has not yet followed up
    // The inference range taken by inferLinks() in the open transaction, restored if it rolls back.
    TimeNs m_inferTakenFrom = std::numeric_limits<TimeNs>::max();
    TimeNs m_inferTakenTo = std::numeric_limits<TimeNs>::min();
    std::unique_ptr<StageProfile> m_profile; // SEAM_PROFILE_WRITER=1: time per stage on exit
    RollupAccumulator m_rollups;
    Correlator m_correlator;
    PageLoadReconciler m_reconciler;
    DatadogIds m_datadog;
    WriteTouches m_touches;
    DimensionCache m_dimensions;
    PendingRows m_pending;
    SessionTracker m_sessions;
    SpanWriter m_spans;
    RumWriter m_rum;
};

} // namespace seam
