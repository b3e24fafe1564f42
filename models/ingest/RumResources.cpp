// RumWriter's resources (RumWriter.h): a browser call's row, merged into its twin when another
// instrumentation of the page reported the same request.

#include "DatadogIds.h"
#include "DimensionCache.h"
#include "ManyRowsSql.h"
#include "PendingRows.h"
#include "ResourceKey.h"
#include "RumWriter.h"
#include "SessionTracker.h"
#include "Sqlite.h"
#include "TextLimits.h"
#include "WriteStatements.h"
#include "WriteTouches.h"

#include <cstring>

namespace seam {

void RumWriter::writeResources(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    m_freshResources.clear(); // what a failed batch left
    for (const ResourceRecord& r : batch.resources) {
        if (r.key.empty())
            continue;
        m_touches.noteInferenceTime(r.start);
        const std::int64_t session = m_dimensions.sessionId(r.sessionKey);
        const PageRef page = m_dimensions.resolvePage(r.pageLoadKey, session, r.start);
        std::int64_t trace = 0;
        if (r.traceId.isValid()) {
            trace = m_dimensions.traceRow(r.traceId);
        } else if (r.traceIdLow64) {
            trace = m_datadog.traceForLow64(r.traceIdLow64); // 0: keep the low bits and wait
        }
        // Packed when it packs (ResourceKey.h). An OTLP key names its trace by row (schema v16), created
        // here when new, so that keys follow arrival.
        FreshResource row{&r, session, page, trace, {}, 0};
        const DimensionCache::StoredKey key = storedKey(r.key, row.key.data());
        if (r.mayHaveTwin && session) {
            flushFreshResources(sourceId, result); // the twin may be among them
            if (mergeIntoTwin(r, key, session, trace))
                continue;
        }
        // A key naming a trace this group created cannot be in the cache unless this group wrote it:
        // such rows go in many to a statement (a resource's statement opens and closes ten cursors, one
        // per index). A key met twice goes on its own after the ones before it, and is ignored.
        if (const std::int64_t keyTrace = resource_key::traceRowOf(key.bytes);
            keyTrace && key.packed && key.bytes.data() == row.key.data() &&
            m_dimensions.createdInGroup(keyTrace)) {
            std::uint64_t span = 0;
            std::memcpy(&span, key.bytes.data() + key.bytes.size() - sizeof span, sizeof span);
            if (m_freshResourceKeys.insert(keyTrace, span)) {
                row.keySize = std::uint8_t(key.bytes.size());
                m_freshResources.push_back(row);
                if (m_freshResources.size() == std::size_t(WriteStatements::kResourceRowsPerInsert))
                    flushFreshResources(sourceId, result);
                continue;
            }
            flushFreshResources(sourceId, result);
        }
        auto& st = m_st.resourceInsert;
        bindResource(st, 0, r, key, session, page, trace, sourceId);
        st.run();
        if (m_db.changes() != 0)
            noteResourceWritten(r, page, session, trace, result);
    }
    flushFreshResources(sourceId, result);
}

void RumWriter::flushFreshResources(std::int64_t sourceId, BatchResult& result)
{
    // Single rows go through resourceInsert, OR IGNORE too: every count is checked.
    runManyRows(
        m_st.resourceInsertMany, m_st.resourceInsert, m_freshResources.size(),
        WriteStatements::kResourceRowsPerInsert, WriteStatements::kResourceColumns,
        [&](Statement& st, int at, std::size_t i) {
            const FreshResource& f = m_freshResources[i];
            const DimensionCache::StoredKey key{std::string_view(f.key.data(), f.keySize), true};
            bindResource(st, at, *f.record, key, f.session, f.page, f.trace, sourceId);
        },
        [&](int rows) { requireRowsWritten(m_db, rows, "resources"); });
    for (const FreshResource& f : m_freshResources)
        noteResourceWritten(*f.record, f.page, f.session, f.trace, result);
    m_freshResources.clear();
}

void RumWriter::bindResource(Statement& st, int at, const ResourceRecord& r,
                             const DimensionCache::StoredKey& key, std::int64_t session, const PageRef& page,
                             std::int64_t trace, std::int64_t sourceId)
{
    // The one place a resource row's columns are bound, at `at` + 1 ... `at` + kResourceColumns.
    DimensionCache::bindStoredKey(st, at + 1, key);
    if (page.id)
        st.bind(at + 2, page.id);
    else
        st.bindNull(at + 2);
    st.bindTextOrNull(at + 3, page.id && !page.byTime ? std::string_view() : std::string_view(r.pageLoadKey));
    st.bind(at + 4, page.byTime ? 1 : 0);
    if (session)
        st.bind(at + 5, session);
    else
        st.bindNull(at + 5);
    st.bindText(at + 6, r.type.empty() ? std::string_view("other") : std::string_view(r.type));
    st.bindTextOrNull(at + 7, r.method).bindText(at + 8, ingest::clip(r.url, 8192));
    if (r.statusCode || r.failed)
        st.bind(at + 9, r.failed ? 0 : r.statusCode);
    else
        st.bindNull(at + 9);
    st.bind(at + 10, r.start).bindNonNegative(at + 11, r.duration).bindNonNegative(at + 12, r.transferSize);
    st.bindNonNegative(at + 13, r.dnsNs)
        .bindNonNegative(at + 14, r.connectNs)
        .bindNonNegative(at + 15, r.sslNs);
    st.bindNonNegative(at + 16, r.ttfbNs).bindNonNegative(at + 17, r.downloadNs);
    if (trace)
        st.bind(at + 18, trace);
    else
        st.bindNull(at + 18);
    if (!trace && r.traceIdLow64)
        st.bind(at + 19, r.traceIdLow64);
    else
        st.bindNull(at + 19);
    if (r.spanId)
        st.bind(at + 20, r.spanId);
    else
        st.bindNull(at + 20);
    st.bind(at + 21, int(r.traceIdSource)).bind(at + 22, sourceId).bindTextOrNull(at + 23, r.reporter);
}

void RumWriter::noteResourceWritten(const ResourceRecord& r, const PageRef& page, std::int64_t session,
                                    std::int64_t trace, BatchResult& result)
{
    if (!page.id && !r.pageLoadKey.empty())
        m_pending.add(PendingRows::Kind::Resources);
    if (!trace && r.traceIdLow64)
        m_pending.add(PendingRows::Kind::TraceLow64);
    ++result.newResources;
    ++result.newRecords;
    if (trace)
        m_touches.traces.insert(trace);
    if (page.id)
        m_touches.notePageLoadRows(page.id);
    if (session) {
        m_sessions.extend(session, r.start);
        m_sessions.noteItem(session, r.start);
    }
}

bool RumWriter::mergeIntoTwin(const ResourceRecord& r, const DimensionCache::StoredKey& key,
                              std::int64_t session, std::int64_t trace)
{
    auto& find = m_st.resourceTwin;
    find.bind(1, session).bind(2, r.start).bindText(3, ingest::clip(r.url, 8192));
    find.bindText(4, r.type.empty() ? std::string_view("other") : std::string_view(r.type));
    DimensionCache::bindStoredKey(find, 5, key);
    if (trace)
        find.bind(6, trace);
    else
        find.bindNull(6);
    std::int64_t twin = 0, twinPageLoad = 0;
    int found = 0;
    while (find.step()) {
        ++found;
        twin = find.int64(0);
        twinPageLoad = find.isNull(1) ? 0 : find.int64(1);
    }
    find.reset();
    if (found != 1)
        return false; // none, or two identical calls at once: keep the record on its own
    auto& up = m_st.resourceMerge;
    up.bind(1, twin).bindTextOrNull(2, r.method);
    if (r.statusCode || r.failed)
        up.bind(3, r.failed ? 0 : r.statusCode);
    else
        up.bindNull(3);
    up.bindNonNegative(4, r.duration).bindNonNegative(5, r.transferSize).bindNonNegative(6, r.dnsNs);
    up.bindNonNegative(7, r.connectNs).bindNonNegative(8, r.sslNs).bindNonNegative(9, r.ttfbNs);
    up.bindNonNegative(10, r.downloadNs);
    if (trace)
        up.bind(11, trace);
    else
        up.bindNull(11);
    if (r.spanId)
        up.bind(12, r.spanId);
    else
        up.bindNull(12);
    up.bind(13, int(r.traceIdSource));
    up.run();
    // The twin may gain a status (a failed call) or a trace id: its page load is counted again.
    if (twinPageLoad)
        m_touches.notePageLoadRows(twinPageLoad);
    if (trace)
        m_touches.traces.insert(trace);
    return true;
}

} // namespace seam
