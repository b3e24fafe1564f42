#include "AppIdentity.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "ImportSummaryDialog.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "LiveController.h"
#include "MainWindow.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RecentFiles.h"
#include "RecordFactory.h"
#include "StoreWriter.h"
#include "Theme.h"

#include <QApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMimeData>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>

using namespace seam;

namespace {

/// One browser page load as the OpenTelemetry web SDK exports it (OTLP JSON): a documentLoad span.
QByteArray pageLoadJson(const QString& traceHex, qint64 startNs, const QString& path)
{
    const auto attribute = [](const char* key, const QString& value) {
        return QJsonObject{{QStringLiteral("key"), QLatin1String(key)},
                           {QStringLiteral("value"), QJsonObject{{QStringLiteral("stringValue"), value}}}};
    };
    const QJsonObject span{
        {QStringLiteral("traceId"), traceHex},
        {QStringLiteral("spanId"), QStringLiteral("00000000000000a1")},
        {QStringLiteral("name"), QStringLiteral("documentLoad")},
        {QStringLiteral("kind"), 1},
        {QStringLiteral("startTimeUnixNano"), QString::number(startNs)},
        {QStringLiteral("endTimeUnixNano"), QString::number(startNs + 1'500'000'000)},
        {QStringLiteral("attributes"),
         QJsonArray{attribute("http.url", QStringLiteral("https://shop.example") + path)}}};
    const QJsonObject resource{{QStringLiteral("attributes"),
                                QJsonArray{attribute("service.name", QStringLiteral("shop-web")),
                                           attribute("telemetry.sdk.language", QStringLiteral("webjs")),
                                           attribute("session.id", QStringLiteral("imported-session"))}}};
    const QJsonObject scopeSpans{
        {QStringLiteral("scope"),
         QJsonObject{
             {QStringLiteral("name"), QStringLiteral("@opentelemetry/instrumentation-document-load")}}},
        {QStringLiteral("spans"), QJsonArray{span}}};
    const QJsonObject resourceSpans{{QStringLiteral("resource"), resource},
                                    {QStringLiteral("scopeSpans"), QJsonArray{scopeSpans}}};
    return QJsonDocument(QJsonObject{{QStringLiteral("resourceSpans"), QJsonArray{resourceSpans}}}).toJson();
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        // Settings and investigations of the test stay in its temporary folder.
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));

        using namespace seam::test;
        m_cache = m_dir.filePath(QStringLiteral("open.seam"));
        StoreWriter writer(m_cache.toStdString());
        writer.submit(0, browserBatch(0, traceId(0), 0x42, kT0));
        writer.submit(0, backendBatch(traceId(0), 0x42, kT0));
        QVERIFY(writer.flush());
    }

    void cleanup() { QSettings().clear(); }

    void theWindowCarriesTheApplicationIcon()
    {
        // The icon is compiled in from resources/seam.qrc in every size the desktop asks for.
        const QIcon icon = seam::applicationIcon();
        QList<QSize> sizes = icon.availableSizes();
        QCOMPARE(sizes.size(), 7);
        for (const int size : {16, 24, 32, 48, 64, 128, 256}) {
            QVERIFY2(sizes.contains(QSize(size, size)), qPrintable(QString::number(size)));
            QCOMPARE(icon.pixmap(size).size(), QSize(size, size));
        }
        QApplication::setWindowIcon(icon);
        seam::MainWindow window;
        QCOMPARE(window.windowIcon().availableSizes().size(), 7);
    }

    void openingACacheShowsItsViewsAndRemembersIt()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(m_cache);
        QVERIFY(opened.wait(10000));
        QVERIFY(window.linkedViews());
        QTRY_COMPARE(window.linkedViews()->pageLoads()->model()->rowCount(), 1);
        QCOMPARE(window.recentFiles()->entries().value(0), QFileInfo(m_cache).absoluteFilePath());
        QCOMPARE(window.recentFiles()->last(), QFileInfo(m_cache).absoluteFilePath());

