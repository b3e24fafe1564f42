#include "BatchWriter.h"

#include "Hash.h"
#include "LinkInference.h"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace seam {
namespace {

constexpr std::size_t kMaxNameBytes = 512; // operation names are labels, not payloads
constexpr std::size_t kCacheLimit = 1'000'000;

std::string serviceKey(const ServiceRef& s)
{
    std::string k;
    k.reserve(s.name.size() + s.ns.size() + s.version.size() + s.environment.size() + 3);
    k += s.name;
    k += '\x1f';
    k += s.ns;
    k += '\x1f';
    k += s.version;
    k += '\x1f';
    k += s.environment;
    return k;
}

std::string_view clip(std::string_view s, std::size_t max)
{
    if (s.size() <= max)
        return s;
    // Do not cut a UTF-8 sequence in half.
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return s.substr(0, n);
}

std::string_view urlPath(std::string_view url)
{
    auto scheme = url.find("://");
    std::size_t start = 0;
    if (scheme != std::string_view::npos) {
        start = url.find('/', scheme + 3);
        if (start == std::string_view::npos)
            return "/";
    }
    auto end = url.find_first_of("?#", start);
    auto path = url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    return path.empty() ? std::string_view("/") : path;
}

} // namespace

struct BatchWriter::Statements
{
    explicit Statements(Database& db)
        : serviceUpsert(
              db.prepare("INSERT INTO services(name, namespace, version, environment, is_browser) VALUES "
                         "(?1, ?2, ?3, ?4, ?5) "
                         "ON CONFLICT(name, namespace, version, environment) DO UPDATE SET "
                         "is_browser = max(is_browser, excluded.is_browser) RETURNING id, is_browser")),
          operationUpsert(db.prepare("INSERT INTO operations(service_id, name) VALUES (?1, ?2) "
                                     "ON CONFLICT(service_id, name) DO UPDATE SET name = name RETURNING id")),
          traceSelect(db.prepare("SELECT id FROM traces WHERE trace_id = ?1")),
          traceInsert(db.prepare("INSERT INTO traces(trace_id, trace_lo) VALUES (?1, ?2)")),
          traceUpdate(db.prepare(
              "UPDATE traces SET span_count = span_count + ?2, backend_span_count = backend_span_count + ?3, "
              "error_count = error_count + ?4, start_ns = min(coalesce(start_ns, ?5), ?5), "
              "end_ns = max(coalesce(end_ns, ?6), ?6), root_service_id = coalesce(?7, root_service_id), "
              "root_operation_id = coalesce(?8, root_operation_id) WHERE id = ?1")),
          spanInsert(db.prepare("INSERT OR IGNORE INTO spans(trace, span_id, parent_span_id, service_id, "
                                "operation_id, kind, start_ns, end_ns, status_code, payload, source_id) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")),
          payloadInsert(
              db.prepare("INSERT INTO span_payloads(id, status_message, attributes, events, links, scope) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6)")),
          sessionUpsert(db.prepare(
              "INSERT INTO sessions(key, user_id, browser, browser_version, os, device, country, "
              "app_version, "
              "start_ns, end_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(key) DO UPDATE "
              "SET "
              "user_id = coalesce(excluded.user_id, user_id), browser = coalesce(excluded.browser, browser), "
              "browser_version = coalesce(excluded.browser_version, browser_version), "
              "os = coalesce(excluded.os, os), device = coalesce(excluded.device, device), "
              "country = coalesce(excluded.country, country), "
              "app_version = coalesce(excluded.app_version, app_version), "
              "start_ns = min(coalesce(start_ns, excluded.start_ns), coalesce(excluded.start_ns, start_ns)), "
              "end_ns = max(coalesce(end_ns, excluded.end_ns), coalesce(excluded.end_ns, end_ns)) RETURNING "
              "id")),
          sessionSelect(db.prepare("SELECT id FROM sessions WHERE key = ?1")),
          sessionInsertBare(db.prepare("INSERT INTO sessions(key) VALUES (?1)")),
          sessionExtend(db.prepare("UPDATE sessions SET start_ns = min(coalesce(start_ns, ?2), ?2), "
                                   "end_ns = max(coalesce(end_ns, ?3), ?3) WHERE id = ?1")),
          pageLoadSelect(db.prepare("SELECT id, version FROM page_loads WHERE key = ?1")),
          pageLoadInsert(
              db.prepare("INSERT INTO page_loads(key, session_id, app_service_id, url, route, start_ns, "
                         "duration_ns, ttfb_ns, "
                         "fcp_ns, lcp_ns, cls, inp_ns, trace, span_id, version, source_id) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)")),
          pageLoadUpdate(db.prepare(
              "UPDATE page_loads SET session_id = coalesce(?2, session_id), app_service_id = ?3, url = ?4, "
              "route = ?5, start_ns = ?6, duration_ns = coalesce(?7, duration_ns), ttfb_ns = coalesce(?8, "
              "ttfb_ns), "
              "fcp_ns = coalesce(?9, fcp_ns), lcp_ns = coalesce(?10, lcp_ns), cls = coalesce(?11, cls), "
              "inp_ns = coalesce(?12, inp_ns), trace = coalesce(?13, trace), span_id = coalesce(?14, "
              "span_id), "
              "version = ?15 WHERE id = ?1")),
          pageLoadAt(db.prepare("SELECT id FROM page_loads WHERE session_id = ?1 AND start_ns <= ?2 "
                                "ORDER BY start_ns DESC LIMIT 1")),
          pageLoadBefore(db.prepare("SELECT id FROM page_loads WHERE session_id = ?1 AND start_ns < ?2 "
                                    "ORDER BY start_ns DESC LIMIT 1")),
          nextPageLoadStart(
              db.prepare("SELECT min(start_ns) FROM page_loads WHERE session_id = ?1 AND start_ns > ?2")),
          resourceInsert(db.prepare("INSERT OR IGNORE INTO resources(key, page_load_id, page_load_key, "
                                    "page_load_by_time, session_id, type, "
                                    "method, url, status, start_ns, duration_ns, transfer_size, dns_ns, "
                                    "connect_ns, ssl_ns, ttfb_ns, "
                                    "download_ns, trace, trace_lo, span_id, id_source, source_id) VALUES "
                                    "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, "
                                    "?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)")),
          // A twin: the same request reported by the other instrumentation of the same page, the one with
          // the trace id when this one has none and vice versa (or the same trace: a re-import). Starts
          // within 50 ms; durations are not compared (a fetch span ends when the page has read the body).
          resourceTwin(db.prepare(
              "SELECT id, trace FROM resources WHERE session_id = ?1 AND start_ns BETWEEN ?2 - 50000000 AND "
              "?2 + 50000000 AND url = ?3 AND type = ?4 AND key <> ?5 AND (CASE WHEN ?6 IS NULL THEN trace "
              "IS NOT NULL ELSE trace IS NULL OR trace = ?6 END) LIMIT 2")),
          resourceMerge(db.prepare(
              "UPDATE resources SET method = coalesce(method, ?2), status = coalesce(status, ?3), "
              "duration_ns = coalesce(duration_ns, ?4), transfer_size = coalesce(transfer_size, ?5), "
              "dns_ns = coalesce(dns_ns, ?6), connect_ns = coalesce(connect_ns, ?7), ssl_ns = "
              "coalesce(ssl_ns, "
              "?8), ttfb_ns = coalesce(ttfb_ns, ?9), download_ns = coalesce(download_ns, ?10), "
              "span_id = CASE WHEN trace IS NULL AND ?11 IS NOT NULL THEN ?12 ELSE span_id END, "
              "id_source = CASE WHEN trace IS NULL AND ?11 IS NOT NULL THEN ?13 ELSE id_source END, "
              "trace = coalesce(trace, ?11) WHERE id = ?1")),
          traceByLo(db.prepare("SELECT id FROM traces WHERE trace_lo = ?1 LIMIT 2")),
          resourcesByLo(db.prepare("UPDATE resources SET trace = ?1 WHERE trace IS NULL AND trace_lo = ?2 "
                                   "RETURNING id")),
          errorInsert(
              db.prepare("INSERT OR IGNORE INTO rum_errors(key, page_load_id, page_load_key, "
                         "page_load_by_time, session_id, "
                         "time_ns, type, message, source, stack, resource_url, resource_status, source_id) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)")),
          actionInsert(db.prepare("INSERT OR IGNORE INTO actions(key, page_load_id, page_load_key, "
                                  "page_load_by_time, session_id, "
                                  "time_ns, duration_ns, type, name, frustration, source_id) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")),
          longTaskInsert(
              db.prepare("INSERT OR IGNORE INTO long_tasks(key, page_load_id, page_load_key, "
                         "page_load_by_time, session_id, "
                         "time_ns, duration_ns, source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")),
          pendingVitalInsert(
              db.prepare("INSERT INTO pending_vitals(page_load_key, session_key, time_ns, name, value) "
                         "VALUES (?1, ?2, ?3, ?4, ?5)")),
          pendingVitalsByKey(db.prepare("DELETE FROM pending_vitals WHERE page_load_key = ?1 "
                                        "RETURNING name, value")),
          pendingVitalsBySession(db.prepare(
              "DELETE FROM pending_vitals WHERE page_load_key IS NULL AND session_key = ?1 AND time_ns >= ?2 "
              "AND time_ns < ?3 RETURNING name, value")),
          logInsert(db.prepare(
              "INSERT OR IGNORE INTO logs(fingerprint, time_ns, service_id, severity, severity_text, body, "
              "attributes, trace, span_id, source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)")),
          pageLoadCounters(db.prepare(
              "UPDATE page_loads SET error_count = (SELECT count(*) FROM rum_errors WHERE page_load_id = "
              "?1), "
              "resource_count = (SELECT count(*) FROM resources WHERE page_load_id = ?1) WHERE id = ?1")),
          sessionCounters(db.prepare(
              "UPDATE sessions SET page_load_count = (SELECT count(*) FROM page_loads WHERE session_id = "
              "?1), "
              "error_count = (SELECT count(*) FROM rum_errors WHERE session_id = ?1) WHERE id = ?1"))
    {
        static const char* const tables[] = {"resources", "rum_errors", "actions", "long_tasks"};
        static const char* const timeColumn[] = {"start_ns", "time_ns", "time_ns", "time_ns"};
        for (int i = 0; i < 4; ++i) {
            adoptByKey[i] =
                db.prepare(std::string("UPDATE ") + tables[i] +
                           " SET page_load_id = ?1, page_load_by_time = 0 "
                           "WHERE page_load_key = ?2 AND page_load_id IS NULL RETURNING session_id");
            // Attached-by-time items of this session inside [start, next page load) move here: they were
            // given to an earlier page load only because this one had not arrived yet.
            adoptByTime[i] =
                db.prepare(std::string("UPDATE ") + tables[i] +
                           " SET page_load_id = ?1, page_load_by_time = 1 WHERE session_id = ?2 AND " +
                           timeColumn[i] + " >= ?3 AND " + timeColumn[i] +
                           " < ?4 AND page_load_key IS NULL AND (page_load_id IS NULL OR "
                           "page_load_by_time = 1) AND page_load_id IS NOT ?1");
        }
        for (const char* column : {"ttfb_ns", "fcp_ns", "lcp_ns", "inp_ns", "cls"})
            vitalUpdate.emplace_back(
                column, db.prepare(std::string("UPDATE page_loads SET ") + column + " = ?2 WHERE id = ?1"));
    }

