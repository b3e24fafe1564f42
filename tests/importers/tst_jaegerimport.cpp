#include "SpanImportTestUtil.h"
#include "TestPaths.h"
#include "jaeger/JaegerReader.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

const QString kData = (seam::test::dataDir() + QStringLiteral("/jaeger/"));
const QString kPublic = (seam::test::publicFixturesDir() + QStringLiteral("/jaeger/"));

/// One Jaeger span; `extra` is spliced into the object.
std::string jspan(int n, const std::string& extra = {}, const std::string& process = R"("processID":"p1")")
{
    char id[17];
    std::snprintf(id, sizeof id, "%016x", n);
    return std::string(R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":")") + id +
           R"(","operationName":"op)" + std::to_string(n) +
           R"(","startTime":1709287200000000,"duration":1000,)" + process + extra + "}";
}

std::string jtrace(const std::string& spans)
{
    return R"({"data":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[)" + spans +
           R"(],"processes":{"p1":{"serviceName":"svc","tags":[]}}}]})";
}

} // namespace

class TestJaegerImport : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_caches = 0;
    std::string newCache()
    {
        return m_dir.filePath(QStringLiteral("c%1.seam").arg(++m_caches)).toStdString();
    }
    void requirePublic()
    {
        if (!QFile::exists(kPublic + QStringLiteral("ui_01.json")))
            QSKIP("public fixtures are not present");
    }

private slots:
    void publicUiTrace();
    void publicOtlpFixturesStayOtlp_data();
    void publicOtlpFixturesStayOtlp();
    void publicV3Envelope();
    void publicInvalidFixtures();
    void otlpAndJaegerGiveTheSameSpans();
    void shapes_data();
    void shapes();
    void detection_data();
    void detection();
    void badSpansRejectedOthersKept();
    void unterminatedKeepsWhatCameBefore();
    void hugeString();
    void largeFileIsNotOneItem();
    void deepNesting();
    void notJaeger();
    void reimportIsIdempotent();
    void seamImport();
};

// moc cannot tokenize some of the raw-string JSON below, so it only sees the declarations.
#ifndef Q_MOC_RUN

void TestJaegerImport::publicUiTrace()
{
    requirePublic();
    // The span table of this file is the diff case tests/data/diff/jaeger-public-ui01.case; here the
    // second span with id 2 (tags of every type), which the cache does not keep, on its own.
    RecordBatch records;
    QFile f(kPublic + QStringLiteral("ui_01.json"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const ImportReport report = importBytes(f.readAll().toStdString(), &records);
    QVERIFY2(report.clean(), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), 5u);
    const SpanRecord& tagged = records.spans[1];
    QCOMPARE(tagged.name, std::string("some-operation"));
    QCOMPARE(tagged.statusCode, StatusCode::Error);
    QCOMPARE(tagged.attributesJson,
             std::string(R"({"peer.service":"service-y","peer.ipv4":23456,"temperature":72.5,)"
                         R"("javascript_limit":9223372036854775222,"blob":"AAAwOQ=="})"));
}

void TestJaegerImport::publicOtlpFixturesStayOtlp_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("spans");
    QTest::newRow("example_trace") << QStringLiteral("example_trace.json") << 5;
    QTest::newRow("link_attributes") << QStringLiteral("link_attributes_trace.json") << 1;
    QTest::newRow("log_tags") << QStringLiteral("log_tags_trace.json") << 1;
    QTest::newRow("scope_attributes") << QStringLiteral("scope_attributes_trace.json") << 1;
    QTest::newRow("tags_escaped") << QStringLiteral("tags_escaped_operator_trace_1.json") << 1;
    QTest::newRow("otlp2jaeger-in") << QStringLiteral("otlp2jaeger-in.json") << 2;
}

void TestJaegerImport::publicOtlpFixturesStayOtlp()
{
    requirePublic();
    QFETCH(QString, file);
    QFETCH(int, spans);
    CollectingSink sink;
    const ImportReport report = importFile(QString(kPublic + file).toStdString(), sink);
    QCOMPARE(report.format, std::string("otlp-json"));
    QVERIFY2(report.clean(), qPrintable(rejects(report)));
    QCOMPARE(report.accepted(), std::uint64_t(spans));
}

