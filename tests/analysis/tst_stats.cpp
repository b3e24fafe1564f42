// analysis/Stats against values published or computed exactly elsewhere (R's fisher.test,
// wilcox.test and p.adjust give the same numbers).
#include "Stats.h"

#include <QTest>
#include <random>

using namespace seam;

namespace {

bool near(double a, double b, double relative = 1e-6)
{
    return std::abs(a - b) <= relative * std::max(std::abs(a), std::abs(b));
}

} // namespace

class TestStats : public QObject
{
    Q_OBJECT

private slots:
    void fisherKnownTables()
    {
        // The lady tasting tea (Fisher 1935): p = 0.4857; Wikipedia's example [[1,9],[11,3]]: 0.002759.
        QVERIFY(near(stats::fisherExact(3, 1, 1, 3), 0.4857142857142857));
        QVERIFY(near(stats::fisherExact(1, 9, 11, 3), 0.0027594561852200836));
        QVERIFY(near(stats::fisherExact(10, 2, 3, 15), 0.0005367241191434358));
        // Exact rational sums (Python fractions) for a larger table.
        QVERIFY(near(stats::fisherExact(120, 380, 40, 460), 3.903690837896945e-12, 1e-5));
        QCOMPARE(stats::fisherExact(0, 0, 0, 0), 1.0);
        QVERIFY(near(stats::fisherExact(5, 5, 5, 5), 1.0));
        // Symmetric in rows and columns.
        QVERIFY(near(stats::fisherExact(9, 1, 3, 11), stats::fisherExact(3, 11, 9, 1)));
        QVERIFY(near(stats::fisherExact(9, 1, 3, 11), stats::fisherExact(9, 3, 1, 11)));
    }

    void chiSquaredKnownTable()
    {
        // [[120,380],[40,460]]: expected 80/420 per row, chi2 = 47.619, p = 5.176e-12.
        QVERIFY(near(stats::chiSquared(120, 380, 40, 460), 5.176309056990185e-12, 1e-6));
        QCOMPARE(stats::chiSquared(0, 0, 3, 4), 1.0);
        // categoryTest: Fisher while affordable, chi-squared for huge tables (and they agree there).
        QVERIFY(near(stats::categoryTest(10, 2, 3, 15), 0.0005367241191434358));
        const double big = stats::categoryTest(30'000, 70'000, 31'000, 69'000);
        QVERIFY(near(big, stats::chiSquared(30'000, 70'000, 31'000, 69'000)));
        QVERIFY(big < 1e-5);
    }

    void mannWhitneyKnownSamples()
    {
        // Complete separation of 3 and 3: U = 0, z = (0 + 0.5 - 4.5) / sqrt(9 * 7 / 12) = -1.7457,
        // p = 0.08086 (R: wilcox.test(1:3, 4:6, exact = FALSE)).
        const std::vector<double> x = {1, 2, 3}, y = {4, 5, 6};
        const auto r = stats::mannWhitney(x, y);
        QCOMPARE(r.u, 0.0);
        QVERIFY(near(r.z, -1.7457431218879391));
        QVERIFY(near(r.p, 0.0808555983700523));
        // With ties (R: W = 2.5, p-value = 0.07855).
        const std::vector<double> a = {1, 2, 2, 3}, b = {2, 3, 4, 5, 5};
        const auto t = stats::mannWhitney(a, b);
        QCOMPARE(t.u, 2.5);
        QVERIFY(near(t.p, 0.0785458509511907));
        // Swapping the samples mirrors z.
        QVERIFY(near(stats::mannWhitney(b, a).z, -t.z));
        // Degenerate: nothing to compare, or everything tied.
        QCOMPARE(stats::mannWhitney({}, y).p, 1.0);
        const std::vector<double> same = {2, 2, 2};
        QCOMPARE(stats::mannWhitney(same, same).p, 1.0);
    }

    void mannWhitneyFindsAShiftAndNotNoise()
    {
        std::mt19937_64 rng(7);
        std::normal_distribution<double> n(0, 1);
        std::vector<double> x(400), y(400), z(400);
        for (std::size_t i = 0; i < 400; ++i) {
            x[i] = n(rng);
            y[i] = n(rng);
            z[i] = n(rng) + 0.5;
        }
        QVERIFY(stats::mannWhitney(x, y).p > 0.01);
        QVERIFY(stats::mannWhitney(z, y).p < 1e-6);
        QVERIFY(stats::mannWhitney(z, y).z > 0);
    }

    void benjaminiHochbergKnownValues()
    {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH") = 0.02 0.04 0.04 0.02.
        const std::vector<double> p = {0.01, 0.04, 0.03, 0.005};
        const auto q = stats::benjaminiHochberg(p);
        const std::vector<double> expected = {0.02, 0.04, 0.04, 0.02};
        for (std::size_t i = 0; i < p.size(); ++i)
            QVERIFY(near(q[i], expected[i]));
        QCOMPARE(stats::benjaminiHochberg(std::vector<double>{0.9, 1.0}), (std::vector<double>{1.0, 1.0}));
        QVERIFY(stats::benjaminiHochberg({}).empty());
    }

    void quantiles()
    {
        const std::vector<double> v = {1, 2, 3, 4};
        QCOMPARE(stats::quantileSorted(v, 0.5), 2.5);
        QCOMPARE(stats::quantileSorted(v, 0.75), 3.25); // R: quantile(1:4, 0.75) = 3.25
        QCOMPARE(stats::quantileSorted(v, 1.0), 4.0);
        QCOMPARE(stats::quantileSorted({}, 0.5), 0.0);
        QVERIFY(near(stats::normalTwoSided(1.959963984540054), 0.05));
    }
};

QTEST_GUILESS_MAIN(TestStats)
#include "tst_stats.moc"
