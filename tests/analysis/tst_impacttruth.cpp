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
#include <set>

using namespace seam;
using namespace seam::test;

namespace {

constexpr int kSessions = 2000;

/// Counts the sessions that reached a route, without writing anything.
class ConversionCounter : public BatchSink
{
public:
    explicit ConversionCounter(std::string route) : m_route(std::move(route)) {}
    void submit(RecordBatch&& batch) override
    {
        for (const PageLoadRecord& p : batch.pageLoads)
            if (p.route == m_route)
                converted.insert(p.sessionKey);
    }
    std::set<std::string> converted;

private:
    std::string m_route;
};

std::int64_t convertedSessions(const std::vector<std::string>& harmless)
{
    DemoOptions options;
    options.sessions = kSessions;
    options.harmlessIncidents = harmless;
    ConversionCounter counter("/checkout/confirmation");
    DemoGenerator generator(options);
    ImportReport report;
    if (!generator.generateInto(counter, report))
        return -1;
    return std::int64_t(counter.converted.size());
}

} // namespace

class TestImpactTruth : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;
    QJsonObject m_truth;
    std::int64_t m_converted = 0; ///< sessions converted in the real run

    void checkIncident(const char* id, const char* service, const char* version)
    {
        const QJsonObject incident = demoIncident(m_truth, id);
        QVERIFY(!incident.isEmpty());
        const std::int64_t counterfactual = convertedSessions({id});
        QVERIFY(counterfactual > 0);
        const double truth = double(counterfactual - m_converted);

        Database db = store::openForReading(m_cache.toStdString());
        ImpactQuery q;
        q.service = service;
        q.version = version;
        q.from = incident[QStringLiteral("start_ns")].toVariant().toLongLong();
        q.to = incident[QStringLiteral("end_ns")].toVariant().toLongLong();
        q.conversion = ConversionDefinition::parse("route:/checkout/confirmation");
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
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("demo.seam"));
        m_truth = writeDemoCache(m_cache, kSessions);
        QVERIFY(!m_truth.isEmpty());
        m_converted = convertedSessions({});
        QVERIFY(m_converted > 0);
        Database db = store::openForReading(m_cache.toStdString());
        QCOMPARE(db.queryInt("SELECT count(DISTINCT session_id) FROM page_loads WHERE route = "
                             "'/checkout/confirmation'"),
                 m_converted); // the counting run is the cache's run
    }

    void harmlessRunDiffersOnlyByTheIncident()
    {
        // Making the Safari hero harmless changes no conversion: the browsers' draws are untouched.
        QCOMPARE(convertedSessions({"safari-hero-image"}), m_converted);
    }

    void catalogDeployLoss() { checkIncident("catalog-bad-deploy", "catalog", "2.8.0"); }
    void paymentsLockLoss() { checkIncident("payments-db-lock", "payments", ""); }
};

QTEST_GUILESS_MAIN(TestImpactTruth)
#include "tst_impacttruth.moc"
