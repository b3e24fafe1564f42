#include "OtlpMapper.h"
#include "OtlpTestData.h"

#include <QTest>

using namespace seam;
namespace otlp = opentelemetry::proto;
using otlp::trace::v1::Span;

namespace {

constexpr std::uint64_t kMs = 1000000;
constexpr std::uint64_t t0 = test::kT0;
const char* kSafari =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15";

otlp::resource::v1::Resource browserResource()
{
    otlp::resource::v1::Resource r;
    test::setString(r.add_attributes(), "service.name", "shop-web");
    test::setString(r.add_attributes(), "service.version", "4.2.0");
    test::setString(r.add_attributes(), "telemetry.sdk.language", "webjs");
    test::setString(r.add_attributes(), "user_agent.original", kSafari);
    test::setString(r.add_attributes(), "geo.country.iso_code", "DE");
    return r;
}

otlp::common::v1::InstrumentationScope scope(const std::string& name)
{
    otlp::common::v1::InstrumentationScope s;
    s.set_name(name);
    return s;
}

Span span(std::uint8_t id, std::uint8_t parent, const std::string& name, std::uint64_t start,
          std::uint64_t end)
{
    Span s;
    s.set_trace_id(test::traceBytes(7));
    s.set_span_id(test::spanBytes(id));
    if (parent)
        s.set_parent_span_id(test::spanBytes(parent));
    s.set_name(name);
    s.set_start_time_unix_nano(start);
    s.set_end_time_unix_nano(end);
    return s;
}

void addEvent(Span& s, const std::string& name, std::uint64_t t)
{
    auto* e = s.add_events();
    e->set_name(name);
    e->set_time_unix_nano(t);
}

std::string key(std::uint8_t id)
{
    return "otel:" + TraceId::fromBytes(test::traceBytes(7))->hex() + ":" +
           spanIdHex(*spanIdFromBytes(test::spanBytes(id)));
}

} // namespace

