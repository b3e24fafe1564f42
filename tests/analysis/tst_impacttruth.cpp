// Lost conversions against the demo's true cost. The demo is generated twice with the same seed: as it
// is, and with one incident made harmless (DemoOptions::harmlessIncidents: every random draw the same,
// no failure, no wait). Sessions part only where the real run's harm changed what the user did, so the
// difference in converted sessions is what the incident cost. `seam impact`'s interval for the incident's
// window must hold it, and a real loss must not read as a gain.

#include "BusinessImpact.h"
#include "DemoCache.h"
#include "DemoGenerator.h"

#include <QTemporaryDir>
#include <QTest>
#include <cstdlib>
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

Outcome outcome(const std::vector<std::string>& harmless)
{
    DemoOptions options;
    options.sessions = kSessions;
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

class TestImpactTruth : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;
    QJsonObject m_truth;
    Outcome m_real; ///< the real run

    void checkIncident(const char* id, const char* service, const char* version)
    {
        const QJsonObject incident = demoIncident(m_truth, id);
        QVERIFY(!incident.isEmpty());
        const Outcome counterfactual = outcome({id});
        QVERIFY(counterfactual.converted > 0);
        const double truth = double(counterfactual.converted - m_real.converted);
        const double revenueTruth = counterfactual.revenue - m_real.revenue;

        Database db = store::openForReading(m_cache.toStdString());
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
        const QString said = QStringLiteral("%1: true loss %2, estimate %3 [%4, %5]")
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
        const QString revenueSaid = QStringLiteral("%1: true revenue loss %2, estimate %3 [%4, %5]")
                                        .arg(QLatin1String(id))
                                        .arg(revenueTruth, 0, 'f', 2)
                                        .arg(r.revenue->lost, 0, 'f', 2)
                                        .arg(r.revenue->ciLow, 0, 'f', 2)
                                        .arg(r.revenue->ciHigh, 0, 'f', 2);
        qInfo().noquote() << revenueSaid;
        QVERIFY2(r.revenue->ciLow <= revenueTruth && revenueTruth <= r.revenue->ciHigh,
                 qPrintable(revenueSaid));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("demo.seam"));
        m_truth = writeDemoCache(m_cache, kSessions);
        QVERIFY(!m_truth.isEmpty());
        m_real = outcome({});
        QVERIFY(m_real.converted > 0 && m_real.revenue > 0);
        Database db = store::openForReading(m_cache.toStdString());
        QCOMPARE(db.queryInt("SELECT count(DISTINCT session_id) FROM page_loads WHERE route = "
                             "'/checkout/confirmation'"),
                 m_real.converted); // the counting run is the cache's run
    }

    void harmlessRunDiffersOnlyByTheIncident()
    {
        // Making the Safari hero harmless changes no conversion: the browsers' draws are untouched.
        const Outcome hero = outcome({"safari-hero-image"});
        QCOMPARE(hero.converted, m_real.converted);
        QCOMPARE(hero.revenue, m_real.revenue);
    }

    void orderValuesAreTheSessions()
    {
        // An order's value is its session's basket, not a draw at the order: with the incident made
        // harmless the orders that exist in both runs are worth the same, so the revenue truth is the
        // value of the orders the incident prevented (and of those a changed journey added), not the
        // noise of re-drawn values. The payments lock only prevents orders (a retry carries the same
        // basket): what its real run has, the harmless run has too, with every value.
        const Outcome harmless = outcome({"payments-db-lock"});
        std::multiset<double> spare(harmless.values.begin(), harmless.values.end());
        int notInHarmless = 0;
        for (const double v : m_real.values) {
            if (const auto it = spare.find(v); it != spare.end())
                spare.erase(it);
            else
                ++notInHarmless;
        }
        QVERIFY2(notInHarmless <= 2, qPrintable(QString::number(notInHarmless)));
        QVERIFY(spare.size() >= 50); // the orders the lock prevented
    }
    void catalogDeployLoss() { checkIncident("catalog-bad-deploy", "catalog", "2.8.0"); }
    void paymentsLockLoss() { checkIncident("payments-db-lock", "payments", ""); }
};

QTEST_GUILESS_MAIN(TestImpactTruth)
#include "tst_impacttruth.moc"
