#include "Base64.h"
#include "HarFields.h"
#include "HarMapper.h"
#include "HarTestUtil.h"
#include "ImportFormats.h"
#include "ImportRunner.h"
#include "IsoTime.h"
#include "OtlpSniff.h"
#include "Propagation.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "har/HarReader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <zlib.h>

using namespace seam;
using namespace seam::hartest;

class TestHarImport : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string cachePath(const char* name) const
    {
        return m_dir.filePath(QLatin1String(name)).toStdString();
    }
    void requirePublic()
    {
        if (!QFile::exists(kPublic + QStringLiteral("issue-49-chrome51.har")))
            QSKIP("public fixtures are not present");
    }

private slots:
    void isoTimes();
    void traceHeaders();
    void htmlMetaAndBase64();
    void detection();
    void publicFixtures_data();
    void publicFixtures();
    void invalidPublicFixtures();
    void entriesBeforePages();
    void manyEntriesBeforePagesSpill();
    void documentEntry();
    void failedAndCancelled_data();
    void failedAndCancelled();
    void emptyPagesSkipped();
    void mapperOnItsOwn();
    void idempotentReimport();
    void crossFormatLinks_data();
    void crossFormatLinks();
    void cliImport();
};

#ifndef Q_MOC_RUN

void TestHarImport::isoTimes()
{
    QCOMPARE(parseIsoTime("2024-03-01T10:00:00Z"), std::optional<TimeNs>(kCheckoutStart));
    QCOMPARE(parseIsoTime("2024-03-01T10:00:00.123Z"), std::optional<TimeNs>(kCheckoutStart + 123000000));
    QCOMPARE(parseIsoTime("2024-03-01T11:30:00.000000001+01:30"), std::optional<TimeNs>(kCheckoutStart + 1));
    QCOMPARE(parseIsoTime("2024-03-01T09:00:00-0100"), std::optional<TimeNs>(kCheckoutStart));
    QCOMPARE(parseIsoTime("2024-03-01T10:00:00.1234567891234Z"),
             std::optional<TimeNs>(kCheckoutStart + 123456789));
    QCOMPARE(parseIsoTime("1970-01-01T00:00:00Z"), std::optional<TimeNs>(0));
    QCOMPARE(parseIsoTime("2010-09-28T20:13:39.238+02:00"), std::optional<TimeNs>(1285697619238000000));
    QVERIFY(!parseIsoTime(""));
    QVERIFY(!parseIsoTime("yesterday"));
    QVERIFY(!parseIsoTime("2024-13-01T10:00:00Z"));
    QVERIFY(!parseIsoTime("2610-03-01T10:00:00Z")); // beyond int64 nanoseconds
    QVERIFY(parseIsoTime("2200-12-31T23:59:59.999999999-23:59"));
    QVERIFY(!parseIsoTime("2024-03-01T10:00:00Zjunk"));
    QVERIFY(!parseIsoTime("2024-03-01T10:00:00."));
}

