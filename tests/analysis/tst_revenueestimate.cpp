// RevenueEstimate: lost revenue is lost conversions times what an affected session's conversion is
// worth (all compared conversions when too few affected ones converted); a difference in spend per
// conversion is measured and reported, not added; the interval carries both uncertainties.

#include "RevenueEstimate.h"

#include <QTest>

using namespace seam;

namespace {

struct Landmarks
{
    std::vector<ComparedSession> sessions;
    std::vector<double> revenue;
    std::vector<bool> converted;

    void add(bool affected, bool converts, double value, double weight = 1)
    {
        sessions.push_back({affected, "/checkout", 1, converts ? 1.0 : 0.0, affected ? 0 : -1, weight});
        revenue.push_back(converts ? value : 0.0);
        converted.push_back(converts);
    }
};

} // namespace

class TestRevenueEstimate : public QObject
{
    Q_OBJECT

private slots:
    void lostConversionsAtTheAffectedSessionsWorth()
    {
        // 30 affected conversions worth 50, 100 control conversions worth 100: the lost ones were the
        // affected sessions' own (50 each), and the spend difference (-50) is said, not added.
        Landmarks l;
        for (int i = 0; i < 60; ++i)
            l.add(true, i < 30, 40 + 20 * (i % 2));
        for (int i = 0; i < 150; ++i)
            l.add(false, i < 100, 90 + 20 * (i % 2));
        const RevenueEstimate r = estimateRevenue(l.sessions, l.revenue, l.converted, 10, 5, 15);
        QVERIFY(r.fromAffected);
        QCOMPARE(r.affectedConverters, std::int64_t(30));
        QCOMPARE(r.controlConverters, std::int64_t(100));
        QVERIFY(qFuzzyCompare(r.valuePerConversion, 50.0));
        QVERIFY(qFuzzyCompare(r.lost, 500.0));
        QVERIFY(r.ciLow < 500 && r.ciHigh > 500);
        QVERIFY(qFuzzyCompare(r.spendDifference, -50.0));
        QVERIFY(r.spendHigh < 0); // clearly lower spend
        // The conversions' own uncertainty alone: 10 [5, 15] at 50 is at least [250, 750].
        QVERIFY(r.ciLow <= 250 && r.ciHigh >= 750);
    }

    void tooFewAffectedConversionsUseAllOfThem()
    {
        Landmarks l;
        for (int i = 0; i < 20; ++i)
            l.add(true, i < 5, 50);
        for (int i = 0; i < 100; ++i)
            l.add(false, i < 50, 100, i < 25 ? 2.0 : 1.0); // 25 conversions stand for two sessions
        const RevenueEstimate r = estimateRevenue(l.sessions, l.revenue, l.converted, 4, 1, 7);
        QVERIFY(!r.fromAffected);
        // Weighted: (5 x 50 + 75 x 100) / (5 + 75) = 96.875.
        QVERIFY(qFuzzyCompare(r.valuePerConversion, 96.875));
        QVERIFY(qFuzzyCompare(r.lost, 4 * 96.875));
    }

    void spreadOfValuesWidensTheInterval()
    {
        Landmarks constant, spread;
        for (int i = 0; i < 100; ++i) {
            constant.add(true, i < 40, 100);
            spread.add(true, i < 40, i % 2 ? 20 : 180);
        }
        const RevenueEstimate a =
            estimateRevenue(constant.sessions, constant.revenue, constant.converted, 20, 10, 30);
        const RevenueEstimate b =
            estimateRevenue(spread.sessions, spread.revenue, spread.converted, 20, 10, 30);
        QVERIFY(qFuzzyCompare(a.lost, b.lost));
        QVERIFY(b.ciHigh - b.ciLow > a.ciHigh - a.ciLow);
        // No spend difference measurable without controls.
        QCOMPARE(a.controlConverters, std::int64_t(0));
        QVERIFY(qFuzzyIsNull(a.spendDifference));
    }

    void noLossNoRevenueLost()
    {
        Landmarks l;
        for (int i = 0; i < 40; ++i) {
            l.add(true, i < 20, 80);
            l.add(false, i < 20, 80);
        }
        const RevenueEstimate r = estimateRevenue(l.sessions, l.revenue, l.converted, 0, -6, 6);
        QVERIFY(qFuzzyIsNull(r.lost));
        QVERIFY(r.ciLow < 0 && r.ciHigh > 0);
    }
};

QTEST_GUILESS_MAIN(TestRevenueEstimate)
#include "tst_revenueestimate.moc"
