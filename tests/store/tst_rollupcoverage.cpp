// Which ranges of a remote store the rollups hold (models/store/RollupCoverage): the schema step from
// the previous version, recording and reading per source; and the gaps a chart must still ask for
// (models/analysis/RollupGaps).

#include "RollupCoverage.h"
#include "RollupGaps.h"
#include "Schema.h"
#include "SchemaMigrations.h"
#include "Sqlite.h"
#include "Store.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {
constexpr std::int64_t kB = 10; // a bucket, in the pure tests' units
}

class TestRollupCoverage : public QObject
{
    Q_OBJECT

private slots:
    void aPreviousVersionCacheGainsTheTable()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("c.seam")).toStdString();
        {
            Database db = store::openForWriting(path);
            // The cache as the previous version left it: without the table, one version lower.
            db.exec("DROP TABLE rollup_coverage");
            int before = 0; // the version just before the step that adds the table
            for (const schema::MigrationStep& step : schema::migrationSteps())
                if (step.apply == &schema::addRollupCoverage)
                    before = step.toVersion - 1;
            db.exec("PRAGMA user_version = " + std::to_string(before));
            QVERIFY(store::rollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces").empty());
        }
        Database db = store::openForWriting(path);
        QCOMPARE(db.queryInt("PRAGMA user_version"), schema::kSchemaVersion);
        store::recordRollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces", {100, 200});
        store::recordRollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces", {0, 50});
        store::recordRollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces", {0, 50}); // again
        store::recordRollupCoverage(db, "clickhouse://other:8123/otel?table=otel_traces", {0, 500});
        store::recordRollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces", {70, 70}); // empty
        store::recordRollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces", {7, 9},
                                    store::kCoverPageLoads);
        const std::vector<CoveredRange> expected{{0, 50}, {100, 200}};
        QCOMPARE(store::rollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces"), expected);
        QCOMPARE(
            store::rollupCoverage(db, "clickhouse://h:8123/otel?table=otel_traces", store::kCoverPageLoads),
            (std::vector<CoveredRange>{{7, 9}}));
    }

    void gapsOfARange()
    {
        // Nothing covered: the whole range, widened to whole buckets.
        QCOMPARE(uncoveredRanges({}, {13, 47}, kB), (std::vector<CoveredRange>{{10, 50}}));
        // Covered in the middle: both sides.
        QCOMPARE(uncoveredRanges({{20, 30}}, {0, 50}, kB), (std::vector<CoveredRange>{{0, 20}, {30, 50}}));
        // Fully covered by overlapping, unordered ranges: nothing to ask.
        QCOMPARE(uncoveredRanges({{25, 60}, {0, 30}}, {5, 55}, kB), std::vector<CoveredRange>{});
        // Adjacent covered ranges leave no gap between them; ranges outside the wanted one are ignored.
        QCOMPARE(uncoveredRanges({{100, 200}, {0, 10}, {10, 20}, {40, 50}}, {0, 60}, kB),
                 (std::vector<CoveredRange>{{20, 40}, {50, 60}}));
        // A partly counted bucket is not covered (its cell is replaced whole by the server's figure).
        QCOMPARE(uncoveredRanges({{5, 35}}, {0, 40}, kB), (std::vector<CoveredRange>{{0, 10}, {30, 40}}));
        // Negative times align down like positive ones.
        QCOMPARE(uncoveredRanges({}, {-15, -1}, kB), (std::vector<CoveredRange>{{-20, 0}}));
        // An empty range asks nothing.
        QCOMPARE(uncoveredRanges({}, {30, 30}, kB), std::vector<CoveredRange>{});
    }

    void gapsAndCoverageTogether()
    {
        // Whatever was asked for before is covered afterwards: the second look asks nothing.
        std::vector<CoveredRange> covered{{100, 200}};
        for (const CoveredRange& want :
             {CoveredRange{0, 300}, CoveredRange{150, 420}, CoveredRange{0, 420}}) {
            for (const CoveredRange& gap : uncoveredRanges(covered, want, kB))
                covered.push_back(gap);
            QCOMPARE(uncoveredRanges(covered, want, kB), std::vector<CoveredRange>{});
        }
    }
};

QTEST_APPLESS_MAIN(TestRollupCoverage)
#include "tst_rollupcoverage.moc"
