// The demo investigation, end to end through the store: generated, mapped, written, rolled up and
// correlated. The ground-truth incidents must be visible to the queries the product asks.

#include "DemoInvestigation.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreQueries.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using namespace seam;

class TestDemoInvestigation : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;
    QJsonObject m_truth;

    static std::string generate(const std::string& path, std::uint64_t seed, int sessions)
    {
        DemoOptions options;
        options.seed = seed;
        options.sessions = sessions;
        // The same function `seam demo` and the GUI's demo call.
        const DemoInvestigationResult demo = writeDemoInvestigation(path, options);
        if (!demo.finished)
            return {};
        return demo.report.rejected() == 0 ? demo.groundTruthJson : std::string();
    }

    QJsonObject incident(const char* id) const
    {
        for (const auto& v : m_truth[QStringLiteral("incidents")].toArray())
            if (v.toObject()[QStringLiteral("id")].toString() == QLatin1String(id))
                return v.toObject();
        return {};
    }

    static double median(Database& db, const std::string& sql, std::int64_t a, std::int64_t b)
    {
        auto st = db.prepare(sql);
        st.bind(1, a).bind(2, b);
        std::vector<double> v;
        while (st.step())
            v.push_back(st.real(0));
        if (v.empty())
            return 0;
        std::sort(v.begin(), v.end());
        return v[v.size() / 2];
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("demo.seam")).toStdString();
        const std::string truth = generate(m_path, 1, 800);
        QVERIFY(!truth.empty());
        m_truth = QJsonDocument::fromJson(QByteArray::fromStdString(truth)).object();
        QCOMPARE(m_truth[QStringLiteral("incidents")].toArray().size(), 3);
    }

    void deterministicThroughTheStore()
    {
        const std::string other = m_dir.filePath(QStringLiteral("again.seam")).toStdString();
        QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(generate(other, 1, 800))).object(),
                 m_truth);
        Database a = store::openForReading(m_path);
        Database b = store::openForReading(other);
        for (const char* sql :
             {"SELECT count(*) FROM spans", "SELECT sum(duration_ns) FROM page_loads",
              "SELECT count(*) FROM links", "SELECT sum(requests) FROM rollups",
              "SELECT count(*) FROM rum_errors", "SELECT sum(end_ns - start_ns) FROM spans"})
            QCOMPARE(a.queryInt(sql), b.queryInt(sql));
    }

    void everyPropagatedCallIsLinked()
    {
        Database db = store::openForReading(m_path);
        // Every fetch and every document reached the backend with its trace context (no stripping).
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE type IN ('fetch', 'xhr', 'document') "
                             "AND id NOT IN (SELECT resource_id FROM links)"),
                 0);
        QCOMPARE(db.queryInt("SELECT count(*) FROM links l JOIN resources r ON r.id = l.resource_id "
                             "WHERE r.type = 'fetch' AND (l.method <> 'trace' OR l.confidence < 1.0)"),
                 0);
        QCOMPARE(db.queryInt("SELECT count(*) FROM links l JOIN resources r ON r.id = l.resource_id "
                             "WHERE r.type = 'document' AND l.method <> 'document-meta'"),
                 0);
        QVERIFY(db.queryInt("SELECT count(*) FROM page_loads WHERE linked_count > 0") ==
                db.queryInt("SELECT count(*) FROM page_loads"));
    }

    void paymentsLockMakesCheckoutSlowAndNamesPayments()
    {
        const QJsonObject inc = incident("payments-db-lock");
        const auto from = inc[QStringLiteral("start_ns")].toInteger();
        const auto to = inc[QStringLiteral("end_ns")].toInteger();
        Database db = store::openForReading(m_path);
        const char* inside = "SELECT duration_ns FROM page_loads WHERE route = '/checkout' AND start_ns >= "
                             "?1 AND start_ns < ?2";
        const char* outside = "SELECT duration_ns FROM page_loads WHERE route = '/checkout' AND (start_ns < "
                              "?1 OR start_ns >= ?2)";
        const double in = median(db, inside, from, to);
        const double out = median(db, outside, from, to);
        QVERIFY2(in > 2 * out,
                 qPrintable(QStringLiteral("checkout median %1 ms in the incident, %2 ms outside")
                                .arg(in / 1e6)
                                .arg(out / 1e6)));

        // The slowest checkout load in the window: its top cause is the payments operation.
        auto st = db.prepare(
            "SELECT id FROM page_loads WHERE route = '/checkout' AND start_ns >= ?1 AND start_ns < ?2 "
            "ORDER BY duration_ns DESC LIMIT 1");
        st.bind(1, from).bind(2, to);
        QVERIFY(st.step());
        const QJsonObject detail = StoreQueries(db).pageLoad(st.int64(0));
        const QJsonArray causes = detail[QStringLiteral("causes")].toArray();
        QVERIFY(!causes.isEmpty());
        QCOMPARE(causes[0].toObject()[QStringLiteral("service")].toString(), QStringLiteral("payments"));
        QVERIFY(causes[0].toObject()[QStringLiteral("slowdown")].toDouble() > 5);

        // And the rollups show the spike: payments p95 in the window far above the rest.
        const QJsonObject services = StoreQueries(db).services(from, to, 0);
        for (const auto& v : services[QStringLiteral("services")].toArray()) {
            const QJsonObject s = v.toObject();
            if (s[QStringLiteral("name")].toString() == QLatin1String("payments"))
                QVERIFY(s[QStringLiteral("p95_ms")].toDouble() > 1000);
        }
    }

    void badCatalogDeployShowsAsErrorsOfTheNewVersion()
    {
        const QJsonObject inc = incident("catalog-bad-deploy");
        Database db = store::openForReading(m_path);
        auto rate = [&](const char* version) {
            auto st = db.prepare(
                "SELECT sum(r.errors) * 1.0 / sum(r.requests) FROM rollups r JOIN services v "
                "ON v.id = r.service_id WHERE v.name = 'catalog' AND v.version = ?1 AND r.operation_id = 0");
            st.bindText(1, version);
            return st.step() ? st.real(0) : -1.0;
        };
        const std::string bad = inc[QStringLiteral("version")].toString().toStdString();
        const std::string good = inc[QStringLiteral("previous_version")].toString().toStdString();
        QVERIFY2(rate(bad.c_str()) > 0.15, "new catalog version fails often");
        QVERIFY2(rate(good.c_str()) < 0.02, "old catalog version is healthy");
        auto st = db.prepare("SELECT count(*) FROM rum_errors e JOIN page_loads p ON p.id = e.page_load_id "
                             "WHERE p.route = '/product/:id' AND e.time_ns >= ?1 AND e.time_ns < ?2");
        st.bind(1, inc[QStringLiteral("start_ns")].toInteger())
            .bind(2, inc[QStringLiteral("end_ns")].toInteger());
        QVERIFY(st.step());
        QVERIFY2(st.int64(0) > 10, "product pages show JS errors during the bad deploy");
    }

    void safariHeroImageIsAFrontendProblem()
    {
        const QJsonObject inc = incident("safari-hero-image");
        const auto from = inc[QStringLiteral("start_ns")].toInteger();
        const auto to = inc[QStringLiteral("end_ns")].toInteger();
        Database db = store::openForReading(m_path);
        const char* safari =
            "SELECT p.duration_ns FROM page_loads p JOIN sessions s ON s.id = p.session_id "
            "WHERE p.route = '/' AND s.browser = 'Safari' AND p.start_ns >= ?1 AND p.start_ns < ?2";
        const char* others =
            "SELECT p.duration_ns FROM page_loads p JOIN sessions s ON s.id = p.session_id "
            "WHERE p.route = '/' AND s.browser <> 'Safari' AND p.start_ns >= ?1 AND p.start_ns < ?2";
        const double slow = median(db, safari, from, to);
        const double normal = median(db, others, from, to);
        QVERIFY2(slow > 2.5 * normal,
                 qPrintable(QStringLiteral("Safari %1 ms, others %2 ms").arg(slow / 1e6).arg(normal / 1e6)));
        // The backend is not at fault: its share of those slow loads is small.
        const double backend =
            median(db,
                   "SELECT p.backend_ns FROM page_loads p JOIN sessions s ON s.id = p.session_id "
                   "WHERE p.route = '/' AND s.browser = 'Safari' AND p.start_ns >= ?1 AND p.start_ns < ?2",
                   from, to);
        QVERIFY2(backend < 0.1 * slow,
                 qPrintable(QStringLiteral("backend %1 ms of %2 ms").arg(backend / 1e6).arg(slow / 1e6)));
        auto st = db.prepare("SELECT count(*) FROM resources r JOIN page_loads p ON p.id = r.page_load_id "
                             "WHERE r.url LIKE '%hero-4k%' AND r.duration_ns > 2000000000 AND p.start_ns >= "
                             "?1 AND p.start_ns < ?2");
        st.bind(1, from).bind(2, to);
        QVERIFY(st.step());
        QVERIFY(st.int64(0) > 0);
    }
};

QTEST_GUILESS_MAIN(TestDemoInvestigation)
#include "tst_demoinvestigation.moc"
