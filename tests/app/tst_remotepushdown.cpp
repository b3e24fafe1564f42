// The service charts' push-down in the window, against a real ClickHouse engine (chdb) on loopback: an
// investigation holding a narrow pulled window opens; clicking a page load makes the window ask the
// store (once, for the password, kept in memory only) for the rollups its charts read beyond the
// window, in the background; they land in the file equal to a file import's, and a second look asks
// nothing.

#include "ClickHouseEngine.h"
#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "ImportTestUtil.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "RemoteChartPushDown.h"
#include "RemoteRollupGaps.h"
#include "RollupGaps.h"
#include "Schema.h"
#include "SourceRun.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QDirIterator>
#include <QInputDialog>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace seam;

class TestRemotePushDown : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::ClickHouseEngine m_engine;
    QString m_fileCache;

    static QStringList rollupRows(const QString& cache, CoveredRange in)
    {
        QStringList rows;
        Database db = store::openForReading(cache.toStdString());
        Statement st = db.prepare(
            "SELECT v.name || '|' || v.version || '|' || coalesce(o.name, '') || '|' || r.bucket_ns || '|' "
            "|| "
            "r.requests || '|' || r.errors || '|' || r.duration_sum_ns || '|' || hex(r.histogram) FROM "
            "rollups r "
            "JOIN services v ON v.id = r.service_id LEFT JOIN operations o ON o.id = r.operation_id "
            "WHERE r.bucket_ns >= ?1 AND r.bucket_ns < ?2");
        st.bind(1, in.from).bind(2, in.to);
        while (st.step())
            rows << QString::fromUtf8(st.text(0).data(), qsizetype(st.text(0).size()));
        rows.sort();
        return rows;
    }

    static void clickRow(MainWindow& window, int row)
    {
        QTableView* table = window.linkedViews()->pageLoads()->table();
        // After a refresh the table reads its rows again.
        QTRY_VERIFY(window.linkedViews()->pageLoads()->model()->pageLoadIdAt(row) > 0);
        const qint64 id = window.linkedViews()->pageLoads()->model()->pageLoadIdAt(row);
        const QRect cell = table->visualRect(table->model()->index(row, 0));
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, cell.center());
        QTRY_COMPARE(window.investigation()->selectedPageLoad(), id);
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
        QCoreApplication::setApplicationName(QStringLiteral("tst_remotepushdown"));
        qunsetenv("SEAM_CLICKHOUSE_USER");
        qunsetenv("SEAM_CLICKHOUSE_PASSWORD");
        bool skip = false;
        const QString error = m_engine.start(m_dir.filePath(QStringLiteral("engine-data")), 30, skip);
        if (skip)
            QSKIP(qPrintable(error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_fileCache = m_dir.filePath(QStringLiteral("files.seam"));
        for (const ImportReport& r : importtest::importIntoCache(m_fileCache.toStdString(), m_engine.files()))
            QVERIFY2(r.clean() && r.accepted() > 0, qPrintable(importtest::rejects(r)));
    }

    void clickingALoadPushesItsChartsDown()
    {
        // A narrow pull: the first ten page loads' minutes only (what `seam pull` leaves: spans, the
        // window's server rollups, and their range as covered).
        std::int64_t lo = 0, hi = 0;
        {
            Database files = store::openForReading(m_fileCache.toStdString());
            lo = files.queryInt("SELECT min(start_ns) FROM page_loads");
            hi = files.queryInt("SELECT max(start_ns) FROM page_loads") + 1;
        }
        const QString cache = m_dir.filePath(QStringLiteral("pulled.seam"));
        QString error;
        auto source = remote::ClickHouseSource::parse(m_engine.url(true), error);
        QVERIFY2(source, qPrintable(error));
        {
            StoreWriter writer(cache.toStdString());
            remote::PullOptions options;
            options.fromNs = lo;
            options.toNs = lo + (hi - lo) / 4;
            ImportReport report;
            remote::PullReport pulled;
            writeSource(writer, "clickhouse", source->display().toStdString(), report, [&](BatchSink& sink) {
                pulled = remote::pullClickHouse(*source, options, sink, report);
            });
            QCOMPARE(pulled.error, QString());
            QVERIFY(remote::recordPullCoverage(writer, source->display().toStdString(), pulled));
        }

        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(cache);
        QVERIFY(opened.wait(10000));
        QTRY_VERIFY(window.linkedViews()->pageLoads()->model()->rowCount() >= 2);
        auto* pushDown = window.findChild<RemoteChartPushDown*>();
        QVERIFY(pushDown);
        QSignalSpy checked(pushDown, &RemoteChartPushDown::checked);
        QSignalSpy finished(pushDown, &RemoteChartPushDown::finished);

        // The store asks for the password: typed into the prompt, once.
        int prompts = 0;
        QTimer answer;
        connect(&answer, &QTimer::timeout, this, [&] {
            auto* dialog = qobject_cast<QInputDialog*>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            ++prompts;
            auto* edit = dialog->findChild<QLineEdit*>();
            QVERIFY(edit);
            QCOMPARE(edit->echoMode(), QLineEdit::Password);
            QTest::keyClicks(edit, QString::fromLatin1(test::ClickHouseEngine::kPassword));
            QTest::mouseClick(dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                              Qt::LeftButton);
        });
        answer.start(50);

        clickRow(window, 0);
        QVERIFY(finished.wait(60000));
        QCOMPARE(prompts, 1);
        QVERIFY(checked.size() >= 1);
        QCOMPARE(checked.front().front().toInt(), 1);
        QVERIFY2(finished.front().front().toString().contains(QStringLiteral("rollup cells")),
                 qPrintable(finished.front().front().toString()));
        QTRY_VERIFY(!window.isBusy());

        // What the charts of that load read is now in the file, as importing every span would give it.
        const qint64 load = window.investigation()->selectedPageLoad();
        std::int64_t loadStart = 0;
        {
            Database db = store::openForReading(cache.toStdString());
            Statement st = db.prepare("SELECT start_ns FROM page_loads WHERE id = ?1");
            st.bind(1, load);
            QVERIFY(st.step());
            loadStart = st.int64(0);
            QVERIFY(uncoveredRanges(store::rollupCoverage(db, source->display().toStdString()),
                                    RemoteRollupGaps::chartRange(loadStart, 15LL * 60 * 1'000'000'000),
                                    schema::kRollupBucketNs)
                        .empty());
        }
        const CoveredRange range = RemoteRollupGaps::chartRange(loadStart, 15LL * 60 * 1'000'000'000);
        QVERIFY(range.to - range.from > 2 * (hi - lo)); // wider than all the data, so wider than the pull
        QCOMPARE(rollupRows(cache, range), rollupRows(m_fileCache, range));
        QVERIFY(!rollupRows(cache, range).isEmpty());

        // Another load: its range is covered, nothing is asked (and no prompt again).
        checked.clear();
        clickRow(window, 1);
        QTRY_COMPARE(checked.size(), 1);
        QCOMPARE(checked.front().front().toInt(), 0);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(prompts, 1);
        answer.stop();
        window.close();

        // The password is in neither the investigation, its WAL, nor the settings.
        QDirIterator it(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString f = it.next();
            if (f.contains(QStringLiteral("engine-data")))
                continue; // the engine's own side of the test
            QFile file(f);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains(test::ClickHouseEngine::kPassword), qPrintable(f));
        }
    }
};

QTEST_MAIN(TestRemotePushDown)
#include "tst_remotepushdown.moc"