void TestJaegerImport::publicV3Envelope()
{
    requirePublic();
    // Jaeger v3's {"result": {"resourceSpans": ...}} is OTLP JSON: the OTLP reader takes it. This
    // snapshot's only span has no times, which the OTLP reader rejects (located), like any such span.
    const std::string cache = newCache();
    const ImportReport report = importFiles(cache, {kPublic + QStringLiteral("GetTrace.json")})[0];
    QCOMPARE(report.format, std::string("otlp-json"));
    QVERIFY2(!report.hasFatal(), qPrintable(rejects(report)));
    QCOMPARE(report.rejected(), std::uint64_t(1));
    QCOMPARE(QString::fromStdString(report.samples()[0].location + ": " + report.samples()[0].message),
             QStringLiteral("line 10, byte 168: span start time is missing"));
    // The same envelope with times imports.
    RecordBatch records;
    const ImportReport timed = importBytes(
        R"({"result":{"resourceSpans":[{"resource":{},"scopeSpans":[{"scope":{},"spans":[{"kind":2,"name":"foobar",)"
        R"("spanId":"0000000000000002","status":{"code":2},"traceId":"00000000000000000000000000000001",)"
        R"("startTimeUnixNano":"1709287200000000000","endTimeUnixNano":"1709287200001000000"}]}]}]}})",
        &records);
    QCOMPARE(timed.format, std::string("otlp-json"));
    QVERIFY2(timed.clean(), qPrintable(rejects(timed)));
    QCOMPARE(records.spans.size(), 1u);
    QCOMPARE(records.spans[0].statusCode, StatusCode::Error);
    QCOMPARE(records.spans[0].kind, SpanKind::Server);
}

void TestJaegerImport::publicInvalidFixtures()
{
    requirePublic();
    auto run = [&](const char* name) {
        CollectingSink sink;
        return importFile(QString(kPublic + QLatin1String(name)).toStdString(), sink);
    };
    const ImportReport empty = run("trace_empty.json");
    QCOMPARE(empty.fatalMessage(), std::string("the input is empty"));

    const ImportReport scan = run("trace_scan_error.json");
    QCOMPARE(scan.format, std::string("jaeger-json"));
    QVERIFY(scan.hasFatal());
    QVERIFY2(scan.fatalLocation().starts_with("line 2,"), qPrintable(rejects(scan)));
    QVERIFY2(scan.fatalMessage().starts_with("JSON syntax error"), qPrintable(rejects(scan)));

    const ImportReport invalid = run("trace_invalid_json.json");
    QCOMPARE(invalid.format, std::string("jaeger-json"));
    QCOMPARE(invalid.rejected(), std::uint64_t(1));
    QCOMPARE(invalid.accepted(), std::uint64_t(0));
    QCOMPARE(QString::fromStdString(invalid.samples()[0].location), QStringLiteral("line 1, byte 1"));
    QVERIFY2(invalid.samples()[0].message.find("duration") != std::string::npos,
             qPrintable(rejects(invalid)));

    const ImportReport wrong = run("trace_wrong_format.json");
    QCOMPARE(wrong.format, std::string("jaeger-json"));
    QCOMPARE(wrong.rejected(), std::uint64_t(1));
    QCOMPARE(QString::fromStdString(wrong.samples()[0].location), QStringLiteral("line 1, byte 0"));
    QCOMPARE(wrong.samples()[0].message, std::string("span 7606ddfe69932d34: startTime is missing"));
}

void TestJaegerImport::otlpAndJaegerGiveTheSameSpans()
{
    requirePublic();
    const std::string fromOtlp = newCache();
    const std::string fromJaeger = newCache();
    const std::string both = newCache();
    QCOMPARE(importFiles(fromOtlp, {kPublic + QStringLiteral("otlp2jaeger-in.json")})[0].format,
             std::string("otlp-json"));
    QCOMPARE(importFiles(fromJaeger, {kPublic + QStringLiteral("otlp2jaeger-out.json")})[0].format,
             std::string("jaeger-json"));
    importFiles(both, {kPublic + QStringLiteral("otlp2jaeger-in.json"),
                       kPublic + QStringLiteral("otlp2jaeger-out.json")});

    const std::string queries[] = {
        kSpanTable,
        "SELECT name, ifnull(namespace, ''), ifnull(version, ''), ifnull(environment, ''), is_browser FROM "
        "services "
        "ORDER BY name",
        "SELECT v.name, o.name FROM operations o JOIN services v ON v.id = o.service_id ORDER BY 1, 2",
        "SELECT lower(hex(trace_id)), start_ns, end_ns, span_count, error_count FROM traces",
    };
    Database a = store::openForReading(fromOtlp);
    Database b = store::openForReading(fromJaeger);
    Database c = store::openForReading(both);
    for (const std::string& sql : queries) {
        const QStringList expected = rows(a, sql);
        QVERIFY(!expected.isEmpty());
        QVERIFY(sameRows(rows(b, sql), expected));
        QVERIFY(sameRows(rows(c, sql), expected)); // one span, not two
    }
    QVERIFY(sameRows(
        rows(a, kSpanTable),
        {QStringLiteral("83a9efd15c1c98a977e0711cc93ee28b|e127af99e3b3e074|909541b92cf05311|telemetrygen||"
                        "okey-dokey-0|2|1706678909209712000|123000|0||telemetrygen|"
                        R"({"net.peer.ip":"1.2.3.4","peer.service":"telemetrygen-client"}||)")}));
}

