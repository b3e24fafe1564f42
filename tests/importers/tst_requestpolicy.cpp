// live::RequestPolicy on its own: which Origin and Host values the receiver accepts (browser pages of
// other origins and DNS-rebound names are refused), and how the settings are read.

#include "HttpParser.h"
#include "RequestPolicy.h"

#include <QTest>

using namespace seam::live;

namespace {

HttpRequest requestWith(const QList<QPair<QByteArray, QByteArray>>& headers,
                        const QByteArray& target = "/v1/traces")
{
    HttpRequest r;
    r.method = "POST";
    r.target = target;
    r.headers = headers;
    return r;
}

} // namespace

class TestRequestPolicy : public QObject
{
    Q_OBJECT

private slots:
    void origins_data()
    {
        QTest::addColumn<QStringList>("allowed");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<bool>("accepted");
        const QStringList shop{QStringLiteral("https://shop.example")};
        QTest::newRow("listed") << shop << QByteArray("https://shop.example") << true;
        QTest::newRow("other") << shop << QByteArray("https://evil.example") << false;
        QTest::newRow("other scheme") << shop << QByteArray("http://shop.example") << false;
        QTest::newRow("other port") << shop << QByteArray("https://shop.example:8443") << false;
        QTest::newRow("suffix") << shop << QByteArray("https://shop.example.evil.example") << false;
        QTest::newRow("none allowed") << QStringList{} << QByteArray("http://localhost:3000") << false;
        QTest::newRow("empty value") << shop << QByteArray("") << false;
        QTest::newRow("null") << shop << QByteArray("null") << false;
        QTest::newRow("star") << QStringList{QStringLiteral("*")} << QByteArray("https://evil.example")
                              << true;
        // Sandboxed frames, file: pages and privacy redirects all say "null": only by name.
        QTest::newRow("star not null") << QStringList{QStringLiteral("*")} << QByteArray("null") << false;
        QTest::newRow("null listed") << QStringList{QStringLiteral("null")} << QByteArray("null") << true;
        // Settings are written by people: case, a trailing slash and a default port do not matter.
        QTest::newRow("setting spelled loosely") << QStringList{QStringLiteral(" HTTPS://Shop.Example:443/ ")}
                                                 << QByteArray("https://shop.example") << true;
        QTest::newRow("http default port")
            << QStringList{QStringLiteral("http://localhost:80")} << QByteArray("http://localhost") << true;
        QTest::newRow("non-default port kept") << QStringList{QStringLiteral("http://localhost:3000")}
                                               << QByteArray("http://localhost") << false;
        QTest::newRow("unparsable setting ignored")
            << QStringList{QStringLiteral("shop.example")} << QByteArray("shop.example") << false;
    }

    void origins()
    {
        QFETCH(QStringList, allowed);
        QFETCH(QByteArray, origin);
        QFETCH(bool, accepted);
        const RequestPolicy policy(QHostAddress::LocalHost, 4318, allowed, {});
        QCOMPARE(policy.checkOrigin(origin), accepted);
    }