void TestHarImport::traceHeaders()
{
    const auto tp = fromTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                    TraceIdSource::TraceparentHeader);
    QCOMPARE(tp.traceId.hex(), std::string("4bf92f3577b34da6a3ce929d0e0e4736"));
    QCOMPARE(spanIdHex(tp.spanId), std::string("00f067aa0ba902b7"));
    QCOMPARE(tp.low64, 0u);
    // The Datadog SDK's traceparent: only the low half means anything.
    const auto dd = fromTraceParent("00-0000000000000000d269b633813fc60c-1a2b3c4d5e6f7081-01",
                                    TraceIdSource::TraceparentHeader);
    QVERIFY(!dd.traceId.isValid());
    QCOMPARE(dd.low64, 0xd269b633813fc60cull);
    QVERIFY(!fromTraceParent("junk", TraceIdSource::TraceparentHeader).found());

    const auto b3 = fromB3("80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90");
    QCOMPARE(b3.traceId.hex(), std::string("80f198ee56343ba864fe8b2a57d3eff7"));
    QCOMPARE(spanIdHex(b3.spanId), std::string("e457b5a2e4d86bd1"));
    QCOMPARE(fromB3("64fe8b2a57d3eff7-e457b5a2e4d86bd1").traceId.hex(),
             std::string("000000000000000064fe8b2a57d3eff7"));
    QVERIFY(!fromB3("1").found());
    QVERIFY(!fromB3("xyz-e457b5a2e4d86bd1").found());

    QCOMPARE(
        traceParentFromServerTiming(
            R"(cache;desc="hit, really";dur=2.5, TraceParent;dur=0;desc="00-1f2e3d4c5b6a79880102030405060708-0102030405060708-01")"),
        std::optional<std::string>("00-1f2e3d4c5b6a79880102030405060708-0102030405060708-01"));
    QCOMPARE(traceParentFromServerTiming("traceparent;desc=00-abc"), std::optional<std::string>("00-abc"));
    QVERIFY(!traceParentFromServerTiming("db;dur=53, app;dur=47.2"));
    QVERIFY(!traceParentFromServerTiming("traceparent"));

    QCOMPARE(parseDecimalU64("15161918342891210252"), std::optional<std::uint64_t>(15161918342891210252ull));
    QVERIFY(!parseDecimalU64("18446744073709551616")); // 2^64
    QVERIFY(!parseDecimalU64("12a"));
}

void TestHarImport::htmlMetaAndBase64()
{
    const std::string tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    QCOMPARE(traceParentFromHtml(R"(<head><meta name="traceparent" content=")" + tp + "\"></head>"),
             std::optional<std::string>(tp));
    QCOMPARE(traceParentFromHtml("<META CONTENT='" + tp + "' Name=TraceParent />"),
             std::optional<std::string>(tp));
    QCOMPARE(traceParentFromHtml("<meta charset=utf-8><meta\n name = \"traceparent\"\n content=" + tp + ">"),
             std::optional<std::string>(tp));
    QVERIFY(!traceParentFromHtml(R"(<meta name="description" content="traceparent">)"));
    QVERIFY(!traceParentFromHtml(R"(<meta name="traceparent">)"));
    QVERIFY(!traceParentFromHtml("<meta name=\"tracep"));

    QCOMPARE(decodeBase64Prefix("aGVsbG8gd29ybGQ=", 100), std::string("hello world"));
    QCOMPARE(decodeBase64Prefix("aGVs\nbG8g d29y bGQ", 100), std::string("hello world"));
    QCOMPARE(decodeBase64Prefix("aGVsbG8gd29ybGQ=", 5), std::string("hello"));
    QCOMPARE(decodeBase64Prefix("aGVs*bG8", 100), std::string("hel"));
}

void TestHarImport::detection()
{
    auto detect = [](const std::string& s) { return detectFormat(s, true); };
    QCOMPARE(detect(R"({"log":{"version":"1.2","entries":[]}})"), std::string(formats::kHar));
    QCOMPARE(detect("\xef\xbb\xbf {\n \"log\" : {\n \"entries\": [ {"), std::string(formats::kHar));
    QCOMPARE(detect(R"({"log":{"_custom":1}})"), std::string(formats::kHar));
    QCOMPARE(detect(R"({"log":{}})"), std::string(formats::kHar));
    QCOMPARE(detect(R"({"log":5})"), std::string(formats::kOtlpJson)); // JSON, refused as not OTLP
    QCOMPARE(detect(R"({"log":{"resourceSpans":[]}})"), std::string(formats::kOtlpJson));
    QCOMPARE(detect(R"({"resourceSpans":[]})"), std::string(formats::kOtlpJson));
    for (const char* name : {"checkout.har", "entries-first.har"}) {
        auto in = InputSource::openFile(QString(kData + QLatin1String(name)).toStdString());
        QCOMPARE(detectFormat(*in), std::string(formats::kHar));
    }
    auto otlp = InputSource::openFile(QString(kData + QStringLiteral("checkout-backend.json")).toStdString());
    QCOMPARE(detectFormat(*otlp), std::string(formats::kOtlpJson));
    // Gzip is transparent.
    QFile f(kData + QStringLiteral("checkout.har"));
    QVERIFY(f.open(QIODevice::ReadOnly));
    const std::string bytes = f.readAll().toStdString();
    const Result zipped = importBytes(gzip(bytes));
    QCOMPARE(zipped.report.format, std::string("har"));
    QVERIFY2(zipped.report.clean(), qPrintable(rejects(zipped.report)));
    QCOMPARE(zipped.records.resources.size(), 9u);
    // The public fixtures, OTLP ones too.
    if (QFile::exists((seam::test::publicFixturesDir() + QStringLiteral("/otlp/trace.json")))) {
        auto in = InputSource::openFile(
            QString(seam::test::publicFixturesDir() + QStringLiteral("/otlp/trace.json")).toStdString());
        QCOMPARE(detectFormat(*in), std::string(formats::kOtlpJson));
        for (const char* name : {"issue-23-chrome51.har", "issue-61-chrome51.har", "multiple-pages.har",
                                 "not-valid.har", "not-json.har"}) {
            auto har = InputSource::openFile(QString(kPublic + QLatin1String(name)).toStdString());
            QCOMPARE(detectFormat(*har), std::string(formats::kHar));
        }
    }
}