void TestJaegerImport::shapes_data()
{
    QTest::addColumn<QString>("json");
    const std::string trace = R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spans":[)" + jspan(1) + "," +
                              jspan(2) + R"(],"processes":{"p1":{"serviceName":"svc","tags":[]}}})";
    const std::string processesFirst = R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","processes":{"p1":)"
                                       R"({"serviceName":"svc","tags":[]}},"spans":[)" +
                                       jspan(1) + "," + jspan(2) + "]}";
    const std::string inline1 = jspan(1, {}, R"("process":{"serviceName":"svc"})");
    const std::string inline2 = jspan(2, {}, R"("process":{"serviceName":"svc"})");
    QTest::newRow("data array") << QString::fromStdString(R"({"data":[)" + trace + "]}");
    QTest::newRow("data object") << QString::fromStdString(R"({"data":)" + trace + "}");
    QTest::newRow("bare array of traces") << QString::fromStdString("[" + trace + "]");
    QTest::newRow("single trace") << QString::fromStdString(trace);
    QTest::newRow("processes first") << QString::fromStdString(processesFirst);
    QTest::newRow("bare array of spans") << QString::fromStdString("[" + inline1 + ",\n" + inline2 + "]");
    QTest::newRow("one span per line") << QString::fromStdString(inline1 + "\n" + inline2 + "\n");
    QTest::newRow("gzip-free BOM") << QString::fromStdString("\xef\xbb\xbf" + trace);
}

void TestJaegerImport::shapes()
{
    QFETCH(QString, json);
    const std::string bytes = json.toStdString();
    QCOMPARE(detect(bytes), std::string("jaeger-json"));
    RecordBatch records;
    const ImportReport report = importBytes(bytes, &records);
    QVERIFY2(report.clean(), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), 2u);
    for (const SpanRecord& s : records.spans) {
        QCOMPARE(s.service.name, std::string("svc"));
        QCOMPARE(s.traceId.hex(), std::string("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(s.start, TimeNs(1709287200000000000));
        QCOMPARE(s.end, TimeNs(1709287200001000000));
    }
    QCOMPARE(records.spans[0].name, std::string("op1"));
    QCOMPARE(records.spans[1].name, std::string("op2"));
}

void TestJaegerImport::detection_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("format");
    QTest::newRow("otlp") << QStringLiteral(R"({"resourceSpans":[{"scopeSpans":[{"spans":[]}]}]})")
                          << QStringLiteral("otlp-json");
    QTest::newRow("v3 envelope") << QStringLiteral(R"({"result":{"resourceSpans":[]}})")
                                 << QStringLiteral("otlp-json");
    QTest::newRow("empty api answer")
        << QStringLiteral(R"({"data":[],"total":0,"limit":0,"offset":0,"errors":null})")
        << QStringLiteral("jaeger-json");
    QTest::newRow("zipkin") << QStringLiteral(R"([{"traceId":"a","id":"b","name":"x"}])")
                            << QStringLiteral("zipkin-json");
    QTest::newRow("other data") << QStringLiteral(R"({"data":[{"x":1}]})") << QStringLiteral("otlp-json");
    // The first span's keys decide even when the head is cut in the middle of the document.
    QTest::newRow("cut head") << QStringLiteral(
                                     R"([{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"00f0)")
                              << QStringLiteral("jaeger-json");
}

void TestJaegerImport::detection()
{
    QFETCH(QString, json);
    QFETCH(QString, format);
    QCOMPARE(QString::fromStdString(detect(json.toStdString())), format);
}

