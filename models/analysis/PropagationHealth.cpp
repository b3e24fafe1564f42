#include "PropagationHealth.h"

#include "CallMergeSchema.h"
#include "Sqlite.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <tuple>

namespace seam {
namespace {

struct UrlParts
{
    std::string origin, path;
};

UrlParts splitUrl(std::string_view url)
{
    // Index arithmetic on one std::string (GCC 12 misreads substr chains on string_view as overlapping
    // copies under -Wrestrict).
    const std::string text(url);
    UrlParts parts;
    const std::size_t scheme = text.find("://");
    std::size_t pathStart = 0;
    if (scheme != std::string::npos) {
        pathStart = std::min(text.find('/', scheme + 3), text.size());
        parts.origin = text.substr(0, pathStart);
    }
    const std::size_t pathEnd = std::min(text.find_first_of("?#", pathStart), text.size());
    parts.path = pathEnd > pathStart ? text.substr(pathStart, pathEnd - pathStart) : std::string("/");
    return parts;
}

// A route from a path: segments that are ids (digits, long hex, UUIDs) become :id, so calls to one
// endpoint group together (the importers' Route rule is out of reach of analysis; this is its core).
std::string routeOf(const std::string& path)
{
    std::string out;
    out.reserve(path.size());
    std::size_t i = 0;
    while (i < path.size()) {
        std::size_t next = path.find('/', i + 1);
        if (next == std::string::npos)
            next = path.size();
        const std::string seg = path.substr(i + 1, next - i - 1);
        const auto all = [&](auto pred) {
            return !seg.empty() && std::all_of(seg.begin(), seg.end(),
                                               [&](char c) { return pred(static_cast<unsigned char>(c)); });
        };
        const bool digits = all([](unsigned char c) { return std::isdigit(c) != 0; });
        const bool hexish =
            seg.size() >= 16 && all([](unsigned char c) { return std::isxdigit(c) != 0 || c == '-'; });
        out.push_back('/');
        out.append(digits || hexish ? std::string(":id") : seg);
        i = next;
    }
    return out.empty() ? std::string("/") : out;
}

} // namespace

const char* propagationReasonName(PropagationReason reason)
{
    switch (reason) {
    case PropagationReason::NoTraceContext:
        return "no_trace_context";
    case PropagationReason::CrossOriginBlocked:
        return "cross_origin_blocked";
    case PropagationReason::BackendStartedNewTrace:
        return "backend_started_new_trace";
    case PropagationReason::BackendTraceMissing:
        return "backend_trace_missing";
    }
    return "";
}

std::string propagationAdvice(PropagationReason reason)
{
    switch (reason) {
    case PropagationReason::NoTraceContext:
        return "The browser sent no trace context on these calls: add their origin to the fetch/XHR "
               "instrumentation's propagateTraceHeaderCorsUrls (OpenTelemetry) or allowedTracingUrls "
               "(Datadog).";
    case PropagationReason::CrossOriginBlocked:
        return "These cross-origin calls carry no trace context: list the API origin in "
               "propagateTraceHeaderCorsUrls / allowedTracingUrls and allow traceparent (and tracestate) in "
               "its "
               "CORS Access-Control-Allow-Headers.";
    case PropagationReason::BackendStartedNewTrace:
        return "The backend started its own trace although the call carried trace context: two SDKs both "
               "injecting traceparent send a comma-joined header the backend rejects, so let only one "
               "propagate "
               "(e.g. Datadog allowedTracingUrls with propagatorTypes [\"datadog\"]) or check a proxy that "
               "rewrites the header.";
    case PropagationReason::BackendTraceMissing:
        return "The browser propagated trace ids the backend never exported: import the backend's traces, "
               "instrument that service, or make its sampler parent-based so browser-started traces are "
               "kept.";
    }
    return {};
}

std::vector<PropagationGroup> propagationHealth(Database& db)
{
    auto calls = db.prepare(
        "SELECT r.url, r.start_ns, coalesce(r.duration_ns, 0), r.trace IS NOT NULL OR r.trace_lo IS NOT "
        "NULL, "
        "coalesce(t.backend_span_count, 0), l.method, coalesce(s.app_version, v.version, ''), pl.url "
        "FROM resources r" +
        // Each call once, however many sources reported it, with the best link any report of it got.
        schema::callLinkJoin(db, "r", "l") +
        "LEFT JOIN traces t ON t.id = r.trace "
        "LEFT JOIN page_loads pl ON pl.id = r.page_load_id LEFT JOIN sessions s ON s.id = r.session_id "
        "LEFT JOIN services v ON v.id = pl.app_service_id WHERE r.type IN ('fetch', 'xhr')" +
        schema::oneRowPerCall(db, "r"));
    // A backend trace of its own for the call: a trace with backend spans that no browser call reached by
    // id (inference may have matched it to this very call), whose root started inside the call's window
    // and whose root operation names the call's path.
    auto ownTrace = db.prepare(
        "SELECT 1 FROM traces t JOIN operations o ON o.id = t.root_operation_id WHERE t.start_ns BETWEEN ?1 "
        "AND ?2 AND t.start_ns IS NOT NULL AND t.backend_span_count > 0 AND NOT EXISTS (SELECT 1 FROM links "
        "l "
        "WHERE l.trace = t.id AND l.method <> 'inferred') AND (o.name LIKE '%' || ?3 OR EXISTS (SELECT 1 "
        "FROM "
        // Newer HTTP instrumentations name the server span by method only: the path is in its attributes.
        "spans s JOIN span_payloads sp ON sp.id = s.payload WHERE s.trace = t.id AND s.kind = 2 AND "
        "coalesce(span_attribute(sp.attributes, 'url.path'), span_attribute(sp.attributes, 'http.target')) = "
        "?3)) LIMIT 1");

    std::map<std::tuple<std::string, std::string, std::string>, PropagationGroup> groups;
    while (calls.step()) {
        const UrlParts url = splitUrl(calls.text(0));
        const std::string appVersion(calls.text(6));
        const std::string route = routeOf(url.path);
        PropagationGroup& g = groups[{appVersion, url.origin, route}];
        if (g.calls == 0) {
            g.appVersion = appVersion;
            g.origin = url.origin;
            g.route = route;
        }
        ++g.calls;
        const bool linked = !calls.isNull(5);
        if (linked && calls.text(5) != "inferred") {
            ++g.linkedById;
            continue;
        }
        if (linked)
            ++g.linkedInferred;
        else
            ++g.unlinked;
        std::optional<PropagationReason> reason;
        if (!calls.int64(3)) {
            const bool crossOrigin = !calls.isNull(7) && splitUrl(calls.text(7)).origin != url.origin;
            reason = crossOrigin ? PropagationReason::CrossOriginBlocked : PropagationReason::NoTraceContext;
        } else if (calls.int64(4) == 0) {
            const std::int64_t start = calls.int64(1),
                               end = start + std::max<std::int64_t>(calls.int64(2), 0);
            ownTrace.bind(1, start).bind(2, end).bindText(3, url.path);
            reason = ownTrace.step() ? PropagationReason::BackendStartedNewTrace
                                     : PropagationReason::BackendTraceMissing;
            ownTrace.reset();
        }
        // A trace with backend spans but no link (the entry span's parent is elsewhere) is left unexplained.
        if (reason)
            ++g.reasons[*reason];
    }

    std::vector<PropagationGroup> out;
    for (auto& [key, g] : groups) {
        if (!g.reasons.empty()) {
            const auto top =
                std::max_element(g.reasons.begin(), g.reasons.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
            g.advice = propagationAdvice(top->first);
        }
        out.push_back(std::move(g));
    }
    std::stable_sort(out.begin(), out.end(), [](const PropagationGroup& a, const PropagationGroup& b) {
        return a.calls - a.linkedById > b.calls - b.linkedById;
    });
    return out;
}

} // namespace seam
