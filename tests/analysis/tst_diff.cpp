// seam diff's analysis (models/analysis TraceDiff, CohortCompare) and its output (models/report
// DiffJson): two hand-built traces with known self times give exact deltas; cohorts of different
// sizes compare per load; the folded output line by line; the same answer whatever order rows were
// written or read in; and the demo's ground truth (the payments lock grows most and is significant).
#include "CohortCompare.h"
#include "DemoGenerator.h"
#include "DiffJson.h"
#include "RecordFactory.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TraceDiff.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>

using namespace seam;
using namespace seam::test;

namespace {

constexpr TimeNs kMs = 1'000'000;

CriticalSpan cspan(std::uint64_t id, std::uint64_t parent, std::int64_t startMs, std::int64_t endMs,
                   std::int32_t service, std::int32_t operation)
{
    CriticalSpan s;
    s.id = id;
    s.parentId = parent;
    s.start = startMs * kMs;
    s.end = endMs * kMs;
    s.service = service;
    s.operation = operation;
    s.kind = 2;
    return s;
}

/// A: gw GET /x [0, 100] over one db SELECT [10, 60]. B: gw [0, 200] over two db SELECTs, [10, 160]
/// and [20, 100] in parallel. Self: A gw 50, SELECT 50; B gw 50 (the union of its children is 150),
/// SELECT 150 + 80. Critical path: B waits for the longer SELECT only (150), gw 40 + 10.
TraceSpans traceA()
{
    return {"aaaa", {cspan(1, 0, 0, 100, 0, 1), cspan(2, 1, 10, 60, 2, 3)}, {"gw", "GET /x", "db", "SELECT"}};
}

TraceSpans traceB()
{
    return {"bbbb",
            {cspan(1, 0, 0, 200, 0, 1), cspan(2, 1, 10, 160, 2, 3), cspan(3, 1, 20, 100, 2, 3)},
            {"gw", "GET /x", "db", "SELECT"}};
}

const DiffNode* findNode(const DiffResult& r, const std::string& service, const std::string& operation)
{
    for (const DiffNode& n : r.nodes)
        if (n.service == service && n.operation == operation)
            return &n;
    return nullptr;
}

/// One page load of `route`: a fetch served by gateway -> inventory -> its SELECT taking `dbMs`;
/// with `cache`, gateway also calls cache GET for 10 ms after inventory answered.
RecordBatch shopLoad(int n, const std::string& route, TimeNs dbMs, bool cache)
{
    const TimeNs t0 = kT0 + TimeNs(n) * 2'000 * kMs;
    const TraceId trace = traceId(n);
    const TimeNs db = dbMs * kMs;
    RecordBatch b;
    SessionRecord s;
    s.key = "s-" + std::to_string(n);
    s.browser = "Chrome";
    b.sessions.push_back(s);
    PageLoadRecord p;
    p.key = "p-" + std::to_string(n);
    p.sessionKey = s.key;
    p.app = browserApp();
    p.url = "https://shop.example" + route;
    p.route = route;
    p.start = t0;
    p.duration = 400 * kMs + db;
    b.pageLoads.push_back(p);
    ResourceRecord r;
    r.key = "r-" + std::to_string(n);
    r.pageLoadKey = p.key;
    r.sessionKey = s.key;
    r.type = "fetch";
    r.method = "GET";
    r.url = "https://shop.example/api/stock/" + std::to_string(1000 + n);
    r.statusCode = 200;
    r.start = t0 + 250 * kMs;
    r.duration = db + 60 * kMs;
    r.traceId = trace;
    r.spanId = 0x42;
    r.traceIdSource = TraceIdSource::TraceparentHeader;
    b.resources.push_back(r);
    b.spans = {span(trace, 0x100, 0x42, backend("gateway"), "GET /api/stock", SpanKind::Server,
                    r.start + 10 * kMs, dbMs + 40),
               span(trace, 0x101, 0x100, backend("inventory"), "GET /stock", SpanKind::Server,
                    r.start + 15 * kMs, dbMs + 20),
               span(trace, 0x102, 0x101, backend("inventory"), "SELECT stock", SpanKind::Client,
                    r.start + 20 * kMs, dbMs)};
    if (cache)
        b.spans.push_back(span(trace, 0x103, 0x100, backend("cache"), "GET", SpanKind::Client,
                               r.start + 36 * kMs + db, 10));
    return b;
}

/// 10 loads of /a with a 50 ms query, 40 of /b with a 150 ms query, every other /b load calling the cache.
std::vector<RecordBatch> twoRoutes()
{
    std::vector<RecordBatch> out;
    for (int n = 0; n < 10; ++n)
        out.push_back(shopLoad(n, "/a", 50, false));
    for (int n = 10; n < 50; ++n)
        out.push_back(shopLoad(n, "/b", 150, n % 2 == 0));
    return out;
}

std::string writeCache(const QString& path, std::vector<RecordBatch> batches)
{
    StoreWriter w(path.toStdString());
    for (RecordBatch& b : batches)
        w.submit(0, std::move(b));
    return w.flush() ? path.toStdString() : std::string();
}

CompareOptions routes(DiffWeight weight)
{
    CompareOptions o;
    o.a = PageLoadFilter::parse(u"route:/a");
    o.b = PageLoadFilter::parse(u"route:/b");
    o.labelA = "route:/a";
    o.labelB = "route:/b";
    o.weight = weight;
    return o;
}

QByteArray json(const DiffResult& r)
{
    return QJsonDocument(diffJson(r)).toJson(QJsonDocument::Compact);
}

} // namespace

