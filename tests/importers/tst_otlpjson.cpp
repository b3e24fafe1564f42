#include "ImportFormats.h"
#include "OtlpJsonToProto.h"
#include "OtlpTestData.h"
#include "TestPaths.h"

#include <QFile>
#include <QTest>

using namespace seam;

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

Result importFixture(const QString& relative)
{
    const QString path = seam::test::publicFixturesDir() + QLatin1Char('/') + relative;
    CollectingSink sink;
    Result r;
    r.report = importFile(path.toStdString(), sink);
    r.records = test::merged(sink);
    return r;
}

QString rejects(const ImportReport& report)
{
    QString out;
    for (const auto& s : report.samples())
        out += QString::fromStdString(s.location + ": " + s.message + "\n");
    if (report.hasFatal())
        out += QString::fromStdString("FATAL " + report.fatalLocation() + ": " + report.fatalMessage());
    return out;
}

std::string spanJson(int n, const std::string& extra = {})
{
    char ids[128];
    std::snprintf(ids, sizeof ids,
                  R"("traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b1%02x")", n);
    return std::string("{") + ids + R"(,"name":"s)" + std::to_string(n) +
           R"(","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000")" + extra +
           "}";
}

std::string doc(const std::string& spans, const std::string& service = "svc")
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" +
           service + R"("}}]},"scopeSpans":[{"scope":{"name":"sc"},"spans":[)" + spans + "]}]}]}";
}

} // namespace

class TestOtlpJson : public QObject
{
    Q_OBJECT
private:
    void requireFixtures();

private slots:
    void fixtureTrace();
    void fixtureLogs();
    void fixtureJaegerOtlp_data();
    void fixtureJaegerOtlp();
    void fixtureNotJson();
    void lenientInput();
    void jaegerV3Envelope();
    void resourceAfterSpans();
    void ndjsonWithBrokenLine();
    void concatenatedDocuments();
    void syntaxErrorInSingleDocumentIsFatal();
    void badSpansAreRejectedOthersKept();
    void hugeStringStopsWithClearError();
    void hugeStringInNdjsonSkipsTheLine();
    void deepNestingInsideSpan();
    void deepNestingAtRoot();
    void jsonThatIsNotOtlp();
    void gzipVariants();
    void logsJsonWithSeverityNames();
    void invalidUtf8AndControlCharacters();
    void everyEventAndLinkKept();
    void conversionOnItsOwn();
};

// moc cannot tokenize some of the raw-string JSON below, so it only sees the declaration.
#ifndef Q_MOC_RUN

void TestOtlpJson::requireFixtures()
{
    if (!QFile::exists((seam::test::publicFixturesDir() + QStringLiteral("/otlp/trace.json"))))
        QSKIP("public fixtures are not present");
}

void TestOtlpJson::fixtureTrace()
{
    requireFixtures();
    const Result r = importFixture(QStringLiteral("otlp/trace.json"));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.report.format, std::string("otlp-json"));
    QCOMPARE(r.records.spans.size(), 1u);
    const SpanRecord& s = r.records.spans[0];
    QCOMPARE(s.traceId.hex(), std::string("5b8efff798038103d269b633813fc60c"));
    QCOMPARE(spanIdHex(s.spanId), std::string("eee19b7ec3c1b174"));
    QCOMPARE(spanIdHex(s.parentSpanId), std::string("eee19b7ec3c1b173"));
    QCOMPARE(s.name, std::string("I'm a server span"));
    QCOMPARE(s.start, TimeNs(1544712660000000000));
    QCOMPARE(s.end, TimeNs(1544712661000000000));
    QCOMPARE(s.kind, SpanKind::Server);
    QCOMPARE(s.service.name, std::string("my.service"));
    QCOMPARE(s.scope, std::string("my.library"));
    QCOMPARE(s.attributesJson, std::string(R"({"my.span.attr":"some value"})"));
}

void TestOtlpJson::fixtureLogs()
{
    requireFixtures();
    const Result r = importFixture(QStringLiteral("otlp/logs.json"));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.logs.size(), 1u);
    const LogRecordRow& l = r.records.logs[0];
    QCOMPARE(l.body, std::string("Example log record"));
    QCOMPARE(l.severityNumber, 10);
    QCOMPARE(l.severityText, std::string("Information"));
    QCOMPARE(l.time, TimeNs(1544712660300000000));
    QCOMPARE(l.traceId.hex(), std::string("5b8efff798038103d269b633813fc60c"));
    QCOMPARE(l.attributesJson,
             std::string(R"({"string.attribute":"some string","boolean.attribute":true,"int.attribute":10,)"
                         R"("double.attribute":637.704,"array.attribute":["many","values"],)"
                         R"("map.attribute":{"some.map.key":"some value"}})"));
}