    void hosts_data()
    {
        QTest::addColumn<QString>("listen");
        QTest::addColumn<QStringList>("allowed");
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("accepted");
        const QString v4 = QStringLiteral("127.0.0.1");
        const QString v6 = QStringLiteral("::1");
        const QString any = QStringLiteral("0.0.0.0");
        const QString lan = QStringLiteral("192.168.1.20");
        const QStringList none;
        QTest::newRow("listen ip") << v4 << none << QByteArray("127.0.0.1:4318") << true;
        QTest::newRow("localhost") << v4 << none << QByteArray("localhost:4318") << true;
        QTest::newRow("localhost any case") << v4 << none << QByteArray("LocalHost:4318") << true;
        QTest::newRow("no port") << v4 << none << QByteArray("127.0.0.1") << true;
        // DNS rebinding: the page's own name, whatever it resolves to now.
        QTest::newRow("rebound name") << v4 << none << QByteArray("evil.example:4318") << false;
        QTest::newRow("rebound name no port") << v4 << none << QByteArray("evil.example") << false;
        QTest::newRow("localhost lookalike")
            << v4 << none << QByteArray("localhost.evil.example:4318") << false;
        QTest::newRow("trailing dot") << v4 << none << QByteArray("localhost.:4318") << false;
        QTest::newRow("other port") << v4 << none << QByteArray("127.0.0.1:4319") << false;
        QTest::newRow("other ip") << v4 << none << QByteArray("127.0.0.2:4318") << false;
        QTest::newRow("v6 literal on v4") << v4 << none << QByteArray("[::1]:4318") << false;
        QTest::newRow("empty") << v4 << none << QByteArray("") << false;
        QTest::newRow("junk port") << v4 << none << QByteArray("127.0.0.1:43x8") << false;
        QTest::newRow("port too big") << v4 << none << QByteArray("127.0.0.1:70000") << false;
        QTest::newRow("user info") << v4 << none << QByteArray("evil@127.0.0.1:4318") << false;
        QTest::newRow("bare v6") << v6 << none << QByteArray("::1:4318") << false;
        QTest::newRow("v6") << v6 << none << QByteArray("[::1]:4318") << true;
        QTest::newRow("v6 spelled long") << v6 << none << QByteArray("[0:0:0:0:0:0:0:1]:4318") << true;
        QTest::newRow("v6 localhost") << v6 << none << QByteArray("localhost:4318") << true;
        QTest::newRow("v4 on v6") << v6 << none << QByteArray("127.0.0.1:4318") << false;
        // On a LAN address localhost does not reach the receiver.
        QTest::newRow("lan ip") << lan << none << QByteArray("192.168.1.20:4318") << true;
        QTest::newRow("lan localhost") << lan << none << QByteArray("localhost:4318") << false;
        // On every address, any address names it (an IP is never someone else's DNS name).
        QTest::newRow("any: some ip") << any << none << QByteArray("10.1.2.3:4318") << true;
        QTest::newRow("any: localhost") << any << none << QByteArray("localhost:4318") << true;
        QTest::newRow("any: port") << any << none << QByteArray("10.1.2.3:80") << false;
        QTest::newRow("any: name") << any << none << QByteArray("box.lan:4318") << false;
        // --allow-host: a name alone is any port; with a port, only that one.
        const QStringList proxy{QStringLiteral("Seam.Lan"), QStringLiteral("otel.example:8080")};
        QTest::newRow("allowed name") << v4 << proxy << QByteArray("seam.lan:4318") << true;
        QTest::newRow("allowed name other port") << v4 << proxy << QByteArray("seam.lan:9000") << true;
        QTest::newRow("allowed name no port") << v4 << proxy << QByteArray("seam.lan") << true;
        QTest::newRow("allowed name:port") << v4 << proxy << QByteArray("otel.example:8080") << true;
        QTest::newRow("allowed name wrong port") << v4 << proxy << QByteArray("otel.example:4318") << false;
        QTest::newRow("allowed name suffix")
            << v4 << proxy << QByteArray("seam.lan.evil.example:4318") << false;
        QTest::newRow("allowed ip:port")
            << v4 << QStringList{QStringLiteral("127.0.0.1:9999")} << QByteArray("127.0.0.1:9999") << true;
        QTest::newRow("allowed v6:port")
            << v4 << QStringList{QStringLiteral("[::1]:9999")} << QByteArray("[::1]:9999") << true;
    }

    void hosts()
    {
        QFETCH(QString, listen);
        QFETCH(QStringList, allowed);
        QFETCH(QByteArray, host);
        QFETCH(bool, accepted);
        const RequestPolicy policy(QHostAddress(listen), 4318, {}, allowed);
        QCOMPARE(policy.checkHost(host), accepted);
    }

    void notListeningRefusesHosts()
    {
        const RequestPolicy policy;
        QVERIFY(!policy.checkHost("127.0.0.1:4318"));
        QVERIFY(!policy.checkOrigin("http://localhost:3000"));
    }