class TestDiff : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_shop, m_shuffled, m_demo;

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_shop = writeCache(m_dir.filePath(QStringLiteral("shop.seam")), twoRoutes());
        QVERIFY(!m_shop.empty());
        std::vector<RecordBatch> shuffled = twoRoutes();
        std::shuffle(shuffled.begin(), shuffled.end(), std::mt19937_64(7));
        m_shuffled = writeCache(m_dir.filePath(QStringLiteral("shuffled.seam")), std::move(shuffled));
        QVERIFY(!m_shuffled.empty());
    }

    void twoTracesSelfTimeExactDeltas()
    {
        const DiffResult r = diffTraces(traceA(), traceB(), DiffWeight::Self);
        QCOMPARE(r.a.kind, std::string("trace"));
        QCOMPARE(r.b.label, std::string("bbbb"));
        QCOMPARE(r.nodes.size(), std::size_t(2));
        // Largest |delta| first: the SELECT (two spans on one path add up).
        const DiffNode& db = r.nodes[0];
        QCOMPARE(db.path, (std::vector<std::string>{"gw GET /x", "db SELECT"}));
        QCOMPARE(db.service, std::string("db"));
        QCOMPARE(db.operation, std::string("SELECT"));
        QCOMPARE(db.aMs, 50.0);
        QCOMPARE(db.bMs, 230.0);
        QCOMPARE(db.deltaMs, 180.0);
        QVERIFY(db.relative.has_value());
        QCOMPARE(*db.relative, 3.6);
        QVERIFY(!db.pValue.has_value());
        QVERIFY(!db.significant);
        const DiffNode& gw = r.nodes[1];
        QCOMPARE(gw.path, (std::vector<std::string>{"gw GET /x"}));
        QCOMPARE(gw.aMs, 50.0);
        QCOMPARE(gw.bMs, 50.0); // the parallel SELECTs cover [10, 160] once
        QCOMPARE(gw.deltaMs, 0.0);
    }

    void twoTracesCriticalPath()
    {
        const DiffResult r = diffTraces(traceA(), traceB(), DiffWeight::Critical);
        QCOMPARE(r.weight, DiffWeight::Critical);
        const DiffNode* db = findNode(r, "db", "SELECT");
        QVERIFY(db);
        QCOMPARE(db->aMs, 50.0);
        QCOMPARE(db->bMs, 150.0); // the shorter parallel SELECT did not hold gw up
        const DiffNode* gw = findNode(r, "gw", "GET /x");
        QVERIFY(gw);
        QCOMPARE(gw->aMs, 50.0);
        QCOMPARE(gw->bMs, 50.0);
    }

    void tracesAnswerTheSameWhateverTheSpanOrder()
    {
        const QByteArray expected = json(diffTraces(traceA(), traceB(), DiffWeight::Self));
        TraceSpans b = traceB();
        for (int seed = 0; seed < 5; ++seed) {
            std::shuffle(b.spans.begin(), b.spans.end(), std::mt19937_64(seed));
            QCOMPARE(json(diffTraces(traceA(), b, DiffWeight::Self)), expected);
        }
    }

    void foldedLinesAreDifffoldedOutput()
    {
        DiffResult r = diffTraces(traceA(), traceB(), DiffWeight::Self);
        const std::vector<std::string> lines = diffFolded(r);
        QCOMPARE(lines,
                 (std::vector<std::string>{"gw GET /x 50000 50000", "gw GET /x;db SELECT 50000 230000"}));
        // A ';' in a name would split the frame: it becomes ','; a node only one side has keeps a 0.
        TraceSpans odd = traceA();
        odd.names[2] = "d;b";
        r = diffTraces(odd, traceB(), DiffWeight::Self);
        QCOMPARE(diffFolded(r),
                 (std::vector<std::string>{"gw GET /x 50000 50000", "gw GET /x;d,b SELECT 50000 0",
                                           "gw GET /x;db SELECT 0 230000"}));
    }

    void cohortsOfDifferentSizesComparePerLoad()
    {
        Database db = store::openForReading(m_shop);
        const DiffResult r = compareCohorts(db, routes(DiffWeight::Self));
        QCOMPARE(r.a.pageLoads, std::int64_t(10));
        QCOMPARE(r.b.pageLoads, std::int64_t(40));
        QCOMPARE(r.b.sampled, std::int64_t(40));
        const DiffNode* select = findNode(r, "inventory", "SELECT stock");
        QVERIFY(select);
        QCOMPARE(select->path.front(), std::string("browser"));
        QCOMPARE(select->path.size(), std::size_t(5));
        QCOMPARE(select->path[1], std::string("fetch /api/stock/:id"));
        QCOMPARE(select->aMs, 50.0);
        QCOMPARE(select->bMs, 150.0);
        QCOMPARE(select->deltaMs, 100.0);
        QCOMPARE(*select->relative, 2.0);
        QVERIFY(select->significant);
        QVERIFY(*select->qValue < 1e-4);
        QCOMPARE(&r.nodes.front(), select); // the largest delta leads
        // Half of B's loads call the cache for 10 ms: 5 ms per load, nothing in A (no relative change).
        const DiffNode* cache = findNode(r, "cache", "GET");
        QVERIFY(cache);
        QCOMPARE(cache->aMs, 0.0);
        QCOMPARE(cache->bMs, 5.0);
        QCOMPARE(cache->loadsB, std::int64_t(20));
        QVERIFY(!cache->relative.has_value());
        // Its interval: per-load values 10 or 0 (mean 5, sample variance 40 * 25 / 39) in B, 0 in A.
        QVERIFY(cache->deltaCi95.has_value());
        const double half = 1.959964 * std::sqrt(40.0 * 25.0 / 39.0 / 40.0);
        QVERIFY(std::abs(cache->deltaCi95->first - (5 - half)) < 1e-9);
        QVERIFY(std::abs(cache->deltaCi95->second - (5 + half)) < 1e-9);
        QCOMPARE(*select->deltaCi95, std::pair(100.0, 100.0)); // every load the same: no spread
        // inventory's own time is 20 ms in every load: same per load, not significant.
        const DiffNode* inventory = findNode(r, "inventory", "GET /stock");
        QVERIFY(inventory);
        QCOMPARE(inventory->aMs, 20.0);
        QCOMPARE(inventory->bMs, 20.0);
        QVERIFY(!inventory->significant);
        QCOMPARE(*inventory->pValue, 1.0);
    }

    void volumeGuardLeavesSmallCohortsUntested()
    {
        Database db = store::openForReading(m_shop);
        CompareOptions o = routes(DiffWeight::Self);
        o.minCohortLoads = 11; // A has 10
        const DiffResult r = compareCohorts(db, o);
        for (const DiffNode& n : r.nodes) {
            QVERIFY(!n.pValue.has_value());
            QVERIFY(!n.significant);
        }
        o = routes(DiffWeight::Self);
        o.minNodeLoads = 21;                              // the cache node is carried by 20 loads only
        const DiffResult guarded = compareCohorts(db, o); // the node points into it: keep it alive
        const DiffNode* cache = findNode(guarded, "cache", "GET");
        QVERIFY(cache);
        QVERIFY(!cache->qValue.has_value());
    }

    void cohortsAnswerTheSameWhateverTheRowOrder()
    {
        for (const DiffWeight w : {DiffWeight::Self, DiffWeight::Critical}) {
            Database a = store::openForReading(m_shop);
            Database b = store::openForReading(m_shuffled);
            const QByteArray first = json(compareCohorts(a, routes(w)));
            QCOMPARE(json(compareCohorts(b, routes(w))), first);
            // A sample (by key hash) is the same sample in both caches.
            CompareOptions o = routes(w);
            o.sampleCap = 15;
            const DiffResult sa = compareCohorts(a, o);
            QCOMPARE(sa.b.sampled, std::int64_t(15));
            QCOMPARE(sa.b.pageLoads, std::int64_t(40));
            QCOMPARE(json(compareCohorts(b, o)), json(sa));
        }
    }

    void criticalWeightTilesEachLoad()
    {
        // On the critical path every load's nodes add up to its duration: the means add up to the
        // cohorts' mean load time (400 ms + the query).
        Database db = store::openForReading(m_shop);
        const DiffResult r = compareCohorts(db, routes(DiffWeight::Critical));
        double a = 0, b = 0;
        for (const DiffNode& n : r.nodes) {
            a += n.aMs;
            b += n.bMs;
        }
        QCOMPARE(qRound64(a * 1000), qint64(450'000));
        QCOMPARE(qRound64(b * 1000), qint64(550'000));
    }

    void demoSlowCheckoutsGrowInThePaymentsLock()
    {
        const QString path = m_dir.filePath(QStringLiteral("demo.seam"));
        {
            DemoOptions options;
            options.sessions = 700;
            StoreWriter writer(path.toStdString());
            const auto source = writer.beginSource("demo", "test");
            auto sink = writer.sinkFor(source);
            DemoGenerator generator(options);
            ImportReport report;
            QVERIFY(generator.generateInto(*sink, report));
            writer.flush();
            writer.finishSource(source, report);
        }
        Database db = store::openForReading(path.toStdString());
        CompareOptions o;
        o.a = PageLoadFilter::parse(u"route:/checkout duration<=2s");
        o.b = PageLoadFilter::parse(u"route:/checkout duration>2s");
        for (const DiffWeight w : {DiffWeight::Critical, DiffWeight::Self}) {
            o.weight = w;
            const DiffResult r = compareCohorts(db, o);
            QVERIFY(r.a.pageLoads > 3 * r.b.pageLoads); // sizes differ a lot: means per load compare
            QVERIFY(r.b.pageLoads >= 20);
            QVERIFY(!r.nodes.empty());
            const DiffNode& top = r.nodes.front();
            QCOMPARE(top.service, std::string("payments"));
            QCOMPARE(top.operation, std::string("SELECT payment_accounts"));
            QVERIFY2(top.deltaMs > 1000, QByteArray::number(top.deltaMs).constData());
            QVERIFY(top.significant);
            QVERIFY(*top.qValue < 1e-6);
            QCOMPARE(top.path.front(), std::string("browser"));
        }
    }
};

QTEST_GUILESS_MAIN(TestDiff)
#include "tst_diff.moc"
