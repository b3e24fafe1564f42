// The reading half of the Prometheus RED pull (importers/remote/prometheus/PrometheusMatrix) on
// query_range answers written by hand: cells per service, operation and bucket, and what a hostile
// server's numbers cannot do (overflow the totals, reach a bucket from a non-finite time).

#include "BatchSink.h"
#include "PrometheusMatrix.h"
#include "Records.h"

#include <QTest>
#include <limits>

using namespace seam;

namespace {

QByteArray matrix(const QByteArray& series)
{
    return R"({"status":"success","data":{"resultType":"matrix","result":[)" + series + "]}}";
}

} // namespace

class TestPrometheusMatrix : public QObject
{
    Q_OBJECT

private slots:
    void callsBecomeCells()
    {
        remote::PrometheusMatrix m{remote::PrometheusSource{}};
        m.addCalls(matrix(
            R"({"metric":{"service_name":"checkout","span_name":"POST /pay","span_kind":"SPAN_KIND_SERVER",)"
            R"("status_code":"STATUS_CODE_ERROR"},"values":[[1000,"3"],[1010,"0"]]},)"
            R"({"metric":{"service_name":"checkout","span_name":"POST /pay","span_kind":"SPAN_KIND_SERVER",)"
            R"("status_code":"STATUS_CODE_UNSET"},"values":[[1000,"7"]]})"));
        CollectingSink sink;
        QCOMPARE(m.submit(sink), 2); // the operation and the service as a whole, bucket 990 s
        QCOMPARE(m.requests(), 10);
        QCOMPARE(m.series(), 1);
        const RecordBatch& b = sink.batches.at(0);
        for (const RollupRow& r : b.rollups) {
            QCOMPARE(r.bucket, std::int64_t(990) * 1'000'000'000);
            QCOMPARE(r.requests, 10);
            QCOMPARE(r.errors, 3);
        }
    }

    void hostileNumbersStayBounded()
    {
        remote::PrometheusMatrix m{remote::PrometheusSource{}};
        // Two operations each claiming 9e18 calls, a NaN and an infinite time, a NaN bucket bound.
        m.addCalls(matrix(
            R"({"metric":{"service_name":"a","span_name":"x"},"values":[[1000,"9e18"]]},)"
            R"({"metric":{"service_name":"a","span_name":"y"},"values":[[1000,"9e18"],[1e300,"5"]]})"));
        m.addBuckets(
            matrix(R"({"metric":{"service_name":"a","span_name":"x","le":"NaN"},"values":[[1000,"1"]]})"));
        CollectingSink sink;
        QCOMPARE(m.submit(sink), 2);
        QCOMPARE(m.requests(), std::numeric_limits<std::int64_t>::max());
        for (const RollupRow& r : sink.batches.at(0).rollups)
            QVERIFY(r.requests > 0);
    }

    void notASuccessfulAnswerIsNothing()
    {
        QVERIFY(remote::PrometheusMatrix::resultOf(R"({"status":"error","error":"bad query"})").isEmpty());
        QVERIFY(remote::PrometheusMatrix::resultOf("not json").isEmpty());
    }
};

QTEST_APPLESS_MAIN(TestPrometheusMatrix)
#include "tst_prometheusmatrix.moc"
