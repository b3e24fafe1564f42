#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "ImportRunner.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "Base64.h"
#include "HarFields.h"
#include "HarMapper.h"
#include "IsoTime.h"
#include "Propagation.h"
#include "har/HarReader.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <zlib.h>

using namespace seam;

namespace {

const QString kData = QStringLiteral(SEAM_TEST_DATA "/har/");
const QString kPublic = QStringLiteral(SEAM_PUBLIC_FIXTURES "/har/");
constexpr TimeNs kCheckoutStart = 1709287200000000000; // 2024-03-01T10:00:00Z

struct Result
{
    ImportReport report;
    RecordBatch records;
};

RecordBatch merged(CollectingSink& sink)
{
    RecordBatch all;
    for (RecordBatch& b : sink.batches) {
        auto move = [](auto& to, auto& from) { to.insert(to.end(), from.begin(), from.end()); };
        move(all.spans, b.spans);
        move(all.sessions, b.sessions);
        move(all.pageLoads, b.pageLoads);
        move(all.resources, b.resources);
    }
    return all;
}

Result importBytes(const std::string& bytes, std::string format = {})
{
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    Result r;
    r.report = importSource(*in, sink, nullptr, std::move(format));
    r.records = merged(sink);
    return r;
}

Result importPath(const QString& path)
{
    CollectingSink sink;
    Result r;
    r.report = importFile(path.toStdString(), sink);
    r.records = merged(sink);
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

/// Rows of a query as "a|b|c" with NULL as "-".
QStringList rows(Database& db, const char* sql)
{
    QStringList out;
    Statement st = db.prepare(sql);
    while (st.step()) {
        QStringList cols;
        for (int c = 0; c < st.columnCount(); ++c)
            cols << (st.isNull(c) ? QStringLiteral("-")
                                  : QString::fromUtf8(st.text(c).data(), qsizetype(st.text(c).size())));
        out << cols.join(QLatin1Char('|'));
    }
    return out;
}

std::vector<ImportReport> importIntoCache(const std::string& cache, const QStringList& files)
{
    StoreWriter::Options options;
    options.inferLinks = false; // id-based links only: the assertions below are exact
    StoreWriter writer(cache, options);
    ImportRunner runner(writer);
    std::vector<ImportReport> reports;
    for (const QString& f : files)
        reports.push_back(runner.importFile(f.toStdString()).report);
    writer.flush();
    return reports;
}

/// A minimal HAR around the given entries JSON (one page "p1" at 2024-03-01T10:00:00Z).
std::string harDoc(const std::string& entries, const std::string& pagesFirst = "true")
{
    const std::string pages =
        R"("pages":[{"startedDateTime":"2024-03-01T10:00:00Z","id":"p1","title":"t","pageTimings":{"onLoad":500}}])";
    if (pagesFirst == "true")
        return R"({"log":{"version":"1.2","creator":{"name":"test","version":"1"},)" + pages +
               R"(,"entries":[)" + entries + "]}}";
    return R"({"log":{"version":"1.2","entries":[)" + entries + "]," + pages + "}}";
}

std::string entry(int ms, const std::string& url, const std::string& extra = {})
{
    char start[64];
    std::snprintf(start, sizeof start, "2024-03-01T10:00:%02d.%03dZ", ms / 1000, ms % 1000);
    return std::string(R"({"pageref":"p1","startedDateTime":")") + start +
           R"(","time":10,"request":{"method":"GET","url":")" + url +
           R"(","headers":[]},"response":{"status":200,"headers":[],"content":{"size":1,"mimeType":"application/json"}},"timings":{"send":1,"wait":8,"receive":1})" +
           extra + "}";
}

std::string gzip(const std::string& bytes)
{
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&z, uLong(bytes.size())), '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    z.avail_in = uInt(bytes.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

} // namespace

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
    void emptyPagesSkipped();
    void badEntriesRejectedOthersKept();
    void tolerantOfWrongOptionalTypes();
    void unterminatedJson();
    void hugeStrings();
    void deepNesting();
    void notHar();
    void cancel();
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
    QCOMPARE(traceParentFromServerTiming("traceparent;desc=00-abc"),
             std::optional<std::string>("00-abc"));
    QVERIFY(!traceParentFromServerTiming("db;dur=53, app;dur=47.2"));
    QVERIFY(!traceParentFromServerTiming("traceparent"));

    QCOMPARE(parseDecimalU64("15161918342891210252"),
             std::optional<std::uint64_t>(15161918342891210252ull));
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
    QCOMPARE(
        traceParentFromHtml("<meta charset=utf-8><meta\n name = \"traceparent\"\n content=" + tp + ">"),
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
    if (QFile::exists(QStringLiteral(SEAM_PUBLIC_FIXTURES "/otlp/trace.json"))) {
        auto in = InputSource::openFile(SEAM_PUBLIC_FIXTURES "/otlp/trace.json");
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

void TestHarImport::badEntriesRejectedOthersKept()
{
    const std::string good = entry(100, "https://a.example/ok");
    const std::string entries =
        std::string(R"("x", 5, [1, 2], {}, )") +
        R"({"startedDateTime":"soon","request":{"url":"https://a/"}}, )" +
        R"({"startedDateTime":"2024-03-01T10:00:00Z","request":"GET /"}, )" +
        R"({"startedDateTime":"2024-03-01T10:00:00Z","request":{"method":"GET","url":7}}, )" + good;
    const Result r = importBytes(harDoc(entries));
    QVERIFY(!r.report.hasFatal());
    QCOMPARE(r.report.rejected(), 7u);
    QCOMPARE(r.records.resources.size(), 1u);
    QCOMPARE(r.records.resources[0].url, std::string("https://a.example/ok"));
    QCOMPARE(r.records.resources[0].key.substr(r.records.resources[0].key.rfind('/')), std::string("/7"));
    const auto& s = r.report.samples();
    QVERIFY(s[0].location.starts_with("entry 1, line 1, byte "));
    QVERIFY(s[0].message.find("string") != std::string::npos);
    QVERIFY(s[2].message.find("array") != std::string::npos);
    QVERIFY(s[3].location.starts_with("entry 4,"));
    QVERIFY(s[3].message.find("startedDateTime") != std::string::npos);
    QVERIFY(s[4].message.find("startedDateTime") != std::string::npos);
    QVERIFY(s[5].message.find("\"request\"") != std::string::npos);
    QVERIFY(s[6].location.starts_with("entry 7,"));
    QVERIFY(s[6].message.find("url") != std::string::npos);
    // A page without an id or date is rejected; entries naming it are attached by time instead.
    const std::string badPage =
        R"({"log":{"pages":[{"id":"p1","startedDateTime":5},{"startedDateTime":"2024-03-01T10:00:00Z"}],"entries":[)" +
        good + "]}}";
    const Result p = importBytes(badPage);
    QCOMPARE(p.report.rejected(), 2u);
    QVERIFY(p.report.samples()[0].location.starts_with("page 1,"));
    QVERIFY(p.report.samples()[1].location.starts_with("page 2,"));
    QCOMPARE(p.records.resources.size(), 1u);
    QVERIFY(p.records.resources[0].pageLoadKey.empty());
    QVERIFY(p.records.pageLoads.empty());
}

void TestHarImport::tolerantOfWrongOptionalTypes()
{
    // Optional fields with the wrong type count as absent; the entry is kept.
    const std::string e =
        R"({"pageref":["p1"],"startedDateTime":"2024-03-01T10:00:01Z","time":"slow","request":{"method":"GET",)"
        R"("url":"https://a.example/x.css","headers":{"traceparent":"x"}},"response":{"status":"200","headers":[5,)"
        R"({"name":1}],"content":"none"},"timings":[1,2],"_resourceType":42,"_initiator":"parser",)"
        R"("_monotonicTime":1234.5,"_custom":{"deep":{"er":[null,true,1e308]}}})";
    const Result r = importBytes(harDoc(e));
    QVERIFY2(r.report.clean(), qPrintable(rejects(r.report)));
    QCOMPARE(r.records.resources.size(), 1u);
    const ResourceRecord& res = r.records.resources[0];
    QCOMPARE(res.type, std::string("css"));
    QCOMPARE(res.statusCode, 0);
    QCOMPARE(res.duration, TimeNs(-1));
    QCOMPARE(res.ttfbNs, TimeNs(-1));
    QVERIFY(res.pageLoadKey.empty());
    QCOMPARE(res.traceIdSource, TraceIdSource::None);

    // Numbers at the edges of what JSON can say: ignored, no overflow.
    const Result huge = importBytes(harDoc(
        R"({"pageref":"p1","startedDateTime":"2024-03-01T10:00:00Z","time":1e308,"request":{"method":"GET",)"
        R"("url":"https://a.example/h"},"response":{"status":1e300,"bodySize":9.3e18,"headersSize":9.2e18,)"
        R"("_transferSize":-9.3e18},"timings":{"blocked":1e11,"dns":1e11,"connect":1e11,"send":1e11,"wait":1e11,)"
        R"("receive":-1e308}})"));
    QVERIFY2(huge.report.clean(), qPrintable(rejects(huge.report)));
    QCOMPARE(huge.records.resources.at(0).transferSize, std::int64_t(-1));
    QCOMPARE(huge.records.resources.at(0).statusCode, 0);
    QCOMPARE(huge.records.resources.at(0).duration, TimeNs(500000000000000000)); // sum of the phases
    QCOMPARE(huge.records.resources.at(0).ttfbNs, TimeNs(200000000000000000));

    // Playwright: no User-Agent header recorded, the browser named in log.browser; failed requests
    // have status -1 and _failureText.
    const std::string playwright =
        R"({"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.42.1"},"browser":{"name":"chromium",)"
        R"("version":"123.0.6312.4"},"pages":[],"entries":[{"startedDateTime":"2024-03-01T10:00:00.000Z","time":-1,)"
        R"("request":{"method":"GET","url":"https://a.example/gone","headers":[]},"response":{"status":-1,)"
        R"("headers":[],"content":{"size":-1,"mimeType":"x-unknown"},"_failureText":"net::ERR_ABORTED",)"
        R"("_transferSize":-1},"timings":{"blocked":-1,"dns":-1,"connect":-1,"ssl":-1,"send":-1,"wait":-1,)"
        R"("receive":-1},"_monotonicTime":85.3,"_frameref":"frame@1","_serverPort":443}]}})";
    const Result pw = importBytes(playwright);
    QVERIFY2(pw.report.clean(), qPrintable(rejects(pw.report)));
    QCOMPARE(pw.report.format, std::string("har"));
    QCOMPARE(pw.records.sessions.at(0).browser, std::string("Chrome"));
    QCOMPARE(pw.records.sessions.at(0).browserVersion, std::string("123"));
    const ResourceRecord& gone = pw.records.resources.at(0);
    QCOMPARE(gone.statusCode, 0);
    QCOMPARE(gone.duration, TimeNs(-1));
    QCOMPARE(gone.transferSize, std::int64_t(-1));
    QCOMPARE(gone.type, std::string("other"));
}

void TestHarImport::unterminatedJson()
{
    std::string text = harDoc(entry(100, "https://a.example/1") + "," + entry(200, "https://a.example/2") +
                              "," + entry(300, "https://a.example/3"));
    text.resize(text.rfind("https://a.example/3"));
    const Result r = importBytes(text);
    QVERIFY(r.report.hasFatal());
    QVERIFY2(r.report.fatalLocation().starts_with("line 1, byte "), r.report.fatalLocation().c_str());
    QCOMPARE(r.records.resources.size(), 2u);
    QCOMPARE(r.records.pageLoads.size(), 1u); // what came before is kept, page included
    QCOMPARE(r.records.sessions.size(), 1u);
}

void TestHarImport::hugeStrings()
{
    const std::string big(50u << 20, 'A');
    // A 50 MB response body: cut while reading, the entry is kept, the meta tag at its start found.
    const std::string tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const std::string doc =
        R"({"pageref":"p1","startedDateTime":"2024-03-01T10:00:00Z","time":10,"request":{"method":"GET","url":"https://a.example/"},)"
        R"("response":{"status":200,"content":{"mimeType":"text/html","text":"<meta name=\"traceparent\" content=\")" +
        tp + R"(\">)" + big + R"("}}})";
    // A 50 MB URL is not a request: that entry is rejected with its location, the next one kept.
    const std::string badUrl =
        R"({"startedDateTime":"2024-03-01T10:00:00Z","request":{"url":"https://a.example/)" + big + R"("}})";
    const Result r = importBytes(harDoc(doc + "," + badUrl + "," + entry(300, "https://a.example/after")));
    QVERIFY(!r.report.hasFatal());
    QCOMPARE(r.report.rejected(), 1u);
    QVERIFY(r.report.samples()[0].location.starts_with("entry 2, line 1, byte "));
    QVERIFY2(r.report.samples()[0].message.find("\"url\" string is longer than") != std::string::npos,
             r.report.samples()[0].message.c_str());
    QCOMPARE(r.records.resources.size(), 2u);
    QCOMPARE(r.records.resources[0].traceIdSource, TraceIdSource::DocumentMeta);
    QCOMPARE(r.records.pageLoads.at(0).traceId.hex(), std::string("0af7651916cd43dd8448eb211c80319c"));
    QCOMPARE(r.records.resources[1].url, std::string("https://a.example/after"));
    // A body larger than an entry may be (64 MiB) still is no reason to drop the entry: the reader holds
    // only the body's first MiB.
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("video.har"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const std::string head = harDoc(entry(100, "https://a.example/v.mp4", R"(,"_note":"@")"));
        const std::size_t at = head.find('@');
        const QByteArray chunk(1 << 20, 'B');
        f.write(head.data(), qint64(at));
        for (int i = 0; i < 35; ++i)
            f.write(chunk);
        f.write(R"(","_content":{"text":")");
        for (int i = 0; i < 35; ++i)
            f.write(chunk);
        f.write(R"("},"_x":")");
        f.write(head.data() + at + 1, qint64(head.size() - at - 1));
        f.close();
        const Result v = importPath(path);
        QVERIFY2(v.report.clean(), qPrintable(rejects(v.report)));
        QCOMPARE(v.records.resources.size(), 1u);
    }
    // Backslashes all the way: skipping stays linear.
    std::string slashes;
    for (int i = 0; i < (4 << 20); ++i)
        slashes += "\\\\";
    QElapsedTimer timer;
    timer.start();
    const Result b =
        importBytes(harDoc(entry(100, "https://a.example/b", R"(,"comment":")" + slashes + "\"")));
    QVERIFY2(b.report.clean(), qPrintable(rejects(b.report)));
    QCOMPARE(b.records.resources.size(), 1u);
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    // Escapes and multi-byte characters around the cut keep the JSON valid.
    std::string tricky;
    while (tricky.size() < HarReader::kMaxStringBytes + 64)
        tricky += "\\u00e9\\\"é€\\\\";
    const Result t =
        importBytes(harDoc(entry(100, "https://a.example/t", R"(,"comment":")" + tricky + "\"")));
    QVERIFY2(t.report.clean(), qPrintable(rejects(t.report)));
    QCOMPARE(t.records.resources.size(), 1u);
}

