// Anomalies: incident windows from rollups. Synthetic series with a known shape (flat, spike, drift,
// too little traffic, a canary version, daily seasons), and the demo's planted incidents.

#include "Anomalies.h"
#include "DemoGenerator.h"
#include "RollupFactory.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>

using namespace seam;
using namespace seam::test;

namespace {

constexpr TimeNs kT0 = 1'763'629'200'000'000'000; // 2025-11-20T09:00:00Z, on the hour
constexpr TimeNs kMinute = 60'000'000'000;
constexpr TimeNs kBucket = RollupFactory::kBucket;

bool hasMetric(const AnomalyWindow& w, AnomalyMetric m)
{
    return std::find(w.metrics.begin(), w.metrics.end(), m) != w.metrics.end();
}

QString describe(const std::vector<AnomalyWindow>& windows)
{
    QStringList out;
    for (const AnomalyWindow& w : windows)
        out << QStringLiteral("%1 %2 [%3 min, %4 min) %5 score %6")
                   .arg(QString::fromStdString(w.service), QString::fromStdString(w.version))
                   .arg(double(w.start - kT0) / double(kMinute))
                   .arg(double(w.end - kT0) / double(kMinute))
                   .arg(QString::fromLatin1(anomalyMetricName(w.lead.metric)))
                   .arg(w.lead.score);
    return out.join(QStringLiteral("; "));
}

} // namespace

class TestAnomalies : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_files = 0;

    Database freshCache()
    {
        return store::openForWriting(m_dir.filePath(QStringLiteral("a%1.seam").arg(++m_files)).toStdString());
    }

    /// `minutes` of a steady service: `rate` requests per bucket, 1% errors, 80 ms median.
    static void steady(RollupFactory& f, std::int64_t id, int minutes, double rate = 40, TimeNs from = kT0)
    {
        for (TimeNs t = from; t < from + minutes * kMinute; t += kBucket)
            f.bucket(id, t, rate, 0.01, 80);
    }

