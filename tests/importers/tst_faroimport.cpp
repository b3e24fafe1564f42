#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "RumImportTestUtil.h"
#include "TestPaths.h"
#include "faro/FaroReader.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::rumtest;

namespace {

const QString kData = (seam::test::dataDir() + QStringLiteral("/faro/"));
const QString kPublic = (seam::test::publicFixturesDir() + QStringLiteral("/faro/"));

std::string readAll(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray b = f.readAll();
    return std::string(b.constData(), std::size_t(b.size()));
}

} // namespace

class TestFaroImport : public QObject
{
    Q_OBJECT

private slots:
    void detection();
    void publicPayload();
    void shopNdjson();
    void realSdkPayloads();
    void revisitsAreSeparatePageLoads();
    void idempotentReimport();
    void badInput();
    void cliImport();

private:
    std::string cachePath(const char* name)
    {
        return m_dir.filePath(QString::fromLatin1(name)).toStdString();
    }
    QTemporaryDir m_dir;
};

void TestFaroImport::detection()
{
    QCOMPARE(QString::fromStdString(detectFormat(readAll(kData + QStringLiteral("shop.ndjson")), true)),
             QStringLiteral("faro"));
    if (QFile::exists(kPublic + QStringLiteral("payload.json"))) {
        const std::string bytes = readAll(kPublic + QStringLiteral("payload.json"));
        QCOMPARE(QString::fromStdString(detectFormat(bytes, true)), QStringLiteral("faro"));
        QCOMPARE(QString::fromStdString(detectFormat(std::string_view(bytes).substr(0, 200), false)),
                 QStringLiteral("faro"));
    }
    // OTLP JSON (only "traces"-like keys of its own) stays OTLP; a foreign key makes it not Faro.
    QCOMPARE(QString::fromStdString(detectFormat(R"({"resourceSpans": []})", true)),
             QStringLiteral("otlp-json"));
    QVERIFY(!looksLikeFaro(R"({"traces": {"resourceSpans": []}})"));
    QVERIFY(!looksLikeFaro(R"({"meta": {}, "resourceSpans": []})"));
    QVERIFY(looksLikeFaro(R"({"meta": {"session": {"id": "x"}}})"));
    QVERIFY(looksLikeFaro(R"({"logs": [], "traces": {}})"));
}

void TestFaroImport::publicPayload()
{
    const QString file = kPublic + QStringLiteral("payload.json");
    if (!QFile::exists(file))
        QSKIP("public Faro fixtures are not available");
    const std::string cache = cachePath("public.seam");
    const auto reports = importIntoCache(cache, {file});
    const ImportReport& r = reports.front();
    QCOMPARE(QString::fromStdString(r.format), QStringLiteral("faro"));
    // Its two spans have empty ids: the OTLP reader rejects them, located inside "traces".
    QCOMPARE(rejects(r),
             QStringLiteral("line 1, traces line 1, byte 203: trace id must be 16 bytes, got 0\n"
                            "line 1, traces line 1, byte 278: trace id must be 16 bytes, got 0\n"));
    QCOMPARE(r.accepted(), 6u);
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db, "SELECT key, user_id, browser, browser_version, os, device, app_version FROM sessions"),
             QStringList{QStringLiteral("abcd|123|Firefox|128|Linux|desktop|abcdefg")});
    QCOMPARE(rows(db, "SELECT p.url, p.route, p.start_ns, p.version, v.name, v.version, v.environment "
                      "FROM page_loads p JOIN services v ON v.id = p.app_service_id"),
             QStringList{QStringLiteral(
                 "https://example.com/page|/page|1632998777680000000|0|testapp|abcdefg|production")});
    QCOMPARE(rows(db, "SELECT type, message, source, substr(stack, 1, 140) FROM rum_errors"),
             QStringList{QStringLiteral(
                 "Error|Cannot read property 'find' of undefined|source|"
                 "  at ? (http://fe:3002/static/js/vendors~main.chunk.js:8639:42)\n"
                 "  at dispatchAction (http://fe:3002/static/js/vendors~main.chunk.js:268095:9")});
    QCOMPARE(rows(db, "SELECT severity, severity_text, body, attributes, trace FROM logs ORDER BY body"),
             (QStringList{
                 QStringLiteral("1|trace|loading price list|{\"component\":\"AppRoot\",\"page\":\"Pricing\","
                                "\"session.id\":\"abcd\",\"page.url\":\"https://example.com/page\"}|-"),
                 QStringLiteral("9|info|measurement foobar|{\"hello\":\"world\",\"values\":{\"ttfp\":20.12,"
                                "\"ttfcp\":22.12,\"ttfb\":14},\"session.id\":\"abcd\",\"page.url\":\"https://"
                                "example.com/page\"}|-"),
                 QStringLiteral("9|info|opened pricing page|{\"component\":\"AppRoot\",\"page\":\"Pricing\","
                                "\"session.id\":\"abcd\",\"page.url\":\"https://example.com/page\"}|-"),
             }));
    QCOMPARE(rows(db, "SELECT type, name, time_ns FROM actions ORDER BY name"),
             (QStringList{QStringLiteral("custom|click_login_button|1632998777680000000"),
                          QStringLiteral("custom|click_reset_password_button|1632998777680000000")}));
}