void TestHarImport::publicFixtures_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("pages");
    QTest::addColumn<int>("entries");
    QTest::addColumn<QString>("browser");
    QTest::newRow("issue-23") << QStringLiteral("issue-23-chrome51.har") << 1 << 3
                              << QStringLiteral("Chrome");
    QTest::newRow("issue-49") << QStringLiteral("issue-49-chrome51.har") << 1 << 4
                              << QStringLiteral("Chrome");
    QTest::newRow("issue-61") << QStringLiteral("issue-61-chrome51.har") << 3 << 27
                              << QStringLiteral("Chrome");
    QTest::newRow("multiple-pages") << QStringLiteral("multiple-pages.har") << 3 << 9
                                    << QStringLiteral("Firefox");
}

void TestHarImport::publicFixtures()
{
    requirePublic();
    QFETCH(QString, file);
    QFETCH(int, pages);
    QFETCH(int, entries);
    QFETCH(QString, browser);
    const Result r = importPath(kPublic + file);
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.report.format, std::string("har"));
    QCOMPARE(r.report.accepted(), std::uint64_t(pages + entries));
    QCOMPARE(int(r.records.pageLoads.size()), pages);
    QCOMPARE(int(r.records.resources.size()), entries);
    QCOMPARE(r.records.sessions.size(), 1u);
    QCOMPARE(QString::fromStdString(r.records.sessions[0].browser), browser);
    int documents = 0;
    for (const ResourceRecord& res : r.records.resources) {
        QVERIFY(!res.key.empty());
        QCOMPARE(res.sessionKey, r.records.sessions[0].key);
        QVERIFY(!res.pageLoadKey.empty()); // every entry of these files names a page that exists
        documents += res.type == "document";
    }
    QCOMPARE(documents, pages); // each page has its document entry
    for (const PageLoadRecord& p : r.records.pageLoads) {
        QVERIFY(p.url.starts_with("http"));
        QVERIFY(p.duration > 0);
        QVERIFY(p.ttfb > 0);
    }
}

void TestHarImport::invalidPublicFixtures()
{
    requirePublic();
    const Result notJson = importPath(kPublic + QStringLiteral("not-json.har"));
    QVERIFY(notJson.report.hasFatal());
    QCOMPARE(QString::fromStdString(notJson.report.fatalLocation()), QStringLiteral("line 8, byte 110"));
    QVERIFY(notJson.records.resources.empty());
    QVERIFY(notJson.records.sessions.empty());

    const Result notValid = importPath(kPublic + QStringLiteral("not-valid.har"));
    QVERIFY(notValid.report.hasFatal());
    QVERIFY2(notValid.report.fatalMessage().find("no \"entries\"") != std::string::npos,
             notValid.report.fatalMessage().c_str());
    QCOMPARE(QString::fromStdString(notValid.report.fatalLocation()), QStringLiteral("line 2, byte 10"));
    QVERIFY(notValid.records.resources.empty());
}