void TestHarImport::deepNesting()
{
    const std::size_t depth = 100000;
    const std::string deep = std::string(depth, '[') + std::string(depth, ']');
    // In a custom field of an entry: ignored, the entry kept.
    const Result custom = importBytes(harDoc(entry(100, "https://a.example/1", ",\"_deep\":" + deep)));
    QVERIFY2(custom.report.clean(), qPrintable(rejects(custom.report)));
    QCOMPARE(custom.records.resources.size(), 1u);
    // As an entry: rejected with its location, the next entry kept.
    const Result asEntry = importBytes(harDoc(deep + "," + entry(200, "https://a.example/2")));
    QCOMPARE(asEntry.report.rejected(), 1u);
    QVERIFY(asEntry.report.samples()[0].location.starts_with("entry 1, line 1"));
    QCOMPARE(asEntry.records.resources.size(), 1u);
    // In place of a field the entry needs: that entry rejected.
    const Result asRequest = importBytes(harDoc(R"({"startedDateTime":"2024-03-01T10:00:00Z","request":)" +
                                                deep + "}," + entry(200, "https://a.example/2")));
    QCOMPARE(asRequest.report.rejected(), 1u);
    QCOMPARE(asRequest.records.resources.size(), 1u);
    // Beside the log: skipped.
    const Result beside =
        importBytes("{\"x\":" + deep + "," + harDoc(entry(1, "https://a.example/3")).substr(1), "har");
    QVERIFY2(beside.report.clean(), qPrintable(rejects(beside.report)));
    QCOMPARE(beside.records.resources.size(), 1u);
}

