// Live mode in the main window's status bar: a LIVE badge with the listening address while receiving
// (and none after), and "N rejected" that opens the list of rejected requests with their reasons, on
// real requests to the real receiver (a body that does not decode, an Origin that is not allowed, a
// record without a trace id).

#include "LiveController.h"
#include "LiveStatusWidget.h"
#include "MainWindow.h"
#include "RecordFactory.h"
#include "RejectedRequestsDialog.h"
#include "StoreWriter.h"

#include <QApplication>
#include <QLabel>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace seam;

class TestLiveStatus : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;

    static int post(const QUrl& url, const QByteArray& body, const QByteArray& origin = {})
    {
        QNetworkAccessManager network;
        QNetworkRequest request(url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!origin.isEmpty())
            request.setRawHeader("Origin", origin);
        QNetworkReply* reply = network.post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!finished.wait(10000))
            return 0;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        reply->deleteLater();
        return status;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setDefaultFormat(QSettings::IniFormat);
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope,
                           m_dir.filePath(QStringLiteral("settings")));
        QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_livestatus"));
        m_cache = m_dir.filePath(QStringLiteral("live.seam"));
        StoreWriter writer(m_cache.toStdString());
        writer.submit(0, test::backendBatch(test::traceId(0), 0x42, test::kT0));
        QVERIFY(writer.flush());
    }

    void liveBadgeAndRejectedList()
    {
        QSettings().setValue(QStringLiteral("live/port"), 0);
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(m_cache);
        QVERIFY(opened.wait(10000));
        LiveStatusWidget* status = window.liveStatus();
        QVERIFY(!status->isVisible());

        window.liveAction()->trigger();
        QVERIFY(window.live()->isRunning());
        QTRY_VERIFY(status->isVisible());
        const QUrl base(window.live()->listenUrl());
        QVERIFY2(status->badge()->text().contains(QStringLiteral("LIVE")) &&
                     status->badge()->text().contains(base.authority()),
                 qPrintable(status->badge()->text()));
        QVERIFY(status->badge()->isVisible());
        QVERIFY(!status->rejectedButton()->isEnabled()); // nothing to list yet

        const QUrl traces(base.toString() + QStringLiteral("/v1/traces"));
        QCOMPARE(post(traces, "{\"resourceSpans\": [ {\"resource\": 7"), 400);
        QCOMPARE(post(traces, "{}", "https://evil.example"), 403);
        QCOMPARE(
            post(
                traces,
                R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"1","name":"x"}]}]}]})"),
            200);
        QTRY_COMPARE_WITH_TIMEOUT(status->rejectedButton()->text(), QStringLiteral("3 rejected"), 5000);
        QVERIFY(status->rejectedButton()->isEnabled());

        QTest::mouseClick(status->rejectedButton(), Qt::LeftButton);
        auto* dialog = status->findChild<RejectedRequestsDialog*>();
        QVERIFY(dialog);
        QTreeWidget* list = dialog->list();
        QCOMPARE(list->topLevelItemCount(), 3);
        QStringList reasons;
        for (int i = 0; i < list->topLevelItemCount(); ++i) {
            QCOMPARE(list->topLevelItem(i)->text(1), QStringLiteral("POST /v1/traces"));
            reasons << list->topLevelItem(i)->text(2);
        }
        // Newest first: the rejected record, the refused Origin, the body that did not decode.
        QVERIFY2(reasons.at(0).contains(QStringLiteral("trace")), qPrintable(reasons.at(0)));
        QVERIFY2(reasons.at(1).startsWith(QStringLiteral("403: origin 'https://evil.example'")),
                 qPrintable(reasons.at(1)));
        QVERIFY2(reasons.at(2).startsWith(QStringLiteral("400: cannot decode the request")),
                 qPrintable(reasons.at(2)));

        window.liveAction()->trigger();
        QVERIFY(!window.live()->isRunning());
        QTRY_VERIFY(!status->isVisible());
    }
};

QTEST_MAIN(TestLiveStatus)
#include "tst_livestatus.moc"