    Statement serviceUpsert, operationUpsert, traceSelect, traceInsert, traceUpdate, spanInsert,
        payloadInsert;
    Statement sessionUpsert, sessionSelect, sessionInsertBare, sessionExtend;
    Statement pageLoadSelect, pageLoadInsert, pageLoadUpdate, pageLoadAt, pageLoadBefore, nextPageLoadStart;
    Statement resourceInsert, resourceTwin, resourceMerge, traceByLo, resourcesByLo, errorInsert,
        actionInsert, longTaskInsert;
    Statement pendingVitalInsert, pendingVitalsByKey, pendingVitalsBySession, logInsert;
    Statement pageLoadCounters, sessionCounters;
    Statement adoptByKey[4], adoptByTime[4];
    std::vector<std::pair<std::string, Statement>> vitalUpdate;
};

BatchWriter::BatchWriter(Database& db) : m_db(db), m_st(new Statements(db)), m_correlator(db)
{
    if (std::getenv("SEAM_PROFILE_WRITER"))
        m_profile = std::make_unique<StageProfile>();
}

BatchWriter::~BatchWriter()
{
    if (m_profile)
        m_profile->print(stderr);
    delete m_st;
}

void BatchWriter::invalidateCaches()
{
    m_services.clear();
    m_operations.clear();
    m_traces.clear();
    m_sessions.clear();
    m_pageLoads.clear();
    m_serviceIsBrowser.clear();
    m_lastServiceId = 0;
    m_rollups.clear();
    m_pending.fill(-1);
    m_sessionWatermark = -1;
    m_sessionLatestItem.clear();
    m_nextPayloadId = 0;
}

