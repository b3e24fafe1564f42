#include "Route.h"

#include <QTest>

using namespace seam;

class TestRoute : public QObject
{
    Q_OBJECT
private slots:
    void route_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("route");
        QTest::newRow("numeric") << "https://shop.example/product/12345?x=1"
                                 << "/product/:id";
        QTest::newRow("root") << "https://shop.example"
                              << "/";
        QTest::newRow("root-slash") << "https://shop.example/?q=1#top"
                                    << "/";
        QTest::newRow("uuid") << "https://a.b/orders/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items"
                              << "/orders/:id/items";
        QTest::newRow("hex") << "http://x/t/4bf92f3577b34da6a3ce929d0e0e4736"
                             << "/t/:id";
        QTest::newRow("short-hex-word") << "http://x/cafe/beef"
                                        << "/cafe/beef";
        QTest::newRow("mixed-token") << "http://x/s/aB3dE5fG7hJ9kL1mN"
                                     << "/s/:id";
        QTest::newRow("word-with-digit") << "http://x/api/v2/users"
                                         << "/api/v2/users";
        QTest::newRow("trailing-slash") << "http://x/checkout/"
                                        << "/checkout";
        QTest::newRow("path-only") << "/cart/42"
                                   << "/cart/:id";
        QTest::newRow("fragment") << "https://x/a/7#frag"
                                  << "/a/:id";
        QTest::newRow("protocol-relative") << "//cdn.x/img/1.png"
                                           << "/img/1.png";
        QTest::newRow("empty") << ""
                               << "/";
    }
    void route()
    {
        QFETCH(QString, url);
        QFETCH(QString, route);
        QCOMPARE(QString::fromStdString(routeFromUrl(url.toStdString())), route);
    }
};

QTEST_GUILESS_MAIN(TestRoute)
#include "tst_route.moc"
