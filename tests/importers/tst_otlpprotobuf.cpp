#include "ImportFormats.h"
#include "OtlpTestData.h"

#include <QElapsedTimer>
#include <QTest>

using namespace seam;
namespace otlp = opentelemetry::proto;

namespace {

struct Result
{
    ImportReport report;
    RecordBatch records;
};

Result import(const std::string& bytes, std::string format = {})
{
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    Result r;
    r.report = importSource(*in, sink, nullptr, std::move(format));
    r.records = test::merged(sink);
    return r;
}

QString rejectMessages(const ImportReport& report)
{
    QString out;
    for (const auto& s : report.samples())
        out += QString::fromStdString(s.location + ": " + s.message + "\n");
    return out;
}

/// ScopeSpans bytes with the given span payloads (already serialized or deliberately broken).
std::string scopeSpans(const std::vector<std::string>& spans)
{
    otlp::common::v1::InstrumentationScope scope;
    scope.set_name("hand.made");
    std::string out = test::lengthDelimited(1, scope.SerializeAsString());
    for (const std::string& s : spans)
        out += test::lengthDelimited(2, s);
    return out;
}

std::string resourceSpans(const std::string& scopeSpansBytes, int scopeField = 2)
{
    otlp::resource::v1::Resource res;
    test::setString(res.add_attributes(), "service.name", "hand");
    return test::lengthDelimited(1, test::lengthDelimited(1, res.SerializeAsString()) +
                                        test::lengthDelimited(scopeField, scopeSpansBytes));
}

std::string span(std::uint8_t n)
{
    otlp::trace::v1::Span s;
    test::fillSpan(&s, n);
    return s.SerializeAsString();
}

} // namespace

class TestOtlpProtobuf : public QObject
{
    Q_OBJECT
private slots:
    void goodSpans()
    {
        auto req = test::traces(3);
        auto* s = req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1);
        s->set_parent_span_id(test::spanBytes(1));
        s->mutable_status()->set_code(otlp::trace::v1::Status::STATUS_CODE_ERROR);
        s->mutable_status()->set_message("boom");
        auto* ev = s->add_events();
        ev->set_time_unix_nano(test::kT0 + 5);
        ev->set_name("exception");
        test::setString(ev->add_attributes(), "exception.type", "E");
        auto* link = s->add_links();
        link->set_trace_id(test::traceBytes(9));
        link->set_span_id(test::spanBytes(9));
        test::setString(req.mutable_resource_spans(0)->mutable_resource()->add_attributes(),
                        "service.version", "1.2");

