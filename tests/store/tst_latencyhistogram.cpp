#include "LatencyHistogram.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using namespace seam;

class TestLatencyHistogram : public QObject
{
    Q_OBJECT

private slots:
    void quantilesWithinSixPercent()
    {
        std::mt19937_64 rng(7);
        std::lognormal_distribution<double> dist(std::log(50e6), 0.8); // ~50 ms median
        std::vector<std::int64_t> values;
        LatencyHistogram h;
        for (int i = 0; i < 100000; ++i) {
            const auto v = std::int64_t(dist(rng));
            values.push_back(v);
            h.add(v);
        }
        std::sort(values.begin(), values.end());
        for (double q : {0.5, 0.95, 0.99}) {
            const double truth = double(values[std::size_t(q * double(values.size() - 1))]);
            const double got = double(h.quantile(q));
            QVERIFY2(std::abs(got - truth) / truth < 0.07, qPrintable(QString::number(q)));
        }
    }

    void encodeDecodeAndMergeRoundTrip()
    {
        LatencyHistogram a, b;
        for (int i = 1; i < 1000; ++i)
            a.add(i * 1000);
        for (int i = 1; i < 500; ++i)
            b.add(i * 100000);
        LatencyHistogram decoded;
        QVERIFY(decoded.decode(a.encode()));
        QCOMPARE(decoded.count(), a.count());
        QCOMPARE(decoded.quantile(0.5), a.quantile(0.5));
        QVERIFY(decoded.mergeEncoded(b.encode()));
        a.merge(b);
        QCOMPARE(decoded.count(), a.count());
        QCOMPARE(decoded.quantile(0.9), a.quantile(0.9));
    }

    void edgeValues()
    {
        LatencyHistogram h;
        QCOMPARE(h.quantile(0.5), 0);
        h.add(0);
        h.add(-5);
        h.add(std::int64_t(1) << 62);
        QCOMPARE(h.count(), 3u);
        QVERIFY(h.quantile(1.0) > (std::int64_t(1) << 61));
        LatencyHistogram bad;
        QVERIFY(!bad.decode(std::string("\xff\xff\xff", 3)));
    }
};

QTEST_GUILESS_MAIN(TestLatencyHistogram)
#include "tst_latencyhistogram.moc"
