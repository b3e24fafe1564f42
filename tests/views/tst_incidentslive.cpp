// The incidents panel under live imports (issue 11): refreshes are rate-limited and fold into one, and
// a window whose data did not change keeps its impact instead of being read again, with the same
// figures a full read gives.

#include "DemoGenerator.h"
#include "IncidentTimeline.h"
#include "IncidentsLoader.h"
#include "IncidentsPanel.h"
#include "RecordFactory.h"
#include "RollupFactory.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QScrollArea>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

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

    void manyServicesLeaveRoomForTheList()
    {
        // 16 services, each with a 10-minute incident of its own (one with a very long name), in a
        // panel as tall as LinkedViews gives it on a 1366x768 screen.
        const std::string path = m_dir.filePath(QStringLiteral("many.seam")).toStdString();
        const std::string longName = "recommendation-engine-experimental-ranking-service";
        {
            Database db = store::openForWriting(path);
            RollupFactory f(db, 5);
            db.exec("BEGIN");
            for (int s = 0; s < 16; ++s) {
                const auto id = f.service(s == 15 ? longName : "svc-" + std::to_string(s));
                const TimeNs incident = kT0 + (20 + 5 * s) * 60'000'000'000LL;
                for (TimeNs t = kT0; t < kT0 + 3 * kHour; t += RollupFactory::kBucket) {
                    const bool bad = t >= incident && t < incident + 10 * 60'000'000'000LL;
                    f.bucket(id, t, 30, bad ? 0.3 : 0.002, 40);
                }
            }
            db.exec("COMMIT");
        }
        IncidentsPanel panel(QString::fromStdString(path), nullptr);
        panel.resize(1366, 190);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_VERIFY_WITH_TIMEOUT(panel.data() && panel.data()->withImpact && !panel.isLoading(), 60'000);
        IncidentTimeline* timeline = panel.timeline();
        QVERIFY(timeline->laneCount() >= 12);
        // The timeline shows six lanes and scrolls; the list keeps rows enough to read.
        QScrollArea* scroll = panel.timelineScroll();
        QVERIFY(scroll->height() < IncidentTimeline::laneTop(IncidentTimeline::kVisibleLanes + 1));
        QVERIFY(scroll->verticalScrollBar()->maximum() > 0);
        QVERIFY2(panel.list()->viewport()->height() >= 3 * panel.list()->sizeHintForRow(0),
                 qPrintable(QString::number(panel.list()->viewport()->height())));
        // The long name is elided in the list; its tooltip has it whole.
        const int longRow = [&] {
            for (int r = 0; r < int(panel.data()->rows.size()); ++r)
                if (panel.data()->rows[std::size_t(r)].window.service == longName)
                    return r;
            return -1;
        }();
        QVERIFY(longRow >= 0);
        QVERIFY(panel.list()->columnWidth(0) <
                panel.list()->fontMetrics().horizontalAdvance(QString::fromStdString(longName)));
        QVERIFY(panel.list()->topLevelItem(longRow)->toolTip(0).contains(QString::fromStdString(longName)));
        // A bar in the last lanes is reachable: scroll to it and click it.
        const QRect bar = timeline->barRect(longRow);
        scroll->ensureVisible(bar.center().x(), bar.center().y());
        QSignalSpy clicked(timeline, &IncidentTimeline::rowClicked);
        QTest::mouseClick(timeline, Qt::LeftButton, {}, bar.center());
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.first().first().toInt(), longRow);
        QVERIFY(timeline->visibleRegion().contains(bar.center()));
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
