// The main window on a damaged cache: opening it asks whether to open it read-only, recover its
// readable rows into a new investigation, or leave it (app/gui/DamagedCache.cpp). The dialog is
// answered the way a user would: by clicking its button.

#include "CacheDamage.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QAbstractButton>
#include <QApplication>
#include <QFile>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace seam;

class TestDamagedCache : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_damaged;
    qint64 m_pageLoads = 0;
    static constexpr int kPages = 300;

    struct Asked
    {
        bool asked = false;
        QString text;
    };

    QPointer<QTimer> m_answerer;

    /// Clicks the button named `button` of the next modal message box, and tells what it said.
    std::shared_ptr<Asked> answer(const QString& button)
    {
        auto asked = std::make_shared<Asked>();
        auto* timer = new QTimer(qApp);
        m_answerer = timer;
        timer->setInterval(20);
        QObject::connect(timer, &QTimer::timeout, timer, [timer, asked, button] {
            auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget());
            if (!box)
                return;
            asked->asked = true;
            asked->text = box->text() + QLatin1Char('\n') + box->informativeText();
            timer->stop();
            timer->deleteLater();
            if (auto* b = box->findChild<QAbstractButton*>(button))
                b->click();
            else
                box->reject();
        });
        timer->start();
        return asked;
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
        QCoreApplication::setApplicationName(QStringLiteral("tst_damagedcache"));

        using namespace seam::test;
        m_damaged = m_dir.filePath(QStringLiteral("damaged.seam"));
        {
            StoreWriter writer(m_damaged.toStdString());
            for (int n = 0; n < kPages; ++n) {
                writer.submit(0, browserBatch(n, traceId(n), 0x42, kT0 + n * 1'000'000'000LL));
                writer.submit(0, backendBatch(traceId(n), 0x42, kT0 + n * 1'000'000'000LL));
            }
            QVERIFY(writer.flush());
        }
        damagePage(m_damaged.toStdString(), leafPageOf(m_damaged.toStdString(), "page_loads_by_route"));
        Database db(m_damaged.toStdString(), Database::Mode::ReadOnly);
        m_pageLoads = db.queryInt("SELECT count(*) FROM page_loads");
        QCOMPARE(m_pageLoads, kPages);
    }

    void cleanup()
    {
        delete m_answerer; // a question never asked is not answered in the next test
        QSettings().clear();
    }

    void recoveringOpensANewInvestigationWithTheReadableRows()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        const auto asked = answer(QStringLiteral("recover"));
        window.openCache(m_damaged);
        QVERIFY(opened.wait(20000));
        QVERIFY(asked->asked);
        QVERIFY2(asked->text.contains(QStringLiteral("damaged.seam is damaged")), qPrintable(asked->text));

        const QString recovered = opened.front().at(0).toString();
        QVERIFY2(recovered != m_damaged && recovered.contains(QStringLiteral("damaged-recovered-")),
                 qPrintable(recovered));
        QCOMPARE(window.cachePath(), recovered);
        QTRY_COMPARE(window.linkedViews()->pageLoads()->model()->rowCount(), kPages);
        {
            Database db = store::openForReading(recovered.toStdString());
            QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), m_pageLoads);
            QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads WHERE route = '/checkout'"), m_pageLoads);
        }
        QTRY_VERIFY2(window.statusText().startsWith(QStringLiteral("Recovered: ")),
                     qPrintable(window.statusText()));
        {
            StoreWriter writable(recovered.toStdString()); // healthy: open for writing
        }
        for (const char* suffix : {"", "-wal", "-shm"})
            QFile::remove(recovered + QLatin1String(suffix)); // the investigations folder outlives the test
    }

    void openingReadOnlyShowsTheDamagedCache()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        const auto asked = answer(QStringLiteral("openReadOnly"));
        window.openCache(m_damaged);
        QVERIFY(opened.wait(20000));
        QVERIFY(asked->asked);
        QCOMPARE(opened.front().at(0).toString(), m_damaged);
        QCOMPARE(window.cachePath(), m_damaged);
        QVERIFY(window.linkedViews());
        QVERIFY(window.statusText().contains(QStringLiteral("damaged: read-only")));
    }

    void cancellingLeavesItClosed()
    {
        MainWindow window;
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        const auto asked = answer(QStringLiteral("cancel"));
        window.openCache(m_damaged);
        QTRY_VERIFY_WITH_TIMEOUT(asked->asked, 20000);
        QTRY_VERIFY(!window.isBusy());
        QTest::qWait(50);
        QCOMPARE(opened.count(), 0);
        QVERIFY(window.cachePath().isEmpty());
        QCOMPARE(window.linkedViews(), nullptr);
        QVERIFY(window.statusText().contains(QStringLiteral("is damaged")));
    }
};

QTEST_MAIN(TestDamagedCache)
#include "tst_damagedcache.moc"