void TestHarImport::entriesBeforePages()
{
    const Result r = importPath(kData + QStringLiteral("entries-first.har"));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    // Held until the pages arrived: every entry knows its page, page loads come before their resources.
    QCOMPARE(r.records.resources.size(), 5u);
    QCOMPARE(r.records.pageLoads.size(), 2u);
    const std::string& session = r.records.sessions.at(0).key;
    QStringList got;
    for (const ResourceRecord& res : r.records.resources)
        got << QString::fromStdString(res.type + ' ' + res.url + ' ' +
                                      res.pageLoadKey.substr(session.size()));
    QCOMPARE(got,
             (QStringList{QStringLiteral("document https://news.example.org/ /page/page_a"),
                          QStringLiteral("css https://news.example.org/style.css /page/page_a"),
                          QStringLiteral("other https://news.example.org/frame.html /page/page_a"),
                          QStringLiteral("document https://news.example.org/article/987654 /page/page_b"),
                          QStringLiteral("font https://news.example.org/font.woff2 /page/page_b")}));
    const PageLoadRecord& a = r.records.pageLoads[0];
    QCOMPARE(a.url, std::string("https://news.example.org/"));
    QCOMPARE(a.duration, TimeNs(120000000)); // onLoad -1: onContentLoad
    QCOMPARE(a.ttfb, TimeNs(40000000));
    QCOMPARE(a.traceId.hex(), std::string("6e0c63257de34c92bf9efcd03927272e"));
    QCOMPARE(r.records.resources[0].traceIdSource, TraceIdSource::DocumentMeta);
    QCOMPARE(r.records.pageLoads[1].route, std::string("/article/:id"));
    QCOMPARE(r.records.pageLoads[1].start, kCheckoutStart + 5000000000);
    QCOMPARE(r.records.sessions[0].browser, std::string("Firefox"));
    QCOMPARE(r.records.sessions[0].os, std::string("Linux"));
    // Transfer size from headersSize + bodySize when there is no _transferSize.
    QCOMPARE(r.records.resources[1].transferSize, 350);
}

void TestHarImport::manyEntriesBeforePagesSpill()
{
    // More entries before the pages than the reader holds: they are written with their page key and
    // the store attaches them when the page load arrives.
    const int n = int(HarReader::kMaxBufferedEntries) + 500;
    std::string entries;
    for (int i = 0; i < n; ++i) {
        if (i)
            entries += ',';
        entries += entry(i % 60000, "https://a.example/api/" + std::to_string(i));
    }
    std::string orphan = entry(100, "https://a.example/orphan");
    orphan.replace(orphan.find("\"p1\""), 4, "\"nope\"");
    entries += "," + orphan;
    const std::string cache = cachePath("spill.seam");
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("spill.har"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray::fromStdString(harDoc(entries, "false")));
        f.close();
        const auto reports = importIntoCache(cache, {file});
        QVERIFY2(reports[0].clean(), qPrintable(rejects(reports[0])));
        QCOMPARE(reports[0].accepted(), std::uint64_t(n + 2));
    }
    Database db = store::openForReading(cache);
    QCOMPARE(db.queryInt(
                 "SELECT count(*) FROM resources WHERE page_load_id IS NOT NULL AND page_load_by_time = 0"),
             std::int64_t(n));
    QCOMPARE(db.queryInt("SELECT resource_count FROM page_loads"), std::int64_t(n));
    // The entry naming a page that never came was written before that was known: it waits for it.
    QCOMPARE(rows(db, "SELECT url, substr(page_load_key, instr(page_load_key, '/page/')) FROM resources "
                      "WHERE page_load_id IS NULL"),
             QStringList{QStringLiteral("https://a.example/orphan|/page/nope")});
}

