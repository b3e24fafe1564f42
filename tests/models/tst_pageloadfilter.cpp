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

    void compilesToBoundValues_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("sql");
        QTest::addColumn<QVariantList>("values");
        auto row = [](const char* text, const char* sql, QVariantList values) {
            QTest::newRow(text) << QString::fromUtf8(text) << QString::fromUtf8(sql) << values;
        };
        row("route:/checkout", "(p.route = ?)", {QStringLiteral("/checkout")});
        row("Browser:Safari", "(s.browser = ? COLLATE NOCASE)", {QStringLiteral("Safari")});
        row("url:~checkout", "(p.url LIKE ? ESCAPE '\\')", {QStringLiteral("%checkout%")});
        row("url:~100%_off\\", "(p.url LIKE ? ESCAPE '\\')", {QStringLiteral("%100\\%\\_off\\\\%")});
        row("duration>2s", "(p.duration_ns > ?)", {qint64(2'000'000'000)});
        row("duration:>=300ms", "(p.duration_ns >= ?)", {qint64(300'000'000)});
        row("backend<1.5m", "(p.backend_ns < ?)", {qint64(90'000'000'000)});
        row("lcp>2.5s", "(p.lcp_ns > ?)", {qint64(2'500'000'000)});
        row("ttfb<=200ms", "(p.ttfb_ns <= ?)", {qint64(200'000'000)});
        row("inp=.5s", "(p.inp_ns = ?)", {qint64(500'000'000)});
        row("errors>0", "(p.error_count > ?)", {qint64(0)});
        row("resources:12", "(p.resource_count = ?)", {qint64(12)});
        row("network_errors>0", "(p.network_error_count > ?)", {qint64(0)});
        row("js_errors=2", "((p.error_count - p.network_error_count) = ?)", {qint64(2)});
        // Any report of the page load: its instrumentation (otel, datadog, faro, har) or its source's
        // format ("otlp-json"; "otlp" covers every encoding) or kind (demo, live).
        const char* source =
            "EXISTS (SELECT 1 FROM page_load_reports r LEFT JOIN sources src ON src.id = "
            "r.source_id WHERE r.page_load_id = p.id AND (r.format = ? OR lower(src.format) = ? "
            "OR lower(src.format) LIKE ? ESCAPE '\\' OR src.kind = ?))";
        row("source:har", ("(" + std::string(source) + ")").c_str(),
            {QStringLiteral("har"), QStringLiteral("har"), QStringLiteral("har-%"), QStringLiteral("har")});
        row("-source:datadog", ("NOT coalesce(" + std::string(source) + ", 0)").c_str(),
            {QStringLiteral("datadog"), QStringLiteral("datadog"), QStringLiteral("datadog-%"),
             QStringLiteral("datadog")});
        row("source:otlp", ("(" + std::string(source) + ")").c_str(),
            {QStringLiteral("otel"), QStringLiteral("otlp"), QStringLiteral("otlp-%"),
             QStringLiteral("otlp")});
        row("cls>0.1", "(p.cls > ?)", {0.1});
        row("status:error", "(p.error_count > 0)", {});
        row("status:OK", "(p.error_count = 0)", {});
        row("service:payments", "(instr(',' || p.services || ',', ?) > 0)", {QStringLiteral(",payments,")});
        row("-browser:Chrome", "NOT coalesce(s.browser = ? COLLATE NOCASE, 0)", {QStringLiteral("Chrome")});
        row("checkout", "(p.route LIKE ? ESCAPE '\\' OR p.url LIKE ? ESCAPE '\\')",
            {QStringLiteral("%checkout%"), QStringLiteral("%checkout%")});
        row("https://shop.example/a", "(p.route LIKE ? ESCAPE '\\' OR p.url LIKE ? ESCAPE '\\')",
            {QStringLiteral("%https://shop.example/a%"), QStringLiteral("%https://shop.example/a%")});
        row("browser:\"Mobile Safari\"", "(s.browser = ? COLLATE NOCASE)", {QStringLiteral("Mobile Safari")});
        row("url:~\"say \\\"hi\\\" \\\\o/\"", "(p.url LIKE ? ESCAPE '\\')",
            {QStringLiteral("%say \"hi\" \\\\o/%")});
        row("route:/a  duration>1s", "(p.route = ?) AND (p.duration_ns > ?)",
            {QStringLiteral("/a"), qint64(1'000'000'000)});
        const char* operation =
            "(p.id IN (SELECT r.page_load_id FROM links l JOIN resources r ON r.id = l.resource_id "
            "WHERE l.trace IN (SELECT sp.trace FROM spans sp WHERE sp.operation_id IN "
            "(SELECT o.id FROM operations o JOIN services v ON v.id = o.service_id "
            "WHERE v.is_browser = 0 AND v.name = ? AND o.name = ?))))";
        row("operation:\"payments:POST /charge\"", operation,
            {QStringLiteral("payments"), QStringLiteral("POST /charge")});
        // The value splits at its first colon: routes with parameters stay whole.
        row("operation:\"users:GET /users/:id\"", operation,
            {QStringLiteral("users"), QStringLiteral("GET /users/:id")});
    }

    void compilesToBoundValues()
    {
        QFETCH(QString, text);
        QFETCH(QString, sql);
        QFETCH(QVariantList, values);
        const auto f = PageLoadFilter::parse(text);
        QVERIFY2(f.isValid(), qPrintable(f.error().message));
        QCOMPARE(QString::fromStdString(f.sql()), sql);
        QVariantList actual;
        for (const auto& v : f.values())
            std::visit(
                [&](const auto& x) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>)
                        actual.append(QString::fromStdString(x));
                    else
                        actual.append(QVariant::fromValue(x));
                },
                v);
        QCOMPARE(actual, values);
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

    void rejects_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("message");
        auto row = [](const char* text, int offset, const char* message) {
            QTest::newRow(text) << QString::fromUtf8(text) << offset << QString::fromUtf8(message);
        };
        row("browsr:Safari", 0, "position 1: unknown field 'browsr' (did you mean browser?)");
        row("duration>2s browsr:x", 12, "position 13: unknown field 'browsr' (did you mean browser?)");
        row("-contry:DE", 1, "position 2: unknown field 'contry' (did you mean country?)");
        row("xyzzy:1", 0, "position 1: unknown field 'xyzzy'");
        row("duration>fast", 9, "position 10: 'fast' is not a duration (e.g. 2s, 300ms)");
        row("route:/a lcp>2.5sec", 13, "position 14: '2.5sec' is not a duration (e.g. 2s, 300ms)");
        row("ttfb<200", 5, "position 6: '200' needs a unit (e.g. 200ms, 200s)");
        row("duration>-2s", 9, "position 10: '-2s' is not a duration (e.g. 2s, 300ms)");
        row("route:", 6, "position 7: expected a value after 'route:'");
        row("duration>= x", 10, "position 11: expected a value after 'duration>='");
        row("route:\"/a b", 6, "position 7: missing closing quote");
        row("route:\"/a\"b", 10, "position 11: expected a space after the closing quote");
        row("url:a\"b", 5, "position 6: unexpected quote (quote the whole value)");
        row("a -", 2, "position 3: expected a term after '-'");
        row("route>3", 5, "position 6: 'route' is not a number: use route:value or route:~text");
        row("duration:~2s", 8, "position 9: 'duration' is a number: compare it with >, >=, <, <= or =");
        row("errors>-1", 7, "position 8: '-1' is not a count (e.g. 0, 3)");
        row("errors>1.5", 7, "position 8: '1.5' is not a count (e.g. 0, 3)");
        row("cls>abc", 4, "position 5: 'abc' is not a number (e.g. 0.1)");
        row("status:broken", 7,
            "position 8: 'broken' is not a status (error, ok, or an HTTP status such as 404 or 5xx)");
        row("operation:payments", 10,
            "position 11: 'payments' is not service:operation (e.g. operation:\"payments:POST /charge\")");
        row("operation::GET", 10,
            "position 11: ':GET' is not service:operation (e.g. operation:\"payments:POST /charge\")");
        row("operation:payments:", 10,
            "position 11: 'payments:' is not service:operation (e.g. operation:\"payments:POST /charge\")");
        row("operation:~pay", 9, "position 10: 'operation' takes an exact service:operation (no ~)");
        row("operation>1", 9,
            "position 10: 'operation' is not a number: use operation:value or operation:~text");
        row("operatoin:a:b", 0, "position 1: unknown field 'operatoin' (did you mean operation?)");
    }

    void rejects()
    {
        QFETCH(QString, text);
        QFETCH(int, offset);
        QFETCH(QString, message);
        const auto f = PageLoadFilter::parse(text);
        QVERIFY(!f.isValid());
        QCOMPARE(f.error().message, message);
        QCOMPARE(f.error().offset, offset);
        QVERIFY(f.error().length >= 1);
        // An invalid filter selects nothing rather than everything.
        QCOMPARE(f.sql(), std::string("0"));
        QVERIFY(f.values().empty());
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

    void parsesPrecedenceAndGroups_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("structure");
        auto row = [](const char* text, const char* structure) {
            QTest::newRow(text) << QString::fromUtf8(text) << QString::fromUtf8(structure);
        };
        row("a", "a");
        row("a b", "(AND a b)");
        row("a AND b", "(AND a b)");
        row("a OR b", "(OR a b)");
        row("a b OR c", "(OR (AND a b) c)");
        row("a OR b c", "(OR a (AND b c))");
        row("a OR b AND c OR d", "(OR a (AND b c) d)");
        row("(a OR b) c", "(AND (OR a b) c)");
        row("a (b OR (c d))", "(AND a (OR b (AND c d)))");
        row("-(a OR b) -c", "(AND -(OR a b) -c)");
        row("(a)", "a");
        row("-(a)", "-a");
        row("-(-a)", "a");
        row("route:/a OR duration>2s", "(OR route:/a duration>2s)");
        row("(route:/a)(b)", "");
        row("route:\"(x)\" OR y", "(OR route:\"(x)\" y)");
        row("oracle ORDER", "(AND oracle ORDER)");
    }

    void parsesPrecedenceAndGroups()
    {
        QFETCH(QString, text);
        QFETCH(QString, structure);
        const auto f = PageLoadFilter::parse(text);
        if (structure.isEmpty()) {
            QVERIFY(!f.isValid());
            return;
        }
        QVERIFY2(f.isValid(), qPrintable(f.error().message));
        QCOMPARE(f.structure(), structure);
    }

    void compilesOrToParenthesisedSql()
    {
        const auto f = PageLoadFilter::parse(u"route:/a (duration>2s OR errors>0)");
        QVERIFY(f.isValid());
        QCOMPARE(QString::fromStdString(f.sql()),
                 QStringLiteral("(p.route = ?) AND ((p.duration_ns > ?) OR (p.error_count > ?))"));
        QCOMPARE(f.values().size(), std::size_t(3));
        QCOMPARE(std::get<std::string>(f.values()[0]), std::string("/a"));
        QCOMPARE(std::get<std::int64_t>(f.values()[1]), std::int64_t(2'000'000'000));
        const auto negated = PageLoadFilter::parse(u"-(a OR b)");
        QVERIFY(QString::fromStdString(negated.sql()).startsWith(QLatin1String("NOT coalesce(")));
    }

    void rejectsBadGroups_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("offset");
        QTest::addColumn<QString>("message");
        auto row = [](const char* text, int offset, const char* message) {
            QTest::newRow(text) << QString::fromUtf8(text) << offset << QString::fromUtf8(message);
        };
        row("OR a", 0, "position 1: expected a term before 'OR'");
        row("a OR", 2, "position 3: expected a term after 'OR'");
        row("a OR OR b", 2, "position 3: expected a term after 'OR'");
        row("AND a", 0, "position 1: expected a term before 'AND'");
        row("a AND", 2, "position 3: expected a term after 'AND'");
        row("(a OR b", 0, "position 1: '(' is not closed");
        row("x (a", 2, "position 3: '(' is not closed");
        row("a)", 1, "position 2: ')' without a matching '('");
        row("(a))", 3, "position 4: ')' without a matching '('");
        row("()", 0, "position 1: empty parentheses");
        row("(a OR )", 3, "position 4: expected a term after 'OR'");
        row("(a)b", 3, "position 4: expected a space after ')'");
        row("(browsr:x OR a)", 1, "position 2: unknown field 'browsr' (did you mean browser?)");
        row("a OR duration>fast", 14, "position 15: 'fast' is not a duration (e.g. 2s, 300ms)");
        row("status>=abc", 8,
            "position 9: 'abc' is not a status (error, ok, or an HTTP status such as 404 or 5xx)");
        row("status:~5", 6, "position 7: 'status' is a number: compare it with >, >=, <, <= or =");
        row("source>1", 6, "position 7: 'source' is not a number: use source:value or source:~text");
    }

    void rejectsBadGroups()
    {
        QFETCH(QString, text);
        QFETCH(int, offset);
        QFETCH(QString, message);
        const auto f = PageLoadFilter::parse(text);
        QVERIFY(!f.isValid());
        QCOMPARE(f.error().message, message);
        QCOMPARE(f.error().offset, offset);
        QCOMPARE(f.sql(), std::string("0"));
    }

    void helpComesFromTheFieldTable()
    {
        const auto help = PageLoadFilter::fieldHelp();
        QCOMPARE(int(help.size()), int(PageLoadFilter::fieldNames().size()));
        for (const auto& h : help) {
            QVERIFY2(!h.description.isEmpty(), qPrintable(h.name));
            // Every example in the help parses.
            const auto f = PageLoadFilter::parse(h.example);
            QVERIFY2(f.isValid(), qPrintable(h.example + QLatin1String(": ") + f.error().message));
        }
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

    void completionStart()
    {
        QCOMPARE(PageLoadFilter::completionStart(u"", 0), 0);
        QCOMPARE(PageLoadFilter::completionStart(u"route:/a bro", 12), 9);
        QCOMPARE(PageLoadFilter::completionStart(u"route:/a bro", 8), 0);
        QCOMPARE(PageLoadFilter::completionStart(u"browser:\"Mobile Sa", 18), 0);
        QCOMPARE(PageLoadFilter::completionStart(u"a ", 99), 2);
    }

    void completesFieldNames()
    {
        QCOMPARE(PageLoadFilter::completions(u"bro", 3), QStringList{QStringLiteral("browser:")});
        QCOMPARE(PageLoadFilter::completions(u"duration>2s -bro", 16),
                 QStringList{QStringLiteral("-browser:")});
        QCOMPARE(PageLoadFilter::completions(u"d", 1),
                 (QStringList{QStringLiteral("duration>"), QStringLiteral("device:")}));
        QCOMPARE(PageLoadFilter::completions(u"", 0).size(), PageLoadFilter::fieldNames().size());
        QCOMPARE(PageLoadFilter::completions(u"status:", 7),
                 (QStringList{QStringLiteral("status:error"), QStringLiteral("status:ok")}));
        QVERIFY(PageLoadFilter::completions(u"duration>", 9).isEmpty());
        QVERIFY(PageLoadFilter::completions(u"nosuch:", 7).isEmpty());
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