private slots:
    void flatBaselineFlagsNothing()
    {
        Database db = freshCache();
        RollupFactory f(db, 1);
        steady(f, f.service("api"), 120);
        steady(f, f.service("db"), 120, 200);
        const AnomalyResult r = detectAnomalies(db);
        QVERIFY2(r.windows.empty(), qPrintable(describe(r.windows)));
        QCOMPARE(r.from, kT0);
        QCOMPARE(r.to, kT0 + 120 * kMinute);
    }

    void singleErrorSpike()
    {
        Database db = freshCache();
        RollupFactory f(db, 2);
        const auto id = f.service("api");
        // 30% errors for 3 minutes from 60:20 (not on a step boundary).
        const TimeNs s = kT0 + 60 * kMinute + 20'000'000'000, e = s + 3 * kMinute;
        for (TimeNs t = kT0; t < kT0 + 120 * kMinute; t += kBucket)
            f.bucket(id, t, 40, t >= s && t < e ? 0.30 : 0.01, 80);
        const AnomalyResult r = detectAnomalies(db);
        QVERIFY2(r.windows.size() == 1, qPrintable(describe(r.windows)));
        const AnomalyWindow& w = r.windows.front();
        QCOMPARE(w.service, std::string("api"));
        QCOMPARE(w.version, std::string("1.0.0"));
        QVERIFY(hasMetric(w, AnomalyMetric::ErrorRate));
        QVERIFY2(std::llabs(w.start - s) <= kBucket && std::llabs(w.end - e) <= kBucket,
                 qPrintable(describe(r.windows)));
        const MetricAnomaly& a = w.lead;
        QCOMPARE(a.metric, AnomalyMetric::ErrorRate);
        QVERIFY(a.baseline < 0.03);
        QVERIFY(a.ciLow > a.baseline && a.ciLow <= a.value && a.value <= a.ciHigh);
        QVERIFY(a.value > 0.2 && a.value < 0.4);
        QVERIFY(a.score >= 5);
        QCOMPARE(w.originRank, 1);
        QCOMPARE(w.incident, 1);
    }

    void latencySpike()
    {
        Database db = freshCache();
        RollupFactory f(db, 3);
        const auto id = f.service("api");
        const TimeNs s = kT0 + 45 * kMinute + 40'000'000'000, e = s + 5 * kMinute;
        for (TimeNs t = kT0; t < kT0 + 120 * kMinute; t += kBucket)
            f.bucket(id, t, 30, 0.01, t >= s && t < e ? 400 : 80);
        const AnomalyResult r = detectAnomalies(db);
        QVERIFY2(r.windows.size() == 1, qPrintable(describe(r.windows)));
        const AnomalyWindow& w = r.windows.front();
        QVERIFY(hasMetric(w, AnomalyMetric::LatencyP95));
        QVERIFY(!hasMetric(w, AnomalyMetric::ErrorRate));
        QVERIFY2(std::llabs(w.start - s) <= kBucket && std::llabs(w.end - e) <= kBucket,
                 qPrintable(describe(r.windows)));
        const MetricAnomaly* p95 = nullptr;
        for (const MetricAnomaly& a : w.details)
            if (a.metric == AnomalyMetric::LatencyP95)
                p95 = &a;
        QVERIFY(p95);
        // Normal p95 of a log-normal with median 80 ms and log-sd 0.25: 80 * e^(1.645 * 0.25) = 120 ms.
        QVERIFY2(p95->baseline > 100e6 && p95->baseline < 145e6, qPrintable(QString::number(p95->baseline)));
        QVERIFY(p95->value > 3 * p95->baseline);
        QVERIFY(p95->ciLow > p95->baseline);
    }

    void slowDriftIsNotAnIncident()
    {
        Database db = freshCache();
        RollupFactory f(db, 4);
        const auto id = f.service("api");
        const int minutes = 8 * 60;
        for (TimeNs t = kT0; t < kT0 + minutes * kMinute; t += kBucket) {
            const double x = double(t - kT0) / double(minutes * kMinute);
            f.bucket(id, t, 30 + 40 * x, 0.01 + 0.01 * x, 80 + 80 * x); // latency doubles in 8 hours
        }
        const AnomalyResult r = detectAnomalies(db);
        QVERIFY2(r.windows.empty(), qPrintable(describe(r.windows)));
    }

    void tooLittleTrafficIsNoVerdict()
    {
        Database db = freshCache();
        RollupFactory f(db, 5);
        // Three requests, two of them failed and slow.
        const auto tiny = f.service("tiny");
        f.bucket(tiny, kT0, 1, 0.0, 80, 0.1, false);
        f.bucket(tiny, kT0 + 30 * kMinute, 1, 1.0, 5000, 0.1, false);
        f.bucket(tiny, kT0 + 31 * kMinute, 1, 1.0, 5000, 0.1, false);
        // One request a minute, all failing for five minutes: 5 errors are no incident.
        const auto quiet = f.service("quiet");
        for (int m = 0; m < 60; ++m)
            f.bucket(quiet, kT0 + m * kMinute, 1, m >= 30 && m < 35 ? 1.0 : 0.0, 80, 0.1, false);
        const AnomalyResult r = detectAnomalies(db);
        QVERIFY2(r.windows.empty(), qPrintable(describe(r.windows)));
        bool noted = false;
        for (const std::string& n : r.notes)
            noted = noted || (n.starts_with("tiny:") && n.find("too little traffic") != std::string::npos);
        QVERIFY(noted);
    }

    void canaryVersionIsNamed()
    {
        Database db = freshCache();
        RollupFactory f(db, 6);
        const auto stable = f.service("api", "1.4.0");
        const auto canary = f.service("api", "1.5.0-rc1");
        steady(f, stable, 120);
        // A canary with a tenth of the traffic and 40% errors for 10 minutes: 4% on the whole service.
        for (TimeNs t = kT0 + 60 * kMinute; t < kT0 + 70 * kMinute; t += kBucket)
            f.bucket(canary, t, 6, 0.40, 80);
        const AnomalyResult r = detectAnomalies(db);
        QVERIFY2(r.windows.size() == 1, qPrintable(describe(r.windows)));
        QCOMPARE(r.windows.front().version, std::string("1.5.0-rc1"));
        QVERIFY(hasMetric(r.windows.front(), AnomalyMetric::ErrorRate));
    }

    void seasonalBandOnceDaysOfHistoryExist()
    {
        Database db = freshCache();
        RollupFactory f(db, 7);
        const auto id = f.service("shop");
        const TimeNs day = 24 * 60 * kMinute;
        const TimeNs midnight = kT0 - 9 * 60 * kMinute; // 2025-11-20T00:00Z
        const TimeNs burst = midnight + 3 * day + 12 * 60 * kMinute;
        // Four days: quiet nights, busy days from 08:00 to 20:00 (a step, not a ramp), 2% errors at
        // noon; on the last day a 20% error burst from 12:00 for 5 minutes.
        for (TimeNs t = midnight; t < midnight + 4 * day; t += kBucket) {
            const TimeNs ofDay = (t - midnight) % day;
            const bool busy = ofDay >= 8 * 60 * kMinute && ofDay < 20 * 60 * kMinute;
            f.bucket(id, t, busy ? 40 : 4, t >= burst && t < burst + 5 * kMinute ? 0.2 : 0.01,
                     busy ? 90 : 60);
        }
        AnomalyOptions o;
        o.from = midnight + 3 * day;
        const AnomalyResult r = detectAnomalies(db, o);
        QVERIFY2(r.windows.size() == 1, qPrintable(describe(r.windows)));
        const AnomalyWindow& w = r.windows.front();
        QCOMPARE(w.lead.metric, AnomalyMetric::ErrorRate);
        QCOMPARE(w.lead.band, AnomalyBand::Daily);
        QVERIFY(std::llabs(w.start - burst) <= kBucket);
    }

    void deterministic()
    {
        Database db = freshCache();
        RollupFactory f(db, 8);
        const auto id = f.service("api");
        for (TimeNs t = kT0; t < kT0 + 90 * kMinute; t += kBucket)
            f.bucket(id, t, 25, t > kT0 + 40 * kMinute && t < kT0 + 44 * kMinute ? 0.3 : 0.01, 80);
        const AnomalyResult a = detectAnomalies(db);
        const AnomalyResult b = detectAnomalies(db);
        QCOMPARE(describe(a.windows), describe(b.windows));
        QCOMPARE(a.windows.size(), size_t(1));
        // A narrower request range gives the same window (the band's context is read either way).
        AnomalyOptions o;
        o.from = kT0 + 30 * kMinute;
        o.to = kT0 + 60 * kMinute;
        QCOMPARE(describe(detectAnomalies(db, o).windows), describe(a.windows));
        o.service = "other";
        QVERIFY(detectAnomalies(db, o).windows.empty());
    }

    void demoIncidents_data()
    {
        QTest::addColumn<int>("seed");
        QTest::addColumn<int>("sessions");
        QTest::newRow("seed 1, 2000 sessions") << 1 << 2000;
        QTest::newRow("seed 5, 1000 sessions") << 5 << 1000;
    }

    void demoIncidents()
    {
        QFETCH(int, seed);
        QFETCH(int, sessions);
        const std::string path = m_dir.filePath(QStringLiteral("demo%1.seam").arg(seed)).toStdString();
        DemoOptions options;
        options.seed = std::uint64_t(seed);
        options.sessions = sessions;
        std::string truthText;
        {
            StoreWriter writer(path);
            const auto source = writer.beginSource("demo", "test");
            auto sink = writer.sinkFor(source);
            DemoGenerator generator(options);
            ImportReport report;
            QVERIFY(generator.generateInto(*sink, report));
            QVERIFY(writer.flush());
            writer.finishSource(source, report);
            truthText = generator.groundTruthJson();
        }
        const QJsonObject truth = QJsonDocument::fromJson(QByteArray::fromStdString(truthText)).object();
        std::map<QString, std::pair<TimeNs, TimeNs>> incidents;
        for (const auto& v : truth[QStringLiteral("incidents")].toArray()) {
            const QJsonObject o = v.toObject();
            incidents[o[QStringLiteral("id")].toString()] = {
                o[QStringLiteral("start_ns")].toVariant().toLongLong(),
                o[QStringLiteral("end_ns")].toVariant().toLongLong()};
        }
        const auto lock = incidents.at(QStringLiteral("payments-db-lock"));
        const auto deploy = incidents.at(QStringLiteral("catalog-bad-deploy"));
        Database db = store::openForReading(path);
        const AnomalyResult r = detectAnomalies(db);
        const QString all = describe(r.windows);
        // Every window belongs to one of the two backend incidents (the Safari hero image is the
        // browser's own: no backend window may point at it), and each incident's origin is right,
        // its window within a rollup bucket of the truth.
        const auto overlaps = [](const AnomalyWindow& w, std::pair<TimeNs, TimeNs> i) {
            return w.start < i.second && w.end > i.first;
        };
        const AnomalyWindow* lockOrigin = nullptr;
        const AnomalyWindow* deployOrigin = nullptr;
        for (const AnomalyWindow& w : r.windows) {
            QVERIFY2(overlaps(w, lock) != overlaps(w, deploy), qPrintable(all));
            if (w.originRank == 1)
                (overlaps(w, lock) ? lockOrigin : deployOrigin) = &w;
        }
        QVERIFY2(lockOrigin && deployOrigin, qPrintable(all));
        QCOMPARE(lockOrigin->service, std::string("payments"));
        QVERIFY(hasMetric(*lockOrigin, AnomalyMetric::LatencyP95));
        QVERIFY2(std::llabs(lockOrigin->start - lock.first) <= kBucket &&
                     std::llabs(lockOrigin->end - lock.second) <= kBucket,
                 qPrintable(all));
        QCOMPARE(deployOrigin->service, std::string("catalog"));
        QCOMPARE(deployOrigin->version, std::string("2.8.0"));
        QVERIFY(hasMetric(*deployOrigin, AnomalyMetric::ErrorRate));
        QVERIFY2(std::llabs(deployOrigin->start - deploy.first) <= kBucket &&
                     std::llabs(deployOrigin->end - deploy.second) <= kBucket,
                 qPrintable(all));
        // The callers that only suffered are ranked after the origin and say whom they follow.
        for (const AnomalyWindow& w : r.windows) {
            if (w.originRank > 1) {
                QVERIFY2(!w.explainedBy.empty(), qPrintable(all));
                QVERIFY(w.ownShare >= 0 && w.ownShare < 0.5);
            }
        }
        // The p95 baseline of payments is its normal, not the incident: well under a second.
        QVERIFY(lockOrigin->lead.baseline < 1e9);
    }
};

QTEST_GUILESS_MAIN(TestAnomalies)
#include "tst_anomalies.moc"