    void wholeRequests()
    {
        const RequestPolicy policy(QHostAddress::LocalHost, 4318, {QStringLiteral("https://shop.example")},
                                   {});
        // Exporters, curl, collectors: no Origin; HTTP/1.0 without Host too.
        PolicyVerdict v = policy.check(requestWith({{"host", "127.0.0.1:4318"}}));
        QVERIFY(v.allowed);
        QVERIFY(v.allowOrigin.isEmpty());
        QVERIFY(policy.check(requestWith({})).allowed);

        v = policy.check(requestWith({{"host", "localhost:4318"}, {"origin", "https://shop.example"}}));
        QVERIFY(v.allowed);
        QCOMPARE(v.allowOrigin, QByteArray("https://shop.example"));

        v = policy.check(requestWith({{"host", "localhost:4318"}, {"origin", "https://evil.example"}}));
        QVERIFY(!v.allowed);
        QCOMPARE(v.status, 403);
        QVERIFY(v.allowOrigin.isEmpty());
        QVERIFY2(v.message.contains("--cors-origin https://evil.example"), v.message);

        v = policy.check(requestWith({{"host", "evil.example:4318"}, {"origin", "https://shop.example"}}));
        QVERIFY(!v.allowed);
        QCOMPARE(v.status, 421);
        QVERIFY(v.allowOrigin.isEmpty());
        QVERIFY2(v.message.contains("127.0.0.1:4318") && v.message.contains("--allow-host"), v.message);

        // Which of two a proxy in front looked at is unknown: neither is trusted.
        v = policy.check(requestWith({{"host", "127.0.0.1:4318"}, {"host", "evil.example:4318"}}));
        QCOMPARE(v.status, 400);
        v = policy.check(
            requestWith({{"origin", "https://shop.example"}, {"origin", "https://evil.example"}}));
        QCOMPARE(v.status, 403);

        // Absolute form: the target's authority is the one that counts, not Host.
        v = policy.check(requestWith({{"host", "127.0.0.1:4318"}}, "http://evil.example:4318/v1/traces?x=1"));
        QCOMPARE(v.status, 421);
        QVERIFY(
            policy.check(requestWith({{"host", "evil.example"}}, "HTTP://127.0.0.1:4318/v1/traces")).allowed);
    }

    void settings()
    {
        QCOMPARE(RequestPolicy::normalizeOrigin(QStringLiteral("http://LocalHost:3000/")),
                 QStringLiteral("http://localhost:3000"));
        QCOMPARE(RequestPolicy::normalizeOrigin(QStringLiteral("https://a.example:443")),
                 QStringLiteral("https://a.example"));
        QCOMPARE(RequestPolicy::normalizeOrigin(QStringLiteral("http://[::1]:80")),
                 QStringLiteral("http://[::1]"));
        QCOMPARE(RequestPolicy::normalizeOrigin(QStringLiteral("*")), QStringLiteral("*"));
        QCOMPARE(RequestPolicy::normalizeOrigin(QStringLiteral("NULL")), QStringLiteral("null"));
        for (const char* bad : {"localhost:3000", "http://", "http://a.example/path", "http://u@a.example",
                                "://a.example", "1http://a.example", ""})
            QVERIFY2(RequestPolicy::normalizeOrigin(QString::fromLatin1(bad)).isEmpty(), bad);

        const auto a = RequestPolicy::parseAuthority("Seam.LAN:8080");
        QVERIFY(a);
        QCOMPARE(a->name, QStringLiteral("seam.lan"));
        QCOMPARE(a->port, 8080);
        QVERIFY(a->ip.isNull());
        const auto v6 = RequestPolicy::parseAuthority("[::1]");
        QVERIFY(v6);
        QCOMPARE(v6->ip, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(v6->port, -1);
        for (const char* bad :
             {"", ":8080", "a.example:", "a.example:0", "a b", "a/b", "[::1", "[x]:1", "::1"})
            QVERIFY2(!RequestPolicy::parseAuthority(bad), bad);
    }
};

QTEST_GUILESS_MAIN(TestRequestPolicy)
#include "tst_requestpolicy.moc"