void TestOtlpJson::fixtureJaegerOtlp_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("spans");
    QTest::newRow("example") << "jaeger/example_trace.json" << 5;
    QTest::newRow("links") << "jaeger/link_attributes_trace.json" << 1;
    QTest::newRow("log tags") << "jaeger/log_tags_trace.json" << 1;
    QTest::newRow("scope attributes") << "jaeger/scope_attributes_trace.json" << 1;
    QTest::newRow("escaped") << "jaeger/tags_escaped_operator_trace_1.json" << 1;
    QTest::newRow("otlp2jaeger") << "jaeger/otlp2jaeger-in.json" << 2;
}
void TestOtlpJson::fixtureJaegerOtlp()
{
    requireFixtures();
    QFETCH(QString, file);
    QFETCH(int, spans);
    const Result r = importFixture(file);
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(int(r.records.spans.size()), spans);
    if (file.contains(QLatin1String("link_attributes")))
        QVERIFY(!r.records.spans[0].linksJson.empty());
}

void TestOtlpJson::fixtureNotJson()
{
    requireFixtures();
    const Result r = importFixture(QStringLiteral("jaeger/trace_empty.json"));
    QVERIFY(r.report.hasFatal());
}

void TestOtlpJson::lenientInput()
{
    // snake_case keys, enum names, upper-case hex, numbers for int64, legacy library names.
    const std::string json =
        R"({"resource_spans":[{"resource":{"attributes":[{"key":"service.name","value":{"string_value":"snake"}}]},
        "instrumentationLibrarySpans":[{"instrumentationLibrary":{"name":"old"},"spans":[
          {"trace_id":"5B8EFFF798038103D269B633813FC60C","span_id":"EEE19B7EC3C1B174","name":"a",
           "kind":"SPAN_KIND_CLIENT","start_time_unix_nano":1544712660000000000,"end_time_unix_nano":"1544712661000000000",
           "status":{"code":"STATUS_CODE_ERROR","message":"bad"},
           "attributes":[{"key":"n","value":{"intValue":42}},{"key":"d","value":{"doubleValue":"NaN"}},
                         {"key":"b","value":{"bytesValue":"AQID"}},{"key":"e","value":{}}]}]}]}]})";
    const Result r = import(json);
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 1u);
    const SpanRecord& s = r.records.spans[0];
    QCOMPARE(s.service.name, std::string("snake"));
    QCOMPARE(s.scope, std::string("old"));
    QCOMPARE(s.kind, SpanKind::Client);
    QCOMPARE(s.statusCode, StatusCode::Error);
    QCOMPARE(s.traceId.hex(), std::string("5b8efff798038103d269b633813fc60c"));
    QCOMPARE(s.attributesJson, std::string(R"({"n":42,"d":null,"b":"AQID","e":null})"));
}

void TestOtlpJson::jaegerV3Envelope()
{
    const Result r = import(R"({"result":)" + doc(spanJson(1) + "," + spanJson(2)) + "}");
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 2u);
}

void TestOtlpJson::resourceAfterSpans()
{
    const std::string json =
        R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" + spanJson(1) +
        R"(],"scope":{"name":"late-scope"}}],"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"late"}}]}}]})";
    const Result r = import(json);
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 1u);
    QCOMPARE(r.records.spans[0].service.name, std::string("late"));
    QCOMPARE(r.records.spans[0].scope, std::string("late-scope"));
}

void TestOtlpJson::ndjsonWithBrokenLine()
{
    const std::string text = doc(spanJson(1)) + "\n" + R"({"resourceSpans":[{"scopeSpans":[)" + "\n" +
                             doc(spanJson(2)) + "\n" + doc(spanJson(3)) + "\n";
    const Result r = import(text);
    QVERIFY2(!r.report.hasFatal(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 3u);
    QCOMPARE(r.report.rejected(), 1u);
    QVERIFY2(r.report.samples()[0].location.starts_with("line 2,"), qPrintable(rejects(r.report)));
}

void TestOtlpJson::concatenatedDocuments()
{
    const Result r = import(doc(spanJson(1)) + doc(spanJson(2)) + "\n\n" + doc(spanJson(3)));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 3u);
}

void TestOtlpJson::syntaxErrorInSingleDocumentIsFatal()
{
    std::string pretty = "{\n \"resourceSpans\": [\n" + doc(spanJson(1)).substr(18);
    pretty.insert(pretty.size() - 6, ",,");
    const Result r = import(pretty);
    QVERIFY2(r.report.hasFatal(), qPrintable(rejects(r.report) + QString::fromStdString(pretty)));
    QVERIFY2(r.report.fatalLocation().starts_with("line 3, byte "), qPrintable(rejects(r.report)));
}