class TestOtlpMapper : public QObject
{
    Q_OBJECT
private slots:
    void browserPageLoad()
    {
        CollectingSink sink;
        ImportReport report;
        {
            BatchBuilder out(sink);
            OtlpMapper mapper(out, report);
            mapper.beginResource(browserResource());
            mapper.beginScope(scope("@opentelemetry/instrumentation-document-load"));

            Span doc = span(1, 0, "documentLoad", t0, t0 + 1600 * kMs);
            test::setString(doc.add_attributes(), "url.full", "https://shop.example/product/123?x=1");
            test::setString(doc.add_attributes(), "session.id", "sess-1");
            addEvent(doc, "fetchStart", t0);
            addEvent(doc, "responseStart", t0 + 100 * kMs);
            addEvent(doc, "firstContentfulPaint", t0 + 500 * kMs);
            addEvent(doc, "loadEventEnd", t0 + 1500 * kMs);
            auto* vital = doc.add_events();
            vital->set_name("browser.web_vital");
            vital->set_time_unix_nano(t0 + 1200 * kMs);
            test::setString(vital->add_attributes(), "browser.web_vital.name", "lcp");
            auto* value = vital->add_attributes();
            value->set_key("browser.web_vital.value");
            value->mutable_value()->set_double_value(1200.5);
            mapper.addSpan(doc, "test");

            Span fetch = span(2, 1, "documentFetch", t0, t0 + 150 * kMs);
            test::setString(fetch.add_attributes(), "session.id", "sess-1");
            auto* len = fetch.add_attributes();
            len->set_key("http.response_content_length");
            len->mutable_value()->set_int_value(5000);
            addEvent(fetch, "fetchStart", t0);
            addEvent(fetch, "domainLookupStart", t0 + 1 * kMs);
            addEvent(fetch, "domainLookupEnd", t0 + 5 * kMs);
            addEvent(fetch, "connectStart", t0 + 5 * kMs);
            addEvent(fetch, "connectEnd", t0 + 15 * kMs);
            addEvent(fetch, "requestStart", t0 + 20 * kMs);
            addEvent(fetch, "responseStart", t0 + 90 * kMs);
            addEvent(fetch, "responseEnd", t0 + 150 * kMs);
            mapper.addSpan(fetch, "test");

            Span asset = span(3, 1, "resourceFetch", t0 + 200 * kMs, t0 + 300 * kMs);
            test::setString(asset.add_attributes(), "http.url", "https://cdn.shop.example/app.js?v=3");
            test::setString(asset.add_attributes(), "session.id", "sess-1");
            mapper.addSpan(asset, "test");

            mapper.beginScope(scope("@opentelemetry/instrumentation-fetch"));
            Span api = span(4, 1, "HTTP POST", t0 + 600 * kMs, t0 + 900 * kMs);
            api.set_kind(Span::SPAN_KIND_CLIENT);
            test::setString(api.add_attributes(), "http.method", "POST");
            test::setString(api.add_attributes(), "http.url", "https://shop.example/api/cart/42");
            test::setString(api.add_attributes(), "session.id", "sess-1");
            auto* status = api.add_attributes();
            status->set_key("http.status_code");
            status->mutable_value()->set_int_value(500);
            auto* ex = api.add_events();
            ex->set_name("exception");
            ex->set_time_unix_nano(t0 + 901 * kMs);
            test::setString(ex->add_attributes(), "exception.type", "TypeError");
            test::setString(ex->add_attributes(), "exception.message", "x is undefined");
            test::setString(ex->add_attributes(), "exception.stacktrace", "at f (app.js:1:2)");
            mapper.addSpan(api, "test");

            mapper.beginScope(scope("@opentelemetry/instrumentation-user-interaction"));
            Span click = span(5, 0, "click", t0 + 2000 * kMs, t0 + 2010 * kMs);
            test::setString(click.add_attributes(), "event_type", "click");
            test::setString(click.add_attributes(), "target_element", "BUTTON");
            test::setString(click.add_attributes(), "target_xpath", "//*[@id=\"buy\"]");
            mapper.addSpan(click, "test");

            mapper.beginScope(scope("@opentelemetry/instrumentation-long-task"));
            Span longTask = span(6, 0, "longtask", t0 + 700 * kMs, t0 + 820 * kMs);
            mapper.addSpan(longTask, "test");
        }
        QVERIFY(report.clean());
        QCOMPARE(report.accepted(), 6u);
        const RecordBatch r = test::merged(sink);
        QCOMPARE(r.spans.size(), 6u);
        for (const SpanRecord& s : r.spans)
            QVERIFY(s.service.isBrowser);

        QCOMPARE(r.pageLoads.size(), 1u);
        const PageLoadRecord& pl = r.pageLoads[0];
        QCOMPARE(pl.key, key(1));
        QCOMPARE(pl.sessionKey, std::string("sess-1"));
        QCOMPARE(pl.url, std::string("https://shop.example/product/123?x=1"));
        QCOMPARE(pl.route, std::string("/product/:id"));
        QCOMPARE(pl.start, TimeNs(t0));
        QCOMPARE(pl.duration, TimeNs(1500 * kMs));
        QCOMPARE(pl.ttfb, TimeNs(100 * kMs));
        QCOMPARE(pl.fcp, TimeNs(500 * kMs));
        QCOMPARE(pl.lcp, TimeNs(1200.5 * kMs));
        QCOMPARE(pl.app.name, std::string("shop-web"));
        QCOMPARE(pl.traceId, *TraceId::fromBytes(test::traceBytes(7)));
        QCOMPARE(pl.spanId, *spanIdFromBytes(test::spanBytes(1)));

        QCOMPARE(r.sessions.size(), 2u); // sess-1, and the resource-derived one of the click/long task
        const SessionRecord& session = r.sessions[0];
        QCOMPARE(session.key, std::string("sess-1"));
        QCOMPARE(session.browser, std::string("Safari"));
        QCOMPARE(session.browserVersion, std::string("17"));
        QCOMPARE(session.os, std::string("macOS"));
        QCOMPARE(session.device, std::string("desktop"));
        QCOMPARE(session.country, std::string("DE"));
        QCOMPARE(session.appVersion, std::string("4.2.0"));
        QVERIFY(r.sessions[1].key.starts_with("res:"));

        QCOMPARE(r.resources.size(), 3u);
        const ResourceRecord& document = r.resources[0];
        QCOMPARE(document.type, std::string("document"));
        QCOMPARE(document.pageLoadKey, key(1));
        QCOMPARE(document.traceIdSource, TraceIdSource::SameTrace);
        QCOMPARE(document.dnsNs, TimeNs(4 * kMs));
        QCOMPARE(document.connectNs, TimeNs(10 * kMs));
        QCOMPARE(document.ttfbNs, TimeNs(70 * kMs));
        QCOMPARE(document.downloadNs, TimeNs(60 * kMs));
        QCOMPARE(document.transferSize, 5000);
        const ResourceRecord& script = r.resources[1];
        QCOMPARE(script.type, std::string("script"));
        QCOMPARE(script.pageLoadKey, key(1));
        QCOMPARE(script.traceIdSource, TraceIdSource::None);
        const ResourceRecord& call = r.resources[2];
        QCOMPARE(call.type, std::string("fetch"));
        QCOMPARE(call.key, key(4));
        QCOMPARE(call.pageLoadKey, key(1)); // its parent is a known documentLoad
        QCOMPARE(call.method, std::string("POST"));
        QCOMPARE(call.statusCode, 500);
        QCOMPARE(call.duration, TimeNs(300 * kMs));
        QCOMPARE(call.traceIdSource, TraceIdSource::SameTrace);
        QCOMPARE(call.spanId, *spanIdFromBytes(test::spanBytes(4)));

        QCOMPARE(r.rumErrors.size(), 1u);
        QCOMPARE(r.rumErrors[0].key, key(4) + ":0");
        QCOMPARE(r.rumErrors[0].type, std::string("TypeError"));
        QCOMPARE(r.rumErrors[0].message, std::string("x is undefined"));
        QCOMPARE(r.rumErrors[0].stack, std::string("at f (app.js:1:2)"));
        QCOMPARE(r.rumErrors[0].sessionKey, std::string("sess-1"));

        QCOMPARE(r.actions.size(), 1u);
        QCOMPARE(r.actions[0].type, std::string("click"));
        QCOMPARE(r.actions[0].name, std::string("BUTTON //*[@id=\"buy\"]"));
        QCOMPARE(r.longTasks.size(), 1u);
        QCOMPARE(r.longTasks[0].duration, TimeNs(120 * kMs));

        // lcp from the web-vital event, ttfb from documentFetch.
        QCOMPARE(r.vitals.size(), 2u);
        QCOMPARE(r.vitals[0].name, std::string("lcp"));
        QCOMPARE(r.vitals[0].value, 1200.5);
        QCOMPARE(r.vitals[0].pageLoadKey, key(1));
        QCOMPARE(r.vitals[1].name, std::string("ttfb"));
        QCOMPARE(r.vitals[1].value, 90.0);
    }

