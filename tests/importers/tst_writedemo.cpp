// writeDemoInvestigation: the demo investigation written into a cache, the one function behind both
// `seam demo` and the GUI's "Open Demo Investigation". It must make the cache `seam demo` makes.
#include "DemoInvestigation.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

DemoOptions smallDemo()
{
    DemoOptions options;
    options.seed = 3;
    options.sessions = 60;
    options.stripPropagation = 0.2;
    return options;
}

} // namespace

class TestWriteDemo : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string path(const char* name) const { return m_dir.filePath(QLatin1String(name)).toStdString(); }

    /// What a cache holds, as one comparable list of query results.
    static QStringList contents(const std::string& cache)
    {
        Database db = store::openForReading(cache);
        QStringList out;
        for (const char* sql :
             {"SELECT count(*) FROM spans", "SELECT count(*) FROM traces", "SELECT count(*) FROM page_loads",
              "SELECT sum(duration_ns) FROM page_loads", "SELECT count(*) FROM resources",
              "SELECT count(*) FROM links", "SELECT count(*) FROM links WHERE method = 'inferred'",
              "SELECT sum(requests) FROM rollups", "SELECT sum(errors) FROM rollups",
              "SELECT count(*) FROM rum_errors", "SELECT count(*) FROM logs", "SELECT count(*) FROM sessions",
              "SELECT sum(end_ns - start_ns) FROM spans"})
            out << QString::number(db.queryInt(sql));
        auto st = db.prepare("SELECT kind, path, accepted, rejected, status FROM sources");
        while (st.step())
            for (int c = 0; c < 5; ++c)
                out << QString::fromUtf8(st.text(c).data(), qsizetype(st.text(c).size()));
        return out;
    }

    static std::string groundTruthIn(const std::string& cache)
    {
        Database db = store::openForReading(cache);
        auto st = db.prepare("SELECT value FROM meta WHERE key = 'demo_ground_truth'");
        return st.step() ? std::string(st.text(0)) : std::string();
    }

private slots:
    void makesTheCacheSeamDemoMakes()
    {
        const std::string mine = path("function.seam");
        std::vector<double> progress;
        const DemoInvestigationResult result =
            writeDemoInvestigation(mine, smallDemo(), [&](double f) { progress.push_back(f); });
        QVERIFY(result.finished);
        QVERIFY(!result.report.cancelled);
        QVERIFY(result.report.clean());
        QVERIFY(result.report.accepted() > 1000);
        QVERIFY(!progress.empty());
        QVERIFY(std::is_sorted(progress.begin(), progress.end()));
        QCOMPARE(progress.back(), 1.0);

        const QString theirs = m_dir.filePath(QStringLiteral("cli.seam"));
        QProcess seam;
        seam.start(seam::test::seamBinary(),
                   {QStringLiteral("demo"), QStringLiteral("--db"), theirs, QStringLiteral("--seed"),
                    QStringLiteral("3"), QStringLiteral("--sessions"), QStringLiteral("60"),
                    QStringLiteral("--strip-propagation"), QStringLiteral("0.2")});
        QVERIFY(seam.waitForFinished(120000));
        const QString out = QString::fromUtf8(seam.readAllStandardOutput());
        QCOMPARE(seam.exitCode(), 0);
        const auto records =
            QRegularExpression(QStringLiteral("demo investigation, (\\d+) records")).match(out);
        QVERIFY2(records.hasMatch(), qPrintable(out));
        QCOMPARE(records.captured(1).toULongLong(), result.report.accepted());

        QCOMPARE(contents(mine), contents(theirs.toStdString()));
        // The ground truth: returned, in the cache's meta, and in the file `seam demo` writes beside it.
        QVERIFY(!result.groundTruthJson.empty());
        QCOMPARE(groundTruthIn(mine), result.groundTruthJson);
        QCOMPARE(groundTruthIn(theirs.toStdString()), result.groundTruthJson);
        QFile truth(theirs + QStringLiteral(".truth.json"));
        QVERIFY(truth.open(QIODevice::ReadOnly));
        QCOMPARE(truth.readAll().toStdString(), result.groundTruthJson);
        QVERIFY(isCompleteDemoInvestigation(mine));
        QVERIFY(isCompleteDemoInvestigation(theirs.toStdString()));
    }

    void aCancelledDemoIsNotAWholeOne()
    {
        const std::string cache = path("cancelled.seam");
        std::atomic<bool> cancel{false};
        // Stopped at the first progress report: some page views in, far from the end.
        const DemoInvestigationResult result = writeDemoInvestigation(
            cache, smallDemo(), [&](double) { cancel = true; }, &cancel);
        QVERIFY(!result.finished);
        QVERIFY(result.report.cancelled);
        QVERIFY(store::isCacheFile(cache));    // what was committed is kept...
        QVERIFY(groundTruthIn(cache).empty()); // ...but not marked as the demo
        QVERIFY(!isCompleteDemoInvestigation(cache));
        QVERIFY(!result.groundTruthJson.empty());
    }

    void onlyAFinishedDemoIsComplete()
    {
        QVERIFY(!isCompleteDemoInvestigation(path("missing.seam")));
        const std::string text = path("notes.txt");
        QFile f(QString::fromStdString(text));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a cache\n");
        f.close();
        QVERIFY(!isCompleteDemoInvestigation(text));
        const std::string other = path("other.seam");
        {
            StoreWriter w(other);
        }
        QVERIFY(store::isCacheFile(other));
        QVERIFY(!isCompleteDemoInvestigation(other));
    }

    void aCacheThatCannotBeWrittenThrows()
    {
        bool threw = false;
        try {
            writeDemoInvestigation(path("no/such/dir/demo.seam"), smallDemo());
        } catch (const std::exception&) {
            threw = true;
        }
        QVERIFY(threw);
    }
};

QTEST_GUILESS_MAIN(TestWriteDemo)
#include "tst_writedemo.moc"
