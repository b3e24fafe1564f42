#include "SpanWriter.h"

#include "DimensionCache.h"
#include "Hash.h"
#include "RollupAccumulator.h"
#include "Sqlite.h"
#include "TextLimits.h"
#include "WriteStatements.h"
#include "WriteTouches.h"

#include <algorithm>
#include <limits>
#include <sqlite3.h>
#include <string>
#include <tuple>

namespace seam {
namespace {

void bindBlobOrNull(Statement& st, int index, const std::string& bytes)
{
    if (bytes.empty())
        st.bindNull(index);
    else
        st.bindBlob(index, bytes.data(), int(bytes.size()));
}

constexpr int kSpanColumns = 11;
constexpr int kPayloadColumns = 6;
constexpr int kTraceColumns = 10; // traceInsertWithSpans: ?1 id, ?2-?8 the figures, ?9 trace id, ?10 low bits

} // namespace

SpanWriter::SpanWriter(Database& db, WriteStatements& statements, DimensionCache& dimensions,
                       RollupAccumulator& rollups, WriteTouches& touches)
    : m_db(db), m_st(statements), m_dimensions(dimensions), m_rollups(rollups), m_touches(touches),
      m_payloadKeys(db),
      // Rows of a trace created in this batch cannot exist yet, so a conflict is a bug and must fail
      // loudly rather than be skipped: OR IGNORE all the same, and the count checked (requireRowsWritten). A
      // statement that may abort half-way makes SQLite copy every page it touches into a statement
      // journal first (~8% of the writer's instructions on backend spans); one that ignores does not.
      m_spanInsertMany(
          db.prepare(manyRowsSql("INSERT OR IGNORE INTO spans(trace, span_id, parent_span_id, service_id, "
                                 "operation_id, kind, start_ns, end_ns, status_code, payload, source_id)",
                                 kSpanColumns, kRowsPerInsert))),
      m_payloadInsertMany(db.prepare(manyRowsSql(
          "INSERT OR IGNORE INTO span_payloads(id, status_message, attributes, events, links, scope)",
          kPayloadColumns, kRowsPerInsert))),
      // The columns in traceInsertWithSpans's parameter order.
      m_traceInsertMany(
          db.prepare(manyRowsSql("INSERT OR IGNORE INTO traces(id, span_count, backend_span_count, "
                                 "error_count, start_ns, end_ns, root_service_id, "
                                 "root_operation_id, trace_id, trace_lo)",
                                 kTraceColumns, kRowsPerInsert)))
{}

void SpanWriter::writeSpans(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    m_traceDeltas.clear();
    // Traces whose rows this batch or an earlier one of the group created (page loads may have, before
    // the spans; DimensionCache::createdInGroup): none of their spans can be in the cache but those
    // written since, so theirs go in many rows per statement without asking SQLite about each (SQLite's
    // per-statement cost is a large share of a narrow row's), once de-duplicated here.
    m_pendingSpans.clear(); // what a failed batch left
    m_pendingPayloads.clear();
    auto& st = m_st.spanInsert;
    // Normally the producer's bytes as they are; re-encoded only when the file's dictionary disagrees.
    const std::optional<std::vector<EncodedPayload>> redone = m_payloadKeys.prepare(batch);
    struct
    {
        TraceId traceId;
        std::int64_t trace = 0, service = 0, operation = 0;
        bool fresh = false;                         // the trace was created in this group
        const std::string* operationName = nullptr; // of the span these are the answers for
    } last;
    for (std::size_t i = 0; i < batch.spans.size(); ++i) {
        const SpanRecord& s = batch.spans[i];
        const EncodedPayload& e = redone ? (*redone)[i] : s.encoded;
        m_touches.noteInferenceTime(s.start);
        // Spans come grouped by trace and operation more often than not (a trace's spans end together;
        // an SDK exports a span kind's spans together): the previous span's answers are reused (the
        // service's, DimensionCache reuses).
        if (!last.trace || s.traceId != last.traceId) {
            last.trace = m_dimensions.reserveTraceRow(s.traceId);
            last.traceId = s.traceId;
            last.fresh = m_dimensions.createdInGroup(last.trace);
        }
        const std::int64_t service = m_dimensions.serviceId(s.service);
        if (service != last.service || !last.operationName || s.name != *last.operationName) {
            last.service = service;
            last.operation = m_dimensions.operationId(service, s.name);
            last.operationName = &s.name;
        }
        const std::int64_t trace = last.trace, operation = last.operation;
        const bool hasPayload = !s.statusMessage.empty() || !e.attributes.empty() || !e.events.empty() ||
                                !e.links.empty() || e.scope != 0;
        if (last.fresh) {
            // Sorted, de-duplicated and counted with the batch's other spans of fresh traces (flushSpans).
            m_pendingSpans.push_back(
                PendingSpan{&s, &e, trace, std::int64_t(s.spanId), service, operation, 0, i, hasPayload});
            continue;
        }
        // The next payload id is known (read inside this transaction, which holds the write lock, and
        // again whenever another connection committed since), so the span row can carry it without a
        // second update, and the payload is only written when the span is new.
        const std::int64_t payload = hasPayload ? nextPayloadId() : 0;
        st.bind(1, trace).bind(2, s.spanId).bind(3, s.parentSpanId).bind(4, service).bind(5, operation);
        st.bind(6, int(s.kind)).bind(7, s.start).bind(8, s.end).bind(9, int(s.statusCode));
        if (hasPayload)
            st.bind(10, payload);
        else
            st.bindNull(10);
        st.bind(11, sourceId);
        st.run();
        if (m_db.changes() == 0) {
            ++result.duplicateSpans;
            continue;
        }
        if (hasPayload)
            queuePayload(payload, s, e);
        count(s, trace, service, operation, i, batch.spansRollUp, result);
    }
    flushSpans(sourceId, batch.spansRollUp, result);
    flushPayloads();
    updateTraces();
}

std::int64_t SpanWriter::nextPayloadId()
{
    if (m_nextPayloadId == 0)
        m_nextPayloadId = m_db.queryInt("SELECT coalesce(max(id), 0) + 1 FROM span_payloads");
    return m_nextPayloadId;
}

void SpanWriter::queuePayload(std::int64_t id, const SpanRecord& s, const EncodedPayload& e)
{
    m_nextPayloadId = id + 1;
    m_pendingPayloads.push_back({id, &s, &e});
    if (m_pendingPayloads.size() == std::size_t(kRowsPerInsert))
        flushPayloads();
}

void SpanWriter::count(const SpanRecord& s, std::int64_t trace, std::int64_t service, std::int64_t operation,
                       std::size_t at, bool rollUp, BatchResult& result)
{
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
    if (s.parentSpanId == 0 && (!d.rootService || at >= d.rootAt)) {
        d.rootService = service;
        d.rootOperation = operation;
        d.rootAt = at;
    }
    const bool entry = s.kind == SpanKind::Server || s.kind == SpanKind::Consumer || s.parentSpanId == 0;
    if (rollUp)
        m_rollups.add(service, operation, s.start, s.end - s.start, error, entry);
}

std::uint64_t SpanWriter::dropCopies()
{
    // The group's earlier batches wrote theirs into freshTraceSpans, sorted the same way. A trace this
    // batch created has a higher row than any of them (rows are handed out in order), so only the
    // traces of earlier batches are looked up there: one search a trace, not a hash probe a span (at
    // 200k spans a group, each probe was a cache miss: 6% of the writer's time on backend spans).
    const std::vector<TraceSpanRow>& earlier = m_touches.freshTraceSpans;
    const std::int64_t lastEarlier =
        earlier.empty() ? std::numeric_limits<std::int64_t>::min() : earlier.back().trace;
    std::size_t kept = 0;
    std::uint64_t dropped = 0;
    for (std::size_t first = 0; first < m_pendingSpans.size();) {
        const std::int64_t trace = m_pendingSpans[first].trace;
        std::size_t end = first + 1;
        while (end < m_pendingSpans.size() && m_pendingSpans[end].trace == trace)
            ++end;
        auto seen = earlier.end(), seenEnd = earlier.end();
        if (trace <= lastEarlier)
            std::tie(seen, seenEnd) = std::equal_range(
                earlier.begin(), earlier.end(), TraceSpanRow{.trace = trace},
                [](const TraceSpanRow& a, const TraceSpanRow& b) { return a.trace < b.trace; });
        for (std::size_t i = first; i < end; ++i) {
            const PendingSpan& p = m_pendingSpans[i];
            while (seen != seenEnd && seen->id < p.spanId)
                ++seen;
            const bool copy = (i > first && m_pendingSpans[i - 1].spanId == p.spanId) ||
                              (seen != seenEnd && seen->id == p.spanId);
            if (copy)
                ++dropped; // the first stays, as INSERT OR IGNORE would keep it
            else
                m_pendingSpans[kept++] = p;
        }
        first = end;
    }
    m_pendingSpans.resize(kept);
    return dropped;
}

void SpanWriter::flushSpans(std::int64_t sourceId, bool rollUp, BatchResult& result)
{
    // In key order: the batch's fresh traces have the highest ids of the table, so sorted rows are
    // appended at the end of the clustered B-tree (SQLite seeks from the last page and splits it cheaply)
    // instead of landing in the middle of the batch's traces, where each split redistributes three
    // pages. Copies of one span sort together, the first of the batch first.
    std::sort(m_pendingSpans.begin(), m_pendingSpans.end(), [](const PendingSpan& a, const PendingSpan& b) {
        return a.trace != b.trace     ? a.trace < b.trace
               : a.spanId != b.spanId ? a.spanId < b.spanId
                                      : a.at < b.at;
    });
    // Copies of one span that was read twice (dropped here) would make the statements below write fewer
    // rows than they hold, which requireRowsWritten() takes for a bug.
    result.duplicateSpans += dropCopies();
    for (PendingSpan& p : m_pendingSpans) {
        if (p.hasPayload) {
            p.payload = nextPayloadId();
            queuePayload(p.payload, *p.span, *p.encoded);
        }
        count(*p.span, p.trace, p.service, p.operation, p.at, rollUp, result);
    }
    for (std::size_t first = 0; first < m_pendingSpans.size(); first += kRowsPerInsert)
        flushSpanRows(first, std::min(m_pendingSpans.size() - first, std::size_t(kRowsPerInsert)), sourceId);
    // For the correlator, which wants them in this order: the batch's rows, sorted already, are merged
    // into those of the group's earlier batches (linear; sorting them all again cost 1.9% of the writer).
    auto& fresh = m_touches.freshTraceSpans;
    const std::size_t before = fresh.size();
    for (const PendingSpan& p : m_pendingSpans) {
        const SpanRecord& s = *p.span;
        fresh.push_back({p.trace, p.spanId, std::int64_t(s.parentSpanId), int(s.kind), s.start, s.end,
                         p.service, int(s.statusCode)});
    }
    std::inplace_merge(fresh.begin(), fresh.begin() + std::ptrdiff_t(before), fresh.end(),
                       traceSpanRowBefore);
    m_pendingSpans.clear();
}

void SpanWriter::flushSpanRows(std::size_t first, std::size_t count, std::int64_t sourceId)
{
    const bool full = count == std::size_t(kRowsPerInsert);
    for (std::size_t i = 0; i < count; ++i) {
        const PendingSpan& p = m_pendingSpans[first + i];
        const SpanRecord& s = *p.span;
        // The rest of a batch (fewer rows than a statement holds) goes one row at a time.
        Statement& st = full ? m_spanInsertMany : m_st.spanInsert;
        const int o = full ? int(i) * kSpanColumns : 0;
        st.bind(o + 1, p.trace).bind(o + 2, s.spanId).bind(o + 3, s.parentSpanId).bind(o + 4, p.service);
        st.bind(o + 5, p.operation).bind(o + 6, int(s.kind)).bind(o + 7, s.start).bind(o + 8, s.end);
        st.bind(o + 9, int(s.statusCode));
        if (p.payload)
            st.bind(o + 10, p.payload);
        else
            st.bindNull(o + 10);
        st.bind(o + 11, sourceId);
        if (!full)
            st.run();
    }
    if (full) {
        m_spanInsertMany.run();
        requireRowsWritten(m_db, kRowsPerInsert, "spans");
    }
}

void SpanWriter::flushPayloads()
{
    const bool full = m_pendingPayloads.size() == std::size_t(kRowsPerInsert);
    for (std::size_t i = 0; i < m_pendingPayloads.size(); ++i) {
        Statement& st = full ? m_payloadInsertMany : m_st.payloadInsert;
        const PendingPayload& pending = m_pendingPayloads[i];
        bindPayload(st, full ? int(i) * kPayloadColumns : 0, pending.id, *pending.span, *pending.encoded);
        if (!full)
            st.run();
    }
    if (full) {
        m_payloadInsertMany.run();
        requireRowsWritten(m_db, kRowsPerInsert, "span_payloads");
    }
    m_pendingPayloads.clear();
}

void SpanWriter::bindPayload(Statement& st, int offset, std::int64_t id, const SpanRecord& s,
                             const EncodedPayload& e)
{
    // The one place a span's payload columns are bound (id, status message, then the encoded attributes,
    // events, links and the scope's dictionary id, from `offset` + 1 on).
    st.bind(offset + 1, id).bindTextOrNull(offset + 2, s.statusMessage);
    bindBlobOrNull(st, offset + 3, e.attributes);
    bindBlobOrNull(st, offset + 4, e.events);
    bindBlobOrNull(st, offset + 5, e.links);
    if (e.scope)
        st.bind(offset + 6, e.scope);
    else
        st.bindNull(offset + 6);
}

void SpanWriter::updateTraces()
{
    // A trace the batch's spans created is written once, with their figures (its id was reserved);
    // one that has a row is added to (SQL arithmetic), so spans of one trace may arrive in any number of
    // batches.
    // New rows, kRowsPerInsert to a statement while that many remain (their ids were reserved, so none
    // can exist: OR IGNORE and the count checked, as for spans).
    const std::vector<DimensionCache::ReservedTrace> reserved = m_dimensions.takeReservedTraces();
    runManyRows(
        m_traceInsertMany, m_st.traceInsertWithSpans, reserved.size(), kRowsPerInsert, kTraceColumns,
        [&](Statement& ins, int at, std::size_t i) {
            const DimensionCache::ReservedTrace& r = reserved[i];
            const auto it = m_traceDeltas.find(r.row);
            const bool spans = it != m_traceDeltas.end(); // not for a page load's trace without spans
            bindTraceDelta(ins, r.row, spans ? it->second : TraceDelta{}, at);
            if (!spans)
                ins.bindNull(at + 5).bindNull(at + 6);
            ins.bindBlob(at + 9, r.id.bytes.data(), 16).bind(at + 10, r.id.low64());
        },
        [&](int rows) { requireRowsWritten(m_db, rows, "traces"); });
    // A new row is touched, but its backend spans are not "new backend spans of a linked trace"
    // (WriteTouches::tracesWithNewBackendSpans): it has no links the correlator does not make now.
    for (const DimensionCache::ReservedTrace& r : reserved) {
        m_touches.traces.insert(r.row);
        m_traceDeltas.erase(r.row);
    }
    auto& up = m_st.traceUpdate;
    for (const auto& [trace, d] : m_traceDeltas) {
        bindTraceDelta(up, trace, d);
        up.run();
        m_touches.traces.insert(trace);
        if (d.backendSpans && !m_dimensions.createdInGroup(trace))
            m_touches.tracesWithNewBackendSpans.insert(trace);
    }
}

void SpanWriter::bindTraceDelta(Statement& st, std::int64_t trace, const TraceDelta& d, int offset)
{
    st.bind(offset + 1, trace)
        .bind(offset + 2, d.spans)
        .bind(offset + 3, d.backendSpans)
        .bind(offset + 4, d.errors)
        .bind(offset + 5, d.start)
        .bind(offset + 6, d.end);
    if (d.rootService)
        st.bind(offset + 7, d.rootService).bind(offset + 8, d.rootOperation);
    else
        st.bindNull(offset + 7).bindNull(offset + 8);
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
