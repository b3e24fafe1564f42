#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "RumImportTestUtil.h"
#include "TestPaths.h"
#include "datadog/DatadogRumReader.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::rumtest;

namespace {

const QString kData = (seam::test::dataDir() + QStringLiteral("/datadog-rum/"));
const QString kPublic = (seam::test::publicFixturesDir() + QStringLiteral("/datadog-rum/"));
const QString kOtlpData = (seam::test::dataDir() + QStringLiteral("/har/"));

std::string readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray b = f.readAll();
    return std::string(b.constData(), std::size_t(b.size()));
}

QStringList publicFiles()
{
    QStringList out;
    for (const QString& name : QDir(kPublic).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
        out << kPublic + name;
    return out;
}

} // namespace

class TestDatadogImport : public QObject
{
    Q_OBJECT

private slots:
    void traceIds();
    void detection();
    void crossFormatLinks_data();
    void crossFormatLinks();
    void idempotentReimport();
    void actionContextValues();
    void viewContextValues();
    void gzipIntake(); // and zlib
    void badInput();
    void hugeStringAndDeepNesting();
    void lineEndsDoNotMoveColumns();
    void cliImport();

private:
    std::string cachePath(const char* name)
    {
        return m_dir.filePath(QString::fromLatin1(name)).toStdString();
    }
    QTemporaryDir m_dir;
};

void TestDatadogImport::traceIds()
{
    auto low = [](std::string_view s) {
        const auto id = parseDatadogTraceId(s);
        return id && !id->full.isValid() ? id->low64 : 0;
    };
    QCOMPARE(low("7890"), 7890u);
    QCOMPARE(low("18446744073709551615"), 18446744073709551615u);
    QVERIFY(!parseDatadogTraceId("18446744073709551616")); // overflows 64 bits
    QVERIFY(!parseDatadogTraceId("0"));
    QVERIFY(!parseDatadogTraceId(""));
    QVERIFY(!parseDatadogTraceId("12-34"));
    QCOMPARE(low("a3ce929d0e0e4736"), 0xa3ce929d0e0e4736u);
    // 128-bit hex: the full id, or only the low half when the high half is zero.
    const auto full = parseDatadogTraceId("6E1F9C6B2A0D4E5F8A7B6C5D4E3F2A1B");
    QVERIFY(full && full->full.isValid());
    QCOMPARE(QString::fromStdString(full->full.hex()), QStringLiteral("6e1f9c6b2a0d4e5f8a7b6c5d4e3f2a1b"));
    QCOMPARE(low("0000000000000000a3ce929d0e0e4736"), 0xa3ce929d0e0e4736u);
    QVERIFY(!parseDatadogTraceId("00000000000000000000000000000000"));
}

void TestDatadogImport::detection()
{
    for (const QString& f : publicFiles() + QStringList{kData + QStringLiteral("shop.ndjson"),
                                                        kData + QStringLiteral("export.json")}) {
        const std::string bytes = readAll(f);
        QVERIFY2(!bytes.empty(), qPrintable(f));
        QCOMPARE(QString::fromStdString(detectFormat(bytes, true)), QStringLiteral("datadog-rum"));
        // Cut anywhere after the first keys, it still reads as Datadog.
        QCOMPARE(QString::fromStdString(detectFormat(std::string_view(bytes).substr(0, 300), false)),
                 QStringLiteral("datadog-rum"));
    }
    QCOMPARE(QString::fromStdString(detectFormat(readAll(kData + QStringLiteral("shop-backend.json")), true)),
             QStringLiteral("otlp-json"));
    QCOMPARE(QString::fromStdString(
                 detectFormat(readAll(kOtlpData + QStringLiteral("checkout-backend.json")), true)),
             QStringLiteral("otlp-json"));
    // A "type" that is not a RUM event type, or no Datadog keys: not Datadog.
    QVERIFY(!looksLikeDatadogRum(R"({"type": "span", "application": {}})"));
    QVERIFY(!looksLikeDatadogRum(R"({"type": "view", "name": "x"})"));
    QVERIFY(!looksLikeDatadogRum(R"({"data": [{"type": "spans"}]})"));
    QVERIFY(looksLikeDatadogRum(R"({"data": [{"id": "x", "type": "rum", "attributes": {}}]})"));
}

void TestDatadogImport::crossFormatLinks_data()
{
    QTest::addColumn<bool>("rumFirst");
    QTest::newRow("rum, then otlp") << true;
    QTest::newRow("otlp, then rum") << false;
}