void TestHarImport::documentEntry()
{
    // Without Chrome's _resourceType: Sec-Fetch-Dest, then the MIME type, then Accept: text/html for
    // the first request of a page. A redirect is not the page's document; the page takes its URL from
    // the document it led to.
    auto e = [](int ms, const std::string& url, int status, const std::string& mime,
                const std::string& reqHeaders) {
        return R"({"pageref":"p1","startedDateTime":"2024-03-01T10:00:00.)" +
               std::to_string(1000 + ms).substr(1) + R"(Z","time":10,"request":{"method":"GET","url":")" +
               url + R"(","headers":[)" + reqHeaders + R"(]},"response":{"status":)" +
               std::to_string(status) + R"(,"headers":[],"content":{"mimeType":")" + mime +
               R"("}},"timings":{"send":1,"wait":8,"receive":1}})";
    };
    const std::string entries =
        e(0, "http://shop.example.com/", 301, "text/html", R"({"name":"Accept","value":"text/html,*/*"})") +
        "," +
        e(20, "https://shop.example.com/home", 200, "", R"({"name":"Accept","value":"text/html,*/*"})") +
        "," +
        e(40, "https://shop.example.com/widget", 200, "text/html",
          R"({"name":"Sec-Fetch-Dest","value":"iframe"})") +
        "," + e(50, "https://shop.example.com/fragment", 200, "text/html", "") + "," +
        e(60, "https://shop.example.com/x", 200, "", R"({"name":"sec-fetch-dest","value":"empty"})") + "," +
        e(70, "https://shop.example.com/s", 200, "", R"({"name":"Sec-Fetch-Dest","value":"style"})");
    const Result r = importBytes(harDoc(entries));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QStringList types;
    for (const ResourceRecord& res : r.records.resources)
        types << QString::fromStdString(res.type + ' ' + std::to_string(res.statusCode));
    QCOMPARE(types, (QStringList{QStringLiteral("document 301"), QStringLiteral("document 200"),
                                 QStringLiteral("document 200"), QStringLiteral("other 200"),
                                 QStringLiteral("fetch 200"), QStringLiteral("css 200")}));
    QCOMPARE(r.records.pageLoads.size(), 1u);
    QCOMPARE(r.records.pageLoads[0].url, std::string("https://shop.example.com/home"));
    QCOMPARE(r.records.pageLoads[0].ttfb, TimeNs(20000000 + 9000000));
}

void TestHarImport::failedAndCancelled_data()
{
    QTest::addColumn<QString>("response"); // the response object's members after "status"
    QTest::addColumn<QString>("entryError");
    QTest::addColumn<int>("status");
    QTest::addColumn<bool>("failed");
    QTest::newRow("ok") << QString() << QString() << 200 << false;
    QTest::newRow("refused, Chrome _error")
        << R"(,"_error":"net::ERR_CONNECTION_REFUSED")" << QString() << 0 << true;
    QTest::newRow("failed, Playwright -1")
        << R"(,"_failureText":"net::ERR_FAILED")" << QString() << -1 << true;
    QTest::newRow("entry-level _error")
        << QString() << R"(,"_error":"net::ERR_NAME_NOT_RESOLVED")" << 0 << true;
    // Cancelled by the page (navigation while a beacon was in flight, AbortController): not failed.
    QTest::newRow("aborted, Chromium") << R"(,"_failureText":"net::ERR_ABORTED")" << QString() << -1 << false;
    QTest::newRow("aborted, Firefox")
        << R"(,"_failureText":"NS_BINDING_ABORTED")" << QString() << -1 << false;
    QTest::newRow("cancelled, WebKit")
        << R"(,"_failureText":"Load request cancelled")" << QString() << -1 << false;
    // A status with a failure text (the response came, then the transfer broke): neither ok nor failed.
    QTest::newRow("aborted after 200")
        << R"(,"_failureText":"net::ERR_ABORTED")" << QString() << 200 << false;
    QTest::newRow("status 0 alone") << QString() << QString() << 0 << false;
}

void TestHarImport::failedAndCancelled()
{
    QFETCH(QString, response);
    QFETCH(QString, entryError);
    QFETCH(int, status);
    QFETCH(bool, failed);
    const std::string e = R"({"pageref":"p1","startedDateTime":"2024-03-01T10:00:00.100Z","time":10,)"
                          R"("request":{"method":"POST","url":"https://a.example/api","headers":[]},)"
                          R"("response":{"status":)" +
                          std::to_string(status) + response.toStdString() +
                          R"(,"headers":[]},"timings":{"send":1,"wait":8,"receive":1})" +
                          entryError.toStdString() + "}";
    const Result r = importBytes(harDoc(e));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.resources.size(), 1u);
    const ResourceRecord& res = r.records.resources[0];
    QCOMPARE(res.failed, failed);
    QCOMPARE(res.statusCode, response.isEmpty() && entryError.isEmpty() && status > 0 ? status : 0);
}