void TestFaroImport::shopNdjson()
{
    const std::string cache = cachePath("shop.seam");
    const auto reports = importIntoCache(cache, {kData + QStringLiteral("shop.ndjson")});
    const ImportReport& r = reports.front();
    QCOMPARE(QString::fromStdString(r.format), QStringLiteral("faro"));
    QCOMPARE(rejects(r), QStringLiteral("line 2, column 52: invalid JSON: Invalid value.\n"
                                        "line 3, logs[0]: log without a string \"message\"\n"
                                        "line 3, exceptions[0]: no valid ISO 8601 \"timestamp\"\n"));
    // Payload 1: navigation, resource, custom and session_start events (the last is bookkeeping: accepted,
    // nothing written), a web-vitals measurement, an exception, a log; payload 3: a log. The span in
    // "traces" is counted by the OTLP reader.
    QCOMPARE(r.accepted(), 9u);
    Database db = store::openForReading(cache);
    QCOMPARE(
        rows(db, "SELECT key, url, route, start_ns, duration_ns, ttfb_ns, fcp_ns, lcp_ns, cls, version "
                 "FROM page_loads ORDER BY start_ns"),
        (QStringList{QStringLiteral("faro:f-sess-1:pg-1|https://shop.example.com/product/4711|/product/:id|"
                                    "1709287200500000000|1500000000|180500000|900000000|2100500000|0.12|1"),
                     QStringLiteral("faro:f-sess-1:pg-2|https://shop.example.com/cart|/cart|"
                                    "1709287260000000000|-|-|-|-|-|0")}));
    QCOMPARE(rows(db,
                  "SELECT key, type, url, status, start_ns, duration_ns, transfer_size, dns_ns, connect_ns, "
                  "ssl_ns, ttfb_ns, download_ns, id_source FROM resources ORDER BY key"),
             // The performance entry (timings) and the same fetch seen by the OTel fetch instrumentation in
             // "traces" (its trace, id source 1) are one resource.
             (QStringList{QStringLiteral(
                 "faro:f-sess-1:res-1|fetch|https://shop.example.com/api/stock/4711|200|"
                 "1709287202380000000|120000000|340|3000000|10000000|6000000|90000000|8000000|1")}));
    QCOMPARE(rows(db, "SELECT r.method, hex(t.trace_id), printf('%016x', r.span_id) FROM resources r "
                      "JOIN traces t ON t.id = r.trace"),
             QStringList{QStringLiteral("GET|5B8EFFF798038103D269B633813FC60C|eee19b7ec3c1b174")});
    QCOMPARE(rows(db,
                  "SELECT key, browser, browser_version, os, device, user_id, app_version, start_ns, end_ns "
                  "FROM sessions"),
             QStringList{QStringLiteral("f-sess-1|Chrome|120|Windows|desktop|u-7|3.1.0|1709287200500000000|"
                                        "1709287260100000000")});
    QCOMPARE(rows(db, "SELECT type, message, stack FROM rum_errors"),
             QStringList{QStringLiteral("TypeError|Cannot read properties of undefined (reading 'price')|"
                                        "  at renderPrice (https://shop.example.com/static/app.js:12:7)\n"
                                        "  at ? (https://shop.example.com/static/app.js:40:1)\n")});
    QCOMPARE(
        rows(db, "SELECT severity, body, attributes, hex(t.trace_id), printf('%016x', l.span_id) "
                 "FROM logs l LEFT JOIN traces t ON t.id = l.trace ORDER BY time_ns"),
        (QStringList{QStringLiteral("9|price loaded|{\"component\":\"Price\",\"session.id\":\"f-sess-1\","
                                    "\"page.url\":\"https://shop.example.com/product/4711\"}|"
                                    "5B8EFFF798038103D269B633813FC60C|eee19b7ec3c1b174"),
                     QStringLiteral("5|cart opened|{\"session.id\":\"f-sess-1\",\"page.url\":\"https://"
                                    "shop.example.com/cart\"}||0000000000000000")}));
    QCOMPARE(rows(db, "SELECT type, name, time_ns FROM actions"),
             QStringList{QStringLiteral("custom|add_to_cart|1709287205000000000")});
    // A custom event's attributes are strings: the numeric ones are the action's values (where a
    // purchase event carries what it was worth).
    QCOMPARE(rows(db, "SELECT key, value FROM action_values"), QStringList{QStringLiteral("sku|4711.0")});
    QCOMPARE(rows(db, "SELECT sv.name, o.name, s.kind FROM spans s JOIN services sv ON sv.id = s.service_id "
                      "JOIN operations o ON o.id = s.operation_id"),
             QStringList{QStringLiteral("shop-frontend|HTTP GET|3")});
}