void TestJaegerImport::badSpansRejectedOthersKept()
{
    const std::string spans = jspan(1) + ",\n" + R"({"traceID":42,"spanID":"0000000000000002"})" + ",\n" +
                              jspan(3, R"(,"tags":[{"key":"n","type":"int64","value":"abc"}])") + ",\n" +
                              jspan(4, R"(,"references":{"refType":"CHILD_OF"})") + ",\n" +
                              R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"0000000000000005",)"
                              R"("operationName":"x","duration":5,"processID":"p1"})" +
                              ",\n" + jspan(6, {}, R"("processID":"p9")") + ",\n" +
                              jspan(7, R"(,"tags":[{"key":"b","type":"binary","value":"!!"}])") + ",\n" +
                              jspan(8, R"(,"logs":[{"fields":[]}])") + ",\n" +
                              R"({"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","spanID":"0000000000000009",)"
                              R"("operationName":"x","startTime":"soon","duration":5,"processID":"p1"})" +
                              ",\n" + jspan(10);
    RecordBatch records;
    const ImportReport report = importBytes(jtrace(spans), &records);
    QCOMPARE(report.format, std::string("jaeger-json"));
    QVERIFY(!report.hasFatal());
    QCOMPARE(report.accepted(), std::uint64_t(2)); // 1 and 10
    QCOMPARE(report.rejected(), std::uint64_t(8));
    QStringList messages;
    for (const auto& s : report.samples())
        messages << QString::fromStdString(s.location + ": " + s.message);
    QVERIFY(sameRows(
        messages,
        {
            QStringLiteral(
                "line 2, byte 224: span traceID must be 1 to 32 hex digits and not all zero, got a number"),
            QStringLiteral(
                "line 3, byte 268: span 0000000000000003: tag \"n\" of type int64: expected an integer, "
                "got the string \"abc\""),
            QStringLiteral(
                "line 4, byte 478: span 0000000000000004: references must be an array, got an object"),
            QStringLiteral("line 5, byte 674: span 0000000000000005: startTime is missing"),
            QStringLiteral(
                "line 7, byte 960: span 0000000000000007: tag \"b\" of type binary: expected base64 text, "
                "got the string \"!!\""),
            QStringLiteral(
                "line 8, byte 1170: span 0000000000000008: a log needs a timestamp in microseconds"),
            QStringLiteral(
                "line 9, byte 1353: span 0000000000000009: startTime must be microseconds since the epoch, "
                "got the string \"soon\""),
            // Known only once the trace's processes are read: reported then, with the span's own location.
            QStringLiteral("line 6, byte 800: span's processID \"p9\" is not among its trace's processes"),
        }));
}

void TestJaegerImport::unterminatedKeepsWhatCameBefore()
{
    // The document breaks off in the third span: the two before it are kept (their processes came
    // first), the syntax error is fatal and located. (Spans still waiting for processes that never
    // come are rejected with their own locations; see badSpansRejectedOthersKept.)
    const std::string processesFirst =
        R"({"data":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","processes":)"
        R"({"p1":{"serviceName":"svc"}},"spans":[)" +
        jspan(1) + "," + jspan(2) + ",";
    RecordBatch records;
    const ImportReport report = importBytes(processesFirst + R"({"traceID":"4bf9)", &records);
    QCOMPARE(report.format, std::string("jaeger-json"));
    QVERIFY(report.hasFatal());
    QCOMPARE(QString::fromStdString(report.fatalMessage()),
             QStringLiteral("JSON syntax error: Missing a closing quotation mark in string."));
    QVERIFY2(report.fatalLocation().starts_with("line 1, byte "), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), 2u);
}

void TestJaegerImport::hugeString()
{
    const std::string big(50u << 20, 'x');
    RecordBatch records;
    const ImportReport report = importBytes(
        R"({"data":[{"traceID":"4bf92f3577b34da6a3ce929d0e0e4736","processes":{"p1":{"serviceName":"svc"}},"spans":[)" +
            jspan(1) + "," + jspan(2, R"(,"tags":[{"key":"big","type":"string","value":")" + big + R"("}])") +
            "," + jspan(3) + "]}]}",
        &records);
    QVERIFY(report.hasFatal());
    QCOMPARE(report.fatalMessage(), std::string("a string or token is longer than 16 MiB"));
    QVERIFY2(report.fatalLocation().starts_with("line 1, byte "), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), 1u); // the span before it
}

