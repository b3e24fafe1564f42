// File > Connect to a Store… driven with QTest events against a real ClickHouse engine (chdb) on
// loopback: a URL with a password typed in, the window chosen, Pull; the pulled investigation opens in
// the window, and the password is in neither the investigation, its WAL, nor the settings. Cancel in
// the status bar stops a pull in progress, keeping what was committed.

#include "BackgroundJob.h"
#include "ClickHouseEngine.h"
#include "ConnectDialog.h"
#include "ImportTestUtil.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "PageLoadFilter.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "Sqlite.h"
#include "Store.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QTimer>

using namespace seam;

class TestConnectDialog : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::ClickHouseEngine m_engine;
    std::int64_t m_from = 0, m_to = 0;

    static void removeCache(const QString& cache)
    {
        for (const char* suffix : {"", "-wal", "-shm"})
            QFile::remove(cache + QLatin1String(suffix));
    }

    static QAction* connectAction(MainWindow& window)
    {
        for (QAction* a : window.findChildren<QAction*>())
            if (a->text().startsWith(QStringLiteral("Co&nnect")))
                return a;
        return nullptr;
    }

    /// Fills the dialog once it is up (it runs modal): `url` typed into the store's field, the window
    /// set, then Pull clicked.
    void answerDialog(const QString& url, bool& answered, const QString* filter = nullptr)
    {
        QTimer::singleShot(50, this, [this, url, &answered, filter] {
            auto* dialog = qobject_cast<ConnectDialog*>(QApplication::activeModalWidget());
            if (!dialog) {
                answerDialog(url, answered, filter);
                return;
            }
            auto* store = dialog->findChild<QComboBox*>();
            store->lineEdit()->selectAll();
            QTest::keyClicks(store->lineEdit(), url);
            const auto edits = dialog->findChildren<QDateTimeEdit*>();
            edits.at(0)->setDateTime(QDateTime::fromMSecsSinceEpoch(m_from / 1'000'000, QTimeZone::utc()));
            edits.at(1)->setDateTime(QDateTime::fromMSecsSinceEpoch(m_to / 1'000'000, QTimeZone::utc()));
            if (filter) {
                auto* field = dialog->findChild<QLineEdit*>(QStringLiteral("filter"));
                QVERIFY(field && field->isEnabled());
                field->selectAll();
                QTest::keyClicks(field, *filter);
            }
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                              Qt::LeftButton);
            answered = true;
        });
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
        QCoreApplication::setApplicationName(QStringLiteral("tst_connectdialog"));
        qunsetenv("SEAM_CLICKHOUSE_USER");
        qunsetenv("SEAM_CLICKHOUSE_PASSWORD");
        bool skip = false;
        const QString error = m_engine.start(m_dir.filePath(QStringLiteral("engine-data")), 60, skip);
        if (skip)
            QSKIP(qPrintable(error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        const QString files = m_dir.filePath(QStringLiteral("files.seam"));
        for (const ImportReport& r : importtest::importIntoCache(files.toStdString(), m_engine.files()))
            QVERIFY(r.accepted() > 0);
        Database db = store::openForReading(files.toStdString());
        // Whole seconds around the data: the dialog's fields hold seconds.
        m_from = (db.queryInt("SELECT min(start_ns) FROM page_loads") / 1'000'000'000 - 60) * 1'000'000'000;
        m_to = (db.queryInt("SELECT max(start_ns) FROM page_loads") / 1'000'000'000 + 60) * 1'000'000'000;
        QDir().mkpath(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation));
    }

    void aPullLandsInTheWindowWithoutItsPassword()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QAction* action = connectAction(window);
        QVERIFY(action);
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        bool answered = false;
        answerDialog(m_engine.url(true), answered);
        action->trigger();
        QVERIFY(answered);
        QVERIFY(opened.wait(120000));
        const QString cache = opened.front().front().toString();
        QTRY_VERIFY_WITH_TIMEOUT(window.linkedViews()->pageLoads()->model()->rowCount() > 50, 20000);
        QTRY_VERIFY(!window.isBusy());
        {
            Database db = store::openForReading(cache.toStdString());
            QVERIFY(db.queryInt("SELECT count(*) FROM page_loads") > 50);
            QCOMPARE(db.queryInt(
                         "SELECT count(*) FROM sources WHERE kind = 'clickhouse' AND path LIKE '%s3cret%'"),
                     0);
        }
        window.close();
        QSettings().sync();
        // Neither the investigation, its WAL, nor the settings hold the password; the URL kept has no
        // user info.
        QStringList checked;
        for (const QString& root : {m_dir.path(), QFileInfo(cache).absolutePath()}) {
            QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext()) {
                const QString f = it.next();
                if (f.contains(QStringLiteral("engine-data")))
                    continue;
                QFile file(f);
                QVERIFY(file.open(QIODevice::ReadOnly));
                QVERIFY2(!file.readAll().contains(test::ClickHouseEngine::kPassword), qPrintable(f));
                checked << f;
            }
        }
        QVERIFY(checked.contains(cache));
        QVERIFY(std::any_of(checked.begin(), checked.end(),
                            [](const QString& f) { return f.endsWith(QStringLiteral(".ini")); }));
        const QStringList recent = QSettings().value(QStringLiteral("connect/recentUrls")).toStringList();
        QVERIFY2(!recent.isEmpty() && !recent.front().contains(QLatin1Char('@')),
                 qPrintable(recent.join(QLatin1Char(' '))));
        removeCache(cache); // it was made in the test-mode data folder, outside the temporary one
    }

    void aFilteredPullShowsTheMatchingLoadsAndOffersTheFilterAgain()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        bool answered = false;
        const QString filter = QStringLiteral("route:/checkout duration>500ms");
        answerDialog(m_engine.url(true), answered, &filter);
        connectAction(window)->trigger();
        QVERIFY(answered);
        QVERIFY(opened.wait(120000));
        const QString cache = opened.front().front().toString();
        QTRY_VERIFY(!window.isBusy());
        // The file import narrowed by the same filter: what the table must list.
        std::int64_t expected = 0;
        {
            const PageLoadFilter parsed = PageLoadFilter::parse(filter);
            Database db = store::openForReading(m_dir.filePath(QStringLiteral("files.seam")).toStdString());
            Statement st = db.prepare("SELECT count(*) FROM page_loads p LEFT JOIN sessions s ON s.id = "
                                      "p.session_id WHERE " +
                                      parsed.sql());
            parsed.bind(st);
            QVERIFY(st.step());
            expected = st.int64(0);
        }
        QVERIFY(expected > 0);
        QCOMPARE(window.investigation()->filterText(), filter);
        QTRY_COMPARE_WITH_TIMEOUT(qint64(window.linkedViews()->pageLoads()->model()->rowCount()),
                                  qint64(expected), 20000);
        {
            // The whole sessions came: more page loads than the filter's in the investigation.
            Database db = store::openForReading(cache.toStdString());
            QVERIFY(db.queryInt("SELECT count(*) FROM page_loads") > expected);
        }
        // The dialog offers the window's filter again.
        QString offered;
        QTimer::singleShot(50, this, [&] {
            auto* dialog = qobject_cast<ConnectDialog*>(QApplication::activeModalWidget());
            if (dialog) {
                if (auto* field = dialog->findChild<QLineEdit*>(QStringLiteral("filter")))
                    offered = field->text();
                dialog->reject();
            }
        });
        connectAction(window)->trigger();
        QCOMPARE(offered, filter);
        window.close();
        removeCache(cache);
    }

    void cancelStopsAPullInProgress()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        auto* job = window.findChild<BackgroundJob*>();
        QVERIFY(job);
        QPushButton* cancel = nullptr;
        for (QPushButton* b : job->findChildren<QPushButton*>())
            if (b->text() == QStringLiteral("Cancel"))
                cancel = b;
        QVERIFY(cancel);
        // Cancel at the pull's first progress: after the browser spans, before the traces are all in.
        bool clicked = false;
        connect(job, &BackgroundJob::progressed, this, [&] {
            if (!clicked) {
                clicked = true;
                QTest::mouseClick(cancel, Qt::LeftButton);
            }
        });
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        bool answered = false;
        answerDialog(m_engine.url(true), answered);
        connectAction(window)->trigger();
        QVERIFY(answered);
        QTRY_VERIFY_WITH_TIMEOUT(clicked, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(!window.isBusy(), 60000);
        // What was committed before is kept, opens, and says the pull was cancelled.
        QVERIFY(opened.size() == 1 || opened.wait(20000));
        const QString cache = opened.front().front().toString();
        Database db = store::openForReading(cache.toStdString());
        Statement st = db.prepare("SELECT status FROM sources ORDER BY id DESC LIMIT 1");
        QVERIFY(st.step());
        QCOMPARE(QString::fromUtf8(st.text(0).data(), qsizetype(st.text(0).size())),
                 QStringLiteral("cancelled"));
        QVERIFY(db.queryInt("SELECT count(*) FROM page_loads") > 0);
        db = Database();
        window.close();
        removeCache(cache);
    }
};

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