// What the Grafana Faro web SDK 2.12.1 with its tracing instrumentation posted to /collect (captured
// from a real run in headless Chromium: two fetches, a pushed log and error, a click on a
// data-faro-user-action-name button that fetches). Each fetch arrives three times: a
// faro.performance.resource event (timings, stamped with its start), a faro.tracing.fetch event and an
// OpenTelemetry fetch span in "traces" (trace ids): one resource each, with both.
void TestFaroImport::realSdkPayloads()
{
    const std::string cache = cachePath("real.seam");
    const auto reports = importIntoCache(cache, {kData + QStringLiteral("faro-web-sdk-2.12.1.ndjson")});
    const ImportReport& r = reports.front();
    QCOMPARE(QString::fromStdString(r.format), QStringLiteral("faro"));
    QVERIFY2(r.clean(), qPrintable(rejects(r)));
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db, "SELECT url, route, start_ns, duration_ns, ttfb_ns, fcp_ns, lcp_ns, cls, inp_ns "
                      "FROM page_loads"),
             QStringList{QStringLiteral("http://127.0.0.1:18080/|/|1796339765428000000|702000000|127100000|"
                                        "672000000|672000000|0.0|16000000")});
    QCOMPARE(rows(db, "SELECT r.type, r.method, r.url, r.status, r.start_ns, r.duration_ns, r.ttfb_ns, "
                      "r.id_source, lower(hex(t.trace_id)), printf('%016x', r.span_id) FROM resources r "
                      "LEFT JOIN traces t ON t.id = r.trace ORDER BY r.start_ns"),
             (QStringList{
                 QStringLiteral("fetch|GET|http://127.0.0.1:18080/api/items|200|1796339766128000000|15000000|"
                                "6000000|1|572bd28288c0c4facfe7a5045e25ab89|cfdfc56c8e517c12"),
                 QStringLiteral("fetch|GET|http://127.0.0.1:18080/api/fail|500|1796339766166000000|7000000|"
                                "3000000|1|6654b1d66ec81d61575776339edc3bfe|6683175ec8361f04"),
                 QStringLiteral("fetch|GET|http://127.0.0.1:18080/api/items?buy=1|200|1796339766678000000|"
                                "4000000|1000000|1|04372244ec9aa47ed1e119ec77052f26|afdc92f839ffebd0")}));
    QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE page_load_id IS NULL"), 0);
    // Faro 2's user action, stamped with its start; no faro.tracing.* bookkeeping among the actions.
    QCOMPARE(rows(db, "SELECT type, name, time_ns, duration_ns FROM actions"),
             QStringList{QStringLiteral("click|buy-button|1796339766672000000|121700000")});
    QCOMPARE(rows(db, "SELECT key, user_id, browser, browser_version, os, device, app_version FROM sessions"),
             QStringList{QStringLiteral("bEdnSygVF1|u-7|Chrome|156|Linux|desktop|2.0.0")});
    QCOMPARE(rows(db, "SELECT type, message FROM rum_errors"),
             QStringList{QStringLiteral("Error|faro boom")});
    QCOMPARE(rows(db, "SELECT body FROM logs"), QStringList{QStringLiteral("hello from e2e")});
    QCOMPARE(rows(db,
                  "SELECT o.name, s.kind, count(*) FROM spans s JOIN operations o ON o.id = s.operation_id "
                  "GROUP BY 1, 2"),
             QStringList{QStringLiteral("GET|3|3")});

    // Again: nothing new, the merged resources stay merged.
    importIntoCache(cache, {kData + QStringLiteral("faro-web-sdk-2.12.1.ndjson")});
    Database again = store::openForReading(cache);
    QCOMPARE(again.queryInt("SELECT count(*) FROM resources"), 3);
    QCOMPARE(again.queryInt("SELECT count(*) FROM resources WHERE trace IS NULL"), 0);
}

