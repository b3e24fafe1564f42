// Per-service rate charts on the demo's ground truth: during the payments lock a slow /checkout load
// puts payments first and compares it with its normal (outside the lock), never with the incident; during
// the bad catalog deploy a product page puts catalog first with a line per version. The data and the
// panel, driven through the Investigation as the main window drives it.

#include "DemoCache.h"
#include "Format.h"
#include "Investigation.h"
#include "ServiceRatesData.h"
#include "ServiceRatesPanel.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QAbstractSeries>
#include <QChart>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

/// The backend traces a page load's calls are linked to, as the main window selects them.
std::vector<qint64> linkedTraces(Database& db, qint64 pageLoad)
{
    auto st = db.prepare("SELECT DISTINCT l.trace FROM links l JOIN resources x ON x.id = l.resource_id "
                         "WHERE x.page_load_id = ?1");
    st.bind(1, pageLoad);
    std::vector<qint64> out;
    while (st.step())
        out.push_back(st.int64(0));
    return out;
}

} // namespace

class TestServiceRatesDemo : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void demoPaymentsLockPutsPaymentsFirst()
    {
        const std::string path = m_dir.filePath(QStringLiteral("demo.seam")).toStdString();
        // 1,000 sessions: payments then has the 50 requests around a load a verdict needs.
        const QJsonObject truth = writeDemoCache(QString::fromStdString(path), 1000);
        QVERIFY(!truth.isEmpty());
        const QJsonObject incident = demoIncident(truth, "payments-db-lock");
        QVERIFY(!incident.isEmpty());
        Database db = store::openForReading(path);
        auto st = db.prepare("SELECT id FROM page_loads WHERE route = '/checkout' AND start_ns >= ?1 AND "
                             "start_ns < ?2 ORDER BY duration_ns DESC LIMIT 3");
        st.bind(1, incident[QStringLiteral("start_ns")].toInteger())
            .bind(2, incident[QStringLiteral("end_ns")].toInteger());
        int checked = 0;
        while (st.step()) {
            ServiceRatesRequest r;
            r.pageLoadId = st.int64(0);
            r.traces = linkedTraces(db, r.pageLoadId);
            QVERIFY(!r.traces.empty());
            QElapsedTimer timer;
            timer.start();
            const ServiceRatesData d = ServiceRatesData::load(db, r);
            const double ms = double(timer.nsecsElapsed()) / 1e6;
            QVERIFY(d.services.size() >= 2);
            QString all;
            for (const auto& s : d.services)
                all += s.name + QStringLiteral(": ") + s.reason + QStringLiteral(" | ");
            QVERIFY2(d.services[0].name == QLatin1String("payments"), qPrintable(all));
            QVERIFY2(d.services[0].misbehaving, qPrintable(d.services[0].reason));
            // checkout, which waits on payments, is slow and times out too: it says whom it calls.
            for (const auto& s : d.services)
                if (s.name == QLatin1String("checkout") && s.misbehaving)
                    QCOMPARE(s.blamedOn, QStringLiteral("payments"));
            qInfo("demo /checkout %lld: payments first, %s (read in %.1f ms)", qint64(r.pageLoadId),
                  qPrintable(d.services[0].reason), ms);
            // The sentence compares with payments' normal (outside its lock window, a few hundred ms),
            // never with the incident itself.
            const ServiceRateSeries& payments = d.services[0];
            QVERIFY2(payments.reason.contains(QLatin1String(" normally")), qPrintable(payments.reason));
            QVERIFY2(payments.normal.p95 >= 100'000'000 && payments.normal.p95 <= 900'000'000,
                     qPrintable(QString::number(payments.normal.p95)));
            QVERIFY2(payments.reason.contains(
                         QStringLiteral("vs %1 normally").arg(formatDuration(payments.normal.p95))),
                     qPrintable(payments.reason));
            QVERIFY(payments.around.p95 > 3 * payments.normal.p95);
            QVERIFY(!payments.incidents.empty());
            if (checked == 0) {
                // A load 20 s away through payments compares with the very same normal.
                auto other = db.prepare(
                    "SELECT p.id FROM page_loads p WHERE p.services LIKE '%payments%' AND p.start_ns >= ?1 "
                    "ORDER BY p.start_ns LIMIT 1");
                other.bind(1, d.loadStart + 20'000'000'000LL);
                QVERIFY(other.step());
                ServiceRatesRequest r2;
                r2.pageLoadId = other.int64(0);
                r2.traces = linkedTraces(db, r2.pageLoadId);
                const ServiceRatesData d2 = ServiceRatesData::load(db, r2);
                QVERIFY(d2.loadStart - d.loadStart >= 20'000'000'000LL &&
                        d2.loadStart - d.loadStart < 40'000'000'000LL);
                const ServiceRateSeries* payments2 = nullptr;
                for (const auto& s : d2.services)
                    if (s.name == QLatin1String("payments"))
                        payments2 = &s;
                QVERIFY(payments2);
                QCOMPARE(payments2->normal.requests, payments.normal.requests);
                QCOMPARE(payments2->normal.errors, payments.normal.errors);
                QCOMPARE(payments2->normal.p95, payments.normal.p95);
            }
            if (checked == 0) {
                // The panel on the same selection, in the space the main window gives it.
                Investigation inv;
                ServiceRatesPanel panel(QString::fromStdString(path), &inv);
                panel.resize(900, 330);
                panel.show();
                QVERIFY(QTest::qWaitForWindowExposed(&panel));
                QSignalSpy rendered(&panel, &ServiceRatesPanel::rendered);
                inv.selectPageLoad(r.pageLoadId);
                inv.setSelectedTraces(r.traces);
                QTRY_COMPARE(panel.rowCount(), int(d.services.size()));
                QCOMPARE(panel.rowService(0), QStringLiteral("payments"));
                QVERIFY(panel.rowFlagged(0));
                QTRY_VERIFY(rendered.count() >= 1);
                qInfo("demo: %d services, data arrival -> painted %.1f ms", panel.rowCount(),
                      panel.lastRenderMs());
                const QString shot = qEnvironmentVariable("SEAM_SERVICERATES_SCREENSHOT");
                if (!shot.isEmpty())
                    panel.grab().save(shot);
            }
            ++checked;
        }
        QVERIFY(checked > 0);

        // The bad catalog deploy: product pages during it put catalog first, with both versions shown.
        const QJsonObject deploy = demoIncident(truth, "catalog-bad-deploy");
        QVERIFY(!deploy.isEmpty());
        auto pl = db.prepare(
            "SELECT p.id FROM page_loads p WHERE p.route = '/product/:id' AND p.start_ns >= ?1 AND "
            "p.start_ns < ?2 AND p.services LIKE '%catalog%' ORDER BY p.start_ns LIMIT 1 OFFSET 5");
        pl.bind(1, deploy[QStringLiteral("start_ns")].toInteger())
            .bind(2, deploy[QStringLiteral("end_ns")].toInteger());
        QVERIFY(pl.step());
        ServiceRatesRequest r;
        r.pageLoadId = pl.int64(0);
        r.traces = linkedTraces(db, r.pageLoadId);
        const ServiceRatesData d = ServiceRatesData::load(db, r);
        QVERIFY(!d.services.empty());
        QVERIFY2(d.services[0].name == QLatin1String("catalog") && d.services[0].misbehaving,
                 qPrintable(d.services[0].name + QStringLiteral(": ") + d.services[0].reason));
        QVERIFY2(d.services[0].versions.contains(QStringLiteral("2.8.0")),
                 qPrintable(d.services[0].versions.join(u',')));
        qInfo("demo /product/:id %lld: catalog first (%s), %s", qint64(r.pageLoadId),
              qPrintable(d.services[0].versions.join(QStringLiteral(", "))),
              qPrintable(d.services[0].reason));
        QCOMPARE(d.services[0].versions, (QStringList{QStringLiteral("2.7.3"), QStringLiteral("2.8.0")}));
        QVERIFY2(d.services[0].reason.startsWith(QLatin1String("version 2.8.0: error rate")),
                 qPrintable(d.services[0].reason));
        QCOMPARE(d.services[0].perVersion.size(), size_t(2));
        for (const auto& v : d.services[0].perVersion)
            QCOMPARE(v.errorRate.size(), d.services[0].points.size());

        // In the panel: one dashed error-rate line per version on catalog's chart.
        Investigation inv;
        ServiceRatesPanel panel(QString::fromStdString(path), &inv);
        panel.resize(900, 330);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        inv.selectPageLoad(r.pageLoadId);
        inv.setSelectedTraces(r.traces);
        QTRY_COMPARE(panel.rowCount(), int(d.services.size()));
        QCOMPARE(panel.rowService(0), QStringLiteral("catalog"));
        QStringList versionLines;
        for (QAbstractSeries* s : panel.errorChart(0)->series())
            if (s->objectName() == QLatin1String("versionErrorRate") && s->isVisible())
                versionLines << s->name();
        QCOMPARE(versionLines, (QStringList{QStringLiteral("2.7.3"), QStringLiteral("2.8.0")}));
        const QString shot = qEnvironmentVariable("SEAM_SERVICERATES_SCREENSHOT");
        if (!shot.isEmpty()) {
            QTest::qWait(50);
            panel.grab().save(QString(shot).replace(QLatin1String(".png"), QLatin1String("-deploy.png")));
        }
    }
};

QTEST_MAIN(TestServiceRatesDemo)
#include "tst_serviceratesdemo.moc"