void TestOtlpJson::badSpansAreRejectedOthersKept()
{
    const std::string spans =
        spanJson(1) + "," + R"({"traceId":"abc","spanId":"eee19b7ec3c1b174","startTimeUnixNano":"1"})" + "," +
        R"({"traceId":"zz8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174"})" + "," +
        spanJson(4, R"(,"startTimeUnixNano":true)") + "," +
        spanJson(5, R"(,"attributes":{"not":"an array"})") + "," +
        R"({"name":"no ids","startTimeUnixNano":"1544712660000000000","endTimeUnixNano":"1544712661000000000"})" +
        "," + spanJson(7, R"(,"startTimeUnixNano":"1544712660000")") + "," + "42," + spanJson(9);
    const Result r = import(doc(spans));
    QVERIFY(!r.report.hasFatal());
    QCOMPARE(r.records.spans.size(), 2u);
    QCOMPARE(r.report.rejected(), 7u);
    const QString messages = rejects(r.report);
    QVERIFY2(messages.contains(QLatin1String("traceId must be 32 hex digits")), qPrintable(messages));
    QVERIFY(messages.contains(QLatin1String("traceId is not hex")));
    QVERIFY(messages.contains(QLatin1String("startTimeUnixNano must be an unsigned integer")));
    QVERIFY(messages.contains(QLatin1String("attributes must be an array")));
    QVERIFY(messages.contains(QLatin1String("trace id must be 16 bytes, got 0")));
    QVERIFY(messages.contains(QLatin1String("before 1990")));
    QVERIFY(messages.contains(QLatin1String("must be a JSON object")));
    QVERIFY(r.report.samples()[0].location.starts_with("line 1, byte "));
}

void TestOtlpJson::hugeStringStopsWithClearError()
{
    const std::string big(20u << 20, 'a');
    const Result r =
        import(doc(spanJson(1) + "," +
                   spanJson(2, R"(,"attributes":[{"key":"k","value":{"stringValue":")" + big + "\"}}]")));
    QVERIFY(r.report.hasFatal());
    QVERIFY2(r.report.fatalMessage().find("longer than 16 MiB") != std::string::npos,
             qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 1u); // what came before stays
}

void TestOtlpJson::hugeStringInNdjsonSkipsTheLine()
{
    const std::string big(20u << 20, 'b');
    const std::string text = doc(spanJson(1)) + "\n" + doc(spanJson(2, R"(,"name":")" + big + "\"")) + "\n" +
                             doc(spanJson(3)) + "\n";
    const Result r = import(text);
    QVERIFY(!r.report.hasFatal());
    QCOMPARE(r.records.spans.size(), 2u);
    QCOMPARE(r.report.rejected(), 1u);
}

void TestOtlpJson::deepNestingInsideSpan()
{
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    const Result r =
        import(doc(spanJson(1) + "," + spanJson(2, R"(,"attributes":)" + deep) + "," + spanJson(3)));
    QVERIFY2(!r.report.hasFatal(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 2u);
    QCOMPARE(r.report.rejected(), 1u);
    QVERIFY(r.report.samples()[0].message.find("deeper than 64") != std::string::npos);
}

void TestOtlpJson::deepNestingAtRoot()
{
    // Deep nesting outside the OTLP structure is skipped without recursion.
    const Result r =
        import("{\"resourceSpans\":[],\"x\":" + std::string(100000, '[') + std::string(100000, ']') + "}");
    QVERIFY2(!r.report.hasFatal(), r.report.fatalMessage().c_str());
    const Result unclosed = import("{\"x\":" + std::string(100000, '['));
    QVERIFY(unclosed.report.hasFatal());
}

void TestOtlpJson::jsonThatIsNotOtlp()
{
    // A Datadog event or a Jaeger {data: [...]} document must not pass as an empty OTLP import.
    const Result r = import(R"({"type":"view","date":1700000000000,"view":{"id":"v1"}})");
    QVERIFY(r.report.hasFatal());
    QVERIFY2(r.report.fatalMessage().find("not OTLP") != std::string::npos, r.report.fatalMessage().c_str());
    QVERIFY(r.report.fatalMessage().find("type, date, view") != std::string::npos);
    // Mixed NDJSON: the OTLP lines import, the others are rejected with their line.
    const Result mixed = import(doc(spanJson(1)) + "\n{\"other\":1}\n" + doc(spanJson(2)) + "\n");
    QVERIFY(!mixed.report.hasFatal());
    QCOMPARE(mixed.records.spans.size(), 2u);
    QCOMPARE(mixed.report.rejected(), 1u);
    QCOMPARE(mixed.report.samples()[0].location, std::string("line 2"));
    // An empty object is an empty export, not an error.
    QVERIFY(!import("{}").report.hasFatal());
}

void TestOtlpJson::gzipVariants()
{
    Result r = import(test::gzip(doc(spanJson(1) + "," + spanJson(2))));
    QCOMPARE(r.report.format, std::string("otlp-json"));
    QCOMPARE(r.records.spans.size(), 2u);
    r = import(test::gzip(doc(spanJson(1)) + "\n" + doc(spanJson(2)) + "\n"));
    QCOMPARE(r.records.spans.size(), 2u);
}

void TestOtlpJson::logsJsonWithSeverityNames()
{
    const std::string json = R"({"resourceLogs":[{"resource":{},"scopeLogs":[{"logRecords":[
        {"observedTimeUnixNano":"1544712660300000000","severityNumber":"SEVERITY_NUMBER_ERROR2","body":{"kvlistValue":{"values":[{"key":"a","value":{"intValue":"1"}}]}}}]}]}]})";
    const Result r = import(json);
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.logs.size(), 1u);
    QCOMPARE(r.records.logs[0].severityNumber, 18);
    QCOMPARE(r.records.logs[0].body, std::string(R"({"a":1})"));
    QCOMPARE(r.records.logs[0].time, TimeNs(1544712660300000000));
}