void TestDatadogImport::crossFormatLinks()
{
    QFETCH(bool, rumFirst);
    const std::string cache = cachePath(rumFirst ? "links-rum-first.seam" : "links-otlp-first.seam");
    const QString rum = kData + QStringLiteral("shop.ndjson");
    const QString otlp = kData + QStringLiteral("shop-backend.json");
    const auto reports = importIntoCache(cache, rumFirst ? QStringList{rum, otlp} : QStringList{otlp, rum});
    QVERIFY2(reports[rumFirst ? 1 : 0].clean(), qPrintable(rejects(reports[rumFirst ? 1 : 0])));
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db, "SELECT r.key, l.method, l.confidence, printf('%016x', l.span_id), sv.name "
                      "FROM links l JOIN resources r ON r.id = l.resource_id "
                      "JOIN spans s ON s.trace = l.trace AND s.span_id = l.span_id "
                      "JOIN services sv ON sv.id = s.service_id ORDER BY r.start_ns"),
             (QStringList{QStringLiteral("r-cart|datadog-id|1.0|c1c1c1c1c1c1c1c1|cart-api"),
                          QStringLiteral("r-price|datadog-id|1.0|f4f4f4f4f4f4f4f4|price-api")}));
    // The decimal id resolved to the backend's full trace id.
    QCOMPARE(
        rows(
            db,
            "SELECT hex(t.trace_id) FROM resources r JOIN traces t ON t.id = r.trace WHERE r.key = 'r-cart'"),
        QStringList{QStringLiteral("4BF92F3577B34DA6A3CE929D0E0E4736")});
    QCOMPARE(rows(db, "SELECT linked_count, services FROM page_loads"),
             QStringList{QStringLiteral("2|cart-api,price-api")});
}

void TestDatadogImport::idempotentReimport()
{
    const std::string cache = cachePath("twice.seam");
    const QStringList files{kData + QStringLiteral("shop.ndjson"), kData + QStringLiteral("export.json")};
    importIntoCache(cache, files);
    const char* snapshot =
        "SELECT (SELECT count(*) FROM page_loads) || '/' || (SELECT count(*) FROM resources) || '/' || "
        "(SELECT count(*) FROM rum_errors) || '/' || (SELECT count(*) FROM actions) || '/' || "
        "(SELECT count(*) FROM long_tasks) || '/' || (SELECT count(*) FROM sessions) || '/' || "
        "(SELECT group_concat(key || ':' || version || ':' || ifnull(lcp_ns, '-'), ',') FROM page_loads)";
    QStringList before;
    {
        Database db = store::openForReading(cache);
        before = rows(db, snapshot);
    }
    QCOMPARE(before, QStringList{QStringLiteral("2/4/1/1/1/2/v-home:4:1100000000,v-product:2:-")});
    importIntoCache(cache, files);
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db, snapshot), before);
}

void TestDatadogImport::actionContextValues()
{
    // DD_RUM.addAction("purchase", {order: {value: 129.5, items: "3", currency: "EUR"}}) with a global
    // context property: the numeric leaves are kept as the action's values (what `seam impact
    // --revenue-attribute order.value` reads when no span carries it); a re-import adds none.
    const QString file = m_dir.filePath(QStringLiteral("purchase.ndjson"));
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"type":"view","date":1709287200000,"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.example/checkout"}})"
            "\n"
            R"({"type":"action","date":1709287201000,"session":{"id":"s1"},"view":{"id":"v1"},"action":{"id":"a1","type":"custom","target":{"name":"purchase"}},"context":{"order":{"value":129.5,"items":"3","currency":"EUR"},"plan":{"tier":2}}})"
            "\n"
            R"({"type":"action","date":1709287202000,"session":{"id":"s1"},"view":{"id":"v1"},"action":{"id":"a2","type":"click","target":{"name":"Back"}}})"
            "\n");
    }
    const std::string cache = cachePath("purchase.seam");
    importIntoCache(cache, {file});
    const char* values =
        "SELECT a.name || ':' || v.key || '=' || v.value FROM action_values v JOIN actions a ON "
        "a.id = v.action_id ORDER BY v.key";
    const QStringList expected{QStringLiteral("purchase:order.items=3.0"),
                               QStringLiteral("purchase:order.value=129.5"),
                               QStringLiteral("purchase:plan.tier=2.0")};
    {
        Database db = store::openForReading(cache);
        QCOMPARE(rows(db, values), expected);
    }
    importIntoCache(cache, {file});
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db, values), expected);
}

