// Business impact on thin data: strata whose unaffected control inside the window is too thin borrow
// sessions of the same stratum from around the window (BorrowedControls), the interval widens for it,
// no verdict when even that is too little; and a window over the whole capture takes its normal p99
// from its calm periods.

#include "BorrowedControls.h"
#include "BusinessImpact.h"
#include "ConversionStrata.h"
#include "ImpactSessions.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <random>

using namespace seam;
using namespace seam::test;

namespace {
constexpr TimeNs kMinute = 60'000'000'000;

bool anyNoteHas(const ImpactResult& r, const char* text)
{
    for (const std::string& n : r.notes)
        if (n.find(text) != std::string::npos)
            return true;
    return false;
}
} // namespace

class TestImpactControls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_thin; ///< the thin cache with an effect, for the borrowing test
    TimeNs m_from = kT0 + 60 * kMinute;
    TimeNs m_to = kT0 + 70 * kMinute;
    /// An earlier incident of payments, 8 to 4 minutes before the window.
    TimeNs m_earlyFrom = kT0 + 52 * kMinute;
    TimeNs m_earlyTo = kT0 + 56 * kMinute;

    struct Thin
    {
        std::string path;
        std::int64_t affected = 0; ///< sessions of the window the incident affected
    };

    /// Sessions that make 1 or 4 payments calls (busy ones convert 80%, others 20%). In the window
    /// (one session a second) and in the earlier incident each call fails with probability `failure`,
    /// so nearly every busy session of the window is affected; `around`: calm sessions every 2 s for 25
    /// minutes either side. An affected session's conversion chance drops by `effect`.
    Thin thinCache(const char* name, double effect, double failure, bool around)
    {
        Thin t;
        t.path = m_dir.filePath(QString::fromLatin1(name)).toStdString();
        StoreWriter w(t.path);
        std::mt19937_64 rng(11);
        std::uniform_real_distribution<double> u(0, 1);
        int i = 0;
        const auto add = [&](TimeNs start) {
            const bool inWindow = start >= m_from && start < m_to;
            const bool failing = inWindow || (start >= m_earlyFrom && start < m_earlyTo);
            const int calls = i % 2 ? 4 : 1;
            std::vector<bool> fails;
            bool affected = false;
            for (int k = 0; k < calls; ++k) {
                fails.push_back(failing && u(rng) < failure);
                // what the window sees: its calls after the window's end are not judged
                affected = affected || (fails.back() && start + k * 10'000'000'000LL < m_to);
            }
            const bool converts = u(rng) < (calls == 4 ? 0.8 : 0.2) - (affected ? effect : 0.0);
            if (inWindow && affected)
                ++t.affected;
            w.submit(0, activitySession(300'000 + i, fails, converts, start));
            ++i;
        };
        if (around)
            for (TimeNs s = m_from - 25 * kMinute; s < m_from; s += 2'000'000'000)
                add(s);
        for (TimeNs s = m_from; s < m_to; s += 1'000'000'000)
            add(s);
        if (around)
            for (TimeNs s = m_to; s < m_to + 25 * kMinute; s += 2'000'000'000)
                add(s);
        [&] { QVERIFY(w.flush()); }();
        return t;
    }

    ImpactQuery query() const { return paymentsImpactQuery(m_from, m_to); }

    static std::vector<ComparedSession> planted(int controlSide)
    {
        // 100 affected converting 30%, 100 unaffected converting 60%, all in one stratum.
        std::vector<ComparedSession> s;
        for (int i = 0; i < 100; ++i)
            s.push_back({true, "/checkout", 1, i < 30 ? 1.0 : 0.0, 0});
        for (int i = 0; i < 100; ++i)
            s.push_back({false, "/checkout", 1, i % 5 < 3 ? 1.0 : 0.0,
                         controlSide == 2 ? (i % 2 ? 1 : -1) : controlSide});
        return s;
    }

private slots:
    void borrowedControlsWidenTheInterval()
    {
        const StratifiedLoss own = stratifiedLoss(planted(0), true);
        const StratifiedLoss borrowed = stratifiedLoss(planted(2), true);
        QVERIFY(qFuzzyCompare(own.lost, 30.0));
        QVERIFY(qFuzzyCompare(borrowed.lost, own.lost)); // the same controls: the same estimate
        QCOMPARE(own.borrowedUsed, std::int64_t(0));
        QCOMPARE(borrowed.borrowedUsed, std::int64_t(100));
        QVERIFY(qFuzzyIsNull(own.driftSd));
        QVERIFY(borrowed.driftSd > 0);
        QVERIFY2(borrowed.ciHigh - borrowed.ciLow > own.ciHigh - own.ciLow,
                 qPrintable(QStringLiteral("%1 vs %2")
                                .arg(borrowed.ciHigh - borrowed.ciLow)
                                .arg(own.ciHigh - own.ciLow)));
        // Periods that disagree (before 40%, after 80%) widen it further.
        std::vector<ComparedSession> drifting = planted(2);
        int before = 0, after = 0;
        for (ComparedSession& s : drifting) {
            if (s.affected)
                continue;
            s.value = s.side < 0 ? (before++ % 5 < 2 ? 1.0 : 0.0) : (after++ % 5 < 4 ? 1.0 : 0.0);
        }
        const StratifiedLoss drift = stratifiedLoss(drifting, true);
        QVERIFY(qFuzzyCompare(drift.lost, 30.0));
        QVERIFY(drift.driftSd > borrowed.driftSd);
        QVERIFY(drift.ciHigh - drift.ciLow > borrowed.ciHigh - borrowed.ciLow);
    }

    void aThinWindowStratumDoesNotSetTheDrift()
    {
        // Borrowed controls before and after agree (60% either side: the drift is known to be small);
        // one more stratum has 6 window controls (50%) and 5 borrowed ones (60%): a measure that says
        // nothing (variance 0.07). It must not set a drift of sqrt(0.07) = 26 points for every borrowed
        // session (it did: seed 5's catalog deploy read [-116, 166] lost conversions).
        std::vector<ComparedSession> s = planted(2);
        for (int i = 0; i < 10; ++i)
            s.push_back({true, "/cart", 1, i < 3 ? 1.0 : 0.0, 0});
        for (int i = 0; i < 6; ++i)
            s.push_back({false, "/cart", 1, i < 3 ? 1.0 : 0.0, 0});
        for (int i = 0; i < 5; ++i)
            s.push_back({false, "/cart", 1, i < 3 ? 1.0 : 0.0, i < 3 ? -1 : 1});
        const StratifiedLoss r = stratifiedLoss(s, true);
        QVERIFY2(r.driftSd > 0 && r.driftSd < 0.1, qPrintable(QString::number(r.driftSd)));
        // Alone, the thin measure is all there is: it counts in full.
        std::vector<ComparedSession> alone;
        for (const ComparedSession& x : s)
            if (x.route == "/cart")
                alone.push_back(x);
        for (ComparedSession& x : alone)
            if (x.side == 1)
                x.side = -1; // nothing after: no before-vs-after measure
        QVERIFY2(stratifiedLoss(alone, true).driftSd > 0.2,
                 qPrintable(QString::number(stratifiedLoss(alone, true).driftSd)));
    }

    void thinStrataBorrowFromAroundTheWindow()
    {
        const Thin t = thinCache("thin.seam", 0.15, 0.9, true);
        m_thin = t.path;
        Database db = store::openForReading(t.path);
        const ImpactResult r = businessImpact(db, query());
        QVERIFY(r.conversions);
        const ConversionImpact& c = *r.conversions;
        QCOMPARE(c.affectedSessions, t.affected);
        QVERIFY2(c.control.inWindow < 60, qPrintable(QString::number(c.control.inWindow)));
        QVERIFY(c.control.thinStrata > 0);
        QVERIFY(c.control.borrowed >= 100);
        QVERIFY(c.control.borrowedBefore > 0 && c.control.borrowedAfter > 0);
        QCOMPARE(c.control.borrowed, c.control.borrowedBefore + c.control.borrowedAfter);
        QCOMPARE(c.unaffectedSessions, c.control.inWindow + c.control.borrowed);
        QVERIFY(c.control.borrowedFrom >= m_from - 2 * 60 * kMinute &&
                c.control.borrowedTo < m_to + 2 * 60 * kMinute);
        QVERIFY(c.control.driftSd > 0);
        QVERIFY(anyNoteHas(r, "borrowed"));
        const double truth = 0.15 * double(t.affected);
        QVERIFY2(c.ciLow <= truth && truth <= c.ciHigh,
                 qPrintable(QStringLiteral("%1 in [%2, %3]").arg(truth).arg(c.ciLow).arg(c.ciHigh)));
        QVERIFY2(c.ciLow > 0,
                 qPrintable(QStringLiteral("lost %1 [%2, %3], drift sd %4, %5 in window, %6 borrowed, "
                                           "%7 affected, rates %8 vs %9, %10")
                                .arg(c.lost)
                                .arg(c.ciLow)
                                .arg(c.ciHigh)
                                .arg(c.control.driftSd)
                                .arg(c.control.inWindow)
                                .arg(c.control.borrowed)
                                .arg(c.affectedSessions)
                                .arg(c.affectedRate)
                                .arg(c.unaffectedRate)
                                .arg(QString::fromStdString(r.notes.empty() ? "" : r.notes.back()))));
        QVERIFY(r.revenue);
        QVERIFY2(r.revenue->ciLow > 0, qPrintable(QString::number(r.revenue->ciLow)));

        // No effect: the borrowed comparison finds none.
        const Thin none = thinCache("thin-none.seam", 0.0, 0.9, true);
        Database db0 = store::openForReading(none.path);
        const ImpactResult r0 = businessImpact(db0, query());
        QVERIFY(r0.conversions);
        QVERIFY(r0.conversions->control.borrowed > 0);
        QVERIFY2(
            r0.conversions->ciLow <= 0 && 0 <= r0.conversions->ciHigh,
            qPrintable(QStringLiteral("[%1, %2]").arg(r0.conversions->ciLow).arg(r0.conversions->ciHigh)));
    }

    void borrowingSkipsAffectedAndIncidentSessions()
    {
        QVERIFY(!m_thin.empty()); // written by thinStrataBorrowFromAroundTheWindow
        Database db = store::openForReading(m_thin);
        BorrowCriteria c;
        c.serviceIds.insert(db.queryInt("SELECT id FROM services WHERE name = 'payments'"));
        c.from = m_from;
        c.to = m_to;
        c.normalP99 = 200'000'000;
        c.avoided = {{m_earlyFrom, m_earlyTo}};
        c.horizon = 2 * kMinute;
        c.dataEnd = db.queryInt("SELECT max(start_ns) FROM page_loads");
        c.wanted[{"/checkout", 4}] = 400; // more than the nearest slices hold
        c.wanted[{"/checkout", 1}] = 10;
        const BorrowedControls b = borrowControls(db, c);
        QVERIFY(b.skippedIncident > 0);
        std::int64_t busy[2] = {0, 0}, idle[2] = {0, 0}; // before, after
        // Never hit in its slice up to its landmark (a later hit is the background a healthy period has
        // too; reaches before its slice are not counted, as reaches before the window are not).
        const TimeNs slice = std::max(m_to - m_from, kMinute);
        auto affected = db.prepare("SELECT count(*) FROM page_loads p JOIN page_load_reach x ON "
                                   "x.page_load_id = p.id WHERE p.session_id = ?1 AND x.error = 1 "
                                   "AND x.start_ns >= ?2 AND x.start_ns <= ?3");
        for (const BorrowedSession& s : b.sessions) {
            QVERIFY(s.reference < m_from || s.reference >= m_to);
            QVERIFY(s.reference < m_earlyFrom || s.reference >= m_earlyTo);
            QVERIFY(s.side == (s.reference < m_from ? -1 : 1));
            affected.reset();
            const TimeNs sliceStart = s.side < 0
                                          ? m_from - ((m_from - s.reference + slice - 1) / slice) * slice
                                          : m_to + ((s.reference - m_to) / slice) * slice;
            affected.bind(1, s.session).bind(2, sliceStart).bind(3, s.reference);
            QVERIFY(affected.step());
            QCOMPARE(affected.int64(0), std::int64_t(0));
            (s.stratum.second == 4 ? busy : idle)[s.side < 0 ? 0 : 1] += 1;
        }
        // Each side fills every wanted stratum on its own (so that the two can be compared): the busy
        // stratum wants more than either side holds within 2 h, the idle one is filled on both.
        QVERIFY2(busy[0] > 0 && busy[0] < 400 && busy[1] > 0 && busy[1] < 400,
                 qPrintable(QStringLiteral("%1 %2").arg(busy[0]).arg(busy[1])));
        QCOMPARE(idle[0], std::int64_t(10));
        QCOMPARE(idle[1], std::int64_t(10));
        QCOMPARE(b.before + b.after, std::int64_t(b.sessions.size()));
    }

    void noVerdictWhenNothingToBorrow()
    {
        const Thin t = thinCache("thin-alone.seam", 0.15, 0.99, false);
        Database db = store::openForReading(t.path);
        const ImpactResult r = businessImpact(db, query());
        QVERIFY(r.pageLoads.affected > 0);
        QVERIFY(!r.conversions);
        QVERIFY(!r.revenue);
        QVERIFY(anyNoteHas(r, "too few sessions to compare"));
    }

    void wholeCaptureWindowTakesTheCalmInside()
    {
        // An hour of calm payments (60 ms), then 5 minutes at 2 s without errors, then calm again; the
        // window is a day around it: nothing outside to call normal.
        const std::string path = m_dir.filePath(QStringLiteral("whole.seam")).toStdString();
        int slow = 0;
        {
            StoreWriter w(path);
            int i = 0;
            for (TimeNs s = kT0; s < kT0 + 80 * kMinute; s += 5'000'000'000, ++i) {
                const bool incident = s >= kT0 + 60 * kMinute && s < kT0 + 65 * kMinute;
                slow += incident ? 1 : 0;
                w.submit(0, impactSession(500'000 + i, false, false, s, incident ? 2000 : 60));
            }
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(path);
        ImpactQuery q;
        q.service = "payments";
        q.from = kT0 - 12 * 60 * kMinute;
        q.to = kT0 + 12 * 60 * kMinute;
        const ImpactResult r = businessImpact(db, q);
        QVERIFY(r.normalFromInside);
        QVERIFY2(r.normalP99 > 30'000'000 && r.normalP99 < 200'000'000,
                 qPrintable(QString::number(r.normalP99)));
        QVERIFY(anyNoteHas(r, "calm periods"));
        QCOMPARE(r.pageLoads.total, std::int64_t(960));
        QCOMPARE(r.pageLoads.affected, std::int64_t(slow));
    }
};

QTEST_GUILESS_MAIN(TestImpactControls)
#include "tst_impactcontrols.moc"
