#include "BatchWriter.h"

#include "LinkInference.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace seam {

BatchWriter::BatchWriter(Database& db)
    : m_db(db), m_st(db), m_dataVersion(db.prepare("PRAGMA data_version")), m_correlator(db),
      m_reconciler(db, m_correlator), m_datadog(db), m_dimensions(db, m_st), m_pending(db),
      m_sessions(db, m_st), m_spans(db, m_st, m_dimensions, m_rollups, m_touches),
      m_rum(db, m_st, m_dimensions, m_pending, m_sessions, m_datadog, m_touches)
{
    if (std::getenv("SEAM_PROFILE_WRITER"))
        m_profile = std::make_unique<StageProfile>();
}

BatchWriter::~BatchWriter()
{
    if (!m_profile)
        return;
    m_profile->print(stderr);
    std::fprintf(stderr, "  trace ids looked up %llu times, %llu of them answered by the filter (no row)\n",
                 (unsigned long long)m_dimensions.traceLookups(),
                 (unsigned long long)m_dimensions.traceLookupsSkipped());
    std::fprintf(
        stderr,
        "  correlation read %llu traces' spans, refreshed %llu page loads (%llu read their stored "
        "reach rows, %llu counted again); kept traces aged (older half dropped) %llu times when full, "
        "%llu invalidated\n",
        (unsigned long long)m_correlator.traceReads(), (unsigned long long)m_correlator.refreshes(),
        (unsigned long long)m_correlator.storedReachReads(), (unsigned long long)m_rum.pageLoadsCounted(),
        (unsigned long long)m_correlator.traceCacheOverflows(),
        (unsigned long long)m_correlator.invalidations());
}

void BatchWriter::forgetWhatOthersChange()
{
    m_spans.forgetPayloadIds();
    m_pending.forget();
    m_sessions.forget();
    m_dimensions.forgetMutable();
    m_correlator.invalidateCaches();
    m_reconciler.forget();
}

void BatchWriter::invalidateCaches()
{
    forgetWhatOthersChange();
    m_dimensions.clear();
    m_rollups.clear();
    m_touches.startBatch();
    m_groupOpen = false;
    m_seenDataVersion = -1;
}

void BatchWriter::beginTransaction()
{
    // data_version changes when another connection commits (never for this one's own commits): the
    // common case, this writer alone, costs one pragma per transaction.
    const std::int64_t version = m_dataVersion.step() ? m_dataVersion.int64(0) : -1;
    m_dataVersion.reset();
    if (version != m_seenDataVersion)
        forgetWhatOthersChange();
    m_seenDataVersion = version;
}

void BatchWriter::committed()
{
    m_inferTakenFrom = std::numeric_limits<TimeNs>::max();
    m_inferTakenTo = std::numeric_limits<TimeNs>::min();
}

void BatchWriter::rolledBack()
{
    invalidateCaches();
    if (m_inferTakenFrom <= m_inferTakenTo) {
        m_touches.noteInferenceTime(m_inferTakenFrom);
        m_touches.noteInferenceTime(m_inferTakenTo);
    }
    committed();
}

BatchResult BatchWriter::write(const RecordBatch& batch, std::int64_t sourceId)
{
    BatchResult result = writeRows(batch, sourceId);
    result.newLinks += finish();
    return result;
}

