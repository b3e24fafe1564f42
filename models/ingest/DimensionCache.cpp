#include "DimensionCache.h"

#include "ResourceKey.h"
#include "Sqlite.h"
#include "TextLimits.h"
#include "TraceLookup.h"
#include "WriteStatements.h"

#include <utility>

namespace seam {
namespace {

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

} // namespace

DimensionCache::DimensionCache(Database& db, WriteStatements& statements)
    : m_db(db), m_st(statements), m_traceLows(db)
{}

void DimensionCache::forgetMutable()
{
    m_services.clear();
    m_serviceIsBrowser.clear();
    m_lastServiceId = 0;
    m_nextTraceRow = 0; // another connection may have written traces
    m_traceLows.markStale();
    // Reconciliation folds page loads into others: a key's page load id can change.
    m_pageLoads.clear();
}

void DimensionCache::clear()
{
    forgetMutable();
    m_operations.clear();
    m_traces.clear();
    m_sessions.clear();
    m_pageLoads.clear();
    m_newTraces.clear();
    m_createdInGroup.clear();
    m_reserved.clear();
    m_reservedIds.clear();
    m_traceLows.reset();
}

std::int64_t DimensionCache::serviceId(const ServiceRef& service)
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
    auto& st = m_st.serviceUpsert;
    const std::string_view name = ingest::clip(
        service.name.empty() ? std::string_view("unknown_service") : service.name, ingest::kMaxNameBytes);
    st.bindText(1, name)
        .bindText(2, ingest::clip(service.ns, ingest::kMaxNameBytes))
        .bindText(3, ingest::clip(service.version, ingest::kMaxNameBytes));
    st.bindText(4, ingest::clip(service.environment, ingest::kMaxNameBytes))
        .bind(5, service.isBrowser ? 1 : 0);
    st.step();
    const std::int64_t id = st.int64(0);
    m_serviceIsBrowser[id] = st.int64(1) != 0;
    st.reset();
    m_services[std::move(key)] = id;
    return m_lastServiceId = id;
}

bool DimensionCache::isBrowser(std::int64_t serviceId) const
{
    const auto it = m_serviceIsBrowser.find(serviceId);
    return it != m_serviceIsBrowser.end() && it->second;
}

std::int64_t DimensionCache::operationId(std::int64_t service, std::string_view name)
{
    name = ingest::clip(name, ingest::kMaxNameBytes);
    auto& names = m_operations[service];
    if (auto it = names.find(name); it != names.end()) // heterogeneous lookup: no key string built
        return it->second;
    auto& st = m_st.operationUpsert;
    st.bind(1, service).bindText(2, name);
    st.step();
    const std::int64_t id = st.int64(0);
    st.reset();
    if (names.size() > kCacheLimit)
        names.clear();
    names.emplace(std::string(name), id);
    return id;
}

std::int64_t DimensionCache::traceRow(const TraceId& id)
{
    return traceRow(id, false);
}

std::int64_t DimensionCache::reserveTraceRow(const TraceId& id)
{
    return traceRow(id, true);
}

std::int64_t DimensionCache::traceRow(const TraceId& id, bool reserve)
{
    if (const std::int64_t kept = m_traces.find(id))
        return kept;
    std::int64_t row = findTraceRow(id);
    if (!row) {
        // Ids are taken in order from max(id) + 1 (read inside the write transaction, and again after
        // another connection committed): a reserved row's id is known before the row is written, and a
        // row written now never takes it.
        if (reserve && m_nextTraceRow == 0)
            m_nextTraceRow = m_db.queryInt("SELECT coalesce(max(id), 0) + 1 FROM traces");
        if (reserve) {
            row = m_nextTraceRow++;
            m_reserved.push_back({row, id});
            m_reservedIds.emplace(id, row);
        } else {
            auto& ins = m_st.traceInsert;
            ins.bindBlob(1, id.bytes.data(), 16).bind(2, id.low64());
            if (m_nextTraceRow)
                ins.bind(3, m_nextTraceRow++);
            else
                ins.bindNull(3);
            ins.run();
            row = m_db.lastInsertRowId();
        }
        m_newTraces.emplace_back(row, id.low64());
        m_createdInGroup.insert(row);
        m_traceLows.add(id.low64());
    }
    m_traces.insert(id, row);
    return row;
}

