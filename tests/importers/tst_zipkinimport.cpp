#include "SpanImportTestUtil.h"
#include "TestPaths.h"
#include "zipkin/ZipkinReader.h"

#include <QDir>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

const QString kData = (seam::test::dataDir() + QStringLiteral("/zipkin/"));
const QString kPublic = (seam::test::publicFixturesDir() + QStringLiteral("/zipkin/"));

std::string zspan(int n, const std::string& extra = {})
{
    char id[17];
    std::snprintf(id, sizeof id, "%016x", n);
    return std::string(R"({"traceId":"463ac35c9f6413ad48485a3953bb6124","id":")") + id + R"(","name":"op)" +
           std::to_string(n) +
           R"(","timestamp":1709287200000000,"duration":1000,"localEndpoint":{"serviceName":"svc"})" + extra +
           "}";
}

} // namespace

class TestZipkinImport : public QObject
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
        if (!QFile::exists(kPublic + QStringLiteral("yelp.json")))
            QSKIP("public fixtures are not present");
    }

private slots:
    void publicFixtures_data();
    void publicFixtures();
    void sharedIdsAreDeterministic();
    void shapes_data();
    void shapes();
    void badSpansRejectedOthersKept();
    void unterminated();
    void hugeString();
    void deepNesting();
    void detection_data();
    void detection();
    void reimportIsIdempotent();
    void seamImport();
};

#ifndef Q_MOC_RUN

void TestZipkinImport::publicFixtures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("spans");
    QTest::addColumn<int>("rows");
    QTest::newRow("envoy") << QStringLiteral("envoy.json") << 1 << 1;
    QTest::newRow("messaging") << QStringLiteral("messaging.json") << 4 << 4;
    QTest::newRow("sample4") << QStringLiteral("sample4.json") << 1 << 1;
    QTest::newRow("simple-db-p6") << QStringLiteral("simple-db-p6.json") << 5 << 5;
    QTest::newRow("skew") << QStringLiteral("skew.json") << 4 << 4;
    QTest::newRow("yelp") << QStringLiteral("yelp.json") << 16 << 16;
    QTest::newRow("smartthings") << QStringLiteral("smartthings-oauth-authorization.json") << 175 << 175;
}

void TestZipkinImport::publicFixtures()
{
    requirePublic();
    QFETCH(QString, file);
    QFETCH(int, spans);
    QFETCH(int, rows);
    const std::string cache = newCache();
    const ImportReport report = importFiles(cache, {kPublic + file})[0];
    QCOMPARE(report.format, std::string("zipkin-json"));
    QVERIFY2(report.clean(), qPrintable(rejects(report)));
    QCOMPARE(report.accepted(), std::uint64_t(spans));
    Database db = store::openForReading(cache);
    // Shared client/server pairs stay two rows; every span of the file has its row.
    QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), rows);
    // Every parent a span names is in the file or is the trace's (absent) caller: no span is its own parent.
    QCOMPARE(db.queryInt("SELECT count(*) FROM spans WHERE parent_span_id = span_id"), 0);
}

void TestZipkinImport::sharedIdsAreDeterministic()
{
    const SpanId id = 0xa2fb4a1d1a96d312ull;
    const SpanId derived = zipkinServerSpanId(id, "cart", 1709287200005000);
    QCOMPARE(derived, zipkinServerSpanId(id, "cart", 1709287200005000));
    QVERIFY(derived != id);
    QVERIFY(derived != 0);
    QVERIFY(derived != zipkinServerSpanId(id + 1, "cart", 1709287200005000));
    QVERIFY(derived != zipkinServerSpanId(id, "cart", 1709287200005001)); // another receiver of one message
    QVERIFY(derived != zipkinServerSpanId(id, "carts", 1709287200005000));
    // The derived ids the diff cases (tests/data/diff/zipkin-*.case) hold: the same function's values.
    QCOMPARE(spanIdHex(derived), std::string("152979a8b318d2fe"));
    QCOMPARE(spanIdHex(zipkinServerSpanId(0x978883983d506fa5ull, {}, 1570523661059232)),
             std::string("cee7ce0952ac00c7"));
    QCOMPARE(spanIdHex(zipkinServerSpanId(0x74280ae0c10d8062ull, "serviceb", 1470150004008761)),
             std::string("137328630bf8ece5"));
    // The server half first, then the client half: the same two rows as the other order.
    const std::string client =
        R"({"traceId":"1","id":"2","kind":"CLIENT","timestamp":1709287200000000,"duration":5})";
    const std::string server = R"({"traceId":"1","id":"2","kind":"SERVER","timestamp":1709287200000001,)"
                               R"("duration":3,"shared":true,"localEndpoint":{"serviceName":"b"}})";
    RecordBatch a, b;
    const ImportReport ra = importBytes("[" + client + "," + server + "]", &a);
    QVERIFY2(ra.clean(), qPrintable(rejects(ra)));
    QVERIFY(importBytes("[" + server + "," + client + "]", &b).clean());
    QCOMPARE(a.spans.size(), 2u);
    QCOMPARE(b.spans.size(), 2u);
    QCOMPARE(a.spans[0].spanId, b.spans[1].spanId);
    QCOMPARE(a.spans[1].spanId, b.spans[0].spanId);
    QCOMPARE(a.spans[0].spanId, SpanId(2));
    QCOMPARE(a.spans[1].spanId, zipkinServerSpanId(2, "b", 1709287200000001));
    QCOMPARE(a.spans[1].parentSpanId, SpanId(2));
}