void TestDatadogImport::viewContextValues()
{
    // setViewContextProperty("order", {value: ...}) on a confirmation page: each new version of the view
    // carries its whole context, and the newest version's numeric leaves are the page load's values. An
    // older version arriving late, an update without a context and a re-import change nothing; a later
    // file's newer version replaces them; a view without a context has none.
    auto write = [&](const char* name, const QByteArray& lines) {
        const QString file = m_dir.filePath(QString::fromLatin1(name));
        QFile f(file);
        return f.open(QIODevice::WriteOnly) && f.write(lines) == lines.size() ? file : QString();
    };
    const QString first = write(
        "views1.ndjson",
        R"({"type":"view","date":1709287200000,"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.example/done"},"_dd":{"document_version":1},"context":{"order":{"value":100}}})"
        "\n"
        R"({"type":"view","date":1709287200000,"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.example/done"},"_dd":{"document_version":3},"context":{"order":{"value":140,"currency":"EUR"},"step":2}})"
        "\n"
        R"({"type":"view","date":1709287200000,"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.example/done"},"_dd":{"document_version":2},"context":{"order":{"value":999}}})"
        "\n"
        R"({"type":"view_update","date":1709287200000,"session":{"id":"s1"},"view":{"id":"v1","loading_time":2000000},"_dd":{"document_version":4}})"
        "\n"
        R"({"type":"view","date":1709287300000,"session":{"id":"s1"},"view":{"id":"v2","url":"https://shop.example/"},"_dd":{"document_version":1}})"
        "\n");
    const QString later = write(
        "views2.ndjson",
        R"({"type":"view","date":1709287200000,"session":{"id":"s1"},"view":{"id":"v1","url":"https://shop.example/done"},"_dd":{"document_version":5},"context":{"order":{"value":150}}})"
        "\n");
    QVERIFY(!first.isEmpty() && !later.isEmpty());
    const std::string cache = cachePath("views.seam");
    const char* values =
        "SELECT p.key || ':' || v.key || '=' || v.value FROM page_load_values v JOIN page_loads "
        "p ON p.id = v.page_load_id ORDER BY p.key, v.key";
    importIntoCache(cache, {first});
    const QStringList newest{QStringLiteral("v1:order.value=140.0"), QStringLiteral("v1:step=2.0")};
    {
        Database db = store::openForReading(cache);
        QCOMPARE(rows(db, values), newest);
        QCOMPARE(db.queryInt("SELECT version FROM page_loads WHERE key = 'v1'"), 4); // the update was taken
    }
    importIntoCache(cache, {first});
    {
        Database db = store::openForReading(cache);
        QCOMPARE(rows(db, values), newest);
    }
    importIntoCache(cache, {later});
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db, values), QStringList{QStringLiteral("v1:order.value=150.0")});
}

void TestDatadogImport::gzipIntake()
{
    // The intake body is usually gzip: InputSource inflates transparently, detection sees the JSON.
    QProcess gz;
    gz.start(QStringLiteral("gzip"), {QStringLiteral("-c"), kData + QStringLiteral("shop.ndjson")});
    QVERIFY(gz.waitForFinished(10000));
    const QByteArray z = gz.readAllStandardOutput();
    QVERIFY(z.startsWith("\x1f\x8b"));
    const ImportReport r = importBytes(std::string(z.constData(), std::size_t(z.size())));
    QCOMPARE(QString::fromStdString(r.format), QStringLiteral("datadog-rum"));
    QVERIFY2(r.accepted() == 11u && r.rejected() == 2u, qPrintable(rejects(r)));

    // With compressIntakeRequests the browser SDK deflates (zlib, CompressionStream('deflate')): a
    // body saved from DevTools or a proxy is that, and imports the same.
    QFile ndjson(kData + QStringLiteral("shop.ndjson"));
    QVERIFY(ndjson.open(QIODevice::ReadOnly));
    const QByteArray zlib = qCompress(ndjson.readAll()).mid(4); // qCompress prefixes the length
    QVERIFY(zlib.startsWith('\x78'));
    const ImportReport d = importBytes(std::string(zlib.constData(), std::size_t(zlib.size())));
    QCOMPARE(QString::fromStdString(d.format), QStringLiteral("datadog-rum"));
    QVERIFY2(d.accepted() == 11u && d.rejected() == 2u, qPrintable(rejects(d)));
}