std::int64_t BatchWriter::serviceId(const ServiceRef& service)
{
    // Records arrive grouped by resource: most calls ask for the same service as the previous one.
    if (m_lastServiceId && service == m_lastService)
        return m_lastServiceId;
    std::string key = serviceKey(service);
    m_lastService = service;
    m_lastServiceId = 0;
    if (auto it = m_services.find(key); it != m_services.end()) {
        if (!service.isBrowser || m_serviceIsBrowser[it->second])
            return m_lastServiceId = it->second;
    }
    auto& st = m_st->serviceUpsert;
    const std::string_view name =
        clip(service.name.empty() ? std::string_view("unknown_service") : service.name, kMaxNameBytes);
    st.bindText(1, name)
        .bindText(2, clip(service.ns, kMaxNameBytes))
        .bindText(3, clip(service.version, kMaxNameBytes));
    st.bindText(4, clip(service.environment, kMaxNameBytes)).bind(5, service.isBrowser ? 1 : 0);
    st.step();
    const std::int64_t id = st.int64(0);
    m_serviceIsBrowser[id] = st.int64(1) != 0;
    st.reset();
    m_services[std::move(key)] = id;
    return m_lastServiceId = id;
}

std::int64_t BatchWriter::operationId(std::int64_t service, std::string_view name)
{
    name = clip(name, kMaxNameBytes);
    auto& names = m_operations[service];
    if (auto it = names.find(name); it != names.end()) // heterogeneous lookup: no key string built
        return it->second;
    auto& st = m_st->operationUpsert;
    st.bind(1, service).bindText(2, name);
    st.step();
    const std::int64_t id = st.int64(0);
    st.reset();
    if (names.size() > kCacheLimit)
        names.clear();
    names.emplace(std::string(name), id);
    return id;
}