void TestJaegerImport::largeFileIsNotOneItem()
{
    // More than JsonItemStream::kMaxItemBytes in one {"data": [...]} envelope and one trace: only the
    // spans count toward an item's size, never the envelope or trace around them.
    const std::string mib(1u << 20, 'z');
    std::string spans;
    const int n = 70;
    for (int i = 1; i <= n; ++i)
        spans += (i > 1 ? "," : "") +
                 jspan(i, R"(,"tags":[{"key":"blob","type":"string","value":")" + mib + R"("}])");
    RecordBatch records;
    const ImportReport report = importBytes(jtrace(spans), &records);
    QVERIFY2(report.clean(), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), std::size_t(n));
}

void TestJaegerImport::deepNesting()
{
    // 100k-deep arrays inside a tag value: that span is rejected, its neighbours kept.
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    RecordBatch records;
    const ImportReport report = importBytes(
        jtrace(jspan(1) + "," + jspan(2, R"(,"tags":[{"key":"d","value":)" + deep + "}]") + "," + jspan(3)),
        &records);
    QVERIFY2(!report.hasFatal(), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), 2u);
    QCOMPARE(report.rejected(), std::uint64_t(1));
    QCOMPARE(report.samples()[0].message, std::string("an item is nested deeper than 64 levels; skipped"));

    // At the root (forced: such bytes do not look like Jaeger), nesting ends the import, located.
    const ImportReport root = importBytes(deep, nullptr, "jaeger-json");
    QVERIFY(root.hasFatal());
    QCOMPARE(root.fatalMessage(), std::string("nesting deeper than 256 levels"));
}

void TestJaegerImport::notJaeger()
{
    const ImportReport report = importBytes(R"({"hello":"world","n":1})", nullptr, "jaeger-json");
    QVERIFY(report.hasFatal());
    QCOMPARE(report.fatalMessage(),
             std::string("JSON, but not Jaeger: no data, traceID or spans (top-level keys: hello, n)"));
    // An empty answer of the query API is not an error.
    QVERIFY(importBytes(R"({"data":[],"total":0,"limit":0,"offset":0,"errors":null})").clean());
    // Its errors are reported.
    const std::string notFound =
        R"({"data":null,"total":0,"limit":0,"offset":0,"errors":[{"code":404,"msg":"trace not found",)"
        R"("traceID":"4bf92f3577b34da6a3ce929d0e0e4736"}]})";
    QCOMPARE(detect(notFound), std::string("jaeger-json"));
    const ImportReport answer = importBytes(notFound);
    QVERIFY(!answer.hasFatal());
    QCOMPARE(answer.rejected(), std::uint64_t(1));
    QCOMPARE(answer.samples()[0].location + ": " + answer.samples()[0].message,
             std::string("line 1, byte 0: the Jaeger API reported an error 404: trace not found (trace "
                         "4bf92f3577b34da6a3ce929d0e0e4736)"));
}

void TestJaegerImport::reimportIsIdempotent()
{
    const std::string cache = newCache();
    const QString file = kData + QStringLiteral("checkout.json");
    importFiles(cache, {file});
    QStringList first, second;
    const std::string counts =
        "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM services), (SELECT count(*) "
        "FROM operations), (SELECT count(*) FROM traces), (SELECT sum(span_count) FROM traces)";
    {
        Database db = store::openForReading(cache);
        first = rows(db, kSpanTable) + rows(db, counts);
    }
    importFiles(cache, {file});
    {
        Database db = store::openForReading(cache);
        second = rows(db, kSpanTable) + rows(db, counts);
    }
    QCOMPARE(first.size(), 5); // 4 spans and the counts
    QVERIFY(sameRows(second, first));
    QCOMPARE(first.last(), QStringLiteral("4|2|4|2|4")); // services: frontend 1.4.2, payments
}

void TestJaegerImport::seamImport()
{
    if (!QFile::exists(seam::test::seamBinary()))
        QSKIP("the seam binary is not built");
    const QString cache = QString::fromStdString(newCache());
    QProcess p;
    p.start(seam::test::seamBinary(), {QStringLiteral("import"), QStringLiteral("--db"), cache,
                                       kData + QStringLiteral("checkout.json")});
    QVERIFY(p.waitForFinished(60000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("jaeger-json")), qPrintable(out));
    Database db = store::openForReading(cache.toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), 4);
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestJaegerImport)
#include "tst_jaegerimport.moc"