void TestOtlpJson::invalidUtf8AndControlCharacters()
{
    const Result r = import(
        doc(spanJson(1, "," + std::string(R"("attributes":[{"key":"k","value":{"stringValue":"a\u0001b)") +
                            "\xff" + R"("}}])")));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans[0].attributesJson, std::string("{\"k\":\"a\\u0001b\xef\xbf\xbd\"}"));
}

void TestOtlpJson::everyEventAndLinkKept()
{
    // As the OpenTelemetry JS exporters write them: attributes and droppedAttributesCount around the
    // name. Every event must stay an event (a nested key once turned the second one into a link).
    const std::string events =
        R"(,"events":[{"attributes":[],"name":"fetchStart","timeUnixNano":"1544712660100000000","droppedAttributesCount":0},)"
        R"({"attributes":[{"key":"k","value":{"stringValue":"v"}}],"name":"requestStart","timeUnixNano":"1544712660200000000","droppedAttributesCount":0},)"
        R"({"attributes":[],"name":"responseStart","timeUnixNano":"1544712660300000000","droppedAttributesCount":0}],)"
        R"("links":[{"attributes":[],"traceId":"5b8efff798038103d269b633813fc60d","spanId":"eee19b7ec3c1b101","droppedAttributesCount":0},)"
        R"({"traceId":"5b8efff798038103d269b633813fc60e","spanId":"eee19b7ec3c1b102","attributes":[]}])";
    const Result r = import(doc(spanJson(1, events)));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.spans.size(), 1u);
    const SpanRecord& s = r.records.spans[0];
    const QByteArray eventsJson = QByteArray::fromStdString(s.eventsJson);
    QVERIFY2(eventsJson.count("\"name\"") == 3, eventsJson.constData());
    QVERIFY2(eventsJson.contains("fetchStart") && eventsJson.contains("requestStart") &&
                 eventsJson.contains("responseStart"),
             eventsJson.constData());
    const QByteArray linksJson = QByteArray::fromStdString(s.linksJson);
    QCOMPARE(linksJson.count("span_id"), 2);
    QVERIFY2(!linksJson.contains("Start"), linksJson.constData());
}

void TestOtlpJson::conversionOnItsOwn()
{
    // The reader's pieces are usable on their own: the JSON-to-protobuf conversion of one captured span.
    namespace trace = opentelemetry::proto::trace::v1;
    rapidjson::Document d;
    d.Parse(
        R"({"trace_id":"5B8EFFF798038103D269B633813FC60C","SpanId":"eee19b7ec3c1b174","kind":"SPAN_KIND_CLIENT",)"
        R"("startTimeUnixNano":1544712660000000000,"status":{"code":"STATUS_CODE_ERROR","message":"m"}})");
    otlpjson::JsonToProto convert;
    trace::Span span;
    QVERIFY2(convert.span(d, span), convert.error().c_str());
    QCOMPARE(span.kind(), trace::Span::SPAN_KIND_CLIENT);
    QCOMPARE(span.trace_id(),
             std::string("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c", 16));
    QCOMPARE(span.start_time_unix_nano(), 1544712660000000000u);
    QCOMPARE(span.status().code(), trace::Status::STATUS_CODE_ERROR);
    QCOMPARE(span.status().message(), std::string("m"));
    d.Parse(R"({"spanId":"xyz"})");
    QVERIFY(!convert.span(d, span));
    QCOMPARE(convert.error(), std::string("spanId must be 16 hex digits, got \"xyz\""));
}

#endif

QTEST_GUILESS_MAIN(TestOtlpJson)
#include "tst_otlpjson.moc"