std::int64_t BatchWriter::traceRow(const TraceId& id)
{
    if (auto it = m_traces.find(id); it != m_traces.end())
        return it->second;
    auto& sel = m_st->traceSelect;
    sel.bindBlob(1, id.bytes.data(), 16);
    std::int64_t row = 0;
    if (sel.step())
        row = sel.int64(0);
    sel.reset();
    if (!row) {
        auto& ins = m_st->traceInsert;
        ins.bindBlob(1, id.bytes.data(), 16).bind(2, id.low64());
        ins.run();
        row = m_db.lastInsertRowId();
        m_newTraces.emplace_back(row, id.low64());
    }
    if (m_traces.size() > kCacheLimit)
        m_traces.clear();
    m_traces.emplace(id, row);
    return row;
}

std::int64_t BatchWriter::sessionId(const std::string& key)
{
    if (key.empty())
        return 0;
    if (auto it = m_sessions.find(key); it != m_sessions.end())
        return it->second;
    auto& sel = m_st->sessionSelect;
    sel.bindText(1, key);
    std::int64_t id = 0;
    if (sel.step())
        id = sel.int64(0);
    sel.reset();
    if (!id) {
        m_st->sessionInsertBare.bindText(1, key).run();
        id = m_db.lastInsertRowId();
    }
    if (m_sessions.size() > kCacheLimit)
        m_sessions.clear();
    m_sessions.emplace(key, id);
    return id;
}

std::int64_t BatchWriter::pageLoadIdByKey(const std::string& key)
{
    if (auto it = m_pageLoads.find(key); it != m_pageLoads.end())
        return it->second;
    auto& sel = m_st->pageLoadSelect;
    sel.bindText(1, key);
    std::int64_t id = 0;
    if (sel.step())
        id = sel.int64(0);
    sel.reset();
    if (id) {
        if (m_pageLoads.size() > kCacheLimit)
            m_pageLoads.clear();
        m_pageLoads.emplace(key, id);
    }
    return id;
}

std::int64_t BatchWriter::pageLoadAt(std::int64_t session, TimeNs time)
{
    if (!session)
        return 0;
    auto& st = m_st->pageLoadAt;
    st.bind(1, session).bind(2, time);
    const std::int64_t id = st.step() ? st.int64(0) : 0;
    st.reset();
    return id;
}

BatchWriter::PageRef BatchWriter::resolvePage(const std::string& pageLoadKey, std::int64_t session,
                                              TimeNs time)
{
    if (!pageLoadKey.empty())
        return {pageLoadIdByKey(pageLoadKey), false};
    const std::int64_t id = pageLoadAt(session, time);
    return {id, id != 0};
}

std::int64_t BatchWriter::pending(PendingKind kind)
{
    std::int64_t& n = m_pending[int(kind)];
    if (n < 0) {
        static const char* const counts[] = {
            "SELECT count(*) FROM resources WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM rum_errors WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM actions WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM long_tasks WHERE page_load_id IS NULL AND page_load_key IS NOT NULL",
            "SELECT count(*) FROM pending_vitals",
            "SELECT count(*) FROM resources WHERE trace IS NULL AND trace_lo IS NOT NULL",
        };
        n = m_db.queryInt(counts[int(kind)]);
    }
    return n;
}

