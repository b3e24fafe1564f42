#include "PageLoadFilter.h"
#include "RecordFactory.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

struct Page
{
    const char* route;
    const char* url;
    const char* browser = nullptr; // nullptr: no session at all
    const char* country = "";
    double seconds = -1;
    std::vector<const char*> services = {}; // backend services the page's fetch reached
    int errors = 0;
    const char* appVersion = "";
    int ttfbMs = -1;
    int lcpMs = -1;
};

// page-N is kPages[N]; the tests name page loads by key.
const Page kPages[] = {
    {"/checkout",
     "https://shop.example/checkout",
     "Chrome",
     "DE",
     2.5,
     {"gateway", "payments"},
     0,
     "",
     150,
     3000},
    {"/checkout", "https://shop.example/checkout?step=2", "Safari", "US", 3.8, {"gateway", "payments"}, 1},
    {"/product/:id",
     "https://shop.example/product/42?promo=100%_off",
     "Safari",
     "FR",
     0.9,
     {},
     0,
     "4.1.3",
     100},
    {"/product/:id",
     "https://shop.example/product/7?promo=1000_off",
     "Firefox",
     "DE",
     1.2,
     {"catalog"},
     0,
     "",
     -1,
     2600},
    {"/", "https://shop.example/", "Mobile Safari"},
    {"/a_b", "https://shop.example/a_b"},
    {"/axb", "https://shop.example/axb", "Chrome", "IT", 0.3},
};

RecordBatch pageBatch(int n, const Page& page)
{
    const TimeNs start = kT0 + n * 60'000'000'000LL;
    RecordBatch b;
    PageLoadRecord p;
    p.key = "page-" + std::to_string(n);
    if (page.browser) {
        SessionRecord s;
        s.key = "session-" + std::to_string(n);
        s.browser = page.browser;
        s.country = page.country;
        s.appVersion = page.appVersion;
        s.userId = "user-" + std::to_string(n);
        b.sessions.push_back(s);
        p.sessionKey = s.key;
    }
    p.app = browserApp();
    p.url = page.url;
    p.route = page.route;
    p.start = start;
    p.duration = page.seconds < 0 ? -1 : TimeNs(page.seconds * 1e9);
    p.ttfb = page.ttfbMs < 0 ? -1 : page.ttfbMs * 1'000'000LL;
    p.lcp = page.lcpMs < 0 ? -1 : page.lcpMs * 1'000'000LL;
    b.pageLoads.push_back(p);
    for (int e = 0; e < page.errors; ++e) {
        RumErrorRecord r;
        r.key = p.key + "-error-" + std::to_string(e);
        r.pageLoadKey = p.key;
        r.sessionKey = p.sessionKey;
        r.time = start + 100'000'000;
        r.type = "TypeError";
        b.rumErrors.push_back(r);
    }
    if (!page.services.empty()) {
        // One fetch of the page whose trace reached the services: the correlator fills `services`.
        const TraceId trace = traceId(n);
        ResourceRecord r;
        r.key = p.key + "-fetch";
        r.pageLoadKey = p.key;
        r.sessionKey = p.sessionKey;
        r.type = "fetch";
        r.method = "POST";
        r.url = "https://shop.example/api";
        r.start = start + 100'000'000;
        r.duration = 500'000'000;
        r.traceId = trace;
        r.spanId = 0x42;
        r.traceIdSource = TraceIdSource::SameTrace;
        r.statusCode = n == 1 ? 502 : 200; // page 1's call failed at the gateway
        b.resources.push_back(r);
        b.spans.push_back(span(trace, 0x42, 0, browserApp(), "HTTP POST", SpanKind::Client, r.start, 500));
        SpanId parent = 0x42;
        for (std::size_t i = 0; i < page.services.size(); ++i) {
            const SpanId id = 0x100 + i;
            b.spans.push_back(span(trace, id, parent, backend(page.services[i]), "POST /api",
                                   SpanKind::Server, r.start + 10'000'000, 400 - int(i) * 10));
            parent = id;
        }
    }
    return b;
}

QStringList keys(Database& db, const PageLoadFilter& filter)
{
    auto st = db.prepare("SELECT p.key FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id WHERE " +
                         filter.sql() + " ORDER BY p.id");
    filter.bind(st);
    QStringList out;
    while (st.step())
        out.append(QString::fromStdString(std::string(st.text(0))));
    return out;
}

QStringList pages(std::initializer_list<int> ns)
{
    QStringList out;
    for (int n : ns)
        out.append(QStringLiteral("page-%1").arg(n));
    return out;
}

} // namespace

