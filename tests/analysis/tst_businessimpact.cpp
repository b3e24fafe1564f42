// BusinessImpact: exact counts of what an incident window reached and affected (checked against
// plain SQL on the demo), and seeded sessions where the lost conversions and revenue are known.

#include "BusinessImpact.h"
#include "DemoGenerator.h"
#include "ImpactReach.h"
#include "ImpactSessions.h"
#include "RecordFactory.h"
#include "SavedConversion.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <functional>
#include <random>
#include <set>

using namespace seam;
using namespace seam::test;

namespace {
constexpr TimeNs kMinute = 60'000'000'000;
constexpr TimeNs kSecond = 1'000'000'000;
} // namespace

class TestBusinessImpact : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_seeded;
    std::string m_demo; ///< written by demoCountsMatchPlainSql
    TimeNs m_from = kT0 + 10 * kMinute;
    TimeNs m_to = kT0 + 20 * kMinute;

    /// Sessions that make 1 or 4 payments calls (one per /checkout page load); each call fails with
    /// probability 0.35, so busy sessions are far more often affected, and busy sessions convert far
    /// more (20% vs 80%). An affected session's conversion chance drops by `effect`. Returns the path.
    std::string activityCache(const char* name, double effect, std::int64_t& affectedSessions,
                              double* naive = nullptr)
    {
        const std::string path = m_dir.filePath(QString::fromLatin1(name)).toStdString();
        StoreWriter w(path);
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> u(0, 1);
        affectedSessions = 0;
        std::int64_t converted[2] = {0, 0}, sessions[2] = {0, 0}; // unaffected, affected
        for (int i = 0; i < 1200; ++i) {
            const int calls = i % 2 ? 4 : 1;
            const TimeNs start = m_from + TimeNs(i) * 400'000'000;
            std::vector<bool> fails;
            bool affected = false;
            for (int k = 0; k < calls; ++k) {
                fails.push_back(u(rng) < 0.35);
                affected = affected || fails.back();
            }
            const double chance = (calls == 4 ? 0.8 : 0.2) - (affected ? effect : 0.0);
            const bool converts = u(rng) < chance;
            affectedSessions += affected ? 1 : 0;
            sessions[affected] += 1;
            converted[affected] += converts ? 1 : 0;
            RecordBatch b = activitySession(100'000 + i, fails, converts, start);
            w.submit(0, std::move(b));
        }
        w.submit(0, laterTraffic(m_from + 60 * kMinute));
        [&] { QVERIFY(w.flush()); }();
        if (naive) // all affected against all unaffected sessions, as generated
            *naive = double(sessions[1]) * (double(converted[0]) / double(sessions[0]) -
                                            double(converted[1]) / double(sessions[1]));
        return path;
    }

    /// The seeded sessions (see initTestCase), each batch given to `reshape` (session number, whether it
    /// converts) before it is written: the same known loss with the value carried elsewhere.
    std::string seededCache(const char* name,
                            const std::function<void(int, bool, RecordBatch&)>& reshape = {})
    {
        const std::string path = m_dir.filePath(QString::fromLatin1(name)).toStdString();
        StoreWriter w(path);
        RecordBatch normal; // normal payments traffic before the window (50-150 ms)
        for (int k = 0; k < 50; ++k)
            normal.spans.push_back(span(traceId(k), 0x9, 0, backend("payments"), "POST /payments",
                                        SpanKind::Server, kT0 + k * 10 * kSecond, 50 + 2 * k));
        w.submit(0, std::move(normal));
        for (int i = 0; i < 200; ++i) {
            const bool affected = i < 100;
            const bool converts = affected ? i < 20 : i < 160;
            RecordBatch b = impactSession(i, affected, converts, m_from + i * 2 * kSecond);
            if (reshape)
                reshape(i, converts, b);
            w.submit(0, std::move(b));
        }
        w.submit(0, laterTraffic(m_to + 30 * kMinute));
        [&] { QVERIFY(w.flush()); }();
        return path;
    }

    ImpactQuery seededQuery() const { return paymentsImpactQuery(m_from, m_to); }

private slots:
    void lostConversionsCompareLikeWithLike()
    {
        // Known effect: 0.15 fewer conversions per affected session. Unstratified, the busy (affected)
        // sessions' higher conversion hides the loss and even turns it into a gain.
        std::int64_t affected = 0;
        double naive = 0;
        const std::string path = activityCache("activity.seam", 0.15, affected, &naive);
        Database db = store::openForReading(path);
        ImpactQuery q;
        q.service = "payments";
        q.from = m_from;
        q.to = m_from + 20 * kMinute;
        q.conversion = ConversionDefinition::parse("route:/checkout/confirmation");
        const ImpactResult r = businessImpact(db, q);
        QVERIFY(r.conversions);
        const ConversionImpact& c = *r.conversions;
        QCOMPARE(c.affectedSessions, affected);
        QVERIFY2(naive < 0, qPrintable(QString::number(naive))); // the bias this guards against
        const double truth = 0.15 * double(affected);
        QVERIFY2(c.ciLow <= truth && truth <= c.ciHigh,
                 qPrintable(QStringLiteral("%1 in [%2, %3]").arg(truth).arg(c.ciLow).arg(c.ciHigh)));
        QVERIFY(c.ciLow > 0);

        // No effect: the interval covers 0.
        const std::string none = activityCache("activity-none.seam", 0.0, affected);
        Database db0 = store::openForReading(none);
        const ImpactResult r0 = businessImpact(db0, q);
        QVERIFY(r0.conversions);
        QVERIFY2(
            r0.conversions->ciLow <= 0 && 0 <= r0.conversions->ciHigh,
            qPrintable(QStringLiteral("[%1, %2]").arg(r0.conversions->ciLow).arg(r0.conversions->ciHigh)));
    }

    void initTestCase()
    {
        // 200 sessions in the window: 0..99 affected (payments fails), 20 of them convert; 100..199
        // unaffected, 60 of them convert. Known: rates 0.2 vs 0.6, lost 100 x 0.4 = 40 conversions,
        // revenue 10 vs 30 per session, lost 2000. Normal payments traffic before the window (50-150 ms).
        m_seeded = seededCache("seeded.seam");
    }

    void seededLostConversionsAndRevenue()
    {
        Database db = store::openForReading(m_seeded);
        ImpactQuery q = seededQuery();
        const ImpactResult r = businessImpact(db, q);
        QVERIFY(r.serviceFound);
        QCOMPARE(r.pageLoads.total, std::int64_t(280));
        QCOMPARE(r.pageLoads.reached, std::int64_t(200));
        QCOMPARE(r.pageLoads.affected, std::int64_t(100));
        QCOMPARE(r.sessions.total, std::int64_t(200));
        QCOMPARE(r.sessions.reached, std::int64_t(200));
        QCOMPARE(r.sessions.affected, std::int64_t(100));
        QVERIFY(r.users);
        QCOMPARE(r.users->affected, std::int64_t(100));
        QCOMPARE(r.actions, std::int64_t(200));
        QCOMPARE(r.failedActions, std::int64_t(100));
        QVERIFY(r.normalP99 > 100'000'000 && r.normalP99 < 200'000'000);
        QVERIFY(r.conversions);
        const ConversionImpact& c = *r.conversions;
        QCOMPARE(c.affectedSessions, std::int64_t(100));
        QCOMPARE(c.affectedConverted, std::int64_t(20));
        QCOMPARE(c.unaffectedSessions, std::int64_t(100));
        QCOMPARE(c.unaffectedConverted, std::int64_t(60));
        QVERIFY(qFuzzyCompare(c.lost, 40.0));
        QVERIFY(c.ciLow > 20 && c.ciLow < 40 && c.ciHigh > 40 && c.ciHigh < 60);
        QVERIFY(r.revenue);
        QCOMPARE(r.revenue->valuedSessions, std::int64_t(80));
        QVERIFY(qFuzzyCompare(r.revenue->affectedPerSession, 10.0));
        QVERIFY(qFuzzyCompare(r.revenue->unaffectedPerSession, 30.0));
        QVERIFY(qFuzzyCompare(r.revenue->lost, 2000.0));
        QVERIFY(r.revenue->ciLow > 1000 && r.revenue->ciLow < 2000 && r.revenue->ciHigh > 2000);
        // Deterministic interval (fixed bootstrap seed).
        const ImpactResult again = businessImpact(db, q);
        QCOMPARE(again.revenue->ciLow, r.revenue->ciLow);
        QCOMPARE(again.revenue->ciHigh, r.revenue->ciHigh);
        // An action as the conversion: every session clicked "place-order" 250 ms into its checkout
        // page, before the call it started reached payments (the landmark): each had converted before
        // any harm, so nothing could be lost and nothing is compared.
        q.conversion = ConversionDefinition::parse("action:place-*");
        const ImpactResult clicks = businessImpact(db, q);
        QVERIFY(!clicks.conversions);
        QVERIFY(std::any_of(clicks.notes.begin(), clicks.notes.end(), [](const std::string& n) {
            return n.find("100 affected sessions had converted before their first harm") != std::string::npos;
        }));
    }

    void revenueOnTheBrowsersOwnSpan()
    {
        // The order's value on the browser's own fetch span, a call no backend trace answers (no link):
        // the resource's own trace is the session's too. The seeded sessions otherwise, known loss 2000.
        const std::string path = seededCache("browser-value.seam", [](int i, bool, RecordBatch& b) {
            const TraceId confirmation = traceId(5000 + i);
            std::erase_if(b.spans, [&](const SpanRecord& x) {
                return x.traceId.bytes == confirmation.bytes && x.spanId != 0x42;
            });
            for (SpanRecord& x : b.spans)
                if (x.traceId.bytes == confirmation.bytes)
                    x.attributesJson = R"({"order.value":50})";
        });
        Database db = store::openForReading(path);
        QCOMPARE(db.queryInt("SELECT count(*) FROM links l JOIN resources r ON r.id = l.resource_id WHERE "
                             "r.url LIKE '%confirmation'"),
                 std::int64_t(0));
        const ImpactQuery q = seededQuery();
        const ImpactResult r = businessImpact(db, q);
        QVERIFY(r.revenue);
        QCOMPARE(r.revenue->valuedSessions, std::int64_t(80));
        QVERIFY(qFuzzyCompare(r.revenue->lost, 2000.0));
        // Or on a RUM action alone (a Datadog action's context, a Faro event's attributes): no span
        // carries it.
        const std::string onAction =
            seededCache("action-value.seam", [&](int i, bool converts, RecordBatch& b) {
                for (SpanRecord& x : b.spans)
                    x.attributesJson = "{}";
                if (!converts)
                    return;
                ActionRecord a;
                a.key = "purchase-" + std::to_string(i);
                a.pageLoadKey = "confirmation-" + std::to_string(i);
                a.sessionKey = "s" + std::to_string(i);
                a.time = m_from + i * 2 * kSecond + 61 * kSecond;
                a.type = "custom";
                a.name = "purchase";
                a.values = {{"order.value", 50}, {"order.items", 2}};
                b.actions.push_back(a);
            });
        Database actions = store::openForReading(onAction);
        const ImpactResult viaActions = businessImpact(actions, q);
        QVERIFY(viaActions.revenue);
        QCOMPARE(viaActions.revenue->valuedSessions, std::int64_t(80));
        QVERIFY(qFuzzyCompare(viaActions.revenue->lost, 2000.0));
        // Or on the confirmation page's own values (a Datadog view's context), which the SDK copies onto
        // every event of the view: a click and the purchase action carry the same value, counted once.
        const std::string onView = seededCache("view-value.seam", [&](int i, bool converts, RecordBatch& b) {
            for (SpanRecord& x : b.spans)
                x.attributesJson = "{}";
            if (!converts)
                return;
            const std::string page = "confirmation-" + std::to_string(i);
            for (PageLoadRecord& p : b.pageLoads)
                if (p.key == page)
                    p.values = {{{"order.value", 50}}};
            for (const char* name : {"purchase", "Back"}) {
                ActionRecord a;
                a.key = std::string(name) + std::to_string(i);
                a.pageLoadKey = page;
                a.sessionKey = "s" + std::to_string(i);
                a.time = m_from + i * 2 * kSecond + 61 * kSecond;
                a.type = "custom";
                a.name = name;
                a.values = {{"order.value", 50}};
                b.actions.push_back(a);
            }
        });
        Database views = store::openForReading(onView);
        QCOMPARE(views.queryInt("SELECT count(*) FROM page_load_values"), std::int64_t(80));
        const ImpactResult viaViews = businessImpact(views, q);
        QVERIFY(viaViews.revenue);
        QCOMPARE(viaViews.revenue->valuedSessions, std::int64_t(80));
        QVERIFY2(qFuzzyCompare(viaViews.revenue->lost, 2000.0),
                 qPrintable(QString::number(viaViews.revenue->lost)));
        // With no span carrying it, the suggested conversion finds the value in what the browser reported.
        const auto fromRum = suggestConversion(views, 1000);
        QVERIFY(fromRum);
        QCOMPARE(fromRum->conversion.definition, std::string("route:/checkout/confirmation"));
        QCOMPARE(fromRum->conversion.revenueAttribute, std::string("order.value"));
        QCOMPARE(fromRum->sessions, std::int64_t(80));
        // The suggested conversion finds the value there too, and the route those sessions end on.
        const auto suggested = suggestConversion(db, 1000);
        QVERIFY(suggested);
        QCOMPARE(suggested->conversion.definition, std::string("route:/checkout/confirmation"));
        QCOMPARE(suggested->conversion.revenueAttribute, std::string("order.value"));
        QCOMPARE(suggested->sessions, std::int64_t(80));
    }

    void whatCannotBeComputedIsSaid()
    {
        Database db = store::openForReading(m_seeded);
        ImpactQuery q;
        q.service = "payments";
        q.from = m_from;
        q.to = m_to;
        ImpactResult r = businessImpact(db, q);
        QVERIFY(!r.conversions && !r.revenue);
        QVERIFY(!r.notes.empty());
        q.conversion = ConversionDefinition::parse("route:/checkout/confirmation");
        q.revenueAttribute = "cart.value"; // on no span
        r = businessImpact(db, q);
        QVERIFY(r.conversions && !r.revenue);
        bool said = false;
        for (const std::string& n : r.notes)
            said = said || n.find("cart.value") != std::string::npos;
        QVERIFY(said);
        q.service = "nope";
        QVERIFY(!businessImpact(db, q).serviceFound);
        QVERIFY(!ConversionDefinition::parse("checkout"));
        QCOMPARE(ConversionDefinition::parse("/checkout/*")->text(), std::string("route:/checkout/*"));
    }

    void demoCountsMatchPlainSql()
    {
        const std::string path = m_dir.filePath(QStringLiteral("demo.seam")).toStdString();
        DemoOptions options;
        options.seed = 2;
        options.sessions = 800;
        std::string truthText;
        {
            StoreWriter writer(path);
            const auto source = writer.beginSource("demo", "test");
            auto sink = writer.sinkFor(source);
            DemoGenerator generator(options);
            ImportReport report;
            QVERIFY(generator.generateInto(*sink, report));
            QVERIFY(writer.flush());
            writer.finishSource(source, report);
            truthText = generator.groundTruthJson();
        }
        TimeNs from = 0, to = 0;
        for (const auto& v : QJsonDocument::fromJson(QByteArray::fromStdString(truthText))
                                 .object()[QStringLiteral("incidents")]
                                 .toArray()) {
            const QJsonObject o = v.toObject();
            if (o[QStringLiteral("id")].toString() == QLatin1String("payments-db-lock")) {
                from = o[QStringLiteral("start_ns")].toVariant().toLongLong();
                to = o[QStringLiteral("end_ns")].toVariant().toLongLong();
            }
        }
        QVERIFY(to > from);
        Database db = store::openForReading(path);
        const ImpactQuery q = paymentsImpactQuery(from, to);
        const ImpactResult r = businessImpact(db, q);
        QVERIFY(r.normalP99 > 0 && r.normalP99 < 1'000'000'000); // the lock is 1.5-4 s: not normal

        // The same counts in plain SQL: page loads of the window, their document and linked traces,
        // the payments entry spans in the window, failing or slower than the normal p99.
        auto st = db.prepare(R"sql(
            WITH pl AS (SELECT p.id, p.session_id, p.trace, s.user_id FROM page_loads p
                        LEFT JOIN sessions s ON s.id = p.session_id WHERE p.start_ns >= ?1 AND p.start_ns < ?2),
                 tr AS (SELECT id AS pid, trace FROM pl WHERE trace IS NOT NULL
                        UNION SELECT pl.id, l.trace FROM pl JOIN resources r ON r.page_load_id = pl.id
                        JOIN links l ON l.resource_id = r.id),
                 hit AS (SELECT tr.pid, max(x.status_code = 2 OR x.end_ns - x.start_ns > ?3) AS bad
                         FROM tr JOIN spans x ON x.trace = tr.trace JOIN services v ON v.id = x.service_id
                         WHERE v.name = 'payments' AND v.is_browser = 0 AND (x.kind IN (2, 5) OR x.parent_span_id = 0)
                           AND x.start_ns >= ?1 AND x.start_ns < ?2 GROUP BY tr.pid)
            SELECT (SELECT count(*) FROM pl), (SELECT count(*) FROM hit), (SELECT count(*) FROM hit WHERE bad),
                   (SELECT count(DISTINCT session_id) FROM pl),
                   (SELECT count(DISTINCT pl.session_id) FROM pl JOIN hit ON hit.pid = pl.id),
                   (SELECT count(DISTINCT pl.session_id) FROM pl JOIN hit ON hit.pid = pl.id WHERE bad),
                   (SELECT count(DISTINCT user_id) FROM pl),
                   (SELECT count(DISTINCT pl.user_id) FROM pl JOIN hit ON hit.pid = pl.id WHERE bad))sql");
        st.bind(1, from).bind(2, to).bind(3, r.normalP99);
        QVERIFY(st.step());
        QCOMPARE(r.pageLoads.total, st.int64(0));
        QCOMPARE(r.pageLoads.reached, st.int64(1));
        QCOMPARE(r.pageLoads.affected, st.int64(2));
        QCOMPARE(r.sessions.total, st.int64(3));
        QCOMPARE(r.sessions.reached, st.int64(4));
        QCOMPARE(r.sessions.affected, st.int64(5));
        QVERIFY(r.users);
        QCOMPARE(r.users->total, st.int64(6));
        QCOMPARE(r.users->affected, st.int64(7));
        QVERIFY(r.pageLoads.affected > 0);
        // The lock costs conversions: the interval lies above zero, and so does lost revenue.
        QVERIFY(r.conversions);
        QVERIFY2(r.conversions->ciLow > 0, qPrintable(QString::number(r.conversions->ciLow)));
        // Nearly every /checkout session of the lock is affected: the controls are borrowed from around
        // the window, and the interval carries the drift between periods. Revenue per session is
        // heavy-tailed (0, or 15 to 315): on 800 sessions its interval is wide, but it sees a loss.
        QVERIFY(r.conversions->control.borrowed > 0);
        QVERIFY(r.conversions->control.inWindow < r.conversions->control.borrowed);
        QVERIFY(r.revenue);
        QVERIFY2(r.revenue->lost > 0 && r.revenue->ciHigh > 0, qPrintable(QString::number(r.revenue->lost)));

        // The counts above came from page_load_reach: without its rows nothing is reached.
        const std::string copy = m_dir.filePath(QStringLiteral("demo-noreach.seam")).toStdString();
        db = Database();
        std::filesystem::copy_file(path, copy);
        store::openForWriting(copy).exec("DELETE FROM page_load_reach");
        Database empty = store::openForReading(copy);
        QCOMPARE(businessImpact(empty, q).pageLoads.reached, std::int64_t(0));
        m_demo = path;
    }

    void reachRowsAndSpansGiveTheSameVerdicts()
    {
        // Windows whose edges cut through page loads' calls, for every backend service: the index range
        // scan over page_load_reach and the reading of every trace's spans agree load by load.
        QVERIFY(!m_demo.empty());
        Database db = store::openForReading(m_demo);
        const TimeNs first = db.queryInt("SELECT min(start_ns) FROM page_loads");
        std::vector<std::pair<std::string, std::set<std::int64_t>>> services;
        auto st = db.prepare("SELECT name, id FROM services WHERE is_browser = 0 ORDER BY name");
        while (st.step()) {
            if (services.empty() || services.back().first != st.text(0))
                services.emplace_back(std::string(st.text(0)), std::set<std::int64_t>{});
            services.back().second.insert(st.int64(1));
        }
        QVERIFY(services.size() >= 5);
        int compared = 0;
        for (const auto& [name, ids] : services)
            for (const auto& [a, b] : {std::pair{3 * kMinute + 123'456'789, 9 * kMinute + 987'654'321},
                                       std::pair{11 * kMinute + 1, 12 * kMinute + 499'999'999}}) {
                ReachCriteria c;
                c.serviceIds = ids;
                c.from = first + a;
                c.to = first + b;
                c.normalP99 = 300'000'000;
                std::vector<ImpactLoad> byReach, bySpans;
                auto pl = db.prepare("SELECT id, coalesce(trace, 0) FROM page_loads WHERE start_ns >= ?1 AND "
                                     "start_ns < ?2 ORDER BY start_ns, id");
                pl.bind(1, c.from).bind(2, c.to);
                while (pl.step()) {
                    ImpactLoad l;
                    l.id = pl.int64(0);
                    l.documentTrace = pl.int64(1);
                    byReach.push_back(l);
                }
                bySpans = byReach;
                QVERIFY(reachTableAnswers(db, c));
                judgeLoadsByReach(db, c, byReach);
                judgeLoadsBySpans(db, c, bySpans);
                for (std::size_t i = 0; i < byReach.size(); ++i) {
                    QCOMPARE(byReach[i].reached, bySpans[i].reached);
                    QCOMPARE(byReach[i].affected, bySpans[i].affected);
                    QCOMPARE(byReach[i].reachedTraces, bySpans[i].reachedTraces);
                    if (byReach[i].affected)
                        QCOMPARE(byReach[i].calls, bySpans[i].calls);
                    compared += byReach[i].reached ? 1 : 0;
                }
            }
        QVERIFY(compared > 100);
    }
    void operationByReachMatchesSpans()
    {
        // `--operation`: the spans of just the traces page_load_reach says reached the service agree with
        // reading every trace of the window's page loads (operations that serve and call out included).
        QVERIFY(!m_demo.empty());
        Database db = store::openForReading(m_demo);
        const TimeNs first = db.queryInt("SELECT min(start_ns) FROM page_loads");
        ReachCriteria c;
        c.operation = true;
        c.from = first + 7 * kMinute + 123'456'789;
        c.to = first + 13 * kMinute + 987'654'321;
        c.normalP99 = 300'000'000;
        std::vector<ImpactLoad> window;
        auto pl = db.prepare("SELECT id, coalesce(trace, 0) FROM page_loads WHERE start_ns >= ?1 AND "
                             "start_ns < ?2 ORDER BY start_ns, id");
        pl.bind(1, c.from).bind(2, c.to);
        while (pl.step()) {
            ImpactLoad l;
            l.id = pl.int64(0);
            l.documentTrace = pl.int64(1);
            window.push_back(l);
        }
        int operations = 0, reached = 0;
        auto ops =
            db.prepare("SELECT o.service_id, o.id FROM operations o JOIN services v ON v.id = o.service_id "
                       "WHERE v.is_browser = 0 ORDER BY o.id");
        while (ops.step()) {
            c.serviceIds = {ops.int64(0)};
            c.operationIds = {ops.int64(1)};
            std::vector<ImpactLoad> byReach = window, bySpans = window;
            QVERIFY(judgeOperationByReach(db, c, byReach));
            judgeLoadsBySpans(db, c, bySpans);
            ++operations;
            for (std::size_t i = 0; i < byReach.size(); ++i) {
                const std::string what =
                    std::to_string(ops.int64(1)) + " load " + std::to_string(byReach[i].id);
                QVERIFY2(byReach[i].reached == bySpans[i].reached, what.c_str());
                QVERIFY2(byReach[i].affected == bySpans[i].affected, what.c_str());
                QVERIFY2(byReach[i].reachedTraces == bySpans[i].reachedTraces, what.c_str());
                if (byReach[i].affected)
                    QCOMPARE(byReach[i].calls, bySpans[i].calls);
                reached += byReach[i].reached ? 1 : 0;
            }
        }
        QVERIFY(operations > 20);
        QVERIFY(reached > 100);
    }
};

QTEST_GUILESS_MAIN(TestBusinessImpact)
#include "tst_businessimpact.moc"
