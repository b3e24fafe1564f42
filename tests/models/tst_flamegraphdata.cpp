#include "FlameGraphData.h"
#include "RecordFactory.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

FlameSpan span(std::int64_t id, std::int64_t parent, std::int64_t start, std::int64_t end, int service = 0,
               int operation = 0, bool error = false, std::int64_t trace = 1)
{
    FlameSpan s;
    s.trace = trace;
    s.spanId = id;
    s.parentSpanId = parent;
    s.service = service;
    s.operation = operation;
    s.start = start;
    s.end = end;
    s.error = error;
    return s;
}

const QStringList kServices{QStringLiteral("gateway"), QStringLiteral("payments"),
                            QStringLiteral("Postgres")};
const QStringList kOperations{QStringLiteral("POST /checkout"), QStringLiteral("charge"),
                              QStringLiteral("SELECT FOR UPDATE")};

/// Every frame sits one row below its parent, or in row 0 without one; rows are sorted by start.
void checkInvariants(const FlameGraphData& d)
{
    for (int i = 0; i < d.frameCount(); ++i) {
        const FlameFrame& f = d.frame(i);
        if (f.parent < 0)
            QCOMPARE(f.depth, 0);
        else
            QCOMPARE(f.depth, d.frame(f.parent).depth + 1);
        QVERIFY(i >= d.rowBegin(f.depth) && i < d.rowEnd(f.depth));
    }
    for (int r = 0; r < d.rowCount(); ++r) {
        const auto row = d.row(r);
        QVERIFY(std::is_sorted(row.begin(), row.end(),
                               [](const FlameFrame& a, const FlameFrame& b) { return a.start < b.start; }));
    }
}

int indexOf(const FlameGraphData& d, std::int64_t spanId, std::int64_t start = -1)
{
    for (int i = 0; i < d.frameCount(); ++i)
        if (d.frame(i).spanId == spanId && (start < 0 || d.frame(i).start == start))
            return i;
    return -1;
}

} // namespace

class TestFlameGraphData : public QObject
{
    Q_OBJECT

private slots:
    void depthFollowsTheParentChain()
    {
        // Given out of order on purpose: the layout must not depend on input order.
        const FlameGraphData d = FlameGraphData::build({span(3, 2, 20, 40, 2, 2), span(4, 1, 60, 90, 1, 1),
                                                        span(1, 0, 0, 100), span(2, 1, 10, 50, 1, 1)},
                                                       kServices, kOperations);
        QCOMPARE(d.frameCount(), 4);
        QCOMPARE(d.rowCount(), 3);
        QCOMPARE(d.frame(indexOf(d, 1)).depth, 0);
        QCOMPARE(d.frame(indexOf(d, 2)).depth, 1);
        QCOMPARE(d.frame(indexOf(d, 3)).depth, 2);
        QCOMPARE(d.frame(indexOf(d, 4)).depth, 1);
        QCOMPARE(d.frame(indexOf(d, 3)).parent, indexOf(d, 2));
        QCOMPARE(d.row(1).size(), std::size_t(2));
        QCOMPARE(d.row(1)[0].spanId, 2); // sorted by start
        QCOMPARE(d.row(1)[1].spanId, 4);
        QCOMPARE(d.start(), 0);
        QCOMPARE(d.end(), 100);
        QCOMPARE(d.serviceName(d.frame(indexOf(d, 3)).service), QStringLiteral("Postgres"));
        QCOMPARE(d.operationName(d.frame(indexOf(d, 4)).operation), QStringLiteral("charge"));
        QCOMPARE(d.firstChild(indexOf(d, 1)), indexOf(d, 2));
        QCOMPARE(d.firstChild(indexOf(d, 3)), -1);
        checkInvariants(d);
    }

    void orphansBecomeRoots()
    {
        const FlameGraphData d = FlameGraphData::build(
            {span(1, 0, 0, 100), span(2, 1, 10, 20), span(7, 0x999, 30, 60), span(8, 7, 35, 50)}, kServices,
            kOperations);
        QCOMPARE(d.frame(indexOf(d, 7)).depth, 0);
        QCOMPARE(d.frame(indexOf(d, 7)).parent, -1);
        QCOMPARE(d.frame(indexOf(d, 8)).depth, 1);
        QCOMPARE(d.row(0).size(), std::size_t(2));
        checkInvariants(d);
    }

    void cyclesAreCutNotFollowed()
    {
        // 1 -> 2 -> 3 -> 1 (no root at all), 4 under 1, and 5 its own parent.
        const FlameGraphData d =
            FlameGraphData::build({span(1, 3, 0, 100), span(2, 1, 10, 90), span(3, 2, 20, 80),
                                   span(4, 1, 30, 40), span(5, 5, 0, 10)},
                                  kServices, kOperations);
        QCOMPARE(d.frameCount(), 5);
        QCOMPARE(d.frame(indexOf(d, 5)).parent, -1);
        int cycleRoots = 0;
        for (const std::int64_t id : {1, 2, 3})
            cycleRoots += d.frame(indexOf(d, id)).parent < 0;
        QCOMPARE(cycleRoots, 1);
        checkInvariants(d);
    }

