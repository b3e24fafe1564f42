#include "CohortReader.h"

#include "CriticalPathReader.h"
#include "ResourceKey.h"
#include "Stats.h"

#include <algorithm>
#include <array>
#include <limits>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace seam {
namespace {

std::uint64_t keyHash(std::string_view key)
{
    // FNV-1a, then a splitmix64 finaliser: keys that differ in one character land far apart.
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : key)
        h = (h ^ std::uint8_t(c)) * 1099511628211ULL;
    h += 0x9e3779b97f4a7c15ULL;
    h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
    h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
    return h ^ (h >> 31);
}

std::vector<CohortLoad> readLoads(Database& db, const WhyOptions& o, const PageLoadFilter& filter)
{
    // The key as text (what sampling hashes and orders by: the same whatever the import order), an
    // OTLP key's trace joined in rather than looked up by resource_key_text() row by row (a tenth of
    // the cost on a quarter-million loads).
    Statement q = db.prepare(
        "SELECT p.id, p.key, kt.trace_id, p.route, p.duration_ns, p.error_count, typeof(p.key) = 'blob' FROM "
        "page_loads p "
        "LEFT JOIN sessions s ON s.id = p.session_id LEFT JOIN traces kt ON kt.id = "
        "resource_key_trace(p.key) "
        "WHERE p.duration_ns IS NOT NULL AND p.start_ns >= ?1 AND p.start_ns < ?2 AND (" +
        filter.sql() + ")");
    q.bind(1, o.from.value_or(std::numeric_limits<std::int64_t>::min()));
    q.bind(2, o.to.value_or(std::numeric_limits<std::int64_t>::max()));
    filter.bind(q, 3);
    std::vector<CohortLoad> out;
    while (q.step()) {
        CohortLoad l;
        l.id = q.int64(0);
        l.key = q.int64(6) ? resource_key::decode(q.blob(1),
                                                  [&](std::int64_t) { return TraceId::fromBytes(q.blob(2)); })
                           : std::string(q.text(1));
        l.route = std::string(q.text(3));
        l.durationMs = double(q.int64(4)) / 1e6;
        l.failed = q.int64(5) > 0;
        out.push_back(std::move(l));
    }
    return out;
}

void byKey(std::vector<CohortLoad>& loads)
{
    std::sort(loads.begin(), loads.end(), [](const CohortLoad& a, const CohortLoad& b) {
        return std::tie(a.key, a.id) < std::tie(b.key, b.id);
    });
}

/// The value that starts at json[i] in Seam's compact attribute JSON, as text: strings unescaped for
/// the common escapes, numbers and booleans as written.
std::string jsonValueAt(std::string_view json, std::size_t i)
{
    std::string value;
    if (i < json.size() && json[i] == '"') {
        for (++i; i < json.size() && json[i] != '"'; ++i) {
            if (json[i] == '\\' && i + 1 < json.size()) {
                const char e = json[++i];
                value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
            } else {
                value += json[i];
            }
        }
        return value;
    }
    while (i < json.size() && json[i] != ',' && json[i] != '}')
        value += json[i++];
    return value;
}

/// The span attributes the evidence rows use, in order of preference within each group.
enum SpanAttribute
{
    HttpResponseStatus,
    HttpStatus,
    GrpcStatus,
    DbStatement,
    DbQueryText,
    PeerService,
    HostName,
    ServiceInstance,
    PodName,
    NetHostName,
    kSpanAttributes
};
constexpr std::string_view kSpanAttributeKeys[kSpanAttributes] = {"http.response.status_code",
                                                                  "http.status_code",
                                                                  "rpc.grpc.status_code",
                                                                  "db.statement",
                                                                  "db.query.text",
                                                                  "peer.service",
                                                                  "host.name",
                                                                  "service.instance.id",
                                                                  "k8s.pod.name",
                                                                  "net.host.name"};

/// The values of the wanted keys in one pass over Seam's compact attribute JSON (a key sits right
/// after '{' or ','; the first occurrence wins). One pass, not one search per key: this runs for
/// every span of every sampled trace, and was a tenth of `seam why`'s time at 250k page loads.
std::array<std::optional<std::string>, kSpanAttributes> spanAttributes(std::string_view json)
{
    std::array<std::optional<std::string>, kSpanAttributes> out;
    for (std::size_t i = 1; i < json.size(); ++i) {
        if (json[i] != '"' || (json[i - 1] != '{' && json[i - 1] != ','))
            continue;
        const std::size_t end = json.find('"', i + 1);
        if (end == std::string_view::npos || end + 1 >= json.size())
            break;
        if (json[end + 1] == ':') {
            const std::string_view key = json.substr(i + 1, end - i - 1);
            for (int k = 0; k < kSpanAttributes; ++k)
                if (!out[std::size_t(k)] && key == kSpanAttributeKeys[k]) {
                    out[std::size_t(k)] = jsonValueAt(json, end + 2);
                    break;
                }
        }
        i = end;
    }
    return out;
}

} // namespace

