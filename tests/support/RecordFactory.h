#pragma once

// Hand-built records for store and correlation tests: a browser fetch and the backend trace it caused.

#include "Records.h"

#include <string>

namespace seam::test {

constexpr TimeNs kT0 = 1'763'629'200'000'000'000; // 2025-11-20T09:00:00Z

inline TraceId traceId(int n)
{
    return TraceId::fromHalves(0x1000 + std::uint64_t(n), 0xabc000 + std::uint64_t(n));
}

inline ServiceRef browserApp()
{
    return ServiceRef{"shop-web", "", "4.2.0", "production", true};
}

inline ServiceRef backend(const std::string& name, const std::string& version = "1.0.0")
{
    return ServiceRef{name, "shop", version, "production", false};
}

inline SpanRecord span(const TraceId& trace, SpanId id, SpanId parent, const ServiceRef& service,
                       const std::string& name, SpanKind kind, TimeNs start, TimeNs durationMs,
                       StatusCode status = StatusCode::Unset)
{
    SpanRecord s;
    s.traceId = trace;
    s.spanId = id;
    s.parentSpanId = parent;
    s.service = service;
    s.name = name;
    s.kind = kind;
    s.start = start;
    s.end = start + durationMs * 1'000'000;
    s.statusCode = status;
    s.attributesJson = "{\"http.route\":\"" + name + "\"}";
    return s;
}

/// A page load with one fetch whose trace id is `trace` (n selects distinct keys).
inline RecordBatch browserBatch(int n, const TraceId& trace, SpanId fetchSpan, TimeNs start)
{
    RecordBatch b;
    SessionRecord s;
    s.key = "session-" + std::to_string(n);
    s.browser = "Chrome";
    s.country = "DE";
    b.sessions.push_back(s);
    PageLoadRecord p;
    p.key = "page-" + std::to_string(n);
    p.sessionKey = s.key;
    p.app = browserApp();
    p.url = "https://shop.example/checkout";
    p.route = "/checkout";
    p.start = start;
    p.duration = 2'500'000'000;
    b.pageLoads.push_back(p);
    ResourceRecord r;
    r.key = "fetch-" + std::to_string(n);
    r.sessionKey = s.key; // no page-load key: attached by session + time
    r.type = "fetch";
    r.method = "POST";
    r.url = "https://shop.example/api/checkout";
    r.statusCode = 200;
    r.start = start + 300'000'000;
    r.duration = 1'800'000'000;
    r.traceId = trace;
    r.spanId = fetchSpan;
    r.traceIdSource = TraceIdSource::SameTrace;
    b.resources.push_back(r);
    b.spans.push_back(span(trace, fetchSpan, 0, browserApp(), "HTTP POST", SpanKind::Client, r.start, 1800));
    return b;
}

/// The backend side: gateway SERVER (child of the fetch span) -> payments SERVER -> postgres CLIENT.
inline RecordBatch backendBatch(const TraceId& trace, SpanId fetchSpan, TimeNs start,
                                StatusCode status = StatusCode::Unset)
{
    RecordBatch b;
    b.spans.push_back(span(trace, 0x100, fetchSpan, backend("gateway"), "POST /api/checkout",
                           SpanKind::Server, start + 310'000'000, 1700, status));
    b.spans.push_back(span(trace, 0x101, 0x100, backend("payments"), "POST /charge", SpanKind::Server,
                           start + 320'000'000, 1600, status));
    b.spans.push_back(span(trace, 0x102, 0x101, backend("payments"), "SELECT FOR UPDATE", SpanKind::Client,
                           start + 330'000'000, 1500));
    return b;
}

} // namespace seam::test
