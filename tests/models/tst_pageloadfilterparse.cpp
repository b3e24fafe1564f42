// The page-load filter language without a cache: what each query compiles to (bound values only),
// what it rejects and where, precedence and groups, the help and the completion of field names.
#include "PageLoadFilter.h"

#include <QTest>

using namespace seam;

class TestPageLoadFilterParse : public QObject
{
    Q_OBJECT

private slots:
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
};

QTEST_GUILESS_MAIN(TestPageLoadFilterParse)
#include "tst_pageloadfilterparse.moc"