Cohorts selectCohorts(Database& db, const WhyOptions& o)
{
    Cohorts c;
    const std::vector<CohortLoad> scope = readLoads(db, o, o.filter);
    std::set<std::string> routes;
    switch (o.criterion) {
    case WhyOptions::Criterion::Slow: {
        std::unordered_map<std::string, std::vector<double>> byRoute;
        for (const CohortLoad& l : scope)
            byRoute[l.route].push_back(l.durationMs);
        std::unordered_map<std::string, double> threshold;
        for (auto& [route, d] : byRoute) {
            if (int(d.size()) < o.minRouteLoads)
                continue; // too few loads for the route's own quantile
            std::sort(d.begin(), d.end());
            threshold[route] = stats::quantileSorted(d, o.quantile);
        }
        for (const CohortLoad& l : scope) {
            const auto t = threshold.find(l.route);
            if (t == threshold.end())
                continue;
            (l.durationMs > t->second ? c.selection : c.baseline).push_back(l);
        }
        break;
    }
    case WhyOptions::Criterion::Errors:
        for (const CohortLoad& l : scope)
            if (l.failed) {
                c.selection.push_back(l);
                routes.insert(l.route);
            }
        for (const CohortLoad& l : scope)
            if (!l.failed && routes.count(l.route))
                c.baseline.push_back(l);
        break;
    case WhyOptions::Criterion::None:
        c.selection = scope;
        break;
    }
    if (o.baseline) {
        std::unordered_set<std::int64_t> selected;
        for (const CohortLoad& l : c.selection)
            selected.insert(l.id);
        c.baseline.clear();
        for (CohortLoad& l : readLoads(db, o, *o.baseline))
            if (!selected.count(l.id))
                c.baseline.push_back(std::move(l));
    }
    // Not sorted here: 250k string keys cost more than everything else in selecting; sampleLoads
    // orders what it returns.
    return c;
}

std::vector<CohortLoad> sampleLoads(const std::vector<CohortLoad>& loads, int cap)
{
    if (cap <= 0 || loads.size() <= std::size_t(cap)) {
        std::vector<CohortLoad> all = loads;
        byKey(all);
        return all;
    }
    std::vector<std::pair<std::uint64_t, std::size_t>> order;
    order.reserve(loads.size());
    for (std::size_t i = 0; i < loads.size(); ++i)
        order.emplace_back(keyHash(loads[i].key), i);
    // Equal hashes (never seen, but possible) are ordered by key, not by position: the input comes in
    // the cache's row order.
    std::nth_element(order.begin(), order.begin() + cap, order.end(), [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first
                                  : std::tie(loads[a.second].key, loads[a.second].id) <
                                        std::tie(loads[b.second].key, loads[b.second].id);
    });
    order.resize(std::size_t(cap));
    std::vector<CohortLoad> out;
    out.reserve(order.size());
    for (const auto& [h, i] : order)
        out.push_back(loads[i]);
    byKey(out);
    return out;
}

struct FeatureReader::Impl
{
    explicit Impl(Database& db)
        : paths(db), session(db.prepare("SELECT s.browser, s.browser_version, s.os, s.device, s.country, "
                                        "s.app_version FROM page_loads p LEFT JOIN sessions s ON s.id = "
                                        "p.session_id WHERE p.id = ?1")),
          spans(db.prepare("SELECT sv.name, sv.version, o.name, s.status_code, "
                           "span_attributes(pl.attributes) FROM spans s "
                           "JOIN services sv ON sv.id = s.service_id JOIN operations o ON o.id = "
                           "s.operation_id LEFT JOIN span_payloads pl ON pl.id = s.payload "
                           "WHERE s.trace = ?1 AND sv.is_browser = 0"))
    {}

    CriticalPathReader paths;
    Statement session, spans;
    CriticalPathInput input;
};

FeatureReader::FeatureReader(Database& db) : m_impl(new Impl(db)) {}

FeatureReader::~FeatureReader()
{
    delete m_impl;
}

std::int32_t FeatureReader::intern(FeatureKey key)
{
    const auto it = m_ids.find(key);
    if (it != m_ids.end())
        return it->second;
    const auto id = std::int32_t(m_keys.size());
    m_ids.emplace(key, id);
    m_keys.push_back(std::move(key));
    return id;
}

