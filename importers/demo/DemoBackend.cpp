// The shop backend's machinery: its services and their instances, and the span primitives the
// handlers are written in (a SERVER span, an HTTP call between services, database, cache and search
// client spans, concurrent branches, logs). The handlers themselves are in DemoBackendHandlers.cpp.

#include "DemoBackend.h"

#include <algorithm>
#include <cmath>

namespace seam::demo {

namespace {

std::string_view sdkVersion(std::string_view language)
{
    if (language == "java")
        return "1.44.1";
    if (language == "go")
        return "1.32.0";
    return "1.28.0";
}

struct Failure
{
    std::string_view type, message, stack;
};

/// The rare background failure every service has, in its language's words.
Failure backgroundFailure(std::string_view language)
{
    if (language == "java")
        return {
            "org.springframework.dao.QueryTimeoutException", "PreparedStatementCallback; SQL state [57014]",
            "org.springframework.dao.QueryTimeoutException: PreparedStatementCallback; SQL state [57014]\n"
            "\tat org.springframework.jdbc.core.JdbcTemplate.translateException(JdbcTemplate.java:1548)\n"
            "\tat org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:667)\n"
            "\tat com.shop.common.db.Repository.query(Repository.java:88)"};
    if (language == "python")
        return {"psycopg2.OperationalError", "server closed the connection unexpectedly",
                "Traceback (most recent call last):\n"
                "  File \"/app/service/handlers.py\", line 57, in handle\n"
                "    rows = cursor.execute(query, params)\n"
                "psycopg2.OperationalError: server closed the connection unexpectedly"};
    if (language == "nodejs")
        return {"Error", "socket hang up",
                "Error: socket hang up\n    at connResetException (node:internal/errors:787:14)\n"
                "    at Socket.socketOnEnd (node:_http_client:519:23)"};
    return {"*net.OpError", "read tcp 10.42.3.17:41822->10.42.7.9:6379: read: connection reset by peer", ""};
}

std::string hostName(const ServiceInfo& info, std::string_view podHash, DemoRandom& rng)
{
    static constexpr std::string_view kChars = "bcdfghjklmnpqrstvwxz2456789";
    std::string host = std::string(info.name) + "-" + std::string(podHash) + "-";
    for (int i = 0; i < 5; ++i)
        host += kChars[std::size_t(rng.range(0, std::int64_t(kChars.size()) - 1))];
    return host;
}

otlp::resource::v1::Resource serviceResource(const ServiceInfo& info, std::string_view version,
                                             const std::string& host)
{
    otlp::resource::v1::Resource r;
    auto* a = r.mutable_attributes();
    addString(a, "service.name", info.name);
    addString(a, "service.namespace", "shop");
    addString(a, "service.version", version);
    addString(a, "service.instance.id", host);
    addString(a, "deployment.environment.name", "production");
    addString(a, "host.name", host);
    addString(a, "k8s.namespace.name", "shop");
    addString(a, "k8s.pod.name", host);
    addString(a, "cloud.region", "eu-central-1");
    addString(a, "telemetry.sdk.language", info.language);
    addString(a, "telemetry.sdk.name", "opentelemetry");
    addString(a, "telemetry.sdk.version", sdkVersion(info.language));
    return r;
}

} // namespace

DemoBackend::DemoBackend(DemoWorld& world) : m_world(world)
{
    registerServices();
}

void DemoBackend::registerServices()
{
    // Host names do not depend on the seed: the same pods serve every demo run.
    DemoRandom hosts(0x5eed0f5eab5ULL);
    for (int s = 0; s < kServiceCount; ++s) {
        const ServiceInfo& info = serviceInfo(Service(s));
        ServiceState& state = m_services[std::size_t(s)];
        for (int i = 0; i < info.instances; ++i) {
            const std::string host = hostName(info, info.podHash, hosts);
            state.instances.push_back(
                {m_world.chunk.addResource(serviceResource(info, info.version, host)), false});
        }
        if (Service(s) == Service::Catalog) {
            // The bad release is a new ReplicaSet: new pod-template hash, new version.
            for (int i = 0; i < info.instances; ++i) {
                const std::string host = hostName(info, "7c4b9f8d6e", hosts);
                state.badInstances.push_back({m_world.chunk.addResource(serviceResource(
                                                  info, DemoIncidents::kBadCatalogVersion, host)),
                                              true});
            }
        }
        for (int role = 0; role < kScopeRoleCount; ++role) {
            const auto [name, version] = scopeFor(info.language, ScopeRole(role));
            state.scopes[std::size_t(role)] = m_world.chunk.addScope(std::string(name), std::string(version));
        }
    }
}

const DemoBackend::Instance& DemoBackend::pickInstance(DemoRandom& rng, Service service, TimeNs t) const
{
    const ServiceState& state = m_services[std::size_t(service)];
    const auto& pool = !state.badInstances.empty() && m_world.incidents.catalogBadDeploy().contains(t)
                           ? state.badInstances
                           : state.instances;
    return pool[std::size_t(rng.range(0, std::int64_t(pool.size()) - 1))];
}

SpanId DemoBackend::nextSpanId(DemoRandom& rng)
{
    SpanId id = 0;
    while (id == 0)
        id = rng.next();
    return id;
}

otlp::trace::v1::Span* DemoBackend::newSpan(const Ctx& ctx, ScopeRole role)
{
    ++m_world.stats.spans;
    ++m_world.stats.backendSpans;
    return m_world.chunk.newSpan(ctx.instance.resource,
                                 m_services[std::size_t(ctx.service)].scopes[std::size_t(role)]);
}

Outcome DemoBackend::serve(DemoRandom& rng, const BackendRequest& request, const Hop& hop)
{
    return server(
        rng, Service::Gateway, request.method, request.route, request.target, hop,
        [&](Ctx& c) {
            return call(c, Service::StorefrontBff, request.method, request.route, request.target,
                        [&](Ctx& b) { return bff(b, request); });
        },
        request.userAgent);
}

Outcome DemoBackend::server(DemoRandom& rng, Service service, std::string_view method, std::string_view route,
                            std::string_view target, const Hop& hop, const Handler& handler,
                            std::string_view userAgent)
{
    const ServiceInfo& info = serviceInfo(service);
    Ctx c{rng, service, pickInstance(rng, service, hop.start), hop.trace, nextSpanId(rng), hop.start, {},
          {},  {}};
    const double self =
        rng.logNormalClamped(info.selfMedianMs, 0.5, info.selfMedianMs * 0.2, info.selfMedianMs * 25);
    // Some work (parsing, auth) before calling out, the rest (rendering, serializing) after.
    c.now += ms(self * 0.4);
    int status = handler(c);
    if (status < 500 && c.errorType.empty() && rng.chance(0.0008)) {
        const Failure f = backgroundFailure(info.language);
        c.errorType = f.type;
        c.errorMessage = f.message;
        c.errorStack = f.stack;
    }
    if (!c.errorType.empty() && status < 500)
        status = 500;
    c.now += ms(self * 0.6);

    auto* span = newSpan(c, ScopeRole::HttpServer);
    setIds(span, hop.trace, c.span, hop.parent);
    span->set_name(std::string(method) + " " + std::string(route));
    span->set_kind(otlp::trace::v1::Span::SPAN_KIND_SERVER);
    setTimes(span, hop.start, c.now);
    auto* a = span->mutable_attributes();
    addString(a, "http.request.method", method);
    addString(a, "http.route", route);
    const auto query = target.find('?');
    addString(a, "url.path", target.substr(0, query));
    if (query != std::string_view::npos)
        addString(a, "url.query", target.substr(query + 1));
    addString(a, "url.scheme", service == Service::Gateway ? "https" : "http");
    addString(a, "server.address", service == Service::Gateway ? kShopHost : info.name);
    addInt(a, "server.port", service == Service::Gateway ? 443 : 8080);
    addString(a, "network.protocol.version", service == Service::Gateway ? "2" : "1.1");
    if (!userAgent.empty())
        addString(a, "user_agent.original", userAgent);
    addInt(a, "http.response.status_code", status);
    for (const auto& [key, value] : c.values)
        addDouble(a, key, value);
    if (status >= 500) {
        addString(a, "error.type", std::to_string(status));
        ++m_world.stats.errorSpans;
        if (!c.errorType.empty()) {
            recordException(span, c.now - ms(0.2), c.errorType, c.errorMessage, c.errorStack);
            log(c, kSeverityError, c.errorMessage, c.errorType);
        } else {
            // Semantic conventions: a 5xx makes a SERVER span an error; no description needed.
            setError(span, {});
        }
    }
    return {c.now, status, c.span};
}

int DemoBackend::call(Ctx& c, Service callee, std::string_view method, std::string_view route,
                      std::string_view target, const Handler& handler, double timeoutMs)
{
    const TimeNs start = c.now + ms(c.rng.uniform(0.02, 0.15));
    const SpanId clientId = nextSpanId(c.rng);
    const TimeNs there = ms(c.rng.logNormalClamped(0.35, 0.4, 0.1, 5));
    const Outcome o =
        server(c.rng, callee, method, route, target, Hop{c.trace, clientId, start + there}, handler);
    TimeNs end = o.end + ms(c.rng.logNormalClamped(0.3, 0.4, 0.1, 5));
    int status = o.status;
    const bool timedOut = timeoutMs > 0 && end - start > ms(timeoutMs);
    if (timedOut) {
        // The caller gives up; the callee's SERVER span runs on past the CLIENT span, as in real traces.
        end = start + ms(timeoutMs);
        status = 504;
    }
    c.now = end;

    const std::string_view calleeName = serviceInfo(callee).name;
    auto* span = newSpan(c, ScopeRole::HttpClient);
    setIds(span, c.trace, clientId, c.span);
    span->set_name(std::string(method) + " " + std::string(route));
    span->set_kind(otlp::trace::v1::Span::SPAN_KIND_CLIENT);
    setTimes(span, start, end);
    auto* a = span->mutable_attributes();
    addString(a, "http.request.method", method);
    addString(a, "url.full", "http://" + std::string(calleeName) + ":8080" + std::string(target));
    addString(a, "url.template", route);
    addString(a, "server.address", calleeName);
    addInt(a, "server.port", 8080);
    addString(a, "network.protocol.version", "1.1");
    if (timedOut) {
        addString(a, "error.type", "java.net.http.HttpTimeoutException");
        recordException(span, end, "java.net.http.HttpTimeoutException", "request timed out", {});
        ++m_world.stats.errorSpans;
        log(c, kSeverityError,
            "call to " + std::string(calleeName) + " " + std::string(route) + " timed out after " +
                std::to_string(int(timeoutMs)) + " ms",
            "java.net.http.HttpTimeoutException");
    } else {
        addInt(a, "http.response.status_code", status);
        if (status >= 400) {
            addString(a, "error.type", std::to_string(status));
            setError(span, {});
            ++m_world.stats.errorSpans;
        }
        if (status >= 500)
            log(c, kSeverityWarn,
                "upstream " + std::string(calleeName) + " returned " + std::to_string(status) + " for " +
                    std::string(method) + " " + std::string(target));
    }
    return status;
}

void DemoBackend::sql(Ctx& c, std::string_view db, std::string_view operation, std::string_view table,
                      std::string_view statement, double durationMs)
{
    const TimeNs start = c.now + ms(c.rng.uniform(0.01, 0.08));
    const TimeNs end = start + ms(durationMs);
    auto* span = newSpan(c, ScopeRole::Sql);
    setIds(span, c.trace, nextSpanId(c.rng), c.span);
    span->set_name(std::string(operation) + " " + std::string(table));
    span->set_kind(otlp::trace::v1::Span::SPAN_KIND_CLIENT);
    setTimes(span, start, end);
    auto* a = span->mutable_attributes();
    addString(a, "db.system", "postgresql");
    addString(a, "db.name", db);
    addString(a, "db.user", db);
    addString(a, "db.statement", statement);
    addString(a, "db.operation", operation);
    addString(a, "db.sql.table", table);
    addString(a, "server.address", std::string(db) + "-db.shop.internal");
    addInt(a, "server.port", 5432);
    c.now = end + ms(c.rng.uniform(0.01, 0.05));
}

void DemoBackend::redis(Ctx& c, std::string_view operation, std::string_view key, double durationMs)
{
    const TimeNs start = c.now + ms(c.rng.uniform(0.01, 0.05));
    const TimeNs end = start + ms(durationMs);
    auto* span = newSpan(c, ScopeRole::Redis);
    setIds(span, c.trace, nextSpanId(c.rng), c.span);
    span->set_name(std::string(operation));
    span->set_kind(otlp::trace::v1::Span::SPAN_KIND_CLIENT);
    setTimes(span, start, end);
    auto* a = span->mutable_attributes();
    addString(a, "db.system", "redis");
    addString(a, "db.operation", operation);
    addString(a, "db.statement", std::string(operation) + " " + std::string(key));
    addInt(a, "db.redis.database_index", 0);
    addString(a, "server.address", "redis-cache.shop.internal");
    addInt(a, "server.port", 6379);
    c.now = end + ms(c.rng.uniform(0.01, 0.03));
}

void DemoBackend::elasticsearch(Ctx& c, std::string_view index, double durationMs)
{
    const TimeNs start = c.now + ms(c.rng.uniform(0.02, 0.1));
    const TimeNs end = start + ms(durationMs);
    auto* span = newSpan(c, ScopeRole::Search);
    setIds(span, c.trace, nextSpanId(c.rng), c.span);
    span->set_name("search");
    span->set_kind(otlp::trace::v1::Span::SPAN_KIND_CLIENT);
    setTimes(span, start, end);
    auto* a = span->mutable_attributes();
    addString(a, "db.system", "elasticsearch");
    addString(a, "db.operation", "search");
    addString(a, "http.request.method", "POST");
    addString(a, "url.full", "http://search-es.shop.internal:9200/" + std::string(index) + "/_search");
    addString(a, "server.address", "search-es.shop.internal");
    addInt(a, "server.port", 9200);
    addInt(a, "http.response.status_code", 200);
    c.now = end + ms(c.rng.uniform(0.02, 0.1));
}

int DemoBackend::psp(Ctx& c)
{
    const TimeNs start = c.now + ms(c.rng.uniform(0.05, 0.2));
    const TimeNs end = start + ms(c.rng.logNormalClamped(180, 0.35, 60, 2500));
    const int status = c.rng.chance(0.01) ? 402 : 200;
    auto* span = newSpan(c, ScopeRole::HttpClient);
    setIds(span, c.trace, nextSpanId(c.rng), c.span);
    span->set_name("POST https://api.psp.example/v1/charges");
    span->set_kind(otlp::trace::v1::Span::SPAN_KIND_CLIENT);
    setTimes(span, start, end);
    auto* a = span->mutable_attributes();
    addString(a, "http.request.method", "POST");
    addString(a, "url.full", "https://api.psp.example/v1/charges");
    addString(a, "server.address", "api.psp.example");
    addInt(a, "server.port", 443);
    addString(a, "peer.service", "psp");
    addInt(a, "http.response.status_code", status);
    if (status >= 400) {
        addString(a, "error.type", std::to_string(status));
        setError(span, {});
        ++m_world.stats.errorSpans;
    }
    c.now = end;
    return status;
}

void DemoBackend::parallel(Ctx& c, std::initializer_list<std::function<void(Ctx&)>> branches)
{
    const TimeNs fork = c.now;
    TimeNs join = fork;
    for (const auto& branch : branches) {
        c.now = fork + ms(c.rng.uniform(0.01, 0.1)); // issued one after the other, in flight together
        branch(c);
        join = std::max(join, c.now);
    }
    c.now = join;
}

void DemoBackend::log(Ctx& c, int severity, std::string_view body, std::string_view exceptionType)
{
    ++m_world.stats.logs;
    auto* rec = m_world.chunk.newLog(c.instance.resource,
                                     m_services[std::size_t(c.service)].scopes[std::size_t(ScopeRole::Logs)]);
    rec->set_time_unix_nano(std::uint64_t(c.now));
    rec->set_observed_time_unix_nano(std::uint64_t(c.now));
    rec->set_severity_number(severity);
    rec->set_severity_text(severity >= kSeverityError  ? "ERROR"
                           : severity >= kSeverityWarn ? "WARN"
                                                       : "INFO");
    rec->mutable_body()->set_string_value(body.data(), body.size());
    rec->set_trace_id(c.trace.bytes.data(), c.trace.bytes.size());
    rec->set_span_id(spanIdBytes(c.span));
    rec->set_flags(1);
    if (!exceptionType.empty())
        addString(rec->mutable_attributes(), "exception.type", exceptionType);
}

} // namespace seam::demo
