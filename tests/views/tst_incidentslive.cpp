// The incidents panel under live imports (issue 11): refreshes are rate-limited and fold into one, and
// a window whose data did not change keeps its impact instead of being read again, with the same
// figures a full read gives.

#include "DemoGenerator.h"
#include "IncidentsLoader.h"
#include "IncidentsPanel.h"
#include "RecordFactory.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

constexpr TimeNs kHour = 3600LL * 1'000'000'000;

void compareImpact(const IncidentsData& a, const IncidentsData& b)
{
    QCOMPARE(a.rows.size(), b.rows.size());
    for (std::size_t i = 0; i < a.rows.size(); ++i) {
        const IncidentRow& x = a.rows[i];
        const IncidentRow& y = b.rows[i];
        QCOMPARE(x.window.service, y.window.service);
        QCOMPARE(x.window.start, y.window.start);
        QCOMPARE(x.affectedSessions, y.affectedSessions);
        QCOMPARE(x.reachedSessions, y.reachedSessions);
        QCOMPARE(x.affectedPageLoads, y.affectedPageLoads);
        QCOMPARE(x.lostConversions.has_value(), y.lostConversions.has_value());
        if (x.lostConversions)
            QCOMPARE(*x.lostConversions, *y.lostConversions);
    }
}

} // namespace

class TestIncidentsLive : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

    /// A page load at `at` whose fetch goes gateway -> payments (n: distinct keys and trace).
    void addCall(int n, TimeNs at)
    {
        StoreWriter w(m_path);
        RecordBatch b = browserBatch(n, traceId(n), 0x42, at);
        RecordBatch back = backendBatch(traceId(n), 0x42, at, StatusCode::Error);
        b.spans.insert(b.spans.end(), back.spans.begin(), back.spans.end());
        w.submit(0, std::move(b));
        QVERIFY(w.flush());
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("demo.seam")).toStdString();
        StoreWriter writer(m_path);
        const auto source = writer.beginSource("demo", "test");
        DemoOptions options;
        options.sessions = 600;
        DemoGenerator generator(options);
        ImportReport report;
        QVERIFY(generator.generateInto(*writer.sinkFor(source), report));
        QVERIFY(writer.flush());
        writer.finishSource(source, report);
    }

    void onlyWindowsWhoseDataChangedAreReadAgain()
    {
        auto first =
            std::make_shared<const IncidentsData>(IncidentsLoader::loadNow(m_path, {1, true, nullptr}));
        QVERIFY(first->rows.size() >= 2);
        QCOMPARE(first->impactsRead, int(first->rows.size()));

        // Nothing new: nothing read again, the same figures.
        auto second =
            std::make_shared<const IncidentsData>(IncidentsLoader::loadNow(m_path, {2, true, first}));
        QCOMPARE(second->impactsRead, 0);
        compareImpact(*second, *first);

        // A call far after every window (live data arriving now): still nothing to read again.
        addCall(1, first->to + 5 * kHour);
        auto third =
            std::make_shared<const IncidentsData>(IncidentsLoader::loadNow(m_path, {3, true, second}));
        int added = 0; // windows the new data made (a lone call may make one of its own)
        for (const IncidentRow& r : third->rows) {
            bool known = false;
            for (const IncidentRow& p : second->rows)
                known = known || (p.window.service == r.window.service && p.window.start == r.window.start &&
                                  p.window.end == r.window.end);
            added += known ? 0 : 1;
        }
        QVERIFY(added < int(third->rows.size()));
        QCOMPARE(third->impactsRead, added);

        // A failing call inside the payments window: that window is read again, and the result is what
        // a full read gives.
        const IncidentRow* payments = nullptr;
        for (const IncidentRow& r : third->rows)
            if (r.window.service == "payments")
                payments = &r;
        QVERIFY(payments);
        addCall(2, payments->window.start + (payments->window.end - payments->window.start) / 2);
        const IncidentsData fourth = IncidentsLoader::loadNow(m_path, {4, true, third});
        QVERIFY(fourth.impactsRead >= 1);
        const IncidentsData full = IncidentsLoader::loadNow(m_path, {5, true, nullptr});
        compareImpact(fourth, full);
        for (const IncidentRow& r : fourth.rows)
            if (r.window.service == "payments" && r.window.start == payments->window.start)
                QCOMPARE(r.reachedSessions, payments->reachedSessions + 1);
    }

    void refreshesAreRateLimited()
    {
        IncidentsPanel panel(QString::fromStdString(m_path), nullptr);
        panel.setMinimumRefreshInterval(1500);
        for (int i = 0; i < 20; ++i) // a live import committing batch after batch
            panel.refresh();
        QCOMPARE(panel.readsStarted(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(panel.readsStarted(), 2, 10'000); // the twenty folded into one
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && panel.data()->withImpact && !panel.isLoading(), 60'000);
        QTest::qWait(1800);
        QCOMPARE(panel.readsStarted(), 2);
        // The second read found nothing changed since the first one's impact... when the first one got
        // that far; either way at most the windows were read once each across both.
        QVERIFY(panel.data()->impactsRead <= int(panel.data()->rows.size()));
    }
};

QTEST_MAIN(TestIncidentsLive)
#include "tst_incidentslive.moc"
