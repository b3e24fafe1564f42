// Lost conversions and revenue against the demo's true cost, on two seeds. The demo is generated twice
// with the same seed: as it is, and with one incident made harmless (DemoOptions::harmlessIncidents:
// every random draw the same, no failure, no wait). Sessions part only where the real run's harm changed
// what the user did, so the difference in converted sessions (and in the orders' values) is what the
// incident cost. `seam impact`'s interval for the incident's window must hold it, and a real loss must
// not read as a gain.

#include "BusinessImpact.h"
#include "DemoCache.h"
#include "DemoGenerator.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstdlib>
#include <map>
#include <numeric>
#include <set>

using namespace seam;
using namespace seam::test;

namespace {

constexpr int kSessions = 2000;

/// Counts the sessions that reached a route, and sums the orders' values, without writing anything.
class ConversionCounter : public BatchSink
{
public:
    explicit ConversionCounter(std::string route) : m_route(std::move(route)) {}
    void submit(RecordBatch&& batch) override
    {
        for (const PageLoadRecord& p : batch.pageLoads)
            if (p.route == m_route)
                converted.insert(p.sessionKey);
        static const std::string key = "\"order.value\":";
        for (const SpanRecord& span : batch.spans)
            if (const auto at = span.attributesJson.find(key); at != std::string::npos)
                values.push_back(std::strtod(span.attributesJson.c_str() + at + key.size(), nullptr));
    }
    std::set<std::string> converted;
    std::vector<double> values; ///< of the orders, in the order they were placed

private:
    std::string m_route;
};

struct Outcome
{
    std::int64_t converted = -1; ///< sessions
    double revenue = 0;          ///< sum of the orders' values
    std::vector<double> values;  ///< each order's
};

Outcome outcome(std::uint64_t seed, const std::vector<std::string>& harmless)
{
    DemoOptions options;
    options.sessions = kSessions;
    options.seed = seed;
    options.harmlessIncidents = harmless;
    ConversionCounter counter("/checkout/confirmation");
    DemoGenerator generator(options);
    ImportReport report;
    if (!generator.generateInto(counter, report))
        return {};
    return {std::int64_t(counter.converted.size()),
            std::accumulate(counter.values.begin(), counter.values.end(), 0.0), std::move(counter.values)};
}

} // namespace

/// One seed's demo: its cache, its ground truth and its real run's outcome.
struct SeededDemo
{
    QString cache;
    QJsonObject truth;
    Outcome real;
};

