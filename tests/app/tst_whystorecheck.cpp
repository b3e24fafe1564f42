// The Why? pane's "Across the store" check against a real ClickHouse engine (chdb) on loopback: an
// investigation holding a narrow pulled window opens, a range wider than the pull is brushed, Check
// asks the store (in the background) for the page loads no pull brought; the pane's terms then carry
// the same counts as `seam why --counts --remote` prints and as importing every span from files gives.
// Cancel drops a running check; a selected load narrows the check to its route.

#include "ClickHouseEngine.h"
#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "CohortCounts.h"
#include "Format.h"
#include "ImportTestUtil.h"
#include "Investigation.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "RollupCoverage.h"
#include "SourceRun.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"
#include "WhyPanel.h"
#include "WhyStoreCheck.h"
#include "WhyStoreSection.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace seam;

class TestWhyStoreCheck : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::ClickHouseEngine m_engine;
    QString m_fileCache, m_cache;
    std::int64_t m_lo = 0, m_hi = 0;

    /// What the pane's list shows: "field=value" -> "slow share / normal share|n".
    static QMap<QString, QString> shownTerms(const WhyStoreSection& s)
    {
        QMap<QString, QString> out;
        for (int i = 0; i < s.terms()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem* item = s.terms()->topLevelItem(i);
            out.insert(item->text(0), item->text(1) + QLatin1Char('|') + item->text(2));
        }
        return out;
    }

    static QMap<QString, QString> expectedTerms(const CohortCounts& c)
    {
        QMap<QString, QString> out;
        for (const TermShare& t : cohortTermShares(c))
            out.insert(QString::fromStdString(t.field) + QLatin1Char('=') + QString::fromStdString(t.value),
                       formatPercent(t.slowShare) + QStringLiteral(" / ") + formatPercent(t.normalShare) +
                           QLatin1Char('|') + QString::number(t.loads.slow + t.loads.normal));
        return out;
    }

    static CohortCounts fileCounts(const QString& cache, const WhyStoreSection::Scope& s)
    {
        Database db = store::openForReading(cache.toStdString());
        return localCohortCounts(db, {{s.from, s.to}}, s.slowNs, s.route.toStdString());
    }

    /// `seam why --counts --remote` on the pulled cache, as terms.
    CohortCounts cliCounts(const WhyStoreSection::Scope& s)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SEAM_CLICKHOUSE_PASSWORD"),
                   QString::fromLatin1(test::ClickHouseEngine::kPassword));
        p.setProcessEnvironment(env);
        p.start(seam::test::seamBinary(),
                {QStringLiteral("why"), QStringLiteral("--db"), m_cache, QStringLiteral("--counts"),
                 QStringLiteral("--slow-ms"), QString::number(s.slowNs / 1'000'000), QStringLiteral("--from"),
                 QString::number(s.from), QStringLiteral("--to"), QString::number(s.to),
                 QStringLiteral("--remote"), m_engine.url(false), QStringLiteral("--json")});
        CohortCounts out;
        if (!p.waitForFinished(120000) || p.exitCode() != 0) {
            qWarning("%s", p.readAllStandardError().constData());
            return out;
        }
        const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        const QJsonObject loads = j.value(QStringLiteral("loads")).toObject();
        out.loads = {qint64(loads.value(QStringLiteral("slow")).toDouble()),
                     qint64(loads.value(QStringLiteral("normal")).toDouble())};
        for (const QJsonValue& v : j.value(QStringLiteral("terms")).toArray()) {
            const QJsonObject t = v.toObject();
            out.terms[{t.value(QStringLiteral("field")).toString().toStdString(),
                       t.value(QStringLiteral("value")).toString().toStdString()}] = {
                qint64(t.value(QStringLiteral("slow")).toDouble()),
                qint64(t.value(QStringLiteral("normal")).toDouble())};
        }
        return out;
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
        QCoreApplication::setApplicationName(QStringLiteral("tst_whystorecheck"));
        qunsetenv("SEAM_CLICKHOUSE_USER");
        // From the environment, as a user would set it: no prompt (tst_remotepushdown drives the prompt).
        qputenv("SEAM_CLICKHOUSE_PASSWORD", test::ClickHouseEngine::kPassword);
        bool skip = false;
        const QString error = m_engine.start(m_dir.filePath(QStringLiteral("engine-data")), 30, skip);
        if (skip)
            QSKIP(qPrintable(error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_fileCache = m_dir.filePath(QStringLiteral("files.seam"));
        for (const ImportReport& r : importtest::importIntoCache(m_fileCache.toStdString(), m_engine.files()))
            QVERIFY2(r.clean() && r.accepted() > 0, qPrintable(importtest::rejects(r)));
        {
            Database files = store::openForReading(m_fileCache.toStdString());
            m_lo = files.queryInt("SELECT min(start_ns) FROM page_loads");
            m_hi = files.queryInt("SELECT max(start_ns) FROM page_loads") + 1;
        }
        // A narrow pull: the first quarter of the time (what `seam pull` leaves).
        m_cache = m_dir.filePath(QStringLiteral("pulled.seam"));
        QString perror;
        auto source = remote::ClickHouseSource::parse(m_engine.url(true), perror);
        QVERIFY2(source, qPrintable(perror));
        StoreWriter writer(m_cache.toStdString());
        remote::PullOptions options;
        options.fromNs = m_lo;
        options.toNs = m_lo + (m_hi - m_lo) / 4;
        ImportReport report;
        remote::PullReport pulled;
        writeSource(writer, "clickhouse", source->display().toStdString(), report, [&](BatchSink& sink) {
            pulled = remote::pullClickHouse(*source, options, sink, report);
        });
        QCOMPARE(pulled.error, QString());
        QVERIFY(remote::recordPullCoverage(writer, source->display().toStdString(), pulled));
    }

    void thePaneCountsAcrossTheStore()
    {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QSignalSpy opened(&window, &MainWindow::investigationOpened);
        window.openCache(m_cache);
        QVERIFY(opened.wait(10000));
        WhyPanel* why = window.linkedViews()->why();
        window.linkedViews()->detailsTabs()->setCurrentWidget(why);
        WhyStoreSection* section = why->storeSection();
        QTRY_VERIFY(section->isAvailable() && section->isVisible());
        auto* check = window.findChild<WhyStoreCheck*>();
        QVERIFY(check);
        QSignalSpy answered(check, &WhyStoreCheck::answered);

        // No range brushed: nothing to ask the store for, and the pane says why.
        QTRY_VERIFY(why->data() && !why->isLoading());
        QVERIFY(!section->scope());
        QVERIFY(!section->checkButton()->isEnabled());
        QVERIFY(section->summary()->text().contains(QStringLiteral("brush")));

        // The whole time, four times what was pulled: the store counts the other three quarters.
        window.investigation()->setTimeRange(Investigation::TimeRange{m_lo, m_hi});
        QTRY_VERIFY(section->scope().has_value());
        WhyStoreSection::Scope scope = *section->scope();
        QCOMPARE(scope.route, QString());
        QVERIFY(scope.slowNs > 0);

        // Cancel: the running check stops, its answer never shows.
        QTest::mouseClick(section->checkButton(), Qt::LeftButton);
        QVERIFY(section->cancelButton()->isVisible());
        QTest::mouseClick(section->cancelButton(), Qt::LeftButton);
        QVERIFY(!section->cancelButton()->isVisible());
        QVERIFY(section->summary()->text().contains(QStringLiteral("cancelled")));

        // Check again: the answer shows, equal to the CLI's and to the file import's.
        QTest::mouseClick(section->checkButton(), Qt::LeftButton);
        QVERIFY(answered.wait(120000));
        QCOMPARE(answered.size(), 1);
        QVERIFY2(!section->summary()->text().contains(QStringLiteral("failed")),
                 qPrintable(section->summary()->text()));
        const CohortCounts cli = cliCounts(scope);
        QVERIFY(cli.loads.slow + cli.loads.normal > 0);
        const CohortCounts files = fileCounts(m_fileCache, scope);
        QVERIFY(cli.terms == files.terms);
        QVERIFY(cli.loads == files.loads);
        const CohortCounts pulledOnly = fileCounts(m_cache, scope);
        QVERIFY(pulledOnly.loads.slow + pulledOnly.loads.normal < files.loads.slow + files.loads.normal);
        QCOMPARE(shownTerms(*section), expectedTerms(cli));
        QVERIFY(section->summary()->text().contains(
            QStringLiteral("%1 slow, %2 normal").arg(files.loads.slow).arg(files.loads.normal)));
        qInfo("%s", qPrintable(section->summary()->text()));

        // A selected load narrows the check to its route (the terms within it).
        QTRY_VERIFY(window.linkedViews()->pageLoads());
        qint64 load = 0;
        {
            Database db = store::openForReading(m_cache.toStdString());
            load = db.queryInt("SELECT id FROM page_loads ORDER BY duration_ns DESC LIMIT 1");
        }
        window.investigation()->selectPageLoad(load);
        QTRY_VERIFY(section->scope() && !section->scope()->route.isEmpty());
        scope = *section->scope();
        QVERIFY(section->terms()->isHidden()); // the all-routes answer is not this scope's
        QTest::mouseClick(section->checkButton(), Qt::LeftButton);
        QVERIFY(answered.wait(120000));
        const CohortCounts route = fileCounts(m_fileCache, scope);
        QVERIFY(route.loads.slow + route.loads.normal > 0);
        QCOMPARE(shownTerms(*section), expectedTerms(route));
        window.close();
    }
};

QTEST_MAIN(TestWhyStoreCheck)
#include "tst_whystorecheck.moc"