BatchResult BatchWriter::write(const RecordBatch& batch, std::int64_t sourceId)
{
    BatchResult result;
    m_traceDeltas.clear();
    m_newTraces.clear();
    m_touchedTraces.clear();
    m_tracesWithNewBackendSpans.clear();
    m_touchedPageLoads.clear();
    m_touchedSessions.clear();

    StageTimer timer(m_profile);
    writeSessions(batch);
    writePageLoads(batch, sourceId, result);
    timer.lap("sessions+page loads");
    writeSpans(batch, sourceId, result);
    timer.lap("spans");
    resolveDatadogIds();
    writeResources(batch, sourceId, result);
    timer.lap("resources");
    writeRumEvents(batch, sourceId, result);
    writeVitals(batch);
    writeLogs(batch, sourceId, result);
    timer.lap("rum events+logs");
    m_rollups.flush(m_db);
    timer.lap("rollups");
    result.newLinks =
        m_correlator.correlate(m_touchedTraces, m_tracesWithNewBackendSpans, m_touchedPageLoads);
    timer.lap("correlation");
    refreshCounters();
    timer.lap("counters");
    return result;
}

std::uint64_t BatchWriter::inferLinks()
{
    if (m_inferFrom > m_inferTo)
        return 0;
    const TimeNs from = m_inferFrom - kInferenceLookback, to = m_inferTo;
    m_inferFrom = std::numeric_limits<TimeNs>::max();
    m_inferTo = std::numeric_limits<TimeNs>::min();
    StageTimer timer(m_profile);
    LinkInference inference(m_db, m_correlator);
    const LinkInference::Stats stats = inference.run(from, to);
    timer.lap("inferred links");
    return std::uint64_t(stats.linked);
}

void BatchWriter::writeSessions(const RecordBatch& batch)
{
    auto& st = m_st->sessionUpsert;
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
        const std::int64_t id = st.int64(0);
        st.reset();
        m_sessions[s.key] = id;
        m_touchedSessions.insert(id);
    }
}

void BatchWriter::writePageLoads(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    for (const PageLoadRecord& p : batch.pageLoads) {
        if (p.key.empty())
            continue;
        const std::int64_t session = sessionId(p.sessionKey);
        const std::int64_t app = serviceId(p.app);
        const std::int64_t trace = p.traceId.isValid() ? traceRow(p.traceId) : 0;
        const std::string_view route = p.route.empty() ? urlPath(p.url) : std::string_view(p.route);

        std::int64_t existing = 0, existingVersion = 0;
        auto& sel = m_st->pageLoadSelect;
        sel.bindText(1, p.key);
        if (sel.step()) {
            existing = sel.int64(0);
            existingVersion = sel.int64(1);
        }
        sel.reset();
        if (existing && p.version <= existingVersion)
            continue; // same or older version: re-import or an out-of-date update

        Statement& st = existing ? m_st->pageLoadUpdate : m_st->pageLoadInsert;
        int i = 1;
        if (existing)
            st.bind(i++, existing);
        else
            st.bindText(i++, p.key);
        if (session)
            st.bind(i++, session);
        else
            st.bindNull(i++);
        st.bind(i++, app);
        st.bindText(i++, clip(p.url, 8192));
        st.bindText(i++, clip(route, 1024));
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
        if (trace)
            st.bind(i++, trace);
        else
            st.bindNull(i++);
        if (p.spanId)
            st.bind(i++, p.spanId);
        else
            st.bindNull(i++);
        st.bind(i++, p.version);
        if (!existing)
            st.bind(i++, sourceId);
        st.run();

        const std::int64_t id = existing ? existing : m_db.lastInsertRowId();
        m_pageLoads[p.key] = id;
        m_touchedPageLoads.insert(id);
        if (session) {
            m_touchedSessions.insert(session);
            extendSession(session, p.start);
        }
        if (trace)
            m_touchedTraces.insert(trace);
        if (!existing) {
            ++result.newPageLoads;
            ++result.newRecords;
            adoptIntoPageLoad(id, p.key, session, p.sessionKey, p.start);
        }
    }
}