// Playwright records the blank page a persistent browser context opens with: no entries, no title, no
// timings. It is not a page load; a page without entries that has timings or a URL title still is.
void TestHarImport::emptyPagesSkipped()
{
    const std::string pages =
        R"("pages":[{"startedDateTime":"2024-03-01T09:59:59Z","id":"page@blank","title":"",)"
        R"("pageTimings":{"onContentLoad":-1,"onLoad":-1}},)"
        R"({"startedDateTime":"2024-03-01T10:00:00Z","id":"p1","title":"Shop","pageTimings":{"onLoad":500}},)"
        R"({"startedDateTime":"2024-03-01T10:01:00Z","id":"p2","title":"https://a.example/gone",)"
        R"("pageTimings":{"onLoad":-1}},)"
        R"({"startedDateTime":"2024-03-01T10:02:00Z","id":"p3","title":"","pageTimings":{"onLoad":800}}])";
    const std::string har = R"({"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.65.1"},)" +
                            pages + R"(,"entries":[)" + entry(100, "https://a.example/") + "]}}";
    const Result r = importBytes(har);
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QStringList keys;
    for (const PageLoadRecord& p : r.records.pageLoads)
        keys << QString::fromStdString(p.key.substr(p.key.rfind('/') + 1) + ' ' + p.url);
    QCOMPARE(keys, (QStringList{QStringLiteral("p1 "), QStringLiteral("p2 https://a.example/gone"),
                                QStringLiteral("p3 ")}));
}

void TestHarImport::idempotentReimport()
{
    const std::string cache = cachePath("twice.seam");
    const QString file = kData + QStringLiteral("checkout.har");
    const char* counts =
        "SELECT (SELECT count(*) FROM resources) || ' ' || (SELECT count(*) FROM page_loads) || ' ' || "
        "(SELECT count(*) FROM sessions) || ' ' || (SELECT count(*) FROM traces)";
    importIntoCache(cache, {file});
    QStringList first, second;
    {
        Database db = store::openForReading(cache);
        first =
            rows(db, counts) + rows(db, "SELECT key, url, type, page_load_id FROM resources ORDER BY key");
    }
    const auto reports = importIntoCache(cache, {file, file});
    for (const ImportReport& r : reports)
        QVERIFY2(r.clean(), qPrintable(rejects(r)));
    Database db = store::openForReading(cache);
    second = rows(db, counts) + rows(db, "SELECT key, url, type, page_load_id FROM resources ORDER BY key");
    QCOMPARE(second, first);
    QCOMPARE(first.at(0), QStringLiteral("9 1 1 5"));
}

void TestHarImport::crossFormatLinks_data()
{
    QTest::addColumn<bool>("harFirst");
    QTest::newRow("har, then otlp") << true;
    QTest::newRow("otlp, then har") << false;
}