void TestHarImport::notHar()
{
    const Result array = importBytes("[1, 2]", "har");
    QVERIFY(array.report.hasFatal());
    QVERIFY(array.report.fatalMessage().find("not HAR") != std::string::npos);
    const Result other = importBytes(R"({"data": [], "meta": {}})", "har");
    QVERIFY(other.report.hasFatal());
    QCOMPARE(other.report.fatalMessage(),
             std::string("JSON, but not HAR: no \"log\" object (top-level keys: data, meta)"));
    const Result logArray = importBytes(R"({"log": []})", "har");
    QVERIFY(logArray.report.fatalMessage().find("\"log\" is an array") != std::string::npos);
    const Result entriesObject = importBytes(R"({"log": {"entries": {}}})", "har");
    QVERIFY(entriesObject.report.fatalMessage().find("\"entries\" is an object") != std::string::npos);
    const Result trailing = importBytes(harDoc(entry(1, "https://a.example/")) + " {}");
    QCOMPARE(trailing.report.rejected(), 1u);
    QVERIFY(trailing.report.samples()[0].message.find("after the HAR document") != std::string::npos);
    QCOMPARE(trailing.records.resources.size(), 1u);
}

void TestHarImport::cancel()
{
    std::string entries;
    for (int i = 0; i < 20000; ++i)
        entries += (i ? "," : "") + entry(i % 60000, "https://a.example/api/" + std::to_string(i));
    const std::string bytes = harDoc(entries);
    QVERIFY(bytes.size() > (4u << 20));
    std::atomic<bool> cancel{true};
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    const ImportReport report = importSource(*in, sink, &cancel);
    QVERIFY(report.cancelled);
    QVERIFY(in->offset() < bytes.size());
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
    if (!QFile::exists(QStringLiteral(SEAM_BINARY)))
        QSKIP("the seam executable is not built");
    const QString cache = m_dir.filePath(QStringLiteral("cli.seam"));
    QProcess p;
    p.start(QStringLiteral(SEAM_BINARY),
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