void TestFaroImport::revisitsAreSeparatePageLoads()
{
    // Faro 2 sends no page id. One session: /a, /b, /a again, then a late resource entry of the first
    // /a visit. Three page loads; every item lands in the visit it happened in.
    auto payload = [](const char* url, const char* exceptions, const char* events) {
        return std::string(
                   R"({"meta":{"session":{"id":"s1"},"app":{"name":"shop"},"page":{"url":"https://shop.example)") +
               url + R"("}},"exceptions":[)" + exceptions + R"(],"events":[)" + events + "]}\n";
    };
    auto navigation = [](const char* url, const char* id, const char* time) {
        return std::string(
                   R"({"name":"faro.performance.navigation","domain":"browser","timestamp":"2026-03-01T10:00:)") +
               time + R"(Z","attributes":{"name":"https://shop.example)" + url + R"(","faroNavigationId":")" +
               id + R"(","duration":"1200","ttfb":"100"}})";
    };
    auto resource = [](const char* id, const char* navigationId, const char* time) {
        return std::string(
                   R"({"name":"faro.performance.resource","domain":"browser","timestamp":"2026-03-01T10:00:)") +
               time + R"(Z","attributes":{"name":"https://shop.example/api/)" + id +
               R"(","faroResourceId":")" + id + R"(","faroNavigationId":")" + navigationId +
               R"(","initiatorType":"fetch","duration":"50"}})";
    };
    auto exception = [](const char* value, const char* time) {
        return std::string(R"({"type":"Error","value":")") + value + R"(","timestamp":"2026-03-01T10:00:)" +
               time + R"(Z"})";
    };
    const std::string ndjson =
        payload("/a", exception("boom in a1", "00.500").c_str(), navigation("/a", "N1", "00.000").c_str()) +
        payload("/b", "", navigation("/b", "N2", "10.000").c_str()) +
        payload("/a", exception("boom in a2", "20.500").c_str(),
                (navigation("/a", "N3", "20.000") + "," + resource("r3", "N3", "20.300")).c_str()) +
        payload("/a", "", resource("r1", "N1", "01.000").c_str());
    const QString file = m_dir.filePath(QStringLiteral("revisits.ndjson"));
    QFile out(file);
    QVERIFY(out.open(QIODevice::WriteOnly));
    out.write(ndjson.data(), qint64(ndjson.size()));
    out.close();

    const std::string cache = cachePath("revisits.seam");
    const ImportReport r = importIntoCache(cache, {file}).front();
    QVERIFY2(r.rejected() == 0, qPrintable(rejects(r)));
    Database db = store::openForReading(cache);
    QCOMPARE(
        rows(db, "SELECT p.url, (p.start_ns - (SELECT min(start_ns) FROM page_loads)) / 1000000, "
                 "p.duration_ns / 1000000, "
                 "(SELECT group_concat(message) FROM rum_errors e WHERE e.page_load_id = p.id), "
                 "(SELECT group_concat(url) FROM resources r WHERE r.page_load_id = p.id) "
                 "FROM page_loads p ORDER BY p.start_ns"),
        (QStringList{
            QStringLiteral("https://shop.example/a|0|1200|boom in a1|https://shop.example/api/r1"),
            QStringLiteral("https://shop.example/b|10000|1200|-|-"),
            QStringLiteral("https://shop.example/a|20000|1200|boom in a2|https://shop.example/api/r3")}));
}

