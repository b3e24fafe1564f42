// CriticalPath: the last-finishing-child walk over hand-built traces and page loads (overlapping
// children, fire-and-forget spans, timeouts, clock skew, missing parents), the tiling property on
// random page loads, and traces of a million spans (deep and wide) without recursion.
#include "ClockSkew.h"
#include "CriticalPath.h"

#include <QTest>
#include <algorithm>
#include <random>

using namespace seam;

namespace {

constexpr std::uint8_t kInternal = 1, kServer = 2, kClient = 3;

CriticalSpan span(std::uint64_t id, std::uint64_t parent, std::int64_t start, std::int64_t end,
                  std::int32_t service = 0, std::uint8_t kind = kInternal, std::int32_t operation = -1)
{
    return {id, parent, start, end, service, operation < 0 ? std::int32_t(id) : operation, kind};
}

using Piece = std::tuple<std::int32_t, std::int64_t, std::int64_t>; // span index, start, end

std::vector<Piece> pieces(const std::vector<TraceSegment>& segments)
{
    std::vector<Piece> out;
    for (const TraceSegment& s : segments)
        out.emplace_back(s.span, s.start, s.end);
    return out;
}

/// Sorted, contiguous, non-empty, from start to end: nothing missing, nothing counted twice.
bool tiles(const CriticalPath& p, QString* why)
{
    std::int64_t t = p.start;
    for (const CriticalSegment& s : p.segments) {
        if (s.start != t || s.end <= s.start) {
            *why = QStringLiteral("segment [%1, %2] at %3").arg(s.start).arg(s.end).arg(t);
            return false;
        }
        t = s.end;
    }
    if (t != p.end && !(p.segments.empty() && p.start == p.end)) {
        *why = QStringLiteral("ends at %1, not %2").arg(t).arg(p.end);
        return false;
    }
    const std::int64_t sum = p.bySide[0] + p.bySide[1] + p.bySide[2];
    if (sum != p.end - p.start) {
        *why = QStringLiteral("sides sum to %1, not %2").arg(sum).arg(p.end - p.start);
        return false;
    }
    return true;
}

CriticalPathInput randomPageLoad(std::mt19937_64& rng)
{
    auto uniform = [&](std::int64_t lo, std::int64_t hi) {
        return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
    };
    CriticalPathInput in;
    in.start = 1'000'000'000'000 + uniform(0, 1'000'000);
    in.duration = uniform(0, 5) == 0 ? -1 : uniform(1, 4'000'000'000);
    in.ttfb = uniform(0, 3) == 0 ? -1 : uniform(0, 900'000'000);
    in.url = "https://shop.example/p";
    in.names = {"gateway", "payments", "db", "op"};
    const int traces = int(uniform(0, 3));
    for (int t = 0; t < traces; ++t) {
        std::vector<CriticalSpan> spans;
        const int n = int(uniform(1, 60));
        for (int i = 0; i < n; ++i) {
            // Random parents, some missing, some cycles; random clocks (skew up to seconds).
            const std::uint64_t parent =
                uniform(0, 6) == 0 ? std::uint64_t(uniform(0, 1000)) : std::uint64_t(uniform(0, n));
            const std::int64_t s = in.start + uniform(-3'000'000'000, 5'000'000'000);
            spans.push_back(span(std::uint64_t(i + 1), parent, s, s + uniform(0, 2'000'000'000),
                                 std::int32_t(uniform(0, 2)), std::uint8_t(uniform(0, 5)), 3));
        }
        in.traces.push_back(std::move(spans));
    }
    const char* types[] = {"document", "fetch", "xhr", "script", "image", "css", "other"};
    const int resources = int(uniform(0, 12));
    for (int i = 0; i < resources; ++i) {
        CriticalResource r;
        r.type = types[uniform(0, 6)];
        r.url = "https://cdn.example/a/" + std::to_string(uniform(0, 5));
        r.start = in.start + uniform(-100'000'000, 3'000'000'000);
        r.duration = uniform(0, 6) == 0 ? -1 : uniform(0, 2'500'000'000);
        for (std::int64_t* phase : {&r.dns, &r.connect, &r.ssl, &r.ttfb, &r.download})
            *phase = uniform(0, 2) == 0 ? -1 : uniform(0, 900'000'000);
        r.trace = traces > 0 && uniform(0, 1) ? std::int32_t(uniform(0, traces - 1)) : -1;
        r.entrySpan = uniform(0, 2) == 0 ? 0 : std::uint64_t(uniform(1, 70));
        in.resources.push_back(std::move(r));
    }
    const int tasks = int(uniform(0, 5));
    for (int i = 0; i < tasks; ++i) {
        const std::int64_t s = in.start + uniform(0, 4'000'000'000);
        in.longTasks.push_back({s, s + uniform(50'000'000, 600'000'000)});
    }
    in.documentTrace = traces > 0 && uniform(0, 1) ? 0 : -1;
    return in;
}

} // namespace

class TestCriticalPath : public QObject
{
    Q_OBJECT

private slots:
    void overlappingChildrenFollowTheLastToFinish()
    {
        // P [0,100] waits on A [10,50] and B [40,90]. B finished last; A was still running when B
        // started, so it did not delay B: P's own time until 40, then B, then P again.
        const std::vector<CriticalSpan> spans = {span(1, 0, 0, 100), span(2, 1, 10, 50), span(3, 1, 40, 90)};
        const std::vector<std::int32_t> roots = {0};
        QCOMPARE(pieces(traceCriticalPath(spans, roots, 0, 100, 0)),
                 (std::vector<Piece>{{0, 0, 40}, {2, 40, 90}, {0, 90, 100}}));
    }

    void sequentialChildrenAreAllOnThePath()
    {
        const std::vector<CriticalSpan> spans = {span(1, 0, 0, 100), span(2, 1, 10, 30), span(3, 1, 30, 60),
                                                 span(4, 1, 70, 95), span(5, 4, 75, 90)};
        const std::vector<std::int32_t> roots = {0};
        QCOMPARE(pieces(traceCriticalPath(spans, roots, 0, 100, 0)), (std::vector<Piece>{{0, 0, 10},
                                                                                         {1, 10, 30},
                                                                                         {2, 30, 60},
                                                                                         {0, 60, 70},
                                                                                         {3, 70, 75},
                                                                                         {4, 75, 90},
                                                                                         {3, 90, 95},
                                                                                         {0, 95, 100}}));
    }

    void fireAndForgetChildIsNotWaitedFor()
    {
        // The same service's async child [60,200] outlives its parent: the parent returned at 100
        // without it, so [50,100] is the parent's own time.
        const std::vector<CriticalSpan> spans = {span(1, 0, 0, 100, 0, kServer), span(2, 1, 10, 50),
                                                 span(3, 1, 60, 200)};
        const std::vector<std::int32_t> roots = {0};
        QCOMPARE(pieces(traceCriticalPath(spans, roots, 0, 100, 0)),
                 (std::vector<Piece>{{0, 0, 10}, {1, 10, 50}, {0, 50, 100}}));
    }

    void remoteCalleeOutlivingItsCallerIsWaitedForUntilTheTimeout()
    {
        // checkout's client call gives up at 100; payments' server span runs on to 300, its SELECT
        // from 25 to 290. The caller waited on the SELECT until it timed out: no shift (the callee
        // started inside the caller), the callee clipped.
        const std::vector<CriticalSpan> spans = {
            span(1, 0, 0, 100, 0, kClient), span(2, 1, 20, 300, 1, kServer), span(3, 2, 25, 290, 1, kClient)};
        const std::vector<std::int32_t> roots = {0};
        QCOMPARE(pieces(traceCriticalPath(spans, roots, 0, 100, 0)),
                 (std::vector<Piece>{{0, 0, 20}, {1, 20, 25}, {2, 25, 100}}));
    }

    void clockSkewIsCorrectedAtEachRemoteHop()
    {
        // The callee's clock runs 4 s ahead: its server span [5000,5080] cannot be inside the call
        // [1000,1100]. It moves (with its query) to the call's middle: [1010,1090] and [1020,1080].
        const std::vector<CriticalSpan> spans = {span(1, 0, 1000, 1100, 0, kClient),
                                                 span(2, 1, 5000, 5080, 1, kServer),
                                                 span(3, 2, 5010, 5070, 1, kClient)};
        const std::vector<std::int32_t> roots = {0};
        QCOMPARE(pieces(traceCriticalPath(spans, roots, 1000, 1100, 0)),
                 (std::vector<Piece>{
                     {0, 1000, 1010}, {1, 1010, 1020}, {2, 1020, 1080}, {1, 1080, 1090}, {0, 1090, 1100}}));
        QCOMPARE(hopShift(1000, 1100, 5000, 5080), std::int64_t(-3990));
        QCOMPARE(hopShift(1000, 1100, 1050, 1300), std::int64_t(0));  // started inside: a timeout
        QCOMPARE(hopShift(1000, 1100, 900, 1300), std::int64_t(100)); // longer: starts with the caller
    }

    void browserHopShiftsTheBackendIntoTheRequestWait()
    {
        // A fetch [0,300] ms: request wait [100,280], download after. The backend's clock is 2 s
        // behind: its entry [-1900,-1780] (120 ms) lands in the middle of the wait, [130,250].
        constexpr std::int64_t ms = 1'000'000;
        CriticalPathInput in;
        in.start = 0;
        in.duration = 400 * ms;
        in.url = "https://shop.example/cart";
        in.names = {"gateway", "GET /api/cart"};
        in.traces = {{span(7, 0, -1900 * ms, -1780 * ms, 0, kServer, 1)}};
        CriticalResource fetch;
        fetch.type = "fetch";
        fetch.url = "https://shop.example/api/cart/12345?x=1";
        fetch.start = 0;
        fetch.duration = 300 * ms;
        fetch.dns = 0;
        fetch.connect = 100 * ms;
        fetch.ttfb = 180 * ms;
        fetch.download = 20 * ms;
        fetch.trace = 0;
        fetch.entrySpan = 7;
        in.resources = {fetch};
        const CriticalPath p = criticalPath(in);
        QString why;
        QVERIFY2(tiles(p, &why), qPrintable(why));
        QCOMPARE(p.segments.size(), std::size_t(6));
        QCOMPARE(p.segments[0].phase, CriticalPhase::Connect);
        QCOMPARE(p.segments[1].phase, CriticalPhase::Request);
        QCOMPARE(p.segments[2].side, CriticalSide::Backend);
        QCOMPARE(p.segments[2].start, 130 * ms);
        QCOMPARE(p.segments[2].end, 250 * ms);
        QCOMPARE(p.segments[2].operation, 1);
        QCOMPARE(p.segments[3].phase, CriticalPhase::Request);
        QCOMPARE(p.segments[4].phase, CriticalPhase::Download);
        QCOMPARE(p.segments[4].side, CriticalSide::Network); // an API response: the network's
        QCOMPARE(p.segments[5].phase, CriticalPhase::MainThread);
        QCOMPARE(p.bySide[int(CriticalSide::Backend)], 120 * ms);
        QCOMPARE(p.bySide[int(CriticalSide::Network)], 180 * ms);
        QCOMPARE(p.bySide[int(CriticalSide::Frontend)], 100 * ms);
        QCOMPARE(resourceName(fetch.url, in.url), std::string("/api/cart/:id"));
        QCOMPARE(resourceName("https://cdn.example/img/hero.webp", in.url),
                 std::string("cdn.example/img/hero.webp"));
    }

    void missingParentsMakeRootsUnderTheCall()
    {
        // No entry span named and the root lost: the two orphans are the backend's handling of the
        // call; the later one ([50,90]) is on the path, and before it the earlier one ([5,40]).
        constexpr std::int64_t ms = 1'000'000;
        CriticalPathInput in;
        in.duration = 100 * ms;
        in.names = {"a", "op"};
        in.traces = {{span(2, 99, 5 * ms, 40 * ms, 0, kServer, 1),
                      span(3, 98, 50 * ms, 90 * ms, 0, kServer, 1),
                      span(4, 3, 55 * ms, 85 * ms, 0, kInternal, 1)}};
        CriticalResource call;
        call.type = "xhr";
        call.url = "https://shop.example/api";
        call.duration = 100 * ms;
        call.trace = 0;
        in.resources = {call};
        const CriticalPath p = criticalPath(in);
        QString why;
        QVERIFY2(tiles(p, &why), qPrintable(why));
        QCOMPARE(p.bySide[int(CriticalSide::Backend)], 75 * ms);
        QCOMPARE(p.bySide[int(CriticalSide::Network)], 25 * ms);
    }

    void pageLoadWaitsForTheLastResourceAndLongTasks()
    {
        // Document [0,200] (TTFB 150, linked to a 120 ms server span), an image [250,1900] whose
        // download is 1500 ms, a script [220,300], a long task [1900,2000]; load end at 2100; a
        // beacon still running at the load's end was not waited for.
        constexpr std::int64_t ms = 1'000'000;
        CriticalPathInput in;
        in.duration = 2100 * ms;
        in.url = "https://shop.example/";
        in.names = {"gateway", "GET /"};
        in.traces = {{span(1, 0, 20 * ms, 140 * ms, 0, kServer, 1)}};
        CriticalResource doc{
            "document", "https://shop.example/", 0, 200 * ms, 0, 10 * ms, -1, 150 * ms, 40 * ms, 0, 1};
        CriticalResource img{"image",   "https://shop.example/img/hero-4k.webp",
                             250 * ms,  1650 * ms,
                             -1,        -1,
                             -1,        150 * ms,
                             1500 * ms, -1,
                             0};
        CriticalResource js{
            "script", "https://shop.example/app.js", 220 * ms, 80 * ms, -1, -1, -1, 40 * ms, 40 * ms, -1, 0};
        CriticalResource beacon{
            "beacon", "https://rum.example/i", 2050 * ms, 300 * ms, -1, -1, -1, -1, -1, -1, 0};
        in.resources = {img, beacon, js, doc}; // any order
        in.longTasks = {{1900 * ms, 2000 * ms}};
        const CriticalPath p = criticalPath(in);
        QString why;
        QVERIFY2(tiles(p, &why), qPrintable(why));
        QCOMPARE(p.bySide[int(CriticalSide::Backend)], 120 * ms);
        // Network: 10 connect + 30 request around the server span + 40 document download + image
        // request 150; frontend: the rest (main thread 50 + 100, image download 1500, long task 100).
        QCOMPARE(p.bySide[int(CriticalSide::Network)], 230 * ms);
        QCOMPARE(p.bySide[int(CriticalSide::Frontend)], 1750 * ms);
        const auto download =
            std::find_if(p.segments.begin(), p.segments.end(), [](const CriticalSegment& s) {
                return s.phase == CriticalPhase::Download && s.resource == 0;
            });
        QVERIFY(download != p.segments.end());
        QCOMPARE(download->end - download->start, 1500 * ms);
        QCOMPARE(download->side, CriticalSide::Frontend);
        QVERIFY(std::none_of(p.segments.begin(), p.segments.end(),
                             [](const CriticalSegment& s) { return s.resource == 1 || s.resource == 2; }));
    }

    void documentKnownOnlyFromTheTtfb()
    {
        constexpr std::int64_t ms = 1'000'000;
        CriticalPathInput in;
        in.duration = 500 * ms;
        in.ttfb = 300 * ms;
        in.names = {"gateway", "GET /"};
        in.traces = {{span(1, 0, 50 * ms, 250 * ms, 0, kServer, 1)}};
        in.documentTrace = 0;
        const CriticalPath p = criticalPath(in);
        QString why;
        QVERIFY2(tiles(p, &why), qPrintable(why));
        QCOMPARE(p.bySide[int(CriticalSide::Backend)], 200 * ms);
        QCOMPARE(p.bySide[int(CriticalSide::Network)], 100 * ms);
        QCOMPARE(p.bySide[int(CriticalSide::Frontend)], 200 * ms);
    }

    void segmentsTileTheLoadOnRandomInputs()
    {
        std::mt19937_64 rng(20261203);
        for (int i = 0; i < 3000; ++i) {
            CriticalPathInput in = randomPageLoad(rng);
            const CriticalPath p = criticalPath(in);
            QString why;
            QVERIFY2(tiles(p, &why), qPrintable(QStringLiteral("input %1: %2").arg(i).arg(why)));
            if (in.duration >= 0)
                QCOMPARE(p.end - p.start, in.duration);
            // Row order does not matter: spans and resources shuffled, the same path (by times,
            // sides and backend names).
            for (auto& t : in.traces)
                std::shuffle(t.begin(), t.end(), rng);
            const CriticalPath q = criticalPath(in);
            QCOMPARE(q.segments.size(), p.segments.size());
            for (std::size_t k = 0; k < p.segments.size(); ++k) {
                QCOMPARE(q.segments[k].start, p.segments[k].start);
                QCOMPARE(q.segments[k].side, p.segments[k].side);
                QCOMPARE(q.segments[k].operation, p.segments[k].operation);
            }
        }
    }

    void millionSpanTracesNeedNoRecursion()
    {
        // A chain a million deep (each span calls the next) and a million siblings under one root.
        constexpr std::size_t n = 1'000'000;
        std::vector<CriticalSpan> chain(n), wide(n);
        for (std::size_t i = 0; i < n; ++i) {
            chain[i] = span(i + 1, i, std::int64_t(i), std::int64_t(4 * n - i), 0, kInternal, 0);
            wide[i] = i == 0 ? span(1, 0, 0, std::int64_t(2 * n), 0, kServer, 0)
                             : span(i + 1, 1, std::int64_t(2 * i), std::int64_t(2 * i + 1), 0, kInternal, 0);
        }
        const std::vector<std::int32_t> roots = {0};
        const auto deep = traceCriticalPath(chain, roots, 0, std::int64_t(4 * n), 0);
        QCOMPARE(deep.size(), 2 * n - 1);
        QCOMPARE(deep.front().start, std::int64_t(0));
        QCOMPARE(deep.back().end, std::int64_t(4 * n));
        const auto flat = traceCriticalPath(wide, roots, 0, std::int64_t(2 * n), 0);
        QCOMPARE(flat.size(), 2 * (n - 1) + 1);
        std::int64_t covered = 0;
        for (const TraceSegment& s : flat)
            covered += s.end - s.start;
        QCOMPARE(covered, std::int64_t(2 * n));
    }
};

QTEST_GUILESS_MAIN(TestCriticalPath)
#include "tst_criticalpath.moc"
