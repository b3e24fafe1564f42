// The page-load filter's translation to ClickHouse (no server): which terms are pushed, exactly or as
// a narrowing, which stay local, and that a user's text reaches the server only as a typed parameter.

#include "ClickHouseFilterPushDown.h"
#include "PageLoadFilter.h"

#include <QTest>

using namespace seam;

class TestClickHouseFilterPushDown : public QObject
{
    Q_OBJECT

private slots:
    void terms_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QStringList>("pushed");
        QTest::addColumn<QStringList>("localOnly");
        QTest::addColumn<bool>("exact");
        const QStringList none;
        QTest::newRow("exact fields")
            << QStringLiteral("url:https://x/a duration>=2s version:4.2 country:de")
            << QStringList{QStringLiteral("url:https://x/a"), QStringLiteral("duration>=2s"),
                           QStringLiteral("version:4.2"), QStringLiteral("country:de")}
            << none << true;
        QTest::newRow("route narrows") << QStringLiteral("route:/product/:id")
                                       << QStringList{QStringLiteral("route:/product/:id")} << none << false;
        QTest::newRow("route of ids only stays local")
            << QStringLiteral("route:/:id") << none << QStringList{QStringLiteral("route:/:id")} << false;
        QTest::newRow("local fields")
            << QStringLiteral("browser:Safari lcp>2s status:5xx errors>0 service:payments") << none
            << QStringList{QStringLiteral("browser:Safari"), QStringLiteral("lcp>2s"),
                           QStringLiteral("status:5xx"), QStringLiteral("errors>0"),
                           QStringLiteral("service:payments")}
            << false;
        QTest::newRow("AND keeps what it can")
            << QStringLiteral("country:DE browser:Safari") << QStringList{QStringLiteral("country:DE")}
            << QStringList{QStringLiteral("browser:Safari")} << false;
        QTest::newRow("OR with a local term pushes nothing")
            << QStringLiteral("country:DE OR browser:Safari") << none
            << QStringList{QStringLiteral("browser:Safari"), QStringLiteral("country:DE")} << false;
        QTest::newRow("negating an exact term")
            << QStringLiteral("-country:US") << QStringList{QStringLiteral("-country:US")} << none << true;
        QTest::newRow("negating a narrowing stays local")
            << QStringLiteral("-route:/checkout") << none << QStringList{QStringLiteral("-route:/checkout")}
            << false;
        QTest::newRow("negated group of exact terms")
            << QStringLiteral("-(country:US duration<1s)")
            << QStringList{QStringLiteral("country:US"), QStringLiteral("duration<1s")} << none << true;
        QTest::newRow("a ':' in a bare word stays local")
            << QStringLiteral("checkout :id") << QStringList{QStringLiteral("checkout")}
            << QStringList{QStringLiteral(":id")} << false;
        QTest::newRow("non-ASCII substring stays local")
            << QStringLiteral("url:~é") << none << QStringList{QStringLiteral("url:~é")} << false;
    }

    void terms()
    {
        QFETCH(QString, filter);
        QFETCH(QStringList, pushed);
        QFETCH(QStringList, localOnly);
        QFETCH(bool, exact);
        const PageLoadFilter parsed = PageLoadFilter::parse(filter);
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error().message));
        const remote::ServerFilter server = remote::pushDownFilter(parsed);
        QCOMPARE(server.pushed, pushed);
        QCOMPARE(server.localOnly, localOnly);
        QCOMPARE(server.exact, exact);
        QCOMPARE(server.predicate.isEmpty(), pushed.isEmpty());
    }

    void valuesTravelAsTypedParameters()
    {
        const QString hostile = QStringLiteral("x') OR 1=1 --");
        const PageLoadFilter parsed =
            PageLoadFilter::parse(QStringLiteral("url:\"%1\" version:~\"a\\\\b%_\" route:/a'b").arg(hostile));
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error().message));
        const remote::ServerFilter server = remote::pushDownFilter(parsed);
        QCOMPARE(server.pushed.size(), 3);
        QVERIFY(!server.predicate.contains(QLatin1String("1=1")));
        QVERIFY(!server.predicate.contains(QLatin1Char('\'')) ||
                !server.predicate.contains(QLatin1String("a'b")));
        QVERIFY(server.predicate.contains(QLatin1String("{f0:String}")));
        QStringList values;
        for (const auto& [name, value] : server.params) {
            QVERIFY(server.predicate.contains(QLatin1Char('{') + name + QLatin1Char(':')));
            values << value;
        }
        QVERIFY(values.contains(hostile));
        // The LIKE pattern keeps the cache's escaping, with the backslashes doubled for ClickHouse's
        // escaped parameter text: a\b%_ -> %a\\b\%\_% -> %a\\\\b\\%\\_%.
        QVERIFY2(values.contains(QStringLiteral("%a\\\\\\\\b\\\\%\\\\_%")),
                 qPrintable(values.join(QLatin1Char('|'))));
        QVERIFY(values.contains(QStringLiteral("/a'b")));
    }

    void emptyAndInvalidFiltersPushNothing()
    {
        QVERIFY(remote::pushDownFilter(PageLoadFilter()).predicate.isEmpty());
        QVERIFY(remote::pushDownFilter(PageLoadFilter::parse(QStringLiteral("duration>fast")))
                    .predicate.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestClickHouseFilterPushDown)
#include "tst_clickhousefilterpushdown.moc"