class TestPageLoadFilter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("filter.seam")).toStdString();
        StoreWriter w(m_path);
        // Pages 0-3 come from an OTLP export, 4-6 from a Datadog RUM one.
        const std::int64_t otlp = w.beginSource("file", "export.json");
        const std::int64_t datadog = w.beginSource("file", "rum.ndjson");
        int n = 0;
        for (const Page& p : kPages) {
            const std::int64_t source = n < 4 ? otlp : datadog;
            w.submit(source, pageBatch(n++, p));
        }
        QVERIFY(w.flush());
        ImportReport report;
        report.format = "otlp-json";
        w.finishSource(otlp, report);
        report.format = "datadog-rum";
        w.finishSource(datadog, report);
        QVERIFY(w.flush());
        Database db = store::openForReading(m_path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), std::int64_t(std::size(kPages)));
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads WHERE services = 'gateway,payments'"), 2);
    }

    void emptyMatchesEverything()
    {
        for (const char* text : {"", "   ", "\t"}) {
            const auto f = PageLoadFilter::parse(QString::fromLatin1(text));
            QVERIFY(f.isValid());
            QVERIFY(f.isEmpty());
            QCOMPARE(f.sql(), std::string("1"));
            QVERIFY(f.values().empty());
        }
        QCOMPARE(PageLoadFilter().sql(), std::string("1"));
    }

    void injectionStaysAValue()
    {
        // Unquoted, the text is several terms; quoted, one value. Neither reaches the SQL text.
        for (const QString& text :
             {QStringLiteral("route:'; DROP TABLE spans; --"),
              QStringLiteral("route:\"'; DROP TABLE spans; --\""), QStringLiteral("url:~\"x' OR 1=1 --\""),
              QStringLiteral("\"') OR ('1'='1\"")}) {
            const auto f = PageLoadFilter::parse(text);
            QVERIFY2(f.isValid(), qPrintable(f.error().message));
            const QString sql = QString::fromStdString(f.sql());
            for (const char* userText : {"DROP", "1=1", "--", "'1'"})
                QVERIFY2(!sql.contains(QLatin1String(userText)), qPrintable(sql));
            Database db = store::openForReading(m_path);
            QCOMPARE(keys(db, f), QStringList());
            QCOMPARE(db.queryInt("SELECT count(*) FROM spans") > 0, true);
        }
        const auto quoted = PageLoadFilter::parse(QStringLiteral("route:\"'; DROP TABLE spans; --\""));
        QCOMPARE(quoted.values().size(), std::size_t(1));
        QCOMPARE(std::get<std::string>(quoted.values()[0]), std::string("'; DROP TABLE spans; --"));
    }

    void selects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("expected");
        auto row = [](const char* text, QStringList expected) {
            QTest::newRow(text) << QString::fromUtf8(text) << expected;
        };
        row("", pages({0, 1, 2, 3, 4, 5, 6}));
        row("route:/checkout", pages({0, 1}));
        row("route:/CHECKOUT", {});
        row("route:~CHECK", pages({0, 1}));
        row("route:~a_b", pages({5}));
        row("url:~100%_off", pages({2}));
        row("checkout", pages({0, 1}));
        row("product", pages({2, 3}));
        row("-product -checkout", pages({4, 5, 6}));
        row("duration>2s", pages({0, 1}));
        row("duration>=2500ms", pages({0, 1}));
        row("duration>2.5s", pages({1}));
        row("duration<1s", pages({2, 6}));
        row("-duration<1s", pages({0, 1, 3, 4, 5}));
        row("lcp>2.5s", pages({0, 3}));
        row("ttfb<200ms", pages({0, 2}));
        row("browser:safari", pages({1, 2}));
        row("browser:\"mobile safari\"", pages({4}));
        row("browser:~safari", pages({1, 2, 4}));
        row("-browser:Chrome", pages({1, 2, 3, 4, 5}));
        row("country:de", pages({0, 3}));
        row("errors>0", pages({1}));
        row("status:error", pages({1}));
        row("status:ok", pages({0, 2, 3, 4, 5, 6}));
        row("service:payments", pages({0, 1}));
        row("service:gateway service:payments", pages({0, 1}));
        row("service:pay", {});
        row("service:~pay", pages({0, 1}));
        row("service:catalog", pages({3}));
        row("-service:payments", pages({2, 3, 4, 5, 6}));
        row("version:4.1.3", pages({2}));
        row("version:4.2.0", pages({0, 1, 3, 4, 5, 6}));
        row("user:user-3", pages({3}));
        row("session:session-1", pages({1}));
        row("route:/checkout duration>3s browser:Safari", pages({1}));
        row("route:'; DROP TABLE spans; --", {});
        // Pages 0 and 1 reach gateway and payments "POST /api", page 3 catalog "POST /api".
        row("operation:\"payments:POST /api\"", pages({0, 1}));
        row("operation:\"gateway:POST /api\"", pages({0, 1}));
        row("operation:\"catalog:POST /api\"", pages({3}));
        row("-operation:\"catalog:POST /api\"", pages({0, 1, 2, 4, 5, 6}));
        row("operation:\"catalog:POST /api\" operation:\"payments:POST /api\"", {});
        row("operation:\"payments:GET /api\"", {});
        row("operation:\"Payments:POST /api\"", {});
        row("operation:\"nosuch:POST /api\"", {});
        // The browser's own span is in the same trace but is not a backend operation.
        row("operation:\"shop-web:HTTP POST\"", {});
        row("operation:\"payments:POST /api\" route:/checkout duration>3s", pages({1}));
        // OR, AND and parentheses: AND binds tighter, juxtaposition is AND.
        row("duration>2s OR errors>0", pages({0, 1}));
        row("duration<1s OR browser:Firefox", pages({2, 3, 6}));
        row("duration<1s or browser:Firefox", pages({2, 3, 6}));
        row("route:/checkout browser:Chrome OR country:FR", pages({0, 2}));
        row("route:/checkout AND browser:Chrome OR country:FR", pages({0, 2}));
        row("route:/checkout (browser:Chrome OR country:FR)", pages({0}));
        row("(route:/checkout OR route:/) -browser:Chrome", pages({1, 4}));
        row("-(route:/checkout OR route:/product/:id)", pages({4, 5, 6}));
        row("((duration>3s))", pages({1}));
        row("\"or\"", {});
        // status: HTTP status of a call (or the document) of the page load.
        row("status:502", pages({1}));
        row("status:5xx", pages({1}));
        row("status>=500", pages({1}));
        row("status:200", pages({0, 3}));
        row("status:2xx -status:5xx", pages({0, 3}));
        row("status:404", {});
        // source: the importer's format, by family.
        row("source:otlp", pages({0, 1, 2, 3}));
        row("source:OTLP-json", pages({0, 1, 2, 3}));
        row("source:datadog", pages({4, 5, 6}));
        row("source:har", {});
        row("source:~dog", pages({4, 5, 6}));
        row("source:datadog OR status:5xx", pages({1, 4, 5, 6}));
    }

    void selects()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, expected);
        const auto f = PageLoadFilter::parse(text);
        QVERIFY2(f.isValid(), qPrintable(f.error().message));
        Database db = store::openForReading(m_path);
        QCOMPARE(keys(db, f), expected);
    }

    void completesValuesFromTheCache()
    {
        Database db = store::openForReading(m_path);
        auto complete = [&](QStringView text) {
            return PageLoadFilter::completions(text, int(text.size()), &db);
        };
        QCOMPARE(
            complete(u"browser:"),
            (QStringList{QStringLiteral("browser:Chrome"), QStringLiteral("browser:Firefox"),
                         QStringLiteral("browser:\"Mobile Safari\""), QStringLiteral("browser:Safari")}));
        QCOMPARE(complete(u"browser:sa"), QStringList{QStringLiteral("browser:Safari")});
        QCOMPARE(complete(u"-browser:\"Mob"), QStringList{QStringLiteral("-browser:\"Mobile Safari\"")});
        QCOMPARE(complete(u"route:/p"), QStringList{QStringLiteral("route:/product/:id")});
        QCOMPARE(complete(u"route:"),
                 (QStringList{QStringLiteral("route:/"), QStringLiteral("route:/a_b"),
                              QStringLiteral("route:/axb"), QStringLiteral("route:/checkout"),
                              QStringLiteral("route:/product/:id")}));
        QCOMPARE(complete(u"x route:~/a"),
                 (QStringList{QStringLiteral("route:~/a_b"), QStringLiteral("route:~/axb")}));
        QCOMPARE(complete(u"service:"),
                 (QStringList{QStringLiteral("service:catalog"), QStringLiteral("service:gateway"),
                              QStringLiteral("service:payments")}));
        QCOMPARE(complete(u"country:"),
                 (QStringList{QStringLiteral("country:DE"), QStringLiteral("country:FR"),
                              QStringLiteral("country:IT"), QStringLiteral("country:US")}));
        QCOMPARE(complete(u"operation:"), (QStringList{QStringLiteral("operation:\"catalog:POST /api\""),
                                                       QStringLiteral("operation:\"gateway:POST /api\""),
                                                       QStringLiteral("operation:\"payments:POST /api\"")}));
        QCOMPARE(complete(u"-operation:\"pay"),
                 QStringList{QStringLiteral("-operation:\"payments:POST /api\"")});
        QCOMPARE(complete(u"operation:shop"), QStringList()); // browser spans are not offered
        for (const QString& c : complete(u"operation:"))
            QVERIFY2(PageLoadFilter::parse(c).isValid(), qPrintable(c));
        QCOMPARE(PageLoadFilter::operationTerm(QStringLiteral("payments"), QStringLiteral("POST /api")),
                 QStringLiteral("operation:\"payments:POST /api\""));
        QCOMPARE(PageLoadFilter::operationTerm(QStringLiteral("db"), QStringLiteral("query")),
                 QStringLiteral("operation:db:query"));
        QCOMPARE(complete(u"version:4."),
                 (QStringList{QStringLiteral("version:4.1.3"), QStringLiteral("version:4.2.0")}));
        // Every completion parses.
        for (const QString& c : complete(u"browser:"))
            QVERIFY2(PageLoadFilter::parse(c).isValid(), qPrintable(c));
    }
};

QTEST_GUILESS_MAIN(TestPageLoadFilter)
#include "tst_pageloadfilter.moc"