void TestFaroImport::idempotentReimport()
{
    const std::string cache = cachePath("twice.seam");
    const QStringList files{kData + QStringLiteral("shop.ndjson")};
    importIntoCache(cache, files);
    const char* snapshot =
        "SELECT (SELECT count(*) FROM page_loads) || '/' || (SELECT count(*) FROM resources) || '/' || "
        "(SELECT count(*) FROM rum_errors) || '/' || (SELECT count(*) FROM actions) || '/' || "
        "(SELECT count(*) FROM logs) || '/' || (SELECT count(*) FROM sessions) || '/' || "
        "(SELECT count(*) FROM spans) || '/' || "
        "(SELECT group_concat(key || ':' || version || ':' || ifnull(lcp_ns, '-'), ',') FROM page_loads)";
    QStringList before;
    {
        Database db = store::openForReading(cache);
        before = rows(db, snapshot);
    }
    QCOMPARE(before, QStringList{QStringLiteral(
                         "2/1/1/1/2/1/1/faro:f-sess-1:pg-1:1:2100500000,faro:f-sess-1:pg-2:0:-")});
    importIntoCache(cache, files);
    Database db = store::openForReading(cache);
    QCOMPARE(rows(db, snapshot), before);
}

void TestFaroImport::badInput()
{
    const std::string meta =
        R"("meta":{"session":{"id":"s1"},"page":{"id":"p","url":"https://a.example/x"}})";
    const std::string input =
        "{" + meta +
        R"(,"logs":[{"message":"ok","timestamp":"2024-03-01T10:00:00Z"}]})"
        "\n" + // 1
        R"({"logs": 5, "exceptions": [7, {"type": "E", "timestamp": "yesterday"}]})"
        "\n" + // 2
        R"({"measurements": [{"type": "web-vitals", "timestamp": "2024-03-01T10:00:00Z"}]})"
        "\n" + // 3
        R"({"events": [{"timestamp": "2024-03-01T10:00:00Z"}], "traces": []})"
        "\n" + // 4
        R"({"meta": 3, "logs": [{"message": "m", "timestamp": "2024-03-01T10:00:01Z"}]})"
        "\n" + // 5
        "{\"logs\": [" +
        std::string(100000, '[') + "\n" + // 6
        R"({"traces": {"resourceSpans": [{"scopeSpans": [{"spans": [{"traceId": "zz"}]}]}]}, "logs": []})"
        "\n" +                                    // 7
        R"({"logs": [{"message": "unterminated)"; // 8
    const ImportReport r = importBytes(input, "faro");
    QCOMPARE(
        rejects(r).split(QLatin1Char('\n')),
        QStringLiteral("line 2, logs: not an array\n"
                       "line 2, exceptions[0]: not an object\n"
                       "line 2, exceptions[1]: no valid ISO 8601 \"timestamp\"\n"
                       "line 3, measurements[0]: measurement without a \"values\" object\n"
                       "line 4, events[0]: event without a \"name\"\n"
                       "line 4, traces: \"traces\" is not an OTLP JSON object\n"
                       "line 5: \"meta\" is not an object; items are imported without it\n"
                       "line 6, column 73: nested deeper than 64 levels\n"
                       "line 7, traces line 1, byte 42: span: traceId must be 32 hex digits, got \"zz\"\n"
                       "line 8, column 36: invalid JSON: Missing a closing quotation mark in string.\n")
            .split(QLatin1Char('\n')));
    QCOMPARE(r.accepted(), 2u);
    QVERIFY(!r.hasFatal());

    // A 50 MB log message: imported, clipped to 64 KiB.
    CollectingSink sink;
    auto in = InputSource::fromBuffer("{" + meta + R"(,"logs":[{"message":")" + std::string(50u << 20, 'x') +
                                      R"(","timestamp":"2024-03-01T10:00:00Z"}]})");
    const ImportReport big = importSource(*in, sink, nullptr, "faro");
    QVERIFY2(big.clean(), qPrintable(rejects(big)));
    std::size_t logs = 0;
    for (const RecordBatch& b : sink.batches)
        for (const LogRecordRow& l : b.logs) {
            ++logs;
            QCOMPARE(l.body.size(), std::size_t(64 * 1024));
        }
    QCOMPARE(logs, std::size_t(1));
}

void TestFaroImport::cliImport()
{
    if (!QFile::exists(seam::test::seamBinary()))
        QSKIP("the seam executable is not built");
    const QString cache = m_dir.filePath(QStringLiteral("cli.seam"));
    QProcess p;
    p.start(seam::test::seamBinary(),
            {QStringLiteral("import"), QStringLiteral("--db"), cache, kData + QStringLiteral("shop.ndjson")});
    QVERIFY(p.waitForFinished(60000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("[faro]")), qPrintable(out));
    Database db = store::openForReading(cache.toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), 2);
}

QTEST_GUILESS_MAIN(TestFaroImport)
#include "tst_faroimport.moc"