    void deepChainsNeitherRecurseNorHang()
    {
        std::vector<FlameSpan> spans;
        constexpr int kDepth = 200'000;
        for (int i = 1; i <= kDepth; ++i)
            spans.push_back(span(i, i - 1, i, 2 * kDepth - i));
        spans.push_back(span(0x7fff'0000, kDepth, 0, 1)); // one leaf below the deepest span
        const FlameGraphData d = FlameGraphData::build(std::move(spans), kServices, kOperations);
        QCOMPARE(d.rowCount(), kDepth + 1);
        QCOMPARE(d.frame(indexOf(d, kDepth)).depth, kDepth - 1);
    }

    void mergedTracesKeepTheirOwnParents()
    {
        // Two traces reusing the same span ids, as RecordFactory's backend batches do.
        std::vector<FlameSpan> spans;
        for (const std::int64_t trace : {10, 20}) {
            const std::int64_t t0 = trace * 1000;
            spans.push_back(
                span(0x100, 0x42, t0, t0 + 500, 0, 0, false, trace)); // orphan: browser span absent
            spans.push_back(span(0x101, 0x100, t0 + 10, t0 + 400, 1, 1, false, trace));
            spans.push_back(span(0x102, 0x101, t0 + 20, t0 + 300, 2, 2, trace == 20, trace));
        }
        const FlameGraphData d = FlameGraphData::build(std::move(spans), kServices, kOperations);
        QCOMPARE(d.frameCount(), 6);
        QCOMPARE(d.rowCount(), 3);
        for (int r = 0; r < 3; ++r)
            QCOMPARE(d.row(r).size(), std::size_t(2));
        QCOMPARE(d.row(0)[0].start, 10'000);
        QCOMPARE(d.row(0)[1].start, 20'000);
        // Each 0x102 hangs under the 0x101 of its own trace.
        for (const FlameFrame& f : d.row(2))
            QCOMPARE(d.frame(d.frame(f.parent).parent).start, f.start - 20);
        QVERIFY(!d.row(2)[0].error);
        QVERIFY(d.row(2)[1].error);
        QCOMPARE(d.errorCount(0, d.frameCount()), 1);
        QCOMPARE(d.errorCount(d.rowBegin(2), d.rowBegin(2) + 1), 0);
        QCOMPARE(d.errorCount(d.rowBegin(2) + 1, d.rowEnd(2)), 1);
        QCOMPARE(d.start(), 10'000);
        QCOMPARE(d.end(), 20'500);
        checkInvariants(d);
    }

    void frameAtRowBoundaries()
    {
        const FlameGraphData d = FlameGraphData::build(
            {span(1, 0, 0, 100), span(2, 0, 100, 200), span(3, 0, 300, 400), span(9, 3, 300, 310)}, kServices,
            kOperations);
        const int a = indexOf(d, 1), b = indexOf(d, 2), c = indexOf(d, 3);
        QCOMPARE(d.frameAt(0, 0), a);
        QCOMPARE(d.frameAt(0, 50), a);
        QCOMPARE(d.frameAt(0, 99), a);
        QCOMPARE(d.frameAt(0, 100), b); // shared edge: the later frame, painted on top
        QCOMPARE(d.frameAt(0, 200), b);
        QCOMPARE(d.frameAt(0, 250), -1); // the gap
        QCOMPARE(d.frameAt(0, 400), c);
        QCOMPARE(d.frameAt(0, 401), -1);
        QCOMPARE(d.frameAt(0, -1), -1);
        QCOMPARE(d.frameAt(0, 210, 20), b);
        QCOMPARE(d.frameAt(0, 280, 30), c);
        QCOMPARE(d.frameAt(0, -5, 10), a);
        QCOMPARE(d.frameAt(0, 405, 10), c);
        QCOMPARE(d.frameAt(0, 98, 5), a); // an exact hit beats a near neighbour
        QCOMPARE(d.frameAt(1, 305), indexOf(d, 9));
        QCOMPARE(d.frameAt(1, 200), -1);
        QCOMPARE(d.frameAt(2, 305), -1);
        QCOMPARE(d.frameAt(-1, 305), -1);
        QCOMPARE(d.firstEndingAfter(0, 150), b);
        QCOMPARE(d.firstEndingAfter(0, 201), c);
        QCOMPARE(d.firstEndingAfter(0, 500), d.rowEnd(0));
    }

    void frameAtWithConcurrentSiblings()
    {
        // Parallel calls share a row and overlap: the long one must stay reachable around the short.
        const FlameGraphData d = FlameGraphData::build(
            {span(1, 0, 0, 1000), span(2, 1, 0, 900), span(3, 1, 100, 200), span(4, 1, 150, 300)}, kServices,
            kOperations);
        QCOMPARE(d.frameAt(1, 50), indexOf(d, 2));
        QCOMPARE(d.frameAt(1, 120), indexOf(d, 3));
        QCOMPARE(d.frameAt(1, 160), indexOf(d, 4)); // topmost of three
        QCOMPARE(d.frameAt(1, 500), indexOf(d, 2));
        QCOMPARE(d.frameAt(1, 950), -1);
        QCOMPARE(d.firstEndingAfter(1, 250), d.rowBegin(1)); // the long frame is still visible there
        QCOMPARE(d.maxEndUpTo(d.rowEnd(1) - 1), 900);
    }

    void selfTimeSubtractsTheUnionOfChildren()
    {
        const FlameGraphData d =
            FlameGraphData::build({span(1, 0, 0, 100), span(2, 1, 10, 30), span(3, 1, 20, 50),
                                   span(4, 1, 60, 70), span(5, 1, 90, 150), span(6, 4, 60, 70)},
                                  kServices, kOperations);
        QCOMPARE(d.selfTime(indexOf(d, 1)), 100 - 40 - 10 - 10); // [10,50] [60,70] [90,100 clipped]
        QCOMPARE(d.selfTime(indexOf(d, 4)), 0);
        QCOMPARE(d.selfTime(indexOf(d, 3)), 30);
    }

    void searchIsCaseInsensitiveOverServiceAndOperation()
    {
        const FlameGraphData d = FlameGraphData::build(
            {span(1, 0, 0, 100, 0, 0), span(2, 1, 10, 50, 1, 1), span(3, 2, 20, 40, 2, 2)}, kServices,
            kOperations);
        QCOMPARE(d.search(u"postgres"), std::vector<int>{indexOf(d, 3)});
        QCOMPARE(d.search(u"CHARGE"), std::vector<int>{indexOf(d, 2)});
        QCOMPARE(d.search(u"e").size(), std::size_t(3));
        QVERIFY(d.search(u"").empty());
        QVERIFY(d.search(u"nothing").empty());
    }

    void unknownNamesAreEmptyNotOutOfRange()
    {
        const FlameGraphData d = FlameGraphData::build({span(1, 0, 0, 100, 42, -7)}, kServices, kOperations);
        QCOMPARE(d.frame(0).service, -1);
        QCOMPARE(d.frame(0).operation, -1);
        QVERIFY(d.serviceName(d.frame(0).service).isEmpty());
        QVERIFY(d.search(u"x").empty());
    }

    void emptyInput()
    {
        const FlameGraphData d = FlameGraphData::build({}, {}, {});
        QVERIFY(d.isEmpty());
        QCOMPARE(d.rowCount(), 0);
        QCOMPARE(d.frameAt(0, 0), -1);
    }

    void loadsFromACache()
    {
        using namespace seam::test;
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("f.seam")).toStdString();
        {
            StoreWriter w(path);
            for (int i = 0; i < 2; ++i) {
                const TimeNs t0 = kT0 + i * 60'000'000'000LL;
                w.submit(0, browserBatch(i, traceId(i), 0x42, t0));
                w.submit(0,
                         backendBatch(traceId(i), 0x42, t0, i == 1 ? StatusCode::Error : StatusCode::Unset));
            }
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(path);
        std::vector<std::int64_t> traces;
        Statement st = db.prepare("SELECT id FROM traces ORDER BY start_ns");
        while (st.step())
            traces.push_back(st.int64(0));
        QCOMPARE(traces.size(), std::size_t(2));

        const FlameGraphData one = FlameGraphData::load(db, {traces[0]});
        QCOMPARE(one.frameCount(), 3); // the three backend spans; the browser's fetch is left out
        QCOMPARE(one.rowCount(), 3);
        QCOMPARE(one.serviceName(one.row(0)[0].service), QStringLiteral("gateway"));
        QCOMPARE(one.operationName(one.row(2)[0].operation), QStringLiteral("SELECT FOR UPDATE"));
        QCOMPARE(one.row(2)[0].end - one.row(2)[0].start, 1'500'000'000);
        QCOMPARE(one.selfTime(one.rowBegin(1)), 100'000'000); // payments 1600 ms around a 1500 ms query
        QCOMPARE(one.search(u"payments").size(), std::size_t(2));
        for (const FlameFrame& f : one.frames())
            QVERIFY(!f.error);

        const FlameGraphData both = FlameGraphData::load(db, {traces[0], traces[1], traces[0]});
        QCOMPARE(both.frameCount(), 6); // the repeated trace is read once
        QCOMPARE(both.row(0).size(), std::size_t(2));
        QVERIFY(!both.row(1)[0].error);
        QVERIFY(both.row(1)[1].error);
        QCOMPARE(both.end() - both.start(), 60'000'000'000LL + 1'700'000'000); // gateway to gateway
        checkInvariants(both);

        QVERIFY(FlameGraphData::load(db, {}).isEmpty());
        QVERIFY(FlameGraphData::load(db, {9999}).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFlameGraphData)
#include "tst_flamegraphdata.moc"
