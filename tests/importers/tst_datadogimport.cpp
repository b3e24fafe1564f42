#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "RumImportTestUtil.h"
#include "datadog/DatadogRumReader.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::rumtest;

namespace {

const QString kData = QStringLiteral(SEAM_TEST_DATA "/datadog-rum/");
const QString kPublic = QStringLiteral(SEAM_PUBLIC_FIXTURES "/datadog-rum/");
const QString kOtlpData = QStringLiteral(SEAM_TEST_DATA "/har/");

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
    void publicFixtures();
    void shopNdjson();
    void realSdkIntake();
    void exportEnvelope();
    void crossFormatLinks_data();
    void crossFormatLinks();
    void idempotentReimport();
    void gzipIntake(); // and zlib
    void badInput();
    void hugeStringAndDeepNesting();
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

void TestDatadogImport::publicFixtures()
{
    if (!QDir(kPublic).exists())
        QSKIP("public Datadog RUM fixtures are not available");
    const QStringList files = publicFiles();
    QCOMPARE(files.size(), 8);
    const std::string cache = cachePath("public.seam");
    const auto reports = importIntoCache(cache, files);
    for (std::size_t i = 0; i < reports.size(); ++i) {
        QVERIFY2(reports[i].clean(), qPrintable(files[int(i)] + QLatin1Char('\n') + rejects(reports[i])));
        QCOMPARE(QString::fromStdString(reports[i].format), QStringLiteral("datadog-rum"));
        QCOMPARE(reports[i].accepted(), 1u);
    }
    Database db = store::openForReading(cache);
    // view.json is document_version 9; view_update.json (version 2) is older and changes nothing.
    QCOMPARE(rows(db,
                  "SELECT p.key, p.url, p.route, p.start_ns, p.duration_ns, p.ttfb_ns, p.fcp_ns, p.lcp_ns, "
                  "p.cls, p.inp_ns, p.version, v.name, v.is_browser, s.key "
                  "FROM page_loads p JOIN services v ON v.id = p.app_service_id "
                  "JOIN sessions s ON s.id = p.session_id"),
             QStringList{QStringLiteral(
                 "623d50fd-75cf-4025-97d2-e51ff94171f6|https://app.datadoghq.com/rum/"
                 "explorer?live=1h&query=&tab=view|/rum/explorer|1591283924940000000|"
                 "4115295000|-|420725000|20000000|0.1|20000000|9|"
                 "ac8218cf-498b-4d33-bd44-151095959547|1|cacbf45c-3a05-48ce-b066-d76349460599")});
    // resource.json and resource-graphql.json share their resource.id: one row.
    QCOMPARE(
        rows(db, "SELECT key, type, method, url, status, start_ns, duration_ns, transfer_size, ttfb_ns, "
                 "download_ns, trace_lo, span_id, id_source FROM resources"),
        QStringList{QStringLiteral("b83a5d82-cdd1-468d-9bc9-3aa9e54d957a|fetch|POST|https://api.example.com/"
                                   "graphql|200|1591284175328000000|246580000|3699|-|-|7890|12345|4")});
    QCOMPARE(rows(db, "SELECT key, time_ns, type, message, source, stack, resource_url, resource_status FROM "
                      "rum_errors"),
             QStringList{
                 QStringLiteral("c9ecb486-2200-4b5d-9d53-040030c3765c|1591284175342000000|-|XHR error POST "
                                "https://app.datadoghq.com/api/v1/logs-analytics/aggregate?type=rum|network|"
                                "Failed to load|https://app.datadoghq.com/api/v1/logs-analytics/"
                                "aggregate?type=rum|-")});
    QCOMPARE(
        rows(db, "SELECT key, time_ns, duration_ns, type, name, frustration FROM actions"),
        QStringList{QStringLiteral("47af0abb-3de1-4170-a491-4473716df979|1591284428705000000|566250000|click|"
                                   "Options|rage_click")});
    QCOMPARE(
        rows(db, "SELECT key, time_ns, duration_ns FROM long_tasks"),
        QStringList{QStringLiteral("5fa9630e-54c0-4050-8a67-bb1cd575bd26|1591284175576000000|71455000")});
    QCOMPARE(rows(db, "SELECT key, os, device FROM sessions"),
             QStringList{QStringLiteral("cacbf45c-3a05-48ce-b066-d76349460599|iOS|tablet")});
}

void TestDatadogImport::shopNdjson()
{
    const std::string cache = cachePath("shop.seam");
    const auto reports = importIntoCache(cache, {kData + QStringLiteral("shop.ndjson")});
    const ImportReport& r = reports.front();
    QCOMPARE(QString::fromStdString(r.format), QStringLiteral("datadog-rum"));
    QCOMPARE(
        rejects(r),
        QStringLiteral("line 7, column 34: invalid JSON: Missing a comma or '}' after an object member.\n"
                       "line 8: \"date\" is not a number (milliseconds since the epoch)\n"));
    QCOMPARE(r.accepted(), 11u);
    Database db = store::openForReading(cache);
    // Versions 1 and 3 of the view, then a partial view_update (version 4: LCP) merged into version 3;
    // the late version 2 is ignored.
    QCOMPARE(
        rows(db,
             "SELECT key, url, route, start_ns, duration_ns, ttfb_ns, fcp_ns, lcp_ns, cls, inp_ns, version "
             "FROM page_loads"),
        QStringList{
            QStringLiteral("v-home|https://shop.example.com/|/|1709287200000000000|950000000|120000000|"
                           "400000000|1100000000|0.05|80000000|4")});
    QCOMPARE(
        rows(db,
             "SELECT r.key, r.type, r.method, r.url, r.status, r.start_ns - 1709287200000000000, "
             "r.duration_ns, r.transfer_size, r.dns_ns, r.connect_ns, r.ssl_ns, r.ttfb_ns, r.download_ns, "
             "printf('%016x', r.trace_lo), printf('%016x', r.span_id), r.id_source, p.key "
             "FROM resources r LEFT JOIN page_loads p ON p.id = r.page_load_id ORDER BY r.start_ns"),
        (QStringList{
            QStringLiteral(
                "r-logo|image|-|https://cdn.example.com/logo.png|200|300000000|12000000|2048|-|-|-|-|-|"
                "0000000000000000|0000000000000000|0|v-home"),
            QStringLiteral(
                "r-cart|fetch|POST|https://shop.example.com/api/cart|201|1200000000|78000000|512|"
                "2000000|9000000|6000000|60000000|7000000|a3ce929d0e0e4736|00f067aa0ba902b7|4|v-home"),
            QStringLiteral(
                "r-price|xhr|GET|https://shop.example.com/api/price?sku=12345|200|1500000000|45000000|"
                "-|-|-|-|-|-|0000000000000000|1234567890abcdef|4|v-home"),
        }));
    QCOMPARE(rows(db, "SELECT hex(t.trace_id) FROM resources r JOIN traces t ON t.id = r.trace WHERE r.key = "
                      "'r-price'"),
             QStringList{QStringLiteral("6E1F9C6B2A0D4E5F8A7B6C5D4E3F2A1B")});
    QCOMPARE(
        rows(db, "SELECT key, time_ns - 1709287200000000000, type, message, source, stack FROM rum_errors"),
        QStringList{
            QStringLiteral("e-1|2000000000|TypeError|x is undefined|source|TypeError: x is undefined\n"
                           "  at cart.js:10:5")});
    QCOMPARE(
        rows(db,
             "SELECT key, time_ns - 1709287200000000000, duration_ns, type, name, frustration FROM actions"),
        QStringList{QStringLiteral("a-1|1100000000|300000000|click|Add to cart|rage_click,error_click")});
    QCOMPARE(rows(db, "SELECT key, time_ns - 1709287200000000000, duration_ns FROM long_tasks"),
             QStringList{QStringLiteral("lt-1|1150000000|71455000")});
    QCOMPARE(
        rows(db,
             "SELECT key, user_id, app_version, start_ns - 1709287200000000000, end_ns - 1709287200000000000 "
             "FROM sessions"),
        QStringList{QStringLiteral("dd-session-1|u-42|2.4.1|0|5000000000")});
    QCOMPARE(rows(db, "SELECT name, version, is_browser FROM services"),
             QStringList{QStringLiteral("shop-web|2.4.1|1")});
}

// What the Datadog browser SDK 7.16.2 posted through its `proxy` option (captured from a real run in
// headless Chromium: a page with two fetches traced with tracecontext + datadog headers, an uncaught
// error, a click that fetches, two long tasks; the view's last update came when the page was left).
void TestDatadogImport::realSdkIntake()
{
    const std::string cache = cachePath("real.seam");
    const auto reports = importIntoCache(cache, {kData + QStringLiteral("browser-rum-7.16.2-intake.ndjson")});
    const ImportReport& r = reports.front();
    QCOMPARE(QString::fromStdString(r.format), QStringLiteral("datadog-rum"));
    QVERIFY2(r.clean(), qPrintable(rejects(r)));
    QCOMPARE(r.accepted(), 13u);
    Database db = store::openForReading(cache);
    QCOMPARE(
        rows(db, "SELECT p.key, p.url, p.route, p.start_ns, p.duration_ns, p.ttfb_ns, p.fcp_ns, p.lcp_ns, "
                 "p.cls, p.inp_ns, p.version, p.error_count, v.name, v.version, v.environment "
                 "FROM page_loads p JOIN services v ON v.id = p.app_service_id"),
        QStringList{QStringLiteral("be817d7e-20f6-4d2f-b05e-419ed00af10d|http://127.0.0.1:18080/|/|"
                                   "1796339778508000000|448700000|60700000|448000000|448000000|0.0|8000000|3|"
                                   "1|e2e-dd-web|1.2.3|e2e")});
    QCOMPARE(
        rows(db, "SELECT type, method, url, status, start_ns, duration_ns, ttfb_ns, id_source, "
                 "printf('%016x', trace_lo), printf('%016x', span_id) FROM resources ORDER BY start_ns"),
        (QStringList{
            QStringLiteral("document|-|http://127.0.0.1:18080/|200|1796339778508000000|63800000|54600000|0|"
                           "0000000000000000|0000000000000000"),
            QStringLiteral("script|-|http://127.0.0.1:18080/app.js|200|1796339778597000000|45900000|"
                           "16500000|0|0000000000000000|0000000000000000"),
            QStringLiteral("image|-|http://127.0.0.1:18080/img.png|404|1796339778604000000|41700000|"
                           "27000000|0|0000000000000000|0000000000000000"),
            QStringLiteral("image|-|http://127.0.0.1:18080/favicon.ico|404|1796339778966000000|14000000|"
                           "5500000|0|0000000000000000|0000000000000000"),
            // The low 64 bits the SDK put in traceparent (00-0000000000000000b4d1c2784437f3ec-...).
            QStringLiteral("fetch|GET|http://127.0.0.1:18080/api/items|200|1796339779267000000|78500000|"
                           "71600000|4|b4d1c2784437f3ec|325add81b8d69fbb"),
            QStringLiteral("fetch|GET|http://127.0.0.1:18080/api/fail|500|1796339779363000000|69700000|"
                           "63300000|4|f6d17ac1def5158a|5197234450a091c5"),
            QStringLiteral("fetch|GET|http://127.0.0.1:18080/api/items?buy=1|200|1796339779878000000|"
                           "4400000|1500000|4|3fc5ea7e14d8666d|0f68fa0bdceb89ab")}));
    QCOMPARE(rows(db, "SELECT type, name, time_ns, duration_ns FROM actions"),
             QStringList{QStringLiteral("click|Buy|1796339779875000000|17000000")});
    QCOMPARE(rows(db, "SELECT type, message, source, substr(stack, 1, 20) FROM rum_errors"),
             QStringList{QStringLiteral("Error|boom from e2e|source|Error: boom from e2e")});
    QCOMPARE(rows(db, "SELECT count(*), sum(duration_ns) FROM long_tasks"),
             QStringList{QStringLiteral("2|387700000")});
    // The SDK's events carry no user agent (the intake adds it): no browser from a file.
    QCOMPARE(rows(db, "SELECT key, user_id, browser, app_version FROM sessions"),
             QStringList{QStringLiteral("5f842162-e4e7-4f77-a362-bdcb1f3e0880|u-42|-|1.2.3")});
}

void TestDatadogImport::exportEnvelope()
{
    const std::string cache = cachePath("export.seam");
    const auto reports = importIntoCache(cache, {kData + QStringLiteral("export.json")});
    QCOMPARE(rejects(reports.front()),
             QStringLiteral("line 1, data[2]: export item without an \"attributes\" object\n"));
    QCOMPARE(reports.front().accepted(), 2u);
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db,
                  "SELECT p.key, p.route, p.duration_ns, p.version, v.name, v.environment FROM page_loads p "
                  "JOIN services v ON v.id = p.app_service_id"),
             QStringList{QStringLiteral("v-product|/product/:id|1500000000|2|shop-web|prod")});
    // The resource has no "date": the envelope's timestamp is its time.
    QCOMPARE(rows(db, "SELECT key, type, start_ns, duration_ns FROM resources"),
             QStringList{QStringLiteral("r-prod|script|1709287260250000000|30000000")});
    QCOMPARE(rows(db, "SELECT key, browser, browser_version, os, device, country FROM sessions"),
             QStringList{QStringLiteral("dd-session-2|Firefox|128|Linux|desktop|DE")});
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

void TestDatadogImport::cliImport()
{
    if (!QFile::exists(QStringLiteral(SEAM_BINARY)))
        QSKIP("the seam executable is not built");
    const QString cache = m_dir.filePath(QStringLiteral("cli.seam"));
    QProcess p;
    p.start(QStringLiteral(SEAM_BINARY),
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