void BatchWriter::adoptIntoPageLoad(std::int64_t pageLoadId, const std::string& key, std::int64_t session,
                                    const std::string& sessionKey, TimeNs start)
{
    // Items that named this page load before it arrived. Usually there are none at all, and then the
    // four lookups are skipped: the writer knows how many are pending.
    for (int table = 0; table < 4; ++table) {
        if (pending(PendingKind(table)) == 0)
            continue;
        auto& st = m_st->adoptByKey[table];
        st.bind(1, pageLoadId).bindText(2, key);
        while (st.step()) {
            --m_pending[table];
            if (!st.isNull(0))
                m_touchedSessions.insert(st.int64(0));
        }
        st.reset();
    }
    // Web vitals that arrived first.
    std::vector<std::pair<std::string, double>> vitals;
    const bool vitalsPending = pending(PendingKind::Vitals) > 0;
    if (vitalsPending) {
        auto& byKey = m_st->pendingVitalsByKey;
        byKey.bindText(1, key);
        while (byKey.step()) {
            --m_pending[int(PendingKind::Vitals)];
            vitals.emplace_back(std::string(byKey.text(0)), byKey.real(1));
        }
        byKey.reset();
    }

    if (session) {
        auto& next = m_st->nextPageLoadStart;
        next.bind(1, session).bind(2, start);
        TimeNs end = std::numeric_limits<TimeNs>::max();
        if (next.step() && !next.isNull(0))
            end = next.int64(0);
        next.reset();
        // The page load before this one may lose items that were attached to it by time.
        auto& before = m_st->pageLoadBefore;
        before.bind(1, session).bind(2, start);
        if (before.step())
            m_touchedPageLoads.insert(before.int64(0));
        before.reset();
        if (mayHaveItemsAfter(session, start)) {
            for (auto& st : m_st->adoptByTime) {
                st.bind(1, pageLoadId).bind(2, session).bind(3, start).bind(4, end);
                st.run();
            }
        }
        if (vitalsPending && !sessionKey.empty()) {
            auto& bySession = m_st->pendingVitalsBySession;
            bySession.bindText(1, sessionKey).bind(2, start).bind(3, end);
            while (bySession.step()) {
                --m_pending[int(PendingKind::Vitals)];
                vitals.emplace_back(std::string(bySession.text(0)), bySession.real(1));
            }
            bySession.reset();
        }
    }
    for (const auto& [name, value] : vitals)
        applyVital(pageLoadId, name, value);
}

void BatchWriter::writeSpans(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    auto& st = m_st->spanInsert;
    for (const SpanRecord& s : batch.spans) {
        m_inferFrom = std::min(m_inferFrom, s.start);
        m_inferTo = std::max(m_inferTo, s.start);
        const std::int64_t trace = traceRow(s.traceId);
        const std::int64_t service = serviceId(s.service);
        const std::int64_t operation = operationId(service, s.name);
        // This is the only writer: the next payload id is known, so the span row can carry it without
        // a second update, and the payload is only written when the span is new.
        const bool hasPayload = !s.statusMessage.empty() || !s.attributesJson.empty() ||
                                !s.eventsJson.empty() || !s.linksJson.empty() || !s.scope.empty();
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
            auto& pl = m_st->payloadInsert;
            pl.bind(1, m_nextPayloadId++)
                .bindTextOrNull(2, s.statusMessage)
                .bindTextOrNull(3, s.attributesJson);
            pl.bindTextOrNull(4, s.eventsJson).bindTextOrNull(5, s.linksJson).bindTextOrNull(6, s.scope);
            pl.run();
        }
        ++result.newSpans;
        ++result.newRecords;
        const bool error = s.statusCode == StatusCode::Error;
        const bool browser = m_serviceIsBrowser[service];
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
        m_rollups.add(service, operation, s.start, s.end - s.start, error, entry);
    }

    auto& up = m_st->traceUpdate;
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
        m_touchedTraces.insert(trace);
        if (d.backendSpans)
            m_tracesWithNewBackendSpans.insert(trace);
    }
}

void BatchWriter::resolveDatadogIds()
{
    // Resources that only knew the low 64 bits (Datadog) meet their full trace id here.
    if (pending(PendingKind::TraceLow64) == 0) {
        m_newTraces.clear();
        return;
    }
    auto& st = m_st->resourcesByLo;
    for (const auto& [row, low] : m_newTraces) {
        st.bind(1, row).bind(2, low);
        bool any = false;
        while (st.step()) {
            any = true;
            --m_pending[int(PendingKind::TraceLow64)];
        }
        st.reset();
        if (any)
            m_touchedTraces.insert(row);
    }
    m_newTraces.clear();
}

