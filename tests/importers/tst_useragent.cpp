#include "UserAgent.h"

#include <QTest>

using namespace seam;

class TestUserAgent : public QObject
{
    Q_OBJECT
private slots:
    void parse_data()
    {
        QTest::addColumn<QString>("ua");
        QTest::addColumn<QString>("browser");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("os");
        QTest::addColumn<QString>("device");
        QTest::newRow("chrome-windows") << "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                           "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
                                        << "Chrome"
                                        << "120"
                                        << "Windows"
                                        << "desktop";
        QTest::newRow("edge-contains-chrome")
            << "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91"
            << "Edge"
            << "120"
            << "Windows"
            << "desktop";
        QTest::newRow("opera-contains-chrome")
            << "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
               "Chrome/119.0.0.0 Safari/537.36 OPR/105.0.0.0"
            << "Opera"
            << "105"
            << "macOS"
            << "desktop";
        QTest::newRow("safari-mac") << "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                                       "(KHTML, like Gecko) Version/17.1 Safari/605.1.15"
                                    << "Safari"
                                    << "17"
                                    << "macOS"
                                    << "desktop";
        QTest::newRow("safari-iphone")
            << "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
               "Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
            << "Safari"
            << "17"
            << "iOS"
            << "mobile";
        QTest::newRow("ipad") << "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
                                 "like Gecko) Version/16.6 Mobile/15E148 Safari/604.1"
                              << "Safari"
                              << "16"
                              << "iOS"
                              << "tablet";
        QTest::newRow("chrome-ios")
            << "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
               "Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1"
            << "Chrome"
            << "120"
            << "iOS"
            << "mobile";
        QTest::newRow("firefox-linux")
            << "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
            << "Firefox"
            << "121"
            << "Linux"
            << "desktop";
        QTest::newRow("samsung") << "Mozilla/5.0 (Linux; Android 13; SM-S901B) AppleWebKit/537.36 (KHTML, "
                                    "like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36"
                                 << "Samsung Internet"
                                 << "23"
                                 << "Android"
                                 << "mobile";
        QTest::newRow("android-tablet") << "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 "
                                           "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
                                        << "Chrome"
                                        << "120"
                                        << "Android"
                                        << "tablet";
        QTest::newRow("chromeos") << "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, "
                                     "like Gecko) Chrome/120.0.0.0 Safari/537.36"
                                  << "Chrome"
                                  << "120"
                                  << "ChromeOS"
                                  << "desktop";
        QTest::newRow("curl") << "curl/8.4.0"
                              << "Other"
                              << ""
                              << ""
                              << "desktop";
        QTest::newRow("empty") << ""
                               << ""
                               << ""
                               << ""
                               << "";
    }
    void parse()
    {
        QFETCH(QString, ua);
        QFETCH(QString, browser);
        QFETCH(QString, version);
        QFETCH(QString, os);
        QFETCH(QString, device);
        const UserAgentInfo info = parseUserAgent(ua.toStdString());
        QCOMPARE(QString::fromStdString(info.browser), browser);
        QCOMPARE(QString::fromStdString(info.browserVersion), version);
        QCOMPARE(QString::fromStdString(info.os), os);
        QCOMPARE(QString::fromStdString(info.device), device);
    }
};

QTEST_GUILESS_MAIN(TestUserAgent)
#include "tst_useragent.moc"