void TestZipkinImport::shapes_data()
{
    QTest::addColumn<QString>("json");
    QTest::newRow("array") << QString::fromStdString("[" + zspan(1) + "," + zspan(2) + "]");
    QTest::newRow("list of traces") << QString::fromStdString("[[" + zspan(1) + "],[" + zspan(2) + "]]");
    QTest::newRow("one array per line") << QString::fromStdString("[" + zspan(1) + "]\n[" + zspan(2) + "]\n");
}

void TestZipkinImport::shapes()
{
    QFETCH(QString, json);
    const std::string bytes = json.toStdString();
    QCOMPARE(detect(bytes), std::string("zipkin-json"));
    RecordBatch records;
    const ImportReport report = importBytes(bytes, &records);
    QVERIFY2(report.clean(), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), 2u);
    QCOMPARE(records.spans[1].name, std::string("op2"));
    QCOMPARE(records.spans[1].service.name, std::string("svc"));
}

void TestZipkinImport::badSpansRejectedOthersKept()
{
    const std::string doc =
        "[" + zspan(1) + ",\n" + R"({"traceId":7,"id":"2"})" + ",\n" +
        zspan(3, R"(,"tags":{"x":{"nested":1}})") + ",\n" + R"({"traceId":"1","name":"no id"})" + ",\n" +
        zspan(5, R"(,"kind":"SIDEWAYS")") + ",\n" + zspan(6, R"(,"remoteEndpoint":{"port":"http"})") + ",\n" +
        R"({"traceId":"1","id":"7","timestamp":"yesterday"})" + ",\n" +
        R"({"traceId":"1","id":"8","timestamp":1,"binaryAnnotations":[]})" + ",\n" + zspan(9) + "]";
    RecordBatch records;
    const ImportReport report = importBytes(doc, &records);
    QCOMPARE(report.format, std::string("zipkin-json"));
    QVERIFY(!report.hasFatal());
    QCOMPARE(records.spans.size(), 2u);
    QStringList messages;
    for (const auto& s : report.samples())
        messages << QString::fromStdString(s.location + ": " + s.message);
    QVERIFY(sameRows(
        messages,
        {
            QStringLiteral(
                "line 2, byte 169: span traceId must be 1 to 32 hex digits and not all zero, got a number"),
            QStringLiteral(
                "line 3, byte 193: span 0000000000000003: tag \"x\" must be a string, got an object"),
            QStringLiteral("line 4, byte 387: span without id"),
            QStringLiteral(
                "line 5, byte 419: span 0000000000000005: kind must be CLIENT, SERVER, PRODUCER or "
                "CONSUMER, got the string \"SIDEWAYS\""),
            QStringLiteral(
                "line 6, byte 605: span 0000000000000006: remoteEndpoint.port must be a number from 0 to "
                "65535, got the string \"http\""),
            QStringLiteral(
                "line 7, byte 806: span 0000000000000007: timestamp must be microseconds since the epoch, "
                "got the string \"yesterday\""),
            QStringLiteral(
                "line 8, byte 856: a Zipkin v1 span (binaryAnnotations): only Zipkin v2 JSON is read"),
        }));
}