class TestImpactTruth : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::map<std::uint64_t, SeededDemo> m_demos;
    std::map<std::pair<std::uint64_t, std::string>, Outcome> m_harmless;

    /// The run of `seed` with `incident` made harmless, generated once (a generation is ~13 s under ASan).
    const Outcome& harmlessRun(std::uint64_t seed, const std::string& incident)
    {
        const auto key = std::make_pair(seed, incident);
        if (const auto it = m_harmless.find(key); it != m_harmless.end())
            return it->second;
        return m_harmless.emplace(key, outcome(seed, {incident})).first->second;
    }

    /// The demo of `seed`, written on first use.
    const SeededDemo* demo(std::uint64_t seed)
    {
        if (const auto it = m_demos.find(seed); it != m_demos.end())
            return &it->second;
        SeededDemo d;
        d.cache = m_dir.filePath(QStringLiteral("demo-%1.seam").arg(seed));
        d.truth = writeDemoCache(d.cache, kSessions, seed);
        d.real = outcome(seed, {});
        if (d.truth.isEmpty() || d.real.converted <= 0 || d.real.revenue <= 0)
            return nullptr;
        Database db = store::openForReading(d.cache.toStdString());
        if (db.queryInt("SELECT count(DISTINCT session_id) FROM page_loads WHERE route = "
                        "'/checkout/confirmation'") != d.real.converted)
            return nullptr; // the counting run must be the cache's run
        return &m_demos.emplace(seed, std::move(d)).first->second;
    }

    void checkIncident(const char* id, const char* service, const char* version)
    {
        QFETCH(quint64, seed);
        const SeededDemo* d = demo(seed);
        QVERIFY(d);
        const QJsonObject incident = demoIncident(d->truth, id);
        QVERIFY(!incident.isEmpty());
        const Outcome& counterfactual = harmlessRun(seed, id);
        QVERIFY(counterfactual.converted > 0);
        const double truth = double(counterfactual.converted - d->real.converted);
        const double revenueTruth = counterfactual.revenue - d->real.revenue;

        Database db = store::openForReading(d->cache.toStdString());
        ImpactQuery q;
        q.service = service;
        q.version = version;
        q.from = incident[QStringLiteral("start_ns")].toVariant().toLongLong();
        q.to = incident[QStringLiteral("end_ns")].toVariant().toLongLong();
        q.conversion = ConversionDefinition::parse("route:/checkout/confirmation");
        q.revenueAttribute = "order.value";
        const ImpactResult r = businessImpact(db, q);
        QVERIFY(r.conversions);
        const ConversionImpact& c = *r.conversions;
        const QString said = QStringLiteral("seed %1, %2: true loss %3, estimate %4 [%5, %6]")
                                 .arg(seed)
                                 .arg(QLatin1String(id))
                                 .arg(truth)
                                 .arg(c.lost)
                                 .arg(c.ciLow)
                                 .arg(c.ciHigh);
        qInfo().noquote() << said;
        QVERIFY2(truth > 0, qPrintable(said)); // the demo's incidents do cost conversions
        QVERIFY2(c.ciLow <= truth && truth <= c.ciHigh && c.lost > 0, qPrintable(said));
        // Revenue: the orders' values the incident cost, against the estimate's interval.
        QVERIFY(r.revenue);
        const QString revenueSaid = QStringLiteral("seed %1, %2: true revenue loss %3, estimate %4 [%5, %6]")
                                        .arg(seed)
                                        .arg(QLatin1String(id))
                                        .arg(revenueTruth, 0, 'f', 2)
                                        .arg(r.revenue->lost, 0, 'f', 2)
                                        .arg(r.revenue->ciLow, 0, 'f', 2)
                                        .arg(r.revenue->ciHigh, 0, 'f', 2);
        qInfo().noquote() << revenueSaid;
        QVERIFY2(r.revenue->ciLow <= revenueTruth && revenueTruth <= r.revenue->ciHigh,
                 qPrintable(revenueSaid));
    }

    /// Seed 1 is the demo everyone sees; seed 5 has the affected sessions' baskets well below the
    /// controls' (what comparing revenue per session got wrong) and a thin window stratum (what once
    /// set a drift of 26 points for every borrowed control).
    static void seeds()
    {
        QTest::addColumn<quint64>("seed");
        QTest::newRow("seed 1") << quint64(1);
        QTest::newRow("seed 5") << quint64(5);
    }

private slots:
    void harmlessRunDiffersOnlyByTheIncident()
    {
        // Making the Safari hero harmless changes no conversion: the browsers' draws are untouched.
        const SeededDemo* d = demo(1);
        QVERIFY(d);
        const Outcome& hero = harmlessRun(1, "safari-hero-image");
        QCOMPARE(hero.converted, d->real.converted);
        QCOMPARE(hero.revenue, d->real.revenue);
    }

    void orderValuesAreTheSessions()
    {
        // An order's value is its session's basket, not a draw at the order: with the incident made
        // harmless the orders that exist in both runs are worth the same, so the revenue truth is the
        // value of the orders the incident prevented (and of those a changed journey added), not the
        // noise of re-drawn values. The payments lock only prevents orders (a retry carries the same
        // basket): what its real run has, the harmless run has too, with every value.
        const SeededDemo* d = demo(1);
        QVERIFY(d);
        const Outcome& harmless = harmlessRun(1, "payments-db-lock");
        std::multiset<double> spare(harmless.values.begin(), harmless.values.end());
        int notInHarmless = 0;
        for (const double v : d->real.values) {
            if (const auto it = spare.find(v); it != spare.end())
                spare.erase(it);
            else
                ++notInHarmless;
        }
        QVERIFY2(notInHarmless <= 2, qPrintable(QString::number(notInHarmless)));
        QVERIFY(spare.size() >= 50); // the orders the lock prevented
    }

    void catalogDeployLoss_data() { seeds(); }
    void catalogDeployLoss() { checkIncident("catalog-bad-deploy", "catalog", "2.8.0"); }
    void paymentsLockLoss_data() { seeds(); }
    void paymentsLockLoss() { checkIncident("payments-db-lock", "payments", ""); }
};

QTEST_GUILESS_MAIN(TestImpactTruth)
#include "tst_impacttruth.moc"