        window.closeInvestigation();
        QCOMPARE(window.linkedViews(), nullptr);
        QVERIFY(window.cachePath().isEmpty());
        // The recent list keeps it for next time.
        QCOMPARE(window.recentFiles()->entries().size(), 1);
    }

    void importingIntoTheOpenInvestigationKeepsTheSelection()
    {
        const QString cache = copyOfCache(QStringLiteral("import.seam"));
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(cache);
        QVERIFY(opened.wait(10000));
        PageLoadTableModel* model = window.linkedViews()->pageLoads()->model();
        QTRY_COMPARE(model->rowCount(), 1);
        const qint64 selected = model->pageLoadIdAt(0);
        window.investigation()->selectPageLoad(selected);

        const QString file =
            writeFile(QStringLiteral("more.json"),
                      pageLoadJson(QStringLiteral("0af7651916cd43dd8448eb211c80319c"),
                                   seam::test::kT0 + 120'000'000'000LL, QStringLiteral("/cart")));
        QSignalSpy imported(&window, &MainWindow::importFinished);
        window.importIntoCurrent({file});
        QVERIFY(imported.wait(10000));
        QCOMPARE(imported.front().at(0).toString(), cache);
        QVERIFY2(imported.front().at(1).toString().contains(QStringLiteral("1 records imported")),
                 qPrintable(imported.front().at(1).toString()));
        QCOMPARE(opened.count(), 1); // the same views, refreshed
        QTRY_COMPARE(model->rowCount(), 2);
        QCOMPARE(window.investigation()->selectedPageLoad(), selected);
        QCOMPARE(window.cachePath(), cache);
    }

    void droppingFilesImportsThemAndReportsRejects()
    {
        const QString cache = copyOfCache(QStringLiteral("drop.seam"));
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(cache);
        QVERIFY(opened.wait(10000));

        const QString good =
            writeFile(QStringLiteral("good.json"),
                      pageLoadJson(QStringLiteral("1af7651916cd43dd8448eb211c80319c"),
                                   seam::test::kT0 + 240'000'000'000LL, QStringLiteral("/")));
        const QString bad =
            writeFile(QStringLiteral("bad.json"), QByteArray("{\"resourceSpans\": [ {\"resource\": 7"));
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(good), QUrl::fromLocalFile(bad)});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(&window, &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QSignalSpy imported(&window, &MainWindow::importFinished);
        QApplication::sendEvent(&window, &drop);
        QVERIFY(imported.wait(10000));
        QTRY_COMPARE(window.linkedViews()->pageLoads()->model()->rowCount(), 2);

        // The bad file is named, with where and what, in the summary the window shows.
        auto* dialog = window.findChild<ImportSummaryDialog*>();
        QVERIFY(dialog);
        QTreeWidget* tree = dialog->tree();
        QCOMPARE(tree->topLevelItemCount(), 2);
        QTreeWidgetItem* badItem = tree->topLevelItem(0)->text(0) == QLatin1String("bad.json")
                                       ? tree->topLevelItem(0)
                                       : tree->topLevelItem(1);
        QCOMPARE(badItem->text(0), QStringLiteral("bad.json"));
        QVERIFY(badItem->childCount() >= 1);
        QVERIFY2(badItem->child(0)->text(0).contains(QStringLiteral("byte")) ||
                     badItem->child(0)->text(0).contains(QStringLiteral("line")),
                 qPrintable(badItem->child(0)->text(0)));
    }

    void liveModeFeedsTheOpenInvestigation()
    {
        const QString cache = copyOfCache(QStringLiteral("live.seam"));
        QSettings().setValue(QStringLiteral("live/port"), 0); // any free port
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(cache);
        QVERIFY(opened.wait(10000));
        PageLoadTableModel* model = window.linkedViews()->pageLoads()->model();
        QTRY_COMPARE(model->rowCount(), 1);
        const qint64 selected = model->pageLoadIdAt(0);
        window.investigation()->selectPageLoad(selected);

        window.liveAction()->trigger();
        QVERIFY(window.live()->isRunning());
        QVERIFY(window.liveAction()->isChecked());
        const QUrl url(window.live()->listenUrl() + QStringLiteral("/v1/traces"));
        QCOMPARE(url.host(), QStringLiteral("127.0.0.1"));

        QNetworkAccessManager network;
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        QNetworkReply* reply =
            network.post(request, pageLoadJson(QStringLiteral("2af7651916cd43dd8448eb211c80319c"),
                                               seam::test::kT0 + 300'000'000'000LL, QStringLiteral("/live")));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        // Acknowledged means committed; the views refresh on their own, the selection stays.
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 5000);
        QCOMPARE(window.investigation()->selectedPageLoad(), selected);
        QVERIFY(window.findChild<QLabel*>() != nullptr);

        window.liveAction()->trigger();
        QVERIFY(!window.live()->isRunning());
        QVERIFY(!window.liveAction()->isChecked());
        reply->deleteLater();
    }

    void liveAllowedHostNamesReachTheReceiver()
    {
        // Live > Allowed Host Names is saved with the Live settings and given to the receiver: a name
        // listed there is served, any other name (a DNS-rebound page's) is refused.
        QSettings().setValue(QStringLiteral("live/port"), 0);
        LiveController::Settings settings = LiveController::loadSettings();
        settings.allowedHosts = {QStringLiteral("seam.test")};
        LiveController::saveSettings(settings);
        LiveController live;
        QVERIFY2(live.start(copyOfCache(QStringLiteral("hosts.seam")), LiveController::loadSettings()),
                 qPrintable(live.errorString()));
        const quint16 port = quint16(QUrl(live.listenUrl()).port());
        auto statusFor = [port](const QByteArray& host) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            if (!s.waitForConnected(3000))
                return 0;
            s.write("POST /v1/metrics HTTP/1.1\r\nHost: " + host + ':' + QByteArray::number(port) +
                    "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
            QByteArray reply;
            while (s.waitForReadyRead(3000))
                reply += s.readAll();
            return reply.mid(9, 3).toInt();
        };
        QCOMPARE(statusFor("seam.test"), 200);
        QCOMPARE(statusFor("evil.example"), 421);
        live.stop();
    }

    void recentFilesForgetMissingOnesAndAreBounded()
    {
        RecentFiles recent;
        recent.clear();
        for (int i = 0; i < RecentFiles::kMaxEntries + 3; ++i)
            recent.add(writeFile(QStringLiteral("r%1.seam").arg(i), "x"));
        QCOMPARE(recent.entries().size(), RecentFiles::kMaxEntries);
        QVERIFY(recent.last().endsWith(QStringLiteral("r%1.seam").arg(RecentFiles::kMaxEntries + 2)));
        QFile::remove(recent.last());
        QVERIFY(recent.last().endsWith(QStringLiteral("r%1.seam").arg(RecentFiles::kMaxEntries + 1)));
    }

    void darkThemeReachesTheViews()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(m_cache);
        QVERIFY(opened.wait(10000));
        applyTheme(Theme::Dark);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() < 80);
        FlameGraphView* graph = window.linkedViews()->flameGraph()->view();
        QTRY_VERIFY(graph->palette().color(QPalette::Base).lightness() < 80);
        const QImage dark = graph->grab().toImage();
        applyTheme(Theme::Light);
        QVERIFY(QApplication::palette().color(QPalette::Window).lightness() > 180);
        QTRY_VERIFY(graph->palette().color(QPalette::Base).lightness() > 180);
        const QImage light = graph->grab().toImage();
        // The empty graph's background follows: a dark pixel then a light one at the same place.
        const QPoint corner(graph->width() - 4, graph->height() - 4);
        QVERIFY(dark.pixelColor(corner).lightness() < 100);
        QVERIFY(light.pixelColor(corner).lightness() > 150);
        applyTheme(Theme::System);
    }

private:
    QString writeFile(const QString& name, const QByteArray& bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(bytes);
        return path;
    }
    QString copyOfCache(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        QFile::remove(path);
        if (!QFile::copy(m_cache, path))
            qFatal("cannot copy the cache");
        return path;
    }

    QTemporaryDir m_dir;
    QString m_cache;
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