        const Result r = import(req.SerializeAsString());
        QCOMPARE(r.report.format, std::string("otlp-protobuf-traces"));
        QVERIFY2(r.report.clean(), qPrintable(rejectMessages(r.report)));
        QCOMPARE(r.report.accepted(), 3u);
        QCOMPARE(r.records.spans.size(), 3u);
        const SpanRecord& rec = r.records.spans[1];
        QCOMPARE(rec.traceId.hex(), std::string("11111111111111111111111111111101"));
        QCOMPARE(spanIdHex(rec.spanId), std::string("2222222222222202"));
        QCOMPARE(spanIdHex(rec.parentSpanId), std::string("2222222222222201"));
        QCOMPARE(rec.name, std::string("op2"));
        QCOMPARE(rec.kind, SpanKind::Server);
        QCOMPARE(rec.start, TimeNs(test::kT0 + 1000));
        QCOMPARE(rec.end, TimeNs(test::kT0 + 1000 + 1000000));
        QCOMPARE(rec.statusCode, StatusCode::Error);
        QCOMPARE(rec.statusMessage, std::string("boom"));
        QCOMPARE(rec.service.name, std::string("svc"));
        QCOMPARE(rec.service.version, std::string("1.2"));
        QVERIFY(!rec.service.isBrowser);
        QCOMPARE(rec.scope, std::string("test.scope"));
        QCOMPARE(rec.attributesJson, std::string(R"({"http.route":"/x/2"})"));
        QCOMPARE(
            rec.eventsJson,
            std::string(
                R"([{"t":1700000000000000005,"name":"exception","attributes":{"exception.type":"E"}}])"));
        QCOMPARE(
            rec.linksJson,
            std::string(
                R"([{"trace_id":"11111111111111111111111111111109","span_id":"2222222222222209","attributes":{}}])"));
        QVERIFY(r.records.spans[0].eventsJson.empty());
        QCOMPARE(r.report.bytesRead, std::uint64_t(req.ByteSizeLong()));
    }

    void logs()
    {
        const Result r = import(test::logs(4).SerializeAsString());
        QCOMPARE(r.report.format, std::string("otlp-protobuf-logs"));
        QVERIFY(r.report.clean());
        QCOMPARE(r.records.logs.size(), 4u);
        QCOMPARE(r.records.logs[2].body, std::string("hello 2"));
        QCOMPARE(r.records.logs[2].severityNumber, 9);
        QCOMPARE(r.records.logs[2].service.name, std::string("logsvc"));
        QCOMPARE(spanIdHex(r.records.logs[2].spanId), std::string("2222222222222201"));
    }

    void legacyInstrumentationLibrarySpans()
    {
        const Result r = import(resourceSpans(scopeSpans({span(1), span(2)}), 1000));
        QVERIFY(r.report.clean());
        QCOMPARE(r.records.spans.size(), 2u);
        QCOMPARE(r.records.spans[0].service.name, std::string("hand"));
        QCOMPARE(r.records.spans[0].scope, std::string("hand.made"));
    }

    void badSpanBetweenGoodOnes()
    {
        // The middle span's length frame is sound but its bytes are not a Span.
        const std::string bytes =
            resourceSpans(scopeSpans({span(1), std::string("\xff\xff\xff\xff", 4), span(3)}));
        const Result r = import(bytes, "otlp-protobuf-traces");
        QCOMPARE(r.records.spans.size(), 2u);
        QCOMPARE(r.report.accepted(), 2u);
        QCOMPARE(r.report.rejected(), 1u);
        QVERIFY(!r.report.hasFatal());
        QVERIFY(r.report.samples()[0].location.starts_with("byte "));
        QVERIFY(r.report.samples()[0].message.find("not valid protobuf") != std::string::npos);
    }

    void invalidIdsAndTimes()
    {
        auto req = test::traces(7);
        auto* spans = req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans();
        spans->Mutable(0)->set_trace_id(std::string(8, '\x01'));          // wrong length
        spans->Mutable(1)->set_trace_id(std::string(16, '\0'));           // all zero
        spans->Mutable(2)->set_span_id(std::string(4, '\x01'));           // wrong length
        spans->Mutable(3)->set_parent_span_id(std::string(3, '\x01'));    // wrong length
        spans->Mutable(4)->set_start_time_unix_nano(1700000000000000ull); // microseconds sent as ns
        spans->Mutable(5)->set_end_time_unix_nano(test::kT0 - 1);         // ends before it starts
        const Result r = import(req.SerializeAsString());
        QCOMPARE(r.report.format, std::string("otlp-protobuf-traces"));
        QCOMPARE(r.records.spans.size(), 1u);
        QCOMPARE(r.records.spans[0].name, std::string("op7"));
        QCOMPARE(r.report.rejected(), 6u);
        const QString messages = rejectMessages(r.report);
        QVERIFY2(messages.contains(QLatin1String("trace id must be 16 bytes, got 8")), qPrintable(messages));
        QVERIFY(messages.contains(QLatin1String("all zeros")));
        QVERIFY(messages.contains(QLatin1String("parent span id")));
        QVERIFY(messages.contains(QLatin1String("before 1990")));
        QVERIFY(messages.contains(QLatin1String("ends before it starts")));
    }

    void truncatedIsFatalButKeepsWhatCameBefore()
    {
        // Two resource_spans messages; cut in the middle of the second.
        auto req = test::traces(10);
        req.add_resource_spans()->CopyFrom(req.resource_spans(0));
        const std::string bytes = req.SerializeAsString();
        const Result r = import(bytes.substr(0, bytes.size() - 100), "otlp-protobuf-traces");
        QVERIFY(r.report.hasFatal());
        QVERIFY2(r.report.fatalMessage().find("truncated") != std::string::npos,
                 r.report.fatalMessage().c_str());
        QVERIFY(r.report.fatalLocation().starts_with("byte "));
        QVERIFY(r.records.spans.size() >= 10);
    }

    void lengthBeyondInputOrCap()
    {
        // resource_spans claiming 1 GiB.
        const std::string huge = "\x0a" + test::varint(1u << 30) + "abc";
        Result r = import(huge, "otlp-protobuf-traces");
        QVERIFY(r.report.hasFatal());
        QVERIFY(r.report.fatalMessage().find("limit") != std::string::npos);
        const std::string longer = "\x0a" + test::varint(5000) + std::string(100, '\0');
        r = import(longer, "otlp-protobuf-traces");
        QVERIFY(r.report.hasFatal());
        QCOMPARE(r.report.fatalLocation(), std::string("byte 3"));
    }

    void garbage()
    {
        std::string bytes;
        std::uint32_t x = 7;
        for (int i = 0; i < 4096; ++i) {
            x = x * 1664525 + 1013904223;
            bytes.push_back(char(x >> 24));
        }
        Result r = import(bytes);
        QVERIFY(r.report.hasFatal());
        QCOMPARE(r.report.fatalMessage(),
                 "not a recognised format; Seam reads " + knownFormatList() +
                     " (--format names one when detection cannot tell)");
        for (const char* format : {"otlp-json", "otlp-protobuf-traces", "har", "datadog-rum", "faro",
                                   "jaeger-json", "zipkin-json"})
            QVERIFY2(r.report.fatalMessage().find(format) != std::string::npos, format);
        r = import(bytes, "otlp-protobuf-traces"); // forced: must fail cleanly, not crash
        QVERIFY(r.report.hasFatal() || r.report.rejected() > 0);
    }

    void gzipVariant()
    {
        const Result r = import(test::gzip(test::traces(50).SerializeAsString()));
        QCOMPARE(r.report.format, std::string("otlp-protobuf-traces"));
        QVERIFY(r.report.clean());
        QCOMPARE(r.records.spans.size(), 50u);
    }

    void lengthPrefixedStream_data()
    {
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<bool>("gzipped");
        QTest::newRow("big-endian") << true << false;
        QTest::newRow("little-endian") << false << false;
        QTest::newRow("big-endian-gzip") << true << true;
    }
    void lengthPrefixedStream()
    {
        QFETCH(bool, bigEndian);
        QFETCH(bool, gzipped);
        // Frame 2 is garbage with a sound length: rejected, frames 1, 3 (logs) and 4 still import.
        std::string garbage = "\x0a\x05\xff\xff\xff\xff\xff" + std::string(20, '\x07');
        std::string stream = test::frame(test::traces(3).SerializeAsString(), bigEndian) +
                             test::frame(garbage, bigEndian) +
                             test::frame(test::logs(2).SerializeAsString(), bigEndian) +
                             test::frame(test::traces(4, "other").SerializeAsString(), bigEndian);
        if (gzipped)
            stream = test::gzip(stream);
        const Result r = import(stream);
        QCOMPARE(r.report.format, std::string("otlp-protobuf-stream"));
        QVERIFY(!r.report.hasFatal());
        QCOMPARE(r.records.spans.size(), 7u);
        QCOMPARE(r.records.logs.size(), 2u);
        QCOMPARE(r.records.spans.back().service.name, std::string("other"));
        QVERIFY(r.report.rejected() >= 1);
    }

    void streamFrameWhoseFirstResourceIsBiggerThanTheHead()
    {
        // Each frame says for itself whether it holds spans or logs; one whose first log record lies
        // beyond the first 64 KiB is read further rather than taken for the previous frame's kind.
        auto logs = test::logs(2);
        test::setString(logs.mutable_resource_logs(0)->mutable_resource()->add_attributes(),
                        "process.command_line", std::string(200 * 1024, 'x'));
        const std::string stream =
            test::frame(test::traces(3).SerializeAsString()) + test::frame(logs.SerializeAsString());
        const Result r = import(stream);
        QCOMPARE(r.report.format, std::string("otlp-protobuf-stream"));
        QVERIFY2(r.report.clean(), qPrintable(rejectMessages(r.report)));
        QCOMPARE(r.records.spans.size(), 3u);
        QCOMPARE(r.records.logs.size(), 2u);
    }

    void streamTruncatedFrame()
    {
        const std::string f = test::frame(test::traces(3).SerializeAsString());
        const Result r = import(f + f.substr(0, f.size() - 10), "otlp-protobuf-stream");
        QCOMPARE(r.records.spans.size(),
                 3u + 0u + (r.records.spans.size() - 3u)); // whatever came before stays
        QVERIFY(r.records.spans.size() >= 3);
        QVERIFY(r.report.hasFatal());
    }

    void unknownFieldsAreSkipped()
    {
        // Field 99 (varint) at top level and inside resource_spans.
        const std::string extra = test::varint(99u << 3 | 0) + test::varint(12345);
        auto req = test::traces(2);
        const std::string bytes = extra + req.SerializeAsString() + extra;
        const Result r = import(bytes, "otlp-protobuf-traces");
        QVERIFY(r.report.clean());
        QCOMPARE(r.records.spans.size(), 2u);
    }

    void throughput()
    {
        // Not a pass/fail benchmark: prints the reader + mapper rate and checks batching bounds memory.
        auto req = test::traces(1000);
        std::string bytes;
        for (int i = 0; i < 200; ++i)
            bytes += req.SerializeAsString();
        struct CountingSink : BatchSink
        {
            std::size_t spans = 0, maxBatch = 0;
            void submit(RecordBatch&& b) override
            {
                spans += b.spans.size();
                maxBatch = std::max(maxBatch, b.size());
            }
        } sink;
        auto in = InputSource::fromBuffer(bytes);
        QElapsedTimer timer;
        timer.start();
        const ImportReport report = importSource(*in, sink);
        const double seconds = double(timer.nsecsElapsed()) / 1e9;
        QCOMPARE(sink.spans, 200000u);
        QVERIFY(sink.maxBatch <= 20000);
        QVERIFY(report.clean());
        qInfo("protobuf reader + mapper: %.0f spans/s", 200000 / seconds);
    }
};

QTEST_GUILESS_MAIN(TestOtlpProtobuf)
#include "tst_otlpprotobuf.moc"