void BatchWriter::writeResources(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    auto& st = m_st->resourceInsert;
    for (const ResourceRecord& r : batch.resources) {
        if (r.key.empty())
            continue;
        m_inferFrom = std::min(m_inferFrom, r.start);
        m_inferTo = std::max(m_inferTo, r.start);
        const std::int64_t session = sessionId(r.sessionKey);
        const PageRef page = resolvePage(r.pageLoadKey, session, r.start);
        std::int64_t trace = 0;
        if (r.traceId.isValid()) {
            trace = traceRow(r.traceId);
        } else if (r.traceIdLow64) {
            auto& lo = m_st->traceByLo;
            lo.bind(1, r.traceIdLow64);
            int matches = 0;
            while (lo.step()) {
                ++matches;
                trace = lo.int64(0);
            }
            lo.reset();
            if (matches != 1)
                trace = 0; // none yet, or ambiguous: keep the low bits and wait
        }
        if (r.mayHaveTwin && session && mergeIntoTwin(r, session, trace))
            continue;
        st.bindText(1, r.key);
        if (page.id)
            st.bind(2, page.id);
        else
            st.bindNull(2);
        st.bindTextOrNull(3, page.id && !page.byTime ? std::string_view() : std::string_view(r.pageLoadKey));
        st.bind(4, page.byTime ? 1 : 0);
        if (session)
            st.bind(5, session);
        else
            st.bindNull(5);
        st.bindText(6, r.type.empty() ? std::string_view("other") : std::string_view(r.type));
        st.bindTextOrNull(7, r.method).bindText(8, clip(r.url, 8192));
        if (r.statusCode)
            st.bind(9, r.statusCode);
        else
            st.bindNull(9);
        st.bind(10, r.start).bindNonNegative(11, r.duration).bindNonNegative(12, r.transferSize);
        st.bindNonNegative(13, r.dnsNs).bindNonNegative(14, r.connectNs).bindNonNegative(15, r.sslNs);
        st.bindNonNegative(16, r.ttfbNs).bindNonNegative(17, r.downloadNs);
        if (trace)
            st.bind(18, trace);
        else
            st.bindNull(18);
        if (!trace && r.traceIdLow64)
            st.bind(19, r.traceIdLow64);
        else
            st.bindNull(19);
        if (r.spanId)
            st.bind(20, r.spanId);
        else
            st.bindNull(20);
        st.bind(21, int(r.traceIdSource)).bind(22, sourceId);
        st.run();
        if (m_db.changes() == 0)
            continue;
        if (!page.id && !r.pageLoadKey.empty())
            addPending(PendingKind::Resources);
        if (!trace && r.traceIdLow64)
            addPending(PendingKind::TraceLow64);
        ++result.newResources;
        ++result.newRecords;
        if (trace)
            m_touchedTraces.insert(trace);
        if (page.id)
            m_touchedPageLoads.insert(page.id);
        if (session) {
            extendSession(session, r.start);
            noteSessionItem(session, r.start);
        }
    }
}

bool BatchWriter::mergeIntoTwin(const ResourceRecord& r, std::int64_t session, std::int64_t trace)
{
    auto& find = m_st->resourceTwin;
    find.bind(1, session).bind(2, r.start).bindText(3, clip(r.url, 8192));
    find.bindText(4, r.type.empty() ? std::string_view("other") : std::string_view(r.type))
        .bindText(5, r.key);
    if (trace)
        find.bind(6, trace);
    else
        find.bindNull(6);
    std::int64_t twin = 0;
    int found = 0;
    while (find.step()) {
        ++found;
        twin = find.int64(0);
    }
    find.reset();
    if (found != 1)
        return false; // none, or two identical calls at once: keep the record on its own
    auto& up = m_st->resourceMerge;
    up.bind(1, twin).bindTextOrNull(2, r.method);
    if (r.statusCode)
        up.bind(3, r.statusCode);
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
    if (trace)
        m_touchedTraces.insert(trace);
    return true;
}

void BatchWriter::writeRumEvents(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
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
    auto after = [&](const PageRef& page, std::int64_t session, PendingKind kind,
                     const std::string& pageLoadKey, TimeNs time) {
        if (m_db.changes() == 0)
            return;
        if (session)
            noteSessionItem(session, time);
        if (!page.id && !pageLoadKey.empty())
            addPending(kind);
        ++result.newRecords;
        if (page.id)
            m_touchedPageLoads.insert(page.id);
        if (session)
            m_touchedSessions.insert(session);
    };

    for (const RumErrorRecord& e : batch.rumErrors) {
        if (e.key.empty())
            continue;
        const std::int64_t session = sessionId(e.sessionKey);
        const PageRef page = resolvePage(e.pageLoadKey, session, e.time);
        auto& st = m_st->errorInsert;
        st.bindText(1, e.key);
        bindPage(st, page, e.pageLoadKey, session);
        st.bind(6, e.time).bindTextOrNull(7, clip(e.type, 1024)).bindTextOrNull(8, clip(e.message, 16384));
        st.bindTextOrNull(9, e.source)
            .bindTextOrNull(10, clip(e.stack, 65536))
            .bindTextOrNull(11, clip(e.resourceUrl, 8192));
        if (e.resourceStatus)
            st.bind(12, e.resourceStatus);
        else
            st.bindNull(12);
        st.bind(13, sourceId);
        st.run();
        after(page, session, PendingKind::RumErrors, e.pageLoadKey, e.time);
    }
    for (const ActionRecord& a : batch.actions) {
        if (a.key.empty())
            continue;
        const std::int64_t session = sessionId(a.sessionKey);
        const PageRef page = resolvePage(a.pageLoadKey, session, a.time);
        auto& st = m_st->actionInsert;
        st.bindText(1, a.key);
        bindPage(st, page, a.pageLoadKey, session);
        st.bind(6, a.time)
            .bindNonNegative(7, a.duration)
            .bindTextOrNull(8, a.type)
            .bindTextOrNull(9, clip(a.name, 1024));
        st.bindTextOrNull(10, a.frustration).bind(11, sourceId);
        st.run();
        after(page, session, PendingKind::Actions, a.pageLoadKey, a.time);
    }
    for (const LongTaskRecord& t : batch.longTasks) {
        if (t.key.empty())
            continue;
        const std::int64_t session = sessionId(t.sessionKey);
        const PageRef page = resolvePage(t.pageLoadKey, session, t.time);
        auto& st = m_st->longTaskInsert;
        st.bindText(1, t.key);
        bindPage(st, page, t.pageLoadKey, session);
        st.bind(6, t.time).bind(7, std::max<TimeNs>(t.duration, 0)).bind(8, sourceId);
        st.run();
        after(page, session, PendingKind::LongTasks, t.pageLoadKey, t.time);
    }
}