void TestZipkinImport::unterminated()
{
    RecordBatch records;
    const ImportReport report = importBytes("[" + zspan(1) + ",\n" + zspan(2) + ",\n{\"traceId\":", &records);
    QVERIFY(report.hasFatal());
    QCOMPARE(QString::fromStdString(report.fatalLocation()).left(7), QStringLiteral("line 3,"));
    QCOMPARE(records.spans.size(), 2u);
}

void TestZipkinImport::hugeString()
{
    const std::string big(50u << 20, 'y');
    RecordBatch records;
    const ImportReport report = importBytes(
        "[" + zspan(1) + "," + zspan(2, R"(,"tags":{"big":")" + big + R"("})") + "," + zspan(3) + "]",
        &records);
    QVERIFY(report.hasFatal());
    QCOMPARE(report.fatalMessage(), std::string("a string or token is longer than 16 MiB"));
    QCOMPARE(records.spans.size(), 1u);
}

void TestZipkinImport::deepNesting()
{
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    RecordBatch records;
    const ImportReport report = importBytes(
        "[" + zspan(1) + "," + zspan(2, R"(,"tags":{"d":)" + deep + "}") + "," + zspan(3) + "]", &records);
    QVERIFY2(!report.hasFatal(), qPrintable(rejects(report)));
    QCOMPARE(records.spans.size(), 2u);
    QCOMPARE(report.rejected(), std::uint64_t(1));
    const ImportReport root = importBytes(deep, nullptr, "zipkin-json");
    QCOMPARE(root.fatalMessage(), std::string("nesting deeper than 256 levels"));
}

void TestZipkinImport::detection_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("format");
    QTest::newRow("zipkin") << QString::fromStdString("[" + zspan(1) + "]") << QStringLiteral("zipkin-json");
    QTest::newRow("keys in another order")
        << QStringLiteral(R"([{"name":"x","localEndpoint":{"serviceName":"a"},"id":"1","traceId":"2"}])")
        << QStringLiteral("zipkin-json");
    QTest::newRow("otlp") << QStringLiteral(R"({"resourceSpans":[]})") << QStringLiteral("otlp-json");
    QTest::newRow("jaeger spans") << QStringLiteral(R"([{"traceID":"1","spanID":"2"}])")
                                  << QStringLiteral("jaeger-json");
    QTest::newRow("zipkin v1") << QStringLiteral(R"([{"traceId":"1","id":"2","binaryAnnotations":[]}])")
                               << QStringLiteral("unknown");
    QTest::newRow("numbers") << QStringLiteral("[1,2,3]") << QStringLiteral("unknown");
}

void TestZipkinImport::detection()
{
    QFETCH(QString, json);
    QFETCH(QString, format);
    QCOMPARE(QString::fromStdString(detect(json.toStdString())), format);
}

void TestZipkinImport::reimportIsIdempotent()
{
    requirePublic();
    const std::string cache = newCache();
    const QStringList files = {kPublic + QStringLiteral("yelp.json"), kData + QStringLiteral("shared.json")};
    const std::string counts =
        "SELECT (SELECT count(*) FROM spans), (SELECT count(*) FROM services), (SELECT count(*) "
        "FROM operations), (SELECT count(*) FROM traces), (SELECT sum(span_count) FROM traces)";
    importFiles(cache, files);
    QStringList first;
    {
        Database db = store::openForReading(cache);
        first = rows(db, kSpanTable) + rows(db, counts);
    }
    importFiles(cache, files);
    Database db = store::openForReading(cache);
    QVERIFY(sameRows(rows(db, kSpanTable) + rows(db, counts), first));
    QCOMPARE(first.size(), 16 + 5 + 1);
}

void TestZipkinImport::seamImport()
{
    if (!QFile::exists(seam::test::seamBinary()))
        QSKIP("the seam binary is not built");
    const QString cache = QString::fromStdString(newCache());
    QProcess p;
    p.start(seam::test::seamBinary(),
            {QStringLiteral("import"), QStringLiteral("--db"), cache, kData + QStringLiteral("shared.json")});
    QVERIFY(p.waitForFinished(60000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("zipkin-json")), qPrintable(out));
    Database db = store::openForReading(cache.toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), 5);
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestZipkinImport)
#include "tst_zipkinimport.moc"