void TestHarImport::crossFormatLinks()
{
    QFETCH(bool, harFirst);
    const std::string cache = cachePath(harFirst ? "links-har-first.seam" : "links-otlp-first.seam");
    const QString harFile = kData + QStringLiteral("checkout.har");
    const QString otlp = kData + QStringLiteral("checkout-backend.json");
    const auto reports =
        importIntoCache(cache, harFirst ? QStringList{harFile, otlp} : QStringList{otlp, harFile});
    for (const ImportReport& r : reports)
        QVERIFY2(r.clean(), qPrintable(rejects(r)));
    Database db = store::openForReading(cache);
    QCOMPARE(
        rows(db, "SELECT r.method, r.url, l.method, l.confidence, printf('%016x', l.span_id), sv.name "
                 "FROM links l JOIN resources r ON r.id = l.resource_id "
                 "JOIN spans s ON s.trace = l.trace AND s.span_id = l.span_id JOIN services sv ON sv.id = "
                 "s.service_id "
                 "ORDER BY r.start_ns"),
        (QStringList{
            QStringLiteral("GET|https://shop.example.com/"
                           "checkout?step=2|document-meta|0.95|b7ad6b7169203331|web-frontend"),
            QStringLiteral(
                "POST|https://shop.example.com/api/cart|traceparent-header|1.0|c1c1c1c1c1c1c1c1|cart-api"),
            QStringLiteral("GET|https://shop.example.com/api/stock/"
                           "12345|traceparent-header|1.0|e3e3e3e3e3e3e3e3|stock-api"),
            QStringLiteral(
                "GET|https://shop.example.com/api/price?sku=12345|datadog-id|1.0|f4f4f4f4f4f4f4f4|price-api"),
            QStringLiteral(
                "GET|https://shop.example.com/api/reco|server-timing|0.95|0102030405060708|reco-api"),
            QStringLiteral(
                "GET|https://shop.example.com/api/ads|server-timing|0.95|53995c3f42cd8ad8|ads-api"),
        }));
    // Backend time is the union of the six entry spans: 99 + 78 + 45 + 25 + 35 + 20 ms.
    QCOMPARE(rows(db, "SELECT linked_count, backend_ns, services FROM page_loads"),
             QStringList{
                 QStringLiteral("6|302000000|ads-api,cart-api,price-api,reco-api,stock-api,web-frontend")});
    QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE trace IS NULL AND trace_lo IS NOT NULL"), 0);
}

void TestHarImport::cliImport()
{
    if (!QFile::exists(seam::test::seamBinary()))
        QSKIP("the seam executable is not built");
    const QString cache = m_dir.filePath(QStringLiteral("cli.seam"));
    QProcess p;
    p.start(seam::test::seamBinary(),
            {QStringLiteral("import"), QStringLiteral("--db"), cache, kData + QStringLiteral("checkout.har"),
             kData + QStringLiteral("checkout-backend.json")});
    QVERIFY(p.waitForFinished(60000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
    QVERIFY2(p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0, qPrintable(out));
    QVERIFY2(out.contains(QStringLiteral("[har]")), qPrintable(out));
    Database db = store::openForReading(cache.toStdString());
    QCOMPARE(db.queryInt("SELECT count(*) FROM links WHERE method <> 'inferred'"), 6);
}

void TestHarImport::mapperOnItsOwn()
{
    // The reader's pieces are usable on their own: the mapping of captured pages and entries.
    CollectingSink sink;
    ImportReport report;
    {
        BatchBuilder builder(sink);
        har::Mapper mapper(builder, report, "har:test");
        rapidjson::Document page, first, second;
        page.Parse(
            R"({"id":"p1","startedDateTime":"2024-03-01T10:00:00Z","title":"t","pageTimings":{"onLoad":500}})");
        first.Parse(entry(100, "https://a.example/api/1").c_str());
        second.Parse(entry(200, "https://a.example/api/2").c_str());
        mapper.entriesBegin(); // entries before the pages wait for them
        mapper.entry(first, 0, "entry 1", {});
        mapper.entry(second, 1, "entry 2", "url");
        mapper.entriesEnd();
        mapper.page(page, "page 1");
        mapper.pagesEnd();
        mapper.finish();
    }
    QCOMPARE(report.accepted(), 2u);
    QCOMPARE(rejects(report), QStringLiteral("entry 2: the \"url\" string is longer than 1 MiB; skipped\n"));
    const RecordBatch all = merged(sink);
    QCOMPARE(all.pageLoads.size(), 1u);
    QCOMPARE(all.pageLoads[0].key, std::string("har:test/page/p1"));
    QCOMPARE(all.pageLoads[0].duration, TimeNs(500000000));
    QCOMPARE(all.resources.size(), 1u);
    QCOMPARE(all.resources[0].key, std::string("har:test/entry/0"));
    QCOMPARE(all.resources[0].pageLoadKey, std::string("har:test/page/p1"));
    QCOMPARE(all.resources[0].ttfbNs, TimeNs(9000000));
    QCOMPARE(all.sessions.size(), 1u);
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestHarImport)
#include "tst_harimport.moc"
