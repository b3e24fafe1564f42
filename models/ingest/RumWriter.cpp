#include "RumWriter.h"

#include "DatadogIds.h"
#include "DimensionCache.h"
#include "PendingRows.h"
#include "ResourceKey.h"
#include "SessionTracker.h"
#include "Sqlite.h"
#include "TextLimits.h"
#include "WriteStatements.h"
#include "WriteTouches.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

namespace seam {

RumWriter::RumWriter(Database& db, WriteStatements& statements, DimensionCache& dimensions,
                     PendingRows& pending, SessionTracker& sessions, DatadogIds& datadog,
                     WriteTouches& touches)
    : m_db(db), m_st(statements), m_dimensions(dimensions), m_pending(pending), m_sessions(sessions),
      m_datadog(datadog), m_touches(touches), m_vitals(db)
{}

void RumWriter::writeSessions(const RecordBatch& batch)
{
    auto& st = m_st.sessionUpsert;
    for (const SessionRecord& s : batch.sessions) {
        if (s.key.empty())
            continue;
        st.bindText(1, s.key).bindTextOrNull(2, s.userId).bindTextOrNull(3, s.browser);
        st.bindTextOrNull(4, s.browserVersion).bindTextOrNull(5, s.os).bindTextOrNull(6, s.device);
        st.bindTextOrNull(7, s.country).bindTextOrNull(8, s.appVersion);
        if (s.start)
            st.bind(9, s.start);
        else
            st.bindNull(9);
        if (s.end || s.start)
            st.bind(10, std::max(s.end, s.start));
        else
            st.bindNull(10);
        st.step();
        const std::int64_t id = st.int64(0), visit = st.int64(1);
        st.reset();
        m_dimensions.noteSession(s.key, id, visit);
        m_touches.sessions.insert(visit);
        if (visit != id) { // a merged-away session's extent widens its visit's
            for (const TimeNs t : {s.start, s.end})
                if (t)
                    m_sessions.extend(visit, t);
        }
    }
}

void RumWriter::writePageLoads(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    for (const PageLoadRecord& p : batch.pageLoads) {
        if (p.key.empty())
            continue;
        const std::int64_t session = m_dimensions.sessionId(p.sessionKey);
        const std::int64_t reportSession = m_dimensions.reportSessionId(p.sessionKey);
        const std::int64_t app = m_dimensions.serviceId(p.app);
        // Reserved, not inserted: writeSpans() follows in the same batch and writes the row once, with
        // the figures of its spans (the document's trace usually brings some), instead of an empty row now
        // and an UPDATE of it and of its place in traces_by_start then.
        const std::int64_t trace = p.traceId.isValid() ? m_dimensions.reserveTraceRow(p.traceId) : 0;
        const std::string_view route = p.route.empty() ? ingest::urlPath(p.url) : std::string_view(p.route);

        // The key names a report; its page load may hold other sources' reports of the same navigation.
        // Stored naming its trace by row when it is an OTLP key (schema v16), the row created when new.
        char keyBuffer[resource_key::kMaxPacked];
        const DimensionCache::StoredKey key =
            *m_dimensions.storedKey(p.key, DimensionCache::KeyForms::Otlp, true, keyBuffer);
        std::int64_t existing = 0, existingVersion = 0, report = 0;
        auto& sel = m_st.pageLoadSelect;
        DimensionCache::bindStoredKey(sel, 1, key);
        if (sel.step()) {
            existing = sel.int64(0);
            existingVersion = sel.int64(1);
            report = sel.int64(2);
        }
        sel.reset();
        if (existing && p.version <= existingVersion)
            continue; // same or older version: re-import or an out-of-date update

        // Written twice with the same values: the report as this source gave it, and the page load (a
        // merged one gets its canonical values back from its reports in PageLoadReconciler).
        const PageLoadRow row{session, app, route, trace, sourceId};
        const std::string_view reporter = p.reporter.empty() ? std::string_view("other") : p.reporter;
        if (existing) {
            // Each of the three binds what it uses: parameters a statement lacks are ignored by SQLite.
            for (Statement* st :
                 {&m_st.pageLoadPlaceUpdate, &m_st.pageLoadTimingsUpdate, &m_st.pageLoadRestUpdate}) {
                bindPageLoad(*st, p, existing, row, false);
                st->run();
            }
        } else {
            DimensionCache::bindStoredKey(m_st.pageLoadInsert, 1, key);
            bindPageLoad(m_st.pageLoadInsert, p, 0, row, true);
            m_st.pageLoadInsert.bindText(17, reporter); // its sort_sources: the report's format
            m_st.pageLoadInsert.run();
        }
        const std::int64_t id = existing ? existing : m_db.lastInsertRowId();
        Statement& rep = existing ? m_st.reportUpdate : m_st.reportInsert;
        PageLoadRow reportRow = row;
        reportRow.session = reportSession;
        bindPageLoad(rep, p, existing ? report : id, reportRow, !existing);
        if (!existing) {
            DimensionCache::bindStoredKey(rep, 17, key);
            rep.bindText(18, reporter);
            if (!m_touches.reporters.contains(reporter))
                m_touches.reporters.emplace(reporter);
        }
        rep.run();

        if (p.values) // a newer version of the view carries its whole context: replace
            writePageLoadValues(id, *p.values, existing != 0);
        m_dimensions.notePageLoad(p.key, id);
        m_touches.notePageLoadRows(id);
        if (session) {
            m_touches.sessions.insert(session);
            m_sessions.extend(session, p.start);
        }
        if (trace)
            m_touches.traces.insert(trace);
        if (!existing) {
            ++result.newPageLoads;
            ++result.newRecords;
            adoptIntoPageLoad(id, p.key, session, p.sessionKey, p.start);
        }
    }
}

void RumWriter::writePageLoadValues(std::int64_t pageLoadId,
                                    const std::vector<std::pair<std::string, double>>& values, bool replace)
{
    if (replace)
        m_st.pageLoadValuesClear.bind(1, pageLoadId).run();
    for (const auto& [key, v] : values)
        m_st.pageLoadValueInsert.bind(1, pageLoadId).bindText(2, ingest::clip(key, 256)).bind(3, v).run();
}

void RumWriter::bindPageLoad(Statement& st, const PageLoadRecord& p, std::int64_t id, const PageLoadRow& row,
                             bool withSource)
{
    // ?1 is the row's id (updates, reportInsert) or the key, bound by the caller (pageLoadInsert).
    int i = 1;
    if (id)
        st.bind(i, id);
    ++i;
    if (row.session)
        st.bind(i++, row.session);
    else
        st.bindNull(i++);
    st.bind(i++, row.app);
    st.bindText(i++, ingest::clip(p.url, 8192));
    st.bindText(i++, ingest::clip(row.route, 1024));
    st.bind(i++, p.start);
    st.bindNonNegative(i++, p.duration);
    st.bindNonNegative(i++, p.ttfb);
    st.bindNonNegative(i++, p.fcp);
    st.bindNonNegative(i++, p.lcp);
    if (p.cls >= 0)
        st.bind(i++, p.cls);
    else
        st.bindNull(i++);
    st.bindNonNegative(i++, p.inp);
    if (row.trace)
        st.bind(i++, row.trace);
    else
        st.bindNull(i++);
    if (p.spanId)
        st.bind(i++, p.spanId);
    else
        st.bindNull(i++);
    st.bind(i++, p.version);
    if (withSource)
        st.bind(i++, row.sourceId);
}

void RumWriter::adoptIntoPageLoad(std::int64_t pageLoadId, const std::string& key, std::int64_t session,
                                  const std::string& sessionKey, TimeNs start)
{
    // Items that named this page load before it arrived. Usually there are none at all, and then the
    // four lookups are skipped: the writer knows how many are pending.
    for (int table = 0; table < 4; ++table) {
        if (m_pending.count(PendingRows::Kind(table)) == 0)
            continue;
        auto& st = m_st.adoptByKey[table];
        st.bind(1, pageLoadId).bindText(2, key);
        while (st.step()) {
            m_pending.remove(PendingRows::Kind(table));
            if (!st.isNull(0))
                m_touches.sessions.insert(st.int64(0));
        }
        st.reset();
    }
    // Web vitals that arrived first.
    std::vector<std::pair<std::string, double>> vitals;
    const bool vitalsPending = m_pending.count(PendingRows::Kind::Vitals) > 0;
    if (vitalsPending) {
        auto& byKey = m_st.pendingVitalsByKey;
        byKey.bindText(1, key);
        while (byKey.step()) {
            m_pending.remove(PendingRows::Kind::Vitals);
            vitals.emplace_back(std::string(byKey.text(0)), byKey.real(1));
        }
        byKey.reset();
    }

    if (session) {
        auto& next = m_st.nextPageLoadStart;
        next.bind(1, session).bind(2, start);
        TimeNs end = std::numeric_limits<TimeNs>::max();
        if (next.step() && !next.isNull(0))
            end = next.int64(0);
        next.reset();
        // The page load before this one may lose items that were attached to it by time.
        auto& before = m_st.pageLoadBefore;
        before.bind(1, session).bind(2, start);
        if (before.step())
            m_touches.notePageLoadRows(before.int64(0));
        before.reset();
        if (m_sessions.mayHaveItemsAfter(session, start)) {
            for (auto& st : m_st.adoptByTime) {
                st.bind(1, pageLoadId).bind(2, session).bind(3, start).bind(4, end);
                st.run();
            }
        }
        if (vitalsPending && !sessionKey.empty()) {
            auto& bySession = m_st.pendingVitalsBySession;
            bySession.bindText(1, sessionKey).bind(2, start).bind(3, end);
            while (bySession.step()) {
                m_pending.remove(PendingRows::Kind::Vitals);
                vitals.emplace_back(std::string(bySession.text(0)), bySession.real(1));
            }
            bySession.reset();
        }
    }
    m_vitalRun.clear();
    const std::int64_t reportSession = vitals.empty() ? 0 : m_dimensions.reportSessionId(sessionKey);
    for (const auto& [name, value] : vitals)
        if (VitalWriter::kept(name))
            m_vitalRun.push_back({pageLoadId, name, value, key, reportSession});
    m_vitals.write(m_vitalRun, m_dimensions);
    if (!m_vitalRun.empty())
        m_touches.pageLoads.insert(pageLoadId);
}

DimensionCache::StoredKey RumWriter::storedKey(std::string_view key, char* buffer)
{
    return *m_dimensions.storedKey(key, DimensionCache::KeyForms::OtlpAndDatadog, true, buffer);
}

void RumWriter::writeRumEvents(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    auto bindPage = [](Statement& st, const PageRef& page, const std::string& key, std::int64_t session) {
        if (page.id)
            st.bind(2, page.id);
        else
            st.bindNull(2);
        st.bindTextOrNull(3, page.id && !page.byTime ? std::string_view() : std::string_view(key));
        st.bind(4, page.byTime ? 1 : 0);
        if (session)
            st.bind(5, session);
        else
            st.bindNull(5);
    };
    auto after = [&](const PageRef& page, std::int64_t session, PendingRows::Kind kind,
                     const std::string& pageLoadKey, TimeNs time) {
        if (m_db.changes() == 0)
            return;
        if (session)
            m_sessions.noteItem(session, time);
        if (!page.id && !pageLoadKey.empty())
            m_pending.add(kind);
        ++result.newRecords;
        if (page.id)
            m_touches.notePageLoadRows(page.id);
        if (session)
            m_touches.sessions.insert(session);
    };

    for (const RumErrorRecord& e : batch.rumErrors) {
        if (e.key.empty())
            continue;
        const std::int64_t session = m_dimensions.sessionId(e.sessionKey);
        const PageRef page = m_dimensions.resolvePage(e.pageLoadKey, session, e.time);
        auto& st = m_st.errorInsert;
        st.bindText(1, e.key);
        bindPage(st, page, e.pageLoadKey, session);
        st.bind(6, e.time)
            .bindTextOrNull(7, ingest::clip(e.type, 1024))
            .bindTextOrNull(8, ingest::clip(e.message, 16384));
        st.bindTextOrNull(9, e.source)
            .bindTextOrNull(10, ingest::clip(e.stack, 65536))
            .bindTextOrNull(11, ingest::clip(e.resourceUrl, 8192));
        if (e.resourceStatus)
            st.bind(12, e.resourceStatus);
        else
            st.bindNull(12);
        st.bind(13, sourceId);
        st.run();
        after(page, session, PendingRows::Kind::RumErrors, e.pageLoadKey, e.time);
    }
    for (const ActionRecord& a : batch.actions) {
        if (a.key.empty())
            continue;
        const std::int64_t session = m_dimensions.sessionId(a.sessionKey);
        const PageRef page = m_dimensions.resolvePage(a.pageLoadKey, session, a.time);
        auto& st = m_st.actionInsert;
        char buffer[resource_key::kMaxPacked]; // packed as resources.key is (ResourceKey.h, v16)
        DimensionCache::bindStoredKey(st, 1, storedKey(a.key, buffer));
        bindPage(st, page, a.pageLoadKey, session);
        st.bind(6, a.time)
            .bindNonNegative(7, a.duration)
            .bindTextOrNull(8, a.type)
            .bindTextOrNull(9, ingest::clip(a.name, 1024));
        st.bindTextOrNull(10, a.frustration).bind(11, sourceId);
        st.run();
        if (!a.values.empty() && m_db.changes() > 0) { // a new action (a re-import adds nothing)
            const std::int64_t id = m_db.lastInsertRowId();
            auto& value = m_st.actionValueInsert;
            for (const auto& [key, v] : a.values) {
                value.bind(1, id).bindText(2, ingest::clip(key, 256)).bind(3, v);
                value.run();
            }
        }
        after(page, session, PendingRows::Kind::Actions, a.pageLoadKey, a.time);
    }
    for (const LongTaskRecord& t : batch.longTasks) {
        if (t.key.empty())
            continue;
        const std::int64_t session = m_dimensions.sessionId(t.sessionKey);
        const PageRef page = m_dimensions.resolvePage(t.pageLoadKey, session, t.time);
        auto& st = m_st.longTaskInsert;
        char buffer[resource_key::kMaxPacked];
        DimensionCache::bindStoredKey(st, 1, storedKey(t.key, buffer));
        bindPage(st, page, t.pageLoadKey, session);
        st.bind(6, t.time).bind(7, std::max<TimeNs>(t.duration, 0)).bind(8, sourceId);
        st.run();
        after(page, session, PendingRows::Kind::LongTasks, t.pageLoadKey, t.time);
    }
}

void RumWriter::writeVitals(const RecordBatch& batch)
{
    m_vitalRun.clear();
    for (const VitalRecord& v : batch.vitals) {
        const std::int64_t session = m_dimensions.sessionId(v.sessionKey);
        const PageRef page = m_dimensions.resolvePage(v.pageLoadKey, session, v.time);
        if (page.id) {
            if (VitalWriter::kept(v.name)) {
                m_vitalRun.push_back(
                    {page.id, v.name, v.value, v.pageLoadKey, m_dimensions.reportSessionId(v.sessionKey)});
                m_touches.pageLoads.insert(page.id);
            }
            continue;
        }
        auto& st = m_st.pendingVitalInsert;
        st.bindTextOrNull(1, v.pageLoadKey)
            .bindTextOrNull(2, v.sessionKey)
            .bind(3, v.time)
            .bindText(4, v.name);
        st.bind(5, v.value).run();
        m_pending.add(PendingRows::Kind::Vitals);
    }
    m_vitals.write(m_vitalRun, m_dimensions);
}

void RumWriter::refreshCounters()
{
    m_sessions.flushExtents();
    // Computed, then written only when they changed: the row and its error-count index are rewritten by
    // any UPDATE that sets them, and most touched page loads (a link, a vital, one more resource of
    // another page load's session) keep their counts.
    m_pageLoadsCounted += m_touches.pageLoadsToCount.size();
    for (const std::int64_t pageLoad : m_touches.pageLoadsToCount) {
        Statement& get = m_st.pageLoadCounters;
        get.bind(1, pageLoad);
        if (!get.step()) {
            get.reset(); // merged away since
            continue;
        }
        const std::int64_t network = get.int64(0), errors = get.int64(1) + network, calls = get.int64(2);
        const bool sameCounts = network == get.int64(3) && calls == get.int64(5);
        const bool sameErrors = errors == get.int64(4);
        get.reset();
        if (!sameCounts)
            m_st.pageLoadCountsUpdate.bind(1, pageLoad).bind(2, network).bind(3, calls).run();
        if (!sameErrors)
            m_st.pageLoadErrorCountUpdate.bind(1, pageLoad).bind(2, errors).run();
    }
    for (const std::int64_t session : m_touches.sessions)
        m_st.sessionCounters.bind(1, session).run();
}

} // namespace seam
