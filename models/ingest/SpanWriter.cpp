#include "SpanWriter.h"

#include "DimensionCache.h"
#include "Hash.h"
#include "RollupAccumulator.h"
#include "Sqlite.h"
#include "TextLimits.h"
#include "WriteStatements.h"
#include "WriteTouches.h"

#include <algorithm>

namespace seam {
namespace {

void bindBlobOrNull(Statement& st, int index, const std::string& bytes)
{
    if (bytes.empty())
        st.bindNull(index);
    else
        st.bindBlob(index, bytes.data(), int(bytes.size()));
}

} // namespace

SpanWriter::SpanWriter(Database& db, WriteStatements& statements, DimensionCache& dimensions,
                       RollupAccumulator& rollups, WriteTouches& touches)
    : m_db(db), m_st(statements), m_dimensions(dimensions), m_rollups(rollups), m_touches(touches),
      m_payloadKeys(db)
{}

void SpanWriter::writeSpans(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    m_traceDeltas.clear();
    auto& st = m_st.spanInsert;
    // Normally the producer's bytes as they are; re-encoded only when the file's dictionary disagrees.
    const std::optional<std::vector<EncodedPayload>> redone = m_payloadKeys.prepare(batch);
    for (std::size_t i = 0; i < batch.spans.size(); ++i) {
        const SpanRecord& s = batch.spans[i];
        const EncodedPayload& e = redone ? (*redone)[i] : s.encoded;
        m_touches.noteInferenceTime(s.start);
        const std::int64_t trace = m_dimensions.traceRow(s.traceId);
        const std::int64_t service = m_dimensions.serviceId(s.service);
        const std::int64_t operation = m_dimensions.operationId(service, s.name);
        // The next payload id is known (read inside this transaction, which holds the write lock, and
        // again whenever another connection committed since), so the span row can carry it without a
        // second update, and the payload is only written when the span is new.
        const bool hasPayload = !s.statusMessage.empty() || !e.attributes.empty() || !e.events.empty() ||
                                !e.links.empty() || e.scope != 0;
        if (hasPayload && m_nextPayloadId == 0)
            m_nextPayloadId = m_db.queryInt("SELECT coalesce(max(id), 0) + 1 FROM span_payloads");
        st.bind(1, trace).bind(2, s.spanId).bind(3, s.parentSpanId).bind(4, service).bind(5, operation);
        st.bind(6, int(s.kind)).bind(7, s.start).bind(8, s.end).bind(9, int(s.statusCode));
        if (hasPayload)
            st.bind(10, m_nextPayloadId);
        else
            st.bindNull(10);
        st.bind(11, sourceId);
        st.run();
        if (m_db.changes() == 0) {
            ++result.duplicateSpans;
            continue;
        }
        if (hasPayload) {
            auto& pl = m_st.payloadInsert;
            pl.bind(1, m_nextPayloadId++).bindTextOrNull(2, s.statusMessage);
            bindBlobOrNull(pl, 3, e.attributes);
            bindBlobOrNull(pl, 4, e.events);
            bindBlobOrNull(pl, 5, e.links);
            if (e.scope)
                pl.bind(6, e.scope);
            else
                pl.bindNull(6);
            pl.run();
        }
        ++result.newSpans;
        ++result.newRecords;
        const bool error = s.statusCode == StatusCode::Error;
        const bool browser = m_dimensions.isBrowser(service);
        TraceDelta& d = m_traceDeltas[trace];
        if (d.spans == 0) {
            d.start = s.start;
            d.end = s.end;
        }
        ++d.spans;
        d.backendSpans += browser ? 0 : 1;
        d.errors += error ? 1 : 0;
        d.start = std::min(d.start, s.start);
        d.end = std::max(d.end, s.end);
        if (s.parentSpanId == 0) {
            d.rootService = service;
            d.rootOperation = operation;
        }
        const bool entry = s.kind == SpanKind::Server || s.kind == SpanKind::Consumer || s.parentSpanId == 0;
        if (batch.spansRollUp)
            m_rollups.add(service, operation, s.start, s.end - s.start, error, entry);
    }
    updateTraces();
}

void SpanWriter::updateTraces()
{
    // Added to what the row has (SQL arithmetic), so spans of one trace may arrive in any number of
    // batches.
    auto& up = m_st.traceUpdate;
    for (const auto& [trace, d] : m_traceDeltas) {
        up.bind(1, trace)
            .bind(2, d.spans)
            .bind(3, d.backendSpans)
            .bind(4, d.errors)
            .bind(5, d.start)
            .bind(6, d.end);
        if (d.rootService)
            up.bind(7, d.rootService).bind(8, d.rootOperation);
        else
            up.bindNull(7).bindNull(8);
        up.run();
        m_touches.traces.insert(trace);
        if (d.backendSpans)
            m_touches.tracesWithNewBackendSpans.insert(trace);
    }
}

void SpanWriter::writeLogs(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    auto& st = m_st.logInsert;
    for (const LogRecordRow& l : batch.logs) {
        const std::int64_t service = m_dimensions.serviceId(l.service);
        const std::int64_t trace = l.traceId.isValid() ? m_dimensions.traceRow(l.traceId) : 0;
        Fnv1a h;
        h.add(std::uint64_t(l.time)).add(std::uint64_t(l.severityNumber)).add(l.body).add(l.attributesJson);
        h.add(std::uint64_t(service)).add(l.traceId.low64()).add(l.traceId.high64()).add(l.spanId);
        st.bind(1, std::int64_t(h.value())).bind(2, l.time).bind(3, service).bind(4, l.severityNumber);
        st.bindTextOrNull(5, l.severityText)
            .bindTextOrNull(6, ingest::clip(l.body, 65536))
            .bindTextOrNull(7, l.attributesJson);
        if (trace)
            st.bind(8, trace);
        else
            st.bindNull(8);
        if (l.spanId)
            st.bind(9, l.spanId);
        else
            st.bindNull(9);
        st.bind(10, sourceId);
        st.run();
        if (m_db.changes())
            ++result.newRecords;
    }
}

} // namespace seam
