// SpanTree: the one self-time rule (union of children) and parent resolution with cycles broken.
#include "SpanTree.h"

#include <QTest>

using namespace seam;

class TestSpanTree : public QObject
{
    Q_OBJECT

private slots:
    void overlappingChildrenCountOnce()
    {
        // A parent of 100 waiting on two parallel calls [10,50] and [30,70]: the union covers 60, so
        // self time is 40. Subtracting the sum (80) would say 20.
        const std::vector<ParentedInterval> spans = {{0, 100, -1}, {10, 50, 0}, {30, 70, 0}};
        const auto self = selfTimes(spans);
        QCOMPARE(self[0], std::int64_t(40));
        QCOMPARE(self[1], std::int64_t(40));
        QCOMPARE(self[2], std::int64_t(40));
    }

    void childrenAreClippedToTheParentInAnyOrder()
    {
        // Children given out of start order, one reaching past the parent's end, one nested in another.
        const std::vector<ParentedInterval> spans = {{0, 100, -1}, {90, 130, 0}, {10, 50, 0},
                                                     {20, 30, 0},  {60, 70, 0},  {-20, 5, 0}};
        const auto self = selfTimes(spans);
        // covered: [0,5] [10,50] [60,70] [90,100] = 5 + 40 + 10 + 10
        QCOMPARE(self[0], std::int64_t(100 - 65));
        QCOMPARE(self[3], std::int64_t(10));
    }

    void childLongerThanParentLeavesNoNegativeSelf()
    {
        const std::vector<ParentedInterval> spans = {{0, 10, -1}, {0, 50, 0}};
        QCOMPARE(selfTimes(spans)[0], std::int64_t(0));
    }

    void orphansAreRoots()
    {
        const std::vector<TreeSpan> spans = {{1, 0, 0, 10}, {2, 1, 1, 5}, {3, 99, 2, 4}};
        const SpanTree t = buildSpanTree(spans);
        QCOMPARE(t.parent, (std::vector<std::int32_t>{-1, 0, -1}));
        QVERIFY(t.cycleRoots.empty());
    }

    void selfParentIsBroken()
    {
        const std::vector<TreeSpan> spans = {{7, 7, 0, 10}, {8, 7, 1, 3}};
        const SpanTree t = buildSpanTree(spans);
        QCOMPARE(t.parent, (std::vector<std::int32_t>{-1, 0}));
        QCOMPARE(t.cycleRoots, (std::vector<std::int32_t>{0}));
        QCOMPARE(selfTimes(spans, t)[0], std::int64_t(8));
    }

    void cycleBrokenAtItsEarliestSpanWhateverTheOrder()
    {
        // A -> B -> C -> A, B starts first: B becomes the root, in every input order.
        std::vector<TreeSpan> spans = {{0xa, 0xc, 20, 30}, {0xb, 0xa, 10, 40}, {0xc, 0xb, 15, 35}};
        for (int round = 0; round < 3; ++round) {
            const SpanTree t = buildSpanTree(spans);
            QCOMPARE(t.cycleRoots.size(), std::size_t(1));
            const TreeSpan& root = spans[std::size_t(t.cycleRoots[0])];
            QCOMPARE(root.id, std::uint64_t(0xb));
            int roots = 0;
            for (const auto p : t.parent)
                roots += p < 0 ? 1 : 0;
            QCOMPARE(roots, 1);
            std::rotate(spans.begin(), spans.begin() + 1, spans.end());
        }
    }

    void longChainDoesNotRecurse()
    {
        std::vector<TreeSpan> spans(1'000'000);
        for (std::size_t i = 0; i < spans.size(); ++i)
            spans[i] = {i + 1, i, std::int64_t(i), std::int64_t(2'000'000 - i)};
        const SpanTree t = buildSpanTree(spans);
        QCOMPARE(t.parent.back(), std::int32_t(spans.size() - 2));
        QCOMPARE(selfTimes(spans, t).back(), std::int64_t(2'000'000 - 2 * 999'999));
    }
};

QTEST_APPLESS_MAIN(TestSpanTree)
#include "tst_spantree.moc"