std::vector<DimensionCache::ReservedTrace> DimensionCache::takeReservedTraces()
{
    m_reservedIds.clear();
    return std::exchange(m_reserved, {});
}

std::pair<std::int64_t, std::int64_t> DimensionCache::sessionIds(const std::string& key)
{
    if (key.empty())
        return {0, 0};
    if (auto it = m_sessions.find(key); it != m_sessions.end())
        return it->second;
    auto& sel = m_st.sessionSelect;
    sel.bindText(1, key);
    std::int64_t id = 0, visit = 0;
    if (sel.step()) {
        id = sel.int64(0);
        visit = sel.int64(1);
    }
    sel.reset();
    if (!id) {
        m_st.sessionInsertBare.bindText(1, key).run();
        id = visit = m_db.lastInsertRowId();
    }
    if (m_sessions.size() > kCacheLimit)
        m_sessions.clear();
    m_sessions.emplace(key, std::pair{id, visit});
    return {id, visit};
}

std::int64_t DimensionCache::findTraceRow(const TraceId& id)
{
    if (const std::int64_t kept = m_traces.find(id))
        return kept;
    if (auto it = m_reservedIds.find(id); it != m_reservedIds.end())
        return it->second; // the cache was emptied (its size limit) before the row was written
    ++m_traceLookups;
    if (!m_traceLows.mayContain(id.low64())) {
        ++m_traceLookupsSkipped;
        return 0;
    }
    auto& sel = m_st.traceSelect;
    trace_lookup::bind(sel, 1, 2, id);
    const std::int64_t row = sel.step() ? sel.int64(0) : 0;
    sel.reset();
    return row;
}

std::optional<DimensionCache::StoredKey> DimensionCache::storedKey(std::string_view key, KeyForms forms,
                                                                   bool create, char* buffer)
{
    const auto otel = resource_key::parseOtel(key);
    if (!otel) {
        const std::size_t size =
            forms == KeyForms::OtlpAndDatadog ? resource_key::packStandalone(key, buffer) : 0;
        return size ? StoredKey{std::string_view(buffer, size), true} : StoredKey{key, false};
    }
    const std::int64_t row = create ? traceRow(otel->trace) : findTraceRow(otel->trace);
    if (!row)
        return std::nullopt;
    return StoredKey{std::string_view(buffer, resource_key::packTraceRow(row, otel->span, buffer)), true};
}

void DimensionCache::bindStoredKey(Statement& st, int index, const StoredKey& key)
{
    if (key.packed)
        st.bindBlob(index, key.bytes.data(), int(key.bytes.size()));
    else
        st.bindText(index, key.bytes);
}

std::int64_t DimensionCache::pageLoadIdByKey(const std::string& key)
{
    if (auto it = m_pageLoads.find(key); it != m_pageLoads.end())
        return it->second;
    char buffer[resource_key::kMaxPacked];
    const auto stored = storedKey(key, KeyForms::Otlp, false, buffer);
    if (!stored)
        return 0; // an OTLP key of a trace the cache does not hold: no such page load (yet)
    auto& sel = m_st.pageLoadSelect;
    bindStoredKey(sel, 1, *stored);
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

std::int64_t DimensionCache::pageLoadAt(std::int64_t session, TimeNs time)
{
    if (!session)
        return 0;
    auto& st = m_st.pageLoadAt;
    st.bind(1, session).bind(2, time);
    const std::int64_t id = st.step() ? st.int64(0) : 0;
    st.reset();
    return id;
}

PageRef DimensionCache::resolvePage(const std::string& pageLoadKey, std::int64_t session, TimeNs time)
{
    if (!pageLoadKey.empty())
        return {pageLoadIdByKey(pageLoadKey), false};
    const std::int64_t id = pageLoadAt(session, time);
    return {id, id != 0};
}

} // namespace seam