void FeatureReader::browserAttributes(std::int64_t pageLoadId, const std::string& route,
                                      std::vector<std::int32_t>& out)
{
    const auto add = [&](const char* field, std::string value) {
        if (value.empty())
            return;
        FeatureKey k;
        k.field = field;
        k.value = std::move(value);
        out.push_back(intern(std::move(k)));
    };
    add("route", route);
    Statement& s = m_impl->session;
    s.reset();
    s.bind(1, pageLoadId);
    if (s.step()) {
        const std::string browser(s.text(0)), version(s.text(1));
        add("browser", browser);
        if (!browser.empty() && !version.empty())
            add("browser.version", browser + " " + version);
        add("os", std::string(s.text(2)));
        add("device", std::string(s.text(3)));
        add("country", std::string(s.text(4)));
        add("app.version", std::string(s.text(5)));
    }
    s.reset();
    for (const CriticalResource& r : m_impl->input.resources) {
        add("resource.domain", urlHost(r.url));
        if (r.type != "document")
            add("resource", resourceName(r.url, m_impl->input.url));
    }
}

void FeatureReader::backendAttributes(std::int64_t traceRowId, std::vector<std::int32_t>& out)
{
    Statement& q = m_impl->spans;
    q.reset();
    q.bind(1, traceRowId);
    while (q.step()) {
        const std::string service(q.text(0));
        const auto add = [&](const char* field, std::string value) {
            if (value.empty())
                return;
            if (value.size() > 160)
                value = value.substr(0, 157) + "...";
            FeatureKey k;
            k.field = field;
            k.value = std::move(value);
            k.service = service;
            out.push_back(intern(std::move(k)));
        };
        add("service.version", std::string(q.text(1)));
        add("operation", std::string(q.text(2)));
        if (q.int64(3) == 2)
            add("status", "error");
        const std::string_view attrs = q.isNull(4) ? std::string_view() : q.text(4);
        if (attrs.empty())
            continue;
        const auto found = spanAttributes(attrs);
        const auto first = [&](int from, int to) -> std::pair<int, std::string> {
            for (int k = from; k <= to; ++k)
                if (const auto& v = found[std::size_t(k)])
                    return {k, *v};
            return {-1, {}};
        };
        if (auto [k, v] = first(HttpResponseStatus, HttpStatus); !v.empty())
            add("http.response.status_code", v);
        if (const auto& v = found[GrpcStatus])
            add("rpc.grpc.status_code", *v);
        if (auto [k, v] = first(DbStatement, DbQueryText); !v.empty())
            add("db.statement", v);
        if (const auto& v = found[PeerService])
            add("peer.service", *v);
        // Seam keeps span attributes only: an instance is known where the span itself names it.
        if (auto [k, v] = first(HostName, NetHostName); !v.empty())
            add(k == NetHostName ? "host.name" : kSpanAttributeKeys[k].data(), v);
    }
    q.reset();
}

LoadFeatures FeatureReader::read(const CohortLoad& load)
{
    LoadFeatures f;
    f.durationMs = load.durationMs;
    std::vector<std::int64_t> traceRows;
    auto input = m_impl->paths.read(load.id, &traceRows);
    m_impl->input = input ? std::move(*input) : CriticalPathInput{};
    browserAttributes(load.id, load.route, f.attributes);
    for (const std::int64_t t : traceRows)
        backendAttributes(t, f.attributes);
    std::sort(f.attributes.begin(), f.attributes.end());
    f.attributes.erase(std::unique(f.attributes.begin(), f.attributes.end()), f.attributes.end());
    if (!input)
        return f;

    const CriticalPathInput& in = m_impl->input;
    const CriticalPath path = criticalPath(in);
    std::unordered_map<std::int32_t, double> ms;
    const auto addPath = [&](FeatureKey k, CriticalSide side, double value) {
        k.isPath = true;
        k.side = int(side);
        ms[intern(std::move(k))] += value;
    };
    for (const CriticalSegment& s : path.segments) {
        const double v = double(s.end - s.start) / 1e6;
        f.sideMs[int(s.side)] += v;
        if (s.side == CriticalSide::Backend) {
            FeatureKey op;
            op.kind = WhyCause::Kind::Operation;
            op.field = "critical_path";
            op.service = in.names[std::size_t(s.service)];
            op.operation = in.names[std::size_t(s.operation)];
            op.value = op.operation;
            addPath(op, s.side, v);
            FeatureKey service;
            service.kind = WhyCause::Kind::Operation;
            service.field = "critical_path";
            service.service = op.service;
            addPath(std::move(service), s.side, v);
            continue;
        }
        FeatureKey phase;
        phase.kind = WhyCause::Kind::Phase;
        phase.field = criticalSideName(s.side);
        phase.value = criticalPhaseName(s.phase);
        if (s.resource >= 0) {
            FeatureKey named = phase;
            named.value += " " + resourceName(in.resources[std::size_t(s.resource)].url, in.url);
            addPath(std::move(named), s.side, v);
        }
        addPath(std::move(phase), s.side, v);
    }
    f.path.assign(ms.begin(), ms.end());
    std::sort(f.path.begin(), f.path.end());
    return f;
}

} // namespace seam
