#pragma once

// Sessions for business-impact tests (tst_businessimpact, tst_impactcontrols): a shop session whose
// checkout call reaches gateway -> payments, failing when affected, and converting when asked.

#include "BusinessImpact.h"
#include "RecordFactory.h"

#include <string>
#include <vector>

namespace seam::test {

/// One session: a /checkout page load whose fetch reaches gateway -> payments (failing when
/// `affected`), a click that started the fetch, and, when `converts`, a confirmation page 60 s later
/// whose own call to `orders` carries {"order.value": 50}. The payments span lasts `paymentsMs`.
inline RecordBatch impactSession(int i, bool affected, bool converts, TimeNs start, int paymentsMs = 60)
{
    RecordBatch b;
    SessionRecord s;
    s.key = "s" + std::to_string(i);
    s.userId = "u" + std::to_string(i);
    b.sessions.push_back(s);
    const auto page = [&](const std::string& key, const std::string& route, TimeNs at, int traceNo,
                          const std::string& service, bool fails, const char* attributes) {
        PageLoadRecord p;
        p.key = key;
        p.sessionKey = s.key;
        p.app = browserApp();
        p.url = "https://shop.example" + route;
        p.route = route;
        p.start = at;
        p.duration = 1'500'000'000;
        b.pageLoads.push_back(p);
        ResourceRecord r;
        r.key = key + "-fetch";
        r.pageLoadKey = key;
        r.sessionKey = s.key;
        r.type = "fetch";
        r.method = "POST";
        r.url = "https://shop.example/api" + route;
        r.statusCode = fails ? 502 : 200;
        r.start = at + 300'000'000;
        r.duration = 200'000'000;
        r.traceId = traceId(traceNo);
        r.spanId = 0x42;
        r.traceIdSource = TraceIdSource::SameTrace;
        b.resources.push_back(r);
        b.spans.push_back(
            span(r.traceId, 0x42, 0, browserApp(), "HTTP POST", SpanKind::Client, r.start, 200));
        b.spans.push_back(span(r.traceId, 0x100, 0x42, backend("gateway"), "POST /api", SpanKind::Server,
                               r.start + 10'000'000, 150, fails ? StatusCode::Error : StatusCode::Unset));
        SpanRecord x = span(r.traceId, 0x101, 0x100, backend(service), "POST /" + service, SpanKind::Server,
                            r.start + 20'000'000, service == "payments" ? paymentsMs : 60,
                            fails ? StatusCode::Error : StatusCode::Unset);
        x.attributesJson = attributes;
        b.spans.push_back(x);
    };
    page("checkout-" + std::to_string(i), "/checkout", start, 1000 + i, "payments", affected, "{}");
    ActionRecord a;
    a.key = "click-" + std::to_string(i);
    a.pageLoadKey = "checkout-" + std::to_string(i);
    a.sessionKey = s.key;
    a.time = start + 250'000'000;
    a.type = "click";
    a.name = "place-order";
    b.actions.push_back(a);
    if (converts)
        page("confirmation-" + std::to_string(i), "/checkout/confirmation", start + 60'000'000'000, 5000 + i,
             "orders", false, R"({"order.value":50})");
    return b;
}

/// A session of `fails.size()` /checkout page loads 10 s apart, each with one payments call (failing as
/// `fails` says; trace numbers from 200'000 + 4 i), converting after the first when `converts`.
inline RecordBatch activitySession(int i, const std::vector<bool>& fails, bool converts, TimeNs start)
{
    RecordBatch b = impactSession(i, fails[0], converts, start);
    for (std::size_t k = 1; k < fails.size(); ++k) {
        const int n = int(k);
        RecordBatch more = impactSession(i, fails[k], false, start + n * 10'000'000'000LL);
        for (PageLoadRecord& p : more.pageLoads)
            p.key += "-" + std::to_string(n);
        for (ResourceRecord& r : more.resources) {
            r.key += "-" + std::to_string(n);
            r.pageLoadKey += "-" + std::to_string(n);
            r.traceId = traceId(200'000 + i * 4 + n);
        }
        for (SpanRecord& x : more.spans)
            x.traceId = traceId(200'000 + i * 4 + n);
        b.pageLoads.push_back(more.pageLoads[0]);
        b.resources.push_back(more.resources[0]);
        b.spans.insert(b.spans.end(), more.spans.begin(), more.spans.end());
    }
    return b;
}

/// A session with one home page load at `at`, long after the sessions under test: the data goes on
/// past them, as it does in a capture, so their conversions' follow-up is not cut short by its end.
inline RecordBatch laterTraffic(TimeNs at)
{
    RecordBatch b;
    SessionRecord s;
    s.key = "later";
    b.sessions.push_back(s);
    PageLoadRecord p;
    p.key = "later-home";
    p.sessionKey = s.key;
    p.app = browserApp();
    p.url = "https://shop.example/";
    p.route = "/";
    p.start = at;
    p.duration = 1'000'000'000;
    b.pageLoads.push_back(p);
    return b;
}

/// What the impact tests ask of these sessions: the payments service over [from, to], converting on
/// /checkout/confirmation, worth `order.value`.
inline ImpactQuery paymentsImpactQuery(TimeNs from, TimeNs to)
{
    ImpactQuery q;
    q.service = "payments";
    q.from = from;
    q.to = to;
    q.conversion = ConversionDefinition::parse("route:/checkout/confirmation");
    q.revenueAttribute = "order.value";
    return q;
}

} // namespace seam::test