BatchResult BatchWriter::writeRows(const RecordBatch& batch, std::int64_t sourceId)
{
    BatchResult result;
    if (!m_groupOpen) {
        m_touches.startBatch();
        m_dimensions.startGroup();
        m_rum.startGroup();
        m_groupOpen = true;
    }
    m_dimensions.newTraces().clear();

    StageTimer timer(m_profile);
    m_rum.writeSessions(batch);
    m_rum.writePageLoads(batch, sourceId, result);
    timer.lap("sessions+page loads");
    m_spans.writeSpans(batch, sourceId, result);
    timer.lap("spans");
    resolveDatadogIds();
    m_rum.writeResources(batch, sourceId, result);
    // Resources create trace rows too (a HAR's or OTel's propagated ids): a Datadog resource waiting for
    // those low 64 bits gets them now, or it never would (the row is no longer new when spans arrive).
    resolveDatadogIds();
    timer.lap("resources");
    m_rum.writeRumEvents(batch, sourceId, result);
    m_rum.writeVitals(batch);
    m_spans.writeLogs(batch, sourceId, result);
    timer.lap("rum events+logs");
    if (!batch.rollups.empty()) {
        Statement replace = RollupAccumulator::prepareReplace(m_db);
        for (const RollupRow& row : batch.rollups) {
            const std::int64_t service = m_dimensions.serviceId(row.service);
            const std::int64_t operation =
                row.operation.empty() ? 0 : m_dimensions.operationId(service, row.operation);
            RollupAccumulator::replace(replace, service, operation, row);
        }
    }
    timer.lap("rollups");
    return result;
}

std::uint64_t BatchWriter::finish()
{
    if (!m_groupOpen)
        return 0;
    m_groupOpen = false;
    StageTimer timer(m_profile);
    m_rollups.flush(m_db);
    timer.lap("rollups");
    const std::uint64_t newLinks =
        m_correlator.correlate(m_touches.traces, m_touches.tracesWithNewBackendSpans, m_touches.pageLoads,
                               &m_touches.freshTraceSpans);
    timer.lap("correlation");
    const PageLoadReconciler::Result merged =
        m_reconciler.reconcile(m_touches.pageLoads, m_touches.reporters);
    if (merged.merged) {
        m_dimensions.forgetPageLoads();
        m_correlator.forgetPageLoads(); // the merged-away page loads' reach rows went with them
    }
    if (merged.sessionsMerged)
        m_dimensions.forgetSessions();
    for (const std::int64_t survivor : merged.survivors)
        m_touches.notePageLoadRows(survivor);
    m_touches.sessions.insert(merged.sessions.begin(), merged.sessions.end());
    timer.lap("page-load reconciliation");
    m_rum.refreshCounters();
    if (merged.sessionsMerged)
        m_sessions.forget(); // what it knows of the merged-away sessions' items is the visit's now
    timer.lap("counters");
    return newLinks;
}

void BatchWriter::resolveDatadogIds()
{
    // Resources that only knew the low 64 bits (Datadog) meet their full trace id here.
    auto& fresh = m_dimensions.newTraces();
    if (m_pending.count(PendingRows::Kind::TraceLow64) != 0) {
        std::vector<std::int64_t> pageLoads;
        for (const auto& [row, low] : fresh) {
            pageLoads.clear();
            const std::int64_t adopted = m_datadog.adoptWaiting(row, low, &pageLoads);
            for (const std::int64_t pageLoad : pageLoads)
                m_touches.notePageLoadRows(pageLoad);
            if (adopted) {
                m_pending.remove(PendingRows::Kind::TraceLow64, adopted);
                m_touches.traces.insert(row);
            }
        }
    }
    fresh.clear();
}

std::uint64_t BatchWriter::inferLinks()
{
    if (m_touches.inferFrom > m_touches.inferTo)
        return 0;
    const TimeNs from = m_touches.inferFrom - kInferenceLookback, to = m_touches.inferTo;
    m_inferTakenFrom = std::min(m_inferTakenFrom, m_touches.inferFrom);
    m_inferTakenTo = std::max(m_inferTakenTo, m_touches.inferTo);
    m_touches.inferFrom = std::numeric_limits<TimeNs>::max();
    m_touches.inferTo = std::numeric_limits<TimeNs>::min();
    StageTimer timer(m_profile);
    LinkInference inference(m_db, m_correlator);
    const LinkInference::Stats stats = inference.run(from, to);
    timer.lap("inferred links");
    return std::uint64_t(stats.linked);
}

} // namespace seam