bool BatchWriter::applyVital(std::int64_t pageLoadId, std::string_view name, double value)
{
    const std::string column = name == "cls" ? "cls" : std::string(name) + "_ns";
    for (auto& [col, st] : m_st->vitalUpdate) {
        if (col != column)
            continue;
        st.bind(1, pageLoadId);
        if (name == "cls")
            st.bind(2, value);
        else
            st.bind(2, std::int64_t(value * 1e6)); // ms -> ns
        st.run();
        return true;
    }
    return false; // a vital Seam does not keep (e.g. a custom one)
}

void BatchWriter::writeVitals(const RecordBatch& batch)
{
    for (const VitalRecord& v : batch.vitals) {
        const std::int64_t session = sessionId(v.sessionKey);
        const PageRef page = resolvePage(v.pageLoadKey, session, v.time);
        if (page.id) {
            applyVital(page.id, v.name, v.value);
            continue;
        }
        auto& st = m_st->pendingVitalInsert;
        st.bindTextOrNull(1, v.pageLoadKey)
            .bindTextOrNull(2, v.sessionKey)
            .bind(3, v.time)
            .bindText(4, v.name);
        st.bind(5, v.value).run();
        addPending(PendingKind::Vitals);
    }
}

void BatchWriter::writeLogs(const RecordBatch& batch, std::int64_t sourceId, BatchResult& result)
{
    auto& st = m_st->logInsert;
    for (const LogRecordRow& l : batch.logs) {
        const std::int64_t service = serviceId(l.service);
        const std::int64_t trace = l.traceId.isValid() ? traceRow(l.traceId) : 0;
        Fnv1a h;
        h.add(std::uint64_t(l.time)).add(std::uint64_t(l.severityNumber)).add(l.body).add(l.attributesJson);
        h.add(std::uint64_t(service)).add(l.traceId.low64()).add(l.traceId.high64()).add(l.spanId);
        st.bind(1, std::int64_t(h.value())).bind(2, l.time).bind(3, service).bind(4, l.severityNumber);
        st.bindTextOrNull(5, l.severityText)
            .bindTextOrNull(6, clip(l.body, 65536))
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

bool BatchWriter::mayHaveItemsAfter(std::int64_t session, TimeNs time)
{
    if (m_sessionWatermark < 0)
        m_sessionWatermark = m_db.queryInt("SELECT coalesce(max(id), 0) FROM sessions");
    if (session <= m_sessionWatermark)
        return true; // a session from an earlier run: its items are not tracked here
    const auto it = m_sessionLatestItem.find(session);
    return it != m_sessionLatestItem.end() && it->second >= time;
}

void BatchWriter::noteSessionItem(std::int64_t session, TimeNs time)
{
    if (m_sessionWatermark < 0)
        m_sessionWatermark = m_db.queryInt("SELECT coalesce(max(id), 0) FROM sessions");
    if (session <= m_sessionWatermark)
        return;
    auto [it, added] = m_sessionLatestItem.try_emplace(session, time);
    if (!added)
        it->second = std::max(it->second, time);
}

void BatchWriter::extendSession(std::int64_t session, TimeNs time)
{
    auto [it, added] = m_sessionExtents.try_emplace(session, time, time);
    if (!added) {
        it->second.first = std::min(it->second.first, time);
        it->second.second = std::max(it->second.second, time);
    }
}

void BatchWriter::refreshCounters()
{
    // Once per session and batch rather than once per record.
    for (const auto& [session, extent] : m_sessionExtents)
        m_st->sessionExtend.bind(1, session).bind(2, extent.first).bind(3, extent.second).run();
    m_sessionExtents.clear();
    for (const std::int64_t pageLoad : m_touchedPageLoads)
        m_st->pageLoadCounters.bind(1, pageLoad).run();
    for (const std::int64_t session : m_touchedSessions)
        m_st->sessionCounters.bind(1, session).run();
}

} // namespace seam