    void backendSpansMakeNoRum()
    {
        CollectingSink sink;
        ImportReport report;
        {
            BatchBuilder out(sink);
            OtlpMapper mapper(out, report);
            otlp::resource::v1::Resource res;
            test::setString(res.add_attributes(), "service.name", "payments");
            test::setString(res.add_attributes(), "deployment.environment.name", "prod");
            mapper.beginResource(res);
            Span s = span(1, 0, "documentLoad", t0, t0 + kMs); // the name alone does not make it a browser
            s.set_kind(Span::SPAN_KIND_CLIENT);
            test::setString(s.add_attributes(), "http.url", "http://db");
            mapper.addSpan(s, "test");
        }
        const RecordBatch r = test::merged(sink);
        QCOMPARE(r.spans.size(), 1u);
        QCOMPARE(r.spans[0].service.environment, std::string("prod"));
        QVERIFY(!r.spans[0].service.isBrowser);
        QVERIFY(r.pageLoads.empty() && r.resources.empty() && r.sessions.empty());
    }

    void fetchWithoutKnownDocumentAndTraceparentHeader()
    {
        CollectingSink sink;
        ImportReport report;
        {
            BatchBuilder out(sink);
            OtlpMapper mapper(out, report);
            mapper.beginResource(browserResource());
            mapper.beginScope(scope("@opentelemetry/instrumentation-xml-http-request"));
            Span s = span(9, 8, "HTTP GET", t0, t0 + 10 * kMs);
            test::setString(s.add_attributes(), "url.full", "https://api.example/items");
            test::setString(s.add_attributes(), "http.request.header.traceparent",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            mapper.addSpan(s, "test");
        }
        const RecordBatch r = test::merged(sink);
        QCOMPARE(r.resources.size(), 1u);
        QCOMPARE(r.resources[0].type, std::string("xhr"));
        QVERIFY(r.resources[0].pageLoadKey.empty());
        QCOMPARE(r.resources[0].traceIdSource, TraceIdSource::TraceparentHeader);
        QCOMPARE(r.resources[0].traceId.hex(), std::string("4bf92f3577b34da6a3ce929d0e0e4736"));
        QVERIFY(r.resources[0].sessionKey.starts_with("res:"));
    }

    void browserLogs()
    {
        CollectingSink sink;
        ImportReport report;
        {
            BatchBuilder out(sink);
            OtlpMapper mapper(out, report);
            mapper.beginResource(browserResource());
            otlp::logs::v1::LogRecord error;
            error.set_time_unix_nano(t0);
            error.set_severity_number(17);
            error.mutable_body()->set_string_value("Uncaught boom");
            test::setString(error.add_attributes(), "session.id", "s2");
            mapper.addLog(error, "test");
            otlp::logs::v1::LogRecord vital;
            vital.set_time_unix_nano(t0 + kMs);
            vital.set_event_name("browser.web_vital");
            test::setString(vital.add_attributes(), "browser.web_vital.name", "CLS");
            auto* v = vital.add_attributes();
            v->set_key("browser.web_vital.value");
            v->mutable_value()->set_double_value(0.12);
            mapper.addLog(vital, "test");
            otlp::logs::v1::LogRecord info;
            info.set_time_unix_nano(t0);
            info.set_severity_number(9);
            mapper.addLog(info, "test");
            otlp::logs::v1::LogRecord bad;
            bad.set_trace_id("short");
            bad.set_time_unix_nano(t0);
            mapper.addLog(bad, "line 4");
            otlp::logs::v1::LogRecord noTime;
            mapper.addLog(noTime, "line 5");
        }
        QCOMPARE(report.accepted(), 3u);
        QCOMPARE(report.rejected(), 2u);
        const RecordBatch r = test::merged(sink);
        QCOMPARE(r.logs.size(), 3u);
        QCOMPARE(r.rumErrors.size(), 1u);
        QCOMPARE(r.rumErrors[0].message, std::string("Uncaught boom"));
        QCOMPARE(r.rumErrors[0].sessionKey, std::string("s2"));
        QVERIFY(r.rumErrors[0].key.starts_with("otel-log:"));
        QCOMPARE(r.vitals.size(), 1u);
        QCOMPARE(r.vitals[0].name, std::string("cls"));
        QCOMPARE(r.vitals[0].value, 0.12);
    }

    void batchesStayBounded()
    {
        struct MaxSink : BatchSink
        {
            std::size_t max = 0, total = 0;
            void submit(RecordBatch&& b) override
            {
                max = std::max(max, b.size());
                total += b.spans.size();
            }
        } sink;
        ImportReport report;
        {
            BatchBuilder out(sink, 1000);
            OtlpMapper mapper(out, report);
            mapper.beginResource(browserResource());
            for (int i = 0; i < 5000; ++i) {
                Span s = span(std::uint8_t(1 + i % 250), 0, "documentLoad", t0 + std::uint64_t(i),
                              t0 + std::uint64_t(i) + kMs);
                mapper.addSpan(s, "test");
            }
        }
        QCOMPARE(sink.total, 5000u);
        QVERIFY(sink.max <= 1000 + 3); // a span and what it derives are added together
    }
};

QTEST_GUILESS_MAIN(TestOtlpMapper)
#include "tst_otlpmapper.moc"