void TestDatadogImport::badInput()
{
    const std::string good =
        R"({"type":"long_task","date":1709287200000,"session":{"id":"s"},"view":{"id":"v"},"long_task":{"id":"lt","duration":60000000}})";
    const std::string input = good + "\n" + // line 1
                              R"({"type":"view","date":1,"view":{"url":"x"}})"
                              "\n" + // 2: no view.id
                              R"({"type":"resource","date":1,"resource":"x"})"
                              "\n" + // 3: wrong type
                              R"({"type":17})"
                              "\n" + // 4
                              R"([1, 2])"
                              "\n" + // 5: not objects
                              R"({"type":"error","date":1,"error":{"message":"m"}} trailing)"
                              "\n" + // 6
                              "\n" + // 7: blank
                              R"({"type":"long_task","date":1,"long_task":{"duration":"soon"}})"
                              "\n" + // 8
                              R"({"type":"action", "date": 5, "action": {"type": "click"}})"
                              "\n" +                                                  // 9: fine
                              R"({"type":"resource","date":1,"resource":{"url":"u")"; // 10: unterminated
    const ImportReport r = importBytes(input, "datadog-rum");
    QCOMPARE(rejects(r).split(QLatin1Char('\n')),
             QStringLiteral(
                 "line 2: view event without view.id\n"
                 "line 3: resource event without a \"resource\" object\n"
                 "line 4: RUM event without a string \"type\"\n"
                 "line 5, [0]: a RUM event must be a JSON object\n"
                 "line 5, [1]: a RUM event must be a JSON object\n"
                 "line 6, column 51: invalid JSON: The document root must not be followed by other values.\n"
                 "line 8: long_task event without a numeric long_task.duration\n"
                 "line 10, column 50: invalid JSON: Missing a comma or '}' after an object member.\n")
                 .split(QLatin1Char('\n')));
    QCOMPARE(r.accepted(), 2u);
    QVERIFY(!r.hasFatal());

    // A pretty-printed document cut short: fatal with its location, what came before is kept.
    const ImportReport cut =
        importBytes("{\n  \"type\": \"long_task\",\n  \"date\": 1,\n  \"long_task\": {\"duration\": 5}\n}\n"
                    "{\n  \"type\": \"action\",\n  \"date\": ",
                    "datadog-rum");
    QCOMPARE(cut.accepted(), 1u);
    QVERIFY(cut.hasFatal());
    QCOMPARE(QString::fromStdString(cut.fatalLocation()), QStringLiteral("line 8, byte 103"));
}

void TestDatadogImport::hugeStringAndDeepNesting()
{
    const std::string good =
        R"({"type":"long_task","date":1709287200000,"session":{"id":"s"},"view":{"id":"v"},"long_task":{"id":"lt","duration":60000000}})";
    std::string input = good + "\n";
    // A 50 MB error message: imported, clipped.
    input += R"({"type":"error","date":1709287200001,"session":{"id":"s"},"error":{"id":"big","message":")" +
             std::string(50u << 20, 'x') + "\"}}\n";
    // 100k-deep nested arrays: rejected with its line, no recursion.
    input += R"({"type":"action","date":1,"action":)" + std::string(100000, '[') + std::string(100000, ']') +
             "}\n";
    // A line over the 64 MiB limit.
    input += R"({"type":"error","date":1,"error":{"message":")" + std::string(65u << 20, 'y') + "\"}}\n";
    input += R"({"type":"long_task","date":1709287200002,"long_task":{"id":"lt2","duration":1}})"
             "\n";
    CollectingSink sink;
    auto in = InputSource::fromBuffer(input);
    in->setExpansionLimit(1000, std::uint64_t(1) << 30);
    const ImportReport r = importSource(*in, sink, nullptr, "datadog-rum");
    QCOMPARE(rejects(r), QStringLiteral("line 3, column 99: nested deeper than 64 levels\n"
                                        "line 4: a line longer than 64 MiB\n"));
    QCOMPARE(r.accepted(), 3u);
    std::size_t errors = 0;
    for (const RecordBatch& b : sink.batches)
        for (const RumErrorRecord& e : b.rumErrors) {
            ++errors;
            QCOMPARE(e.message.size(), std::size_t(64 * 1024));
        }
    QCOMPARE(errors, std::size_t(1));
}

void TestDatadogImport::lineEndsDoNotMoveColumns()
{
    // A line cut short is reported where its document ends, whatever blanks and line break follow it
    // (NDJSON lines are parsed in place now, trailing blanks included).
    const std::string good =
        R"({"type":"long_task","date":1709287200000,"long_task":{"id":"lt","duration":1}})";
    for (const std::string eol : {"\n", "\r\n", "  \t\r\n"}) {
        const ImportReport r =
            importBytes(good + eol + R"({"type":"action","date":)" + eol + good + eol, "datadog-rum");
        QCOMPARE(rejects(r), QStringLiteral("line 2, column 25: invalid JSON: Invalid value.\n"));
        QCOMPARE(r.accepted(), 2u);
    }
}

void TestDatadogImport::cliImport()
{
    if (!QFile::exists(seam::test::seamBinary()))
        QSKIP("the seam executable is not built");
    const QString cache = m_dir.filePath(QStringLiteral("cli.seam"));
    QProcess p;
    p.start(seam::test::seamBinary(),
            {QStringLiteral("import"), QStringLiteral("--db"), cache, kData + QStringLiteral("shop.ndjson"),
             kData + QStringLiteral("shop-backend.json")});
    QVERIFY(p.waitForFinished(60000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("[datadog-rum]")), qPrintable(out));
    Database db = store::openForReading(cache.toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM links WHERE method = 'datadog-id'"), 2);
}

QTEST_GUILESS_MAIN(TestDatadogImport)
#include "tst_datadogimport.moc"
