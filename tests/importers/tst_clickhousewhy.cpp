// Push-down of the "Why?" page-load counts against a real ClickHouse engine (chdb) on loopback: the
// store's GROUP BY over its documentLoad spans gives the counts the cache gives after pulling the whole
// store (and after importing the same telemetry from files); with half the store pulled, `seam why
// --counts --remote` merges the cache's half with the store's other half and counts no load twice.

#include "ClickHouseCohortCounts.h"
#include "ClickHouseEngine.h"
#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "CohortCounts.h"
#include "ImportTestUtil.h"
#include "RollupCoverage.h"
#include "SourceRun.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

class TestClickHouseWhy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::ClickHouseEngine m_engine;
    QString m_fileCache;
    std::int64_t m_from = 0, m_to = 0, m_slowNs = 0;

    QString pull(const QString& cache, std::int64_t from, std::int64_t to)
    {
        QString error;
        const auto source = remote::ClickHouseSource::parse(m_engine.url(true), error);
        if (!source)
            return error;
        StoreWriter::Options writerOptions;
        writerOptions.inferLinks = false;
        StoreWriter writer(cache.toStdString(), writerOptions);
        remote::PullOptions options;
        options.fromNs = from;
        options.toNs = to;
        ImportReport report;
        remote::PullReport pulled;
        writeSource(writer, "clickhouse", source->display().toStdString(), report, [&](BatchSink& sink) {
            pulled = remote::pullClickHouse(*source, options, sink, report);
        });
        if (pulled.error.isEmpty() &&
            !remote::recordPullCoverage(writer, source->display().toStdString(), pulled))
            return QStringLiteral("cannot record the coverage");
        return pulled.error;
    }

    static CohortCounts localCounts(const QString& cache, CoveredRange range, std::int64_t slowNs)
    {
        Database db = store::openForReading(cache.toStdString());
        return localCohortCounts(db, {range}, slowNs);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("SEAM_CLICKHOUSE_PASSWORD");
        bool skip = false;
        const QString error = m_engine.start(m_dir.filePath(QStringLiteral("engine-data")), 40, skip);
        if (skip)
            QSKIP(qPrintable(error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_fileCache = m_dir.filePath(QStringLiteral("files.seam"));
        for (const ImportReport& r : importtest::importIntoCache(m_fileCache.toStdString(), m_engine.files()))
            QVERIFY2(r.clean() && r.accepted() > 0, qPrintable(importtest::rejects(r)));
        Database db = store::openForReading(m_fileCache.toStdString());
        const std::int64_t first = db.queryInt("SELECT min(start_ns) FROM page_loads");
        const std::int64_t last = db.queryInt("SELECT max(start_ns) FROM page_loads");
        m_from = first - std::int64_t(3600) * 1'000'000'000;
        m_to = last + std::int64_t(3600) * 1'000'000'000;
        // Slow: longer than the median load, so both sides have many loads.
        const std::int64_t n = db.queryInt("SELECT count(*) FROM page_loads");
        m_slowNs = db.queryInt(("SELECT duration_ns FROM page_loads ORDER BY duration_ns LIMIT 1 OFFSET " +
                                std::to_string(n / 2))
                                   .c_str());
        QVERIFY(m_slowNs > 0);
    }

    void pushedDownCountsEqualTheCachesAfterAFullPull()
    {
        const QString cache = m_dir.filePath(QStringLiteral("whole.seam"));
        QCOMPARE(pull(cache, m_from, m_to), QString());
        const CohortCounts local = localCounts(cache, {m_from, m_to}, m_slowNs);
        QVERIFY(local.loads.slow > 10 && local.loads.normal > 10);
        QVERIFY(local.terms.count({"route", "/checkout"}) || local.terms.size() > 4);

        QString error;
        const auto source = remote::ClickHouseSource::parse(m_engine.url(true), error);
        QVERIFY2(source, qPrintable(error));
        const remote::CohortCountsReport fetched =
            remote::fetchCohortCounts(*source, {{m_from, m_to}}, m_slowNs);
        QCOMPARE(fetched.error, QString());
        CohortCounts pushed;
        for (const remote::RemoteLoadGroup& g : fetched.groups)
            pushed.addLoads(g.route, g.browser, g.appVersion, g.country, g.slow, g.loads);
        // Every term's split, one by one first (a readable failure), then the whole.
        for (const auto& [key, split] : local.terms) {
            const CohortCounts::Split other = pushed.terms[key];
            QVERIFY2(other == split, qPrintable(QStringLiteral("%1=%2: cache %3/%4, store %5/%6")
                                                    .arg(QString::fromStdString(key.first),
                                                         QString::fromStdString(key.second))
                                                    .arg(split.slow)
                                                    .arg(split.normal)
                                                    .arg(other.slow)
                                                    .arg(other.normal)));
        }
        QCOMPARE(pushed.terms.size(), local.terms.size());
        QVERIFY(pushed == local);
        // And the file import counts the same.
        QVERIFY(localCounts(m_fileCache, {m_from, m_to}, m_slowNs) == local);
        // Rows, not spans, travel: fewer than the loads counted.
        QVERIFY(std::int64_t(fetched.groups.size()) < local.loads.slow + local.loads.normal);
        qInfo("pushed-down counts: %lld loads in %zu groups, %lld requests, %.1f KiB, %.3f s",
              qlonglong(pushed.loads.slow + pushed.loads.normal), fetched.groups.size(),
              qlonglong(fetched.requests), double(fetched.bytes) / 1024, fetched.seconds);
    }

    void theBinaryMergesHalfPulledWithTheStore()
    {
        // Half the time pulled: the CLI counts the cache's half and asks the store for the rest only.
        const QString cache = m_dir.filePath(QStringLiteral("half.seam"));
        const std::int64_t mid = m_from + (m_to - m_from) / 2;
        QCOMPARE(pull(cache, m_from, mid), QString());
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SEAM_CLICKHOUSE_PASSWORD"),
                   QString::fromLatin1(test::ClickHouseEngine::kPassword));
        p.setProcessEnvironment(env);
        p.start(seam::test::seamBinary(),
                {QStringLiteral("why"), QStringLiteral("--db"), cache, QStringLiteral("--counts"),
                 QStringLiteral("--slow-ms"), QString::number(double(m_slowNs) / 1e6, 'f', 6),
                 QStringLiteral("--from"), QString::number(m_from), QStringLiteral("--to"),
                 QString::number(m_to), QStringLiteral("--remote"), m_engine.url(false),
                 QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(120000));
        const QByteArray out = p.readAllStandardOutput();
        QVERIFY2(p.exitCode() == 0, QByteArray(out + p.readAllStandardError()).constData());
        const QJsonObject j = QJsonDocument::fromJson(out).object();
        const QJsonArray ranges =
            j.value(QStringLiteral("remote")).toObject().value(QStringLiteral("ranges")).toArray();
        QCOMPARE(ranges.size(), 1);
        // (ns as JSON numbers: exact to the microsecond)
        QVERIFY(std::abs(ranges.at(0).toArray().at(0).toDouble() - double(mid)) < 1e3);
        const CohortCounts whole = localCounts(m_fileCache, {m_from, m_to}, m_slowNs);
        const QJsonObject loads = j.value(QStringLiteral("loads")).toObject();
        QCOMPARE(qint64(loads.value(QStringLiteral("slow")).toDouble()), whole.loads.slow);
        QCOMPARE(qint64(loads.value(QStringLiteral("normal")).toDouble()), whole.loads.normal);
        const QJsonObject local = j.value(QStringLiteral("local")).toObject();
        QVERIFY(local.value(QStringLiteral("slow")).toDouble() +
                    local.value(QStringLiteral("normal")).toDouble() >
                0);
        QVERIFY(local.value(QStringLiteral("slow")).toDouble() < double(whole.loads.slow));
        // Every term equals the file import's.
        CohortCounts merged;
        for (const QJsonValue& v : j.value(QStringLiteral("terms")).toArray()) {
            const QJsonObject t = v.toObject();
            merged.terms[{t.value(QStringLiteral("field")).toString().toStdString(),
                          t.value(QStringLiteral("value")).toString().toStdString()}] = {
                qint64(t.value(QStringLiteral("slow")).toDouble()),
                qint64(t.value(QStringLiteral("normal")).toDouble())};
        }
        QVERIFY(merged.terms == whole.terms);
    }
};

QTEST_GUILESS_MAIN(TestClickHouseWhy)
#include "tst_clickhousewhy.moc"
