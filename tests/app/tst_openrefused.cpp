// The main window given files that are not Seam investigations, each a real file on disk: random bytes
// named .seam, a cache cut short, another program's SQLite database (in WAL mode, so a careless reader
// would leave a -wal and -shm beside it), a text file, a Datadog SDK telemetry event, and telemetry
// whose every record is bad. Each is refused with the reason; nothing is created (no investigation,
// no side file, no changed byte), the open investigation stays open and Open Recent stays as it was.

#include "AppIdentity.h"
#include "CacheDamage.h"
#include "ImportSummaryDialog.h"
#include "MainWindow.h"
#include "RecentFiles.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "StoreWriter.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMessageBox>
#include <QRandomGenerator>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace seam;

class TestOpenRefused : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;

    QString writeFile(const QString& name, const QByteArray& bytes) const
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(bytes);
        return path;
    }

    static QStringList investigations() { return QDir(dataFolder()).entryList(QDir::Files | QDir::Hidden); }

    static QStringList sideFiles(const QString& file)
    {
        QStringList found;
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            if (QFile::exists(file + QLatin1String(suffix)))
                found << file + QLatin1String(suffix);
        return found;
    }

    /// Opens the good cache, then `bad` through File > Open's path; checks that nothing changed and
    /// gives the message the window gave.
    void refuse(const QString& bad, QString& message)
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(m_cache);
        if (!opened.wait(10000))
            qFatal("the good cache did not open");
        const QStringList recentBefore = window.recentFiles()->entries();
        const QStringList investigationsBefore = investigations();
        const QByteArray hash = test::fileHash(bad);

        QSignalSpy refused(&window, &MainWindow::openRefused);
        window.openPaths({bad});
        QVERIFY(!refused.isEmpty() || refused.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), 10000);
        QTest::qWait(50); // anything queued after the refusal would show now

        QCOMPARE(window.cachePath(), m_cache);
        QVERIFY(window.linkedViews());
        QCOMPARE(opened.count(), 1);
        QCOMPARE(window.recentFiles()->entries(), recentBefore);
        QCOMPARE(investigations(), investigationsBefore);
        QCOMPARE(test::fileHash(bad), hash);
        QCOMPARE(sideFiles(bad), QStringList());
        QCOMPARE(refused.front().at(0).toString(), bad);
        message = refused.front().at(1).toString();
        QCOMPARE(window.statusText(), message);
    }

    QString refusedMessage(const QString& bad)
    {
        QString message;
        refuse(bad, message);
        return QTest::currentTestFailed() ? QStringLiteral("<failed>") : message;
    }

    static bool isNotAnInvestigation(const QString& message, const char* reason)
    {
        return message.startsWith(
                   QStringLiteral("This file is not a Seam investigation (or is damaged): ")) &&
               message.contains(QLatin1String(reason));
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
        QCoreApplication::setApplicationName(QStringLiteral("tst_openrefused"));
        QDir(dataFolder()).removeRecursively();
        QDir().mkpath(dataFolder());

        using namespace seam::test;
        m_cache = m_dir.filePath(QStringLiteral("open.seam"));
        StoreWriter writer(m_cache.toStdString());
        writer.submit(0, browserBatch(0, traceId(0), 0x42, kT0));
        writer.submit(0, backendBatch(traceId(0), 0x42, kT0));
        QVERIFY(writer.flush());
    }

    void randomBytesNamedSeam()
    {
        QByteArray bytes(64 * 1024, Qt::Uninitialized);
        QRandomGenerator rng(7);
        rng.fillRange(reinterpret_cast<quint32*>(bytes.data()), bytes.size() / 4);
        const QString message = refusedMessage(writeFile(QStringLiteral("random.seam"), bytes));
        QVERIFY2(isNotAnInvestigation(message, "not an SQLite database"), qPrintable(message));
        QVERIFY(QApplication::activeModalWidget() == nullptr); // the window stays usable
    }

    void truncatedCache()
    {
        QFile whole(m_cache);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        const QString message =
            refusedMessage(writeFile(QStringLiteral("cut.seam"), bytes.left(bytes.size() / 2)));
        QVERIFY2(isNotAnInvestigation(message, "truncated"), qPrintable(message));
    }

    void foreignSqliteDatabase()
    {
        const QString foreign = m_dir.filePath(QStringLiteral("customers.db"));
        {
            Database db(foreign.toStdString(), Database::Mode::ReadWrite);
            db.exec("PRAGMA journal_mode = WAL");
            db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
            db.exec("INSERT INTO customers(name) VALUES ('Ada')");
        }
        QCOMPARE(sideFiles(foreign), QStringList());
        const QString message = refusedMessage(foreign);
        QVERIFY2(isNotAnInvestigation(message, "another program") &&
                     message.contains(QStringLiteral("customers")),
                 qPrintable(message));
    }

    void textFile()
    {
        const QString message =
            refusedMessage(writeFile(QStringLiteral("notes.txt"), "Meeting notes\nnothing to see here\n"));
        QVERIFY2(isNotAnInvestigation(message, "text"), qPrintable(message));
        // The same text named as an investigation is refused before any import is tried.
        const QString named = refusedMessage(writeFile(QStringLiteral("notes.seam"), "Meeting notes\n"));
        QVERIFY2(isNotAnInvestigation(named, "not an SQLite database"), qPrintable(named));
    }

    void datadogSdkTelemetryEvent()
    {
        const QString message = refusedMessage(writeFile(
            QStringLiteral("dd-telemetry.json"),
            R"({"type":"telemetry","date":1700000000000,"service":"browser-rum-sdk","version":"5.4.0",)"
            R"("source":"browser","_dd":{"format_version":2},"telemetry":{"type":"log","status":"debug",)"
            R"("message":"configuration"}})"));
        QVERIFY2(isNotAnInvestigation(message, "Datadog SDK telemetry event"), qPrintable(message));
    }

    void telemetryWithOnlyBadRecords()
    {
        // OTLP JSON, one document per line, none of them a valid span.
        QByteArray lines;
        for (int i = 0; i < 3; ++i)
            lines +=
                R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"1","name":"x"}]}]}]})"
                "\n";
        const QString bad = writeFile(QStringLiteral("bad-spans.ndjson"), lines);
        const QString message = refusedMessage(bad);
        QVERIFY2(message.contains(QStringLiteral("Nothing was imported")) &&
                     message.contains(QStringLiteral("no investigation was created")),
                 qPrintable(message));
        // Which records were refused and why is in the summary.
        MainWindow window;
        QSignalSpy refused(&window, &MainWindow::openRefused);
        window.openPaths({bad});
        QVERIFY(refused.wait(20000));
        auto* dialog = window.findChild<ImportSummaryDialog*>();
        QVERIFY(dialog);
        QCOMPARE(dialog->tree()->topLevelItemCount(), 1);
        QVERIFY(dialog->tree()->topLevelItem(0)->childCount() >= 1);
    }

    void theDataFolderNamesSeamOnce()
    {
        // The real identity (AppIdentity): organisation and application are both "seam".
        QCoreApplication::setOrganizationName(QStringLiteral("seam"));
        QCoreApplication::setApplicationName(QStringLiteral("seam"));
        const QString folder = dataFolder();
        QCoreApplication::setOrganizationName(QStringLiteral("seam-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_openrefused"));
        QVERIFY2(folder.endsWith(QStringLiteral("/share/seam")), qPrintable(folder));
        QVERIFY2(!folder.contains(QStringLiteral("seam/seam")), qPrintable(folder));
    }

    void aGoodFileArgumentStillOpens()
    {
        // What `seam FILE` (a file manager's Open) runs: openPaths with the one file.
        MainWindow window;
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openPaths({m_cache});
        QVERIFY(opened.wait(10000));
        QCOMPARE(window.cachePath(), m_cache);
    }
};

QTEST_MAIN(TestOpenRefused)
#include "tst_openrefused.moc"
