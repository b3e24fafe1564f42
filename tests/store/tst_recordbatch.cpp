// RecordBatch::append (store/Records.h), which the writer uses to merge the small batches of one source
// queued for the same commit: every record arrives once, in order, and merging n batches moves the
// records already merged only O(log n) times (an exact reserve() per append once made it n times:
// quadratic in the size of a group commit).

#include "Records.h"

#include <QTest>

using namespace seam;

namespace {

RecordBatch oneSpanBatch(std::uint64_t n)
{
    RecordBatch b;
    SpanRecord s;
    s.spanId = n;
    s.name = "span " + std::to_string(n);
    b.spans.push_back(std::move(s));
    b.items = 1;
    return b;
}

} // namespace

class TestRecordBatch : public QObject
{
    Q_OBJECT

private slots:
    void appendKeepsEveryRecordInOrder()
    {
        RecordBatch merged;
        for (std::uint64_t n = 1; n <= 300; ++n)
            merged.append(oneSpanBatch(n));
        QCOMPARE(merged.spans.size(), std::size_t(300));
        QCOMPARE(merged.items, std::uint64_t(300));
        for (std::uint64_t n = 1; n <= 300; ++n) {
            QCOMPARE(merged.spans[n - 1].spanId, SpanId(n));
            QCOMPARE(merged.spans[n - 1].name, "span " + std::to_string(n));
        }
    }

    void appendGrowsGeometrically()
    {
        RecordBatch merged;
        // Each new buffer moved every record merged so far (the old one is alive while they move, so
        // a new buffer is always at another address than the one before it).
        int moves = 0;
        const SpanRecord* buffer = nullptr;
        constexpr int kBatches = 4096;
        for (int n = 0; n < kBatches; ++n) {
            merged.append(oneSpanBatch(std::uint64_t(n)));
            if (merged.spans.data() != buffer)
                ++moves;
            buffer = merged.spans.data();
        }
        QCOMPARE(merged.spans.size(), std::size_t(kBatches));
        // Doubling: about log2(4096) = 12 buffers; an exact reserve per append: 4096.
        QVERIFY2(moves <= 40, qPrintable(QString::number(moves)));
    }
};

QTEST_GUILESS_MAIN(TestRecordBatch)
#include "tst_recordbatch.moc"
