// WhyData (the "Why?" pane's data) on the demo investigation's ground truth: the slowest /checkout
// load is the payments lock (backend), the slowest Safari load of / the hero image (frontend); the
// cohort answers, their comparison filters, the honest "too little data" state, and the filter terms
// a click on a cause applies (WhyCauseTerm), which the filter language must accept.
#include "DemoCache.h"
#include "PageLoadFilter.h"
#include "WhyCauseTerm.h"
#include "WhyData.h"
#include "WhyLoader.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

class TestWhyData : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;
    QJsonObject m_truth;

    WhyData pageLoad(qint64 id) const
    {
        WhyRequest r;
        r.mode = WhyRequest::Mode::PageLoad;
        r.pageLoadId = id;
        return WhyLoader::loadNow(m_demo.toStdString(), r);
    }

    WhyData cohort(const QString& filter, bool failed, std::optional<qint64> from = {},
                   std::optional<qint64> to = {}) const
    {
        WhyRequest r;
        r.mode = WhyRequest::Mode::Cohort;
        r.filter = filter;
        r.failed = failed;
        r.from = from;
        r.to = to;
        return WhyLoader::loadNow(m_demo.toStdString(), r);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = m_dir.filePath(QStringLiteral("demo.seam"));
        m_truth = writeDemoCache(m_demo, 700);
        QVERIFY(!m_truth.isEmpty());
    }

    void slowCheckoutLoadIsTheBackendsPayments()
    {
        const QJsonObject lock = demoIncident(m_truth, "payments-db-lock");
        const QString service = lock[QStringLiteral("service")].toString();
        QVERIFY(!service.isEmpty());
        const qint64 id = slowestLoad(m_demo, "/checkout");
        QVERIFY(id != 0);
        const WhyData d = pageLoad(id);
        QVERIFY(d.pageLoadFound);
        QCOMPARE(d.route, QStringLiteral("/checkout"));
        const LoadVerdict& v = d.loadVerdict;
        QVERIFY2(v.side == "backend", v.text.c_str());
        QVERIFY2(v.extraMs[2] > 1000, v.text.c_str());
        QVERIFY(v.loadMs > v.normalLoadMs);
        // The load's own path names the locked service first among its backend items...
        const auto backend = std::find_if(v.items.begin(), v.items.end(), [](const LoadPathItem& i) {
            return i.side == CriticalSide::Backend;
        });
        QVERIFY(backend != v.items.end());
        QCOMPARE(QString::fromStdString(backend->service), service);
        QVERIFY2(QString::fromStdString(v.text).contains(service), v.text.c_str());
        // ...and the route's slow loads have it as their first cause.
        QVERIFY(!d.tooLittleData());
        QCOMPARE(d.cohort.verdict.side, std::string("backend"));
        QVERIFY(!d.cohort.causes.empty());
        QCOMPARE(QString::fromStdString(d.cohort.causes.front().service), service);
        // The sides add up to the load (the critical path tiles it).
        QVERIFY(std::abs(v.ownMs[0] + v.ownMs[1] + v.ownMs[2] - v.loadMs) < 0.01);
    }

    void slowSafariHomeLoadIsFrontend()
    {
        const qint64 id = slowestLoad(m_demo, "/", "Safari");
        QVERIFY(id != 0);
        const WhyData d = pageLoad(id);
        QVERIFY(d.pageLoadFound);
        QVERIFY2(d.loadVerdict.side == "frontend", d.loadVerdict.text.c_str());
        QVERIFY2(d.loadVerdict.text.rfind("Backend not at fault", 0) == 0, d.loadVerdict.text.c_str());
        QVERIFY(d.loadVerdict.extraMs[0] > d.loadVerdict.extraMs[2]);
    }

    void cohortOfSlowCheckoutsAndItsComparison()
    {
        const WhyData d = cohort(QStringLiteral("route:/checkout"), false);
        QVERIFY(d.error.isEmpty());
        QCOMPARE(d.cohort.verdict.side, std::string("backend"));
        QVERIFY(d.compareSelection.startsWith(QStringLiteral("route:/checkout duration>")));
        QVERIFY(d.compareBaseline.startsWith(QStringLiteral("route:/checkout duration<=")));
        QVERIFY(PageLoadFilter::parse(d.compareSelection).isValid());
        QVERIFY(PageLoadFilter::parse(d.compareBaseline).isValid());
    }

    void failedProductPagesNameTheBadDeploy()
    {
        const QJsonObject deploy = demoIncident(m_truth, "catalog-bad-deploy");
        const WhyData d = cohort(QStringLiteral("route:/product/:id"), true);
        QVERIFY(d.cohortFailed);
        QCOMPARE(d.compareSelection, QStringLiteral("route:/product/:id errors>0"));
        QCOMPARE(d.compareBaseline, QStringLiteral("route:/product/:id errors=0"));
        const auto it = std::find_if(d.cohort.causes.begin(), d.cohort.causes.end(), [&](const WhyCause& c) {
            return c.field == "service.version" &&
                   QString::fromStdString(c.value) == deploy[QStringLiteral("version")].toString();
        });
        QVERIFY(it != d.cohort.causes.end());
        QCOMPARE(causeFilterTerm(*it),
                 QStringLiteral("service:") + deploy[QStringLiteral("service")].toString());
    }

    void tooLittleDataGivesNoVerdict()
    {
        // One minute of checkouts: a handful of loads, below the 20-per-group guard.
        Database db = store::openForReading(m_demo.toStdString());
        const qint64 t0 = db.queryInt("SELECT min(start_ns) FROM page_loads");
        const WhyData d = cohort(QStringLiteral("route:/checkout"), false, t0, t0 + 60'000'000'000LL);
        QVERIFY(d.tooLittleData());
        QCOMPARE(d.cohort.verdict.side, std::string("inconclusive"));
        QVERIFY(d.cohort.causes.empty());
    }

    void invalidFilterIsSaidNotThrown()
    {
        const WhyData d = cohort(QStringLiteral("duration>fast"), false);
        QVERIFY(!d.error.isEmpty());
    }

    void unknownPageLoad() { QVERIFY(!pageLoad(987654321).pageLoadFound); }

    void causeTermsAreFilterLanguage()
    {
        WhyCause c;
        c.field = "browser";
        c.value = "Mobile Safari";
        QCOMPARE(causeFilterTerm(c), QStringLiteral("browser:\"Mobile Safari\""));
        c.field = "app.version";
        c.value = "4.2.0";
        QCOMPARE(causeFilterTerm(c), QStringLiteral("version:4.2.0"));
        c.field = "resource";
        QCOMPARE(causeFilterTerm(c), QString());
        c.kind = WhyCause::Kind::Operation;
        c.service = "payments";
        c.operation = "SELECT payment_accounts";
        QCOMPARE(causeFilterTerm(c), QStringLiteral("operation:\"payments:SELECT payment_accounts\""));
        c.kind = WhyCause::Kind::Phase;
        QCOMPARE(causeFilterTerm(c), QString());
        QCOMPARE(withFilterTerm(QStringLiteral("route:/checkout"), QStringLiteral("route:/")),
                 QStringLiteral("route:/checkout route:/"));
        QCOMPARE(withFilterTerm(QStringLiteral(" route:/ "), QStringLiteral("route:/")),
                 QStringLiteral("route:/"));
        QCOMPARE(withFilterTerm(QString(), QStringLiteral("os:iOS")), QStringLiteral("os:iOS"));
        // Every term the demo's answers produce parses, and selects loads.
        Database db = store::openForReading(m_demo.toStdString());
        int terms = 0;
        for (const QString& filter : {QStringLiteral("route:/checkout"), QStringLiteral("route:/")}) {
            const WhyData d = cohort(filter, false);
            for (const WhyCause& cause : d.cohort.causes) {
                const QString term = causeFilterTerm(cause);
                if (term.isEmpty())
                    continue;
                const PageLoadFilter f = PageLoadFilter::parse(term);
                QVERIFY2(f.isValid(), qPrintable(term));
                Statement q = db.prepare("SELECT count(*) FROM page_loads p LEFT JOIN sessions s ON s.id = "
                                         "p.session_id WHERE " +
                                         f.sql());
                f.bind(q);
                QVERIFY(q.step());
                QVERIFY2(q.int64(0) > 0, qPrintable(term));
                ++terms;
            }
        }
        QVERIFY(terms >= 2);
    }
};

QTEST_GUILESS_MAIN(TestWhyData)
#include "tst_whydata.moc"
