// NormalBaseline: a service's values outside its incident windows, the "normally" of every comparison.

#include "NormalBaseline.h"
#include "RollupFactory.h"
#include "Store.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {
constexpr TimeNs kT0 = 1'763'629'200'000'000'000;
constexpr TimeNs kMinute = 60'000'000'000;
} // namespace

class TestNormalBaseline : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void excludesTheIncident()
    {
        Database db = store::openForWriting(m_dir.filePath(QStringLiteral("b.seam")).toStdString());
        RollupFactory f(db, 3);
        const auto id = f.service("payments", "5.2.1");
        // Two hours at 80 ms median (log-sd 0.25: p95 ~120 ms, p99 ~143 ms), 1% errors; a 20-minute
        // lock at 2.5 s with 10% errors from minute 50.
        const TimeNs s = kT0 + 50 * kMinute, e = s + 20 * kMinute;
        for (TimeNs t = kT0; t < kT0 + 120 * kMinute; t += RollupFactory::kBucket)
            f.bucket(id, t, 20, t >= s && t < e ? 0.10 : 0.01, t >= s && t < e ? 2500 : 80);
        BaselineQuery q;
        q.service = "payments";
        q.from = kT0;
        q.to = kT0 + 120 * kMinute;
        // With the incident in it, the "normal" p95 is the incident's (17% of the requests).
        const NormalBaseline naive = normalBaseline(db, q, {});
        QVERIFY(naive.p95 > 1'000'000'000);
        const NormalBaseline known = normalBaseline(db, q, {{s, e}});
        QVERIFY2(known.p95 > 100'000'000 && known.p95 < 140'000'000, qPrintable(QString::number(known.p95)));
        QVERIFY(known.p99 >= known.p95 && known.p50 < known.p95);
        QVERIFY(known.errorRate < 0.02);
        QCOMPARE(known.excludedNs, e - s);
        QVERIFY(known.enough);
        // Detected rather than given: the same answer.
        const NormalBaseline detected = normalBaselineOutsideIncidents(db, q);
        QVERIFY2(detected.p95 > 100'000'000 && detected.p95 < 140'000'000,
                 qPrintable(QString::number(detected.p95)));
        QVERIFY(std::llabs(detected.excludedNs - (e - s)) <= 2 * RollupFactory::kBucket);
        // Overlapping and out-of-range exclusions merge and clip.
        const NormalBaseline twice =
            normalBaseline(db, q, {{s, s + 15 * kMinute}, {s + 5 * kMinute, e}, {q.to, q.to + kMinute}});
        QCOMPARE(twice.excludedNs, e - s);
        QCOMPARE(twice.requests, known.requests);
        // Another version, or too little traffic: no baseline worth comparing with.
        q.version = "9.9.9";
        QVERIFY(!normalBaseline(db, q, {}).enough);
    }
};

QTEST_GUILESS_MAIN(TestNormalBaseline)
#include "tst_normalbaseline.moc"
