// One request, one call; one visit, one session; a request that got no response is a network error
// (models/correlation/CallReconciler, SessionMerger; issue 17). Fixtures: tests/data/reconcile (the same
// visit as OTel web, Datadog RUM, Faro and a HAR report it) and tests/data/reconcile/failed (a failed fetch
// in each format's own words, make_failed_calls.py).

#include "CallMergeSchema.h"
#include "CallReconciler.h"
#include "ImportTestUtil.h"
#include "Records.h"
#include "Schema.h"
#include "Sqlite.h"
#include "StoreWriter.h"
#include "TestPaths.h"
#include "WaterfallData.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using seam::importtest::importIntoCache;
using seam::importtest::rows;

namespace {

QString fixture(const char* name)
{
    return (seam::test::dataDir() + QStringLiteral("/reconcile/")) + QLatin1String(name);
}

const QStringList kVisit = {fixture("otel-web.json"), fixture("datadog-rum.ndjson"), fixture("faro.ndjson"),
                            fixture("page.har"), fixture("backend.json")};
const QStringList kFailed = {fixture("failed/otel-web.json"), fixture("failed/datadog.ndjson"),
                             fixture("failed/faro.ndjson"), fixture("failed/page.har")};

QJsonObject seamJson(const QStringList& args)
{
    QProcess p;
    p.start(seam::test::seamBinary(), args);
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return {};
    return QJsonDocument::fromJson(p.readAllStandardOutput()).object();
}

constexpr TimeNs kT0 = 1'772'449'200'000'000'000LL;

PageLoadRecord pageLoad(const char* key, const char* reporter, const char* session, const char* url,
                        TimeNs start)
{
    PageLoadRecord p;
    p.key = key;
    p.reporter = reporter;
    p.sessionKey = session;
    p.app = ServiceRef{"shop-web", "", "1", "", true};
    p.url = url;
    p.start = start;
    p.duration = 900'000'000;
    return p;
}

SessionRecord session(const char* key)
{
    SessionRecord s;
    s.key = key;
    s.browser = "Chrome";
    s.start = kT0;
    return s;
}

} // namespace

class TestCallReconciler : public QObject
{
    Q_OBJECT

private slots:
    void mergedLoadListsEachCallOnce()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, kVisit);
        Database db(cache, Database::Mode::ReadOnly);
        // Three sources reported each fetch, two the document: one row each in the waterfall, linked.
        const QStringList ids = rows(db, "SELECT id FROM page_loads ORDER BY start_ns");
        QCOMPARE(ids.size(), 3);
        for (const QString& id : ids) {
            const WaterfallData w = WaterfallData::load(db, id.toLongLong());
            QCOMPARE(int(w.resources.size()), 2);
            QSet<QString> urls;
            for (const WaterfallResource& r : w.resources) {
                urls.insert(r.url);
                QVERIFY2(r.traceRowId != 0,
                         qPrintable(r.url)); // the link of whichever report reached the backend
            }
            QCOMPARE(urls.size(), 2);
        }
        QCOMPARE(rows(db, "SELECT route, resource_count, linked_count, network_error_count FROM page_loads "
                          "ORDER BY start_ns"),
                 (QStringList{QStringLiteral("/|2|2|0"), QStringLiteral("/product/:id|2|2|0"),
                              QStringLiteral("/checkout|2|2|1")}));
        // Every report is kept: the OTel and HAR documents, three reports of each fetch.
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources"), 15);
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE merged_into IS NULL"), 6);

        // The CLI: each call once, with what each source reported of it.
        const QJsonObject load =
            seamJson({QStringLiteral("pageload"), QStringLiteral("--db"), QString::fromStdString(cache),
                      ids.last(), QStringLiteral("--json")});
        const QJsonArray resources = load[QStringLiteral("resources")].toArray();
        QCOMPARE(resources.size(), 2);
        const QJsonObject fetch = resources[1].toObject();
        QCOMPARE(fetch[QStringLiteral("url")].toString(),
                 QStringLiteral("https://shop.example.com/api/checkout"));
        QVERIFY(fetch[QStringLiteral("link")].isObject());
        QStringList sources;
        for (const auto& r : fetch[QStringLiteral("reports")].toArray()) {
            sources << r.toObject()[QStringLiteral("source")].toString();
            QCOMPARE(r.toObject()[QStringLiteral("status")].toInt(), 502);
        }
        sources.sort();
        QCOMPARE(sources,
                 (QStringList{QStringLiteral("datadog"), QStringLiteral("har"), QStringLiteral("otel")}));
        const QJsonObject stats = seamJson({QStringLiteral("stats"), QStringLiteral("--db"),
                                            QString::fromStdString(cache), QStringLiteral("--json")});
        QCOMPARE(stats[QStringLiteral("resources")].toInt(), 6);
        QCOMPARE(stats[QStringLiteral("linked_resources")].toInt(), 6);
        QCOMPARE(stats[QStringLiteral("sessions")].toInt(), 1);
    }

    void callsAreTheSameInEveryOrderAndLive()
    {
        QTemporaryDir dir;
        const char* calls =
            "SELECT p.route, r.reporter, r.url, (SELECT reporter FROM resources c WHERE c.id = "
            "coalesce(r.merged_into, r.id)) FROM resources r JOIN page_loads p ON p.id = "
            "r.page_load_id ORDER BY p.start_ns, r.url, r.reporter";
        QStringList reference;
        for (int run = 0; run < 4; ++run) {
            // Each browser source last in turn, one import after the other (as `seam serve` receives them),
            // and everything again (idempotent).
            QStringList order = kVisit;
            order.move(run, order.size() - 1);
            const std::string cache = dir.filePath(QStringLiteral("c%1.seam").arg(run)).toStdString();
            for (const QString& f : order)
                importIntoCache(cache, {f});
            importIntoCache(cache, order);
            Database db(cache, Database::Mode::ReadOnly);
            const QStringList now = rows(db, calls);
            if (reference.isEmpty())
                reference = now;
            QCOMPARE(now, reference);
            QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE merged_into IS NULL"), 6);
        }
        // The fetch is OTel's (it has the trace id), the document OTel's too; the HAR's and Datadog's name
        // it.
        QVERIFY(reference.contains(
            QStringLiteral("/checkout|datadog|https://shop.example.com/api/checkout|otel")));
        QVERIFY(reference.contains(QStringLiteral("/checkout|har|https://shop.example.com/checkout|otel")));
    }

    void sessionsOfOneVisitMerge()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, kVisit);
        {
            Database db(cache, Database::Mode::ReadOnly);
            // Four sessions as the sources named them, one visit: OTel's (first in the canonical order).
            QCOMPARE(db.queryInt("SELECT count(*) FROM sessions"), 4);
            QCOMPARE(rows(db, "SELECT key, page_load_count FROM sessions WHERE merged_into IS NULL"),
                     QStringList{QStringLiteral("otel-sess-1|3")});
            QCOMPARE(db.queryInt("SELECT count(DISTINCT session_id) FROM page_loads"), 1);
            QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE session_id NOT IN (SELECT id FROM "
                                 "sessions WHERE merged_into IS NULL)"),
                     0);
            // The visit has what the others knew (Datadog's user).
            QCOMPARE(rows(db, "SELECT user_id FROM sessions WHERE merged_into IS NULL"),
                     QStringList{QStringLiteral("u-7")});
        }
        // A later item naming a merged-away session key still finds the visit.
        QTemporaryDir extra;
        const QString late = extra.filePath(QStringLiteral("late.ndjson"));
        QFile f(late);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            R"({"type":"error","date":1772442021000,"application":{"id":"7f3e2c1a-0b9d-4e8f-a6c5-d4b3a2918070"},)"
            R"("service":"shop-web","source":"browser","session":{"id":"dd-sess-9","type":"user"},)"
            R"("view":{"id":"dd-view-3","url":"https://shop.example.com/checkout"},)"
            R"("error":{"id":"dd-late-1","message":"late","source":"source","type":"Error"}})"
            "\n");
        f.close();
        importIntoCache(cache, {late});
        Database db(cache, Database::Mode::ReadOnly);
        QCOMPARE(rows(db, "SELECT s.key, p.route FROM rum_errors e JOIN sessions s ON s.id = e.session_id "
                          "JOIN page_loads p ON p.id = e.page_load_id"),
                 QStringList{QStringLiteral("otel-sess-1|/checkout")});
        QCOMPARE(db.queryInt("SELECT count(*) FROM sessions WHERE merged_into IS NULL"), 1);
    }

    void ambiguousSessionsStayApart()
    {
        // One OTel session whose two loads merged with loads of two different HAR files' sessions: which
        // HAR session is this visit is not known, so none is merged.
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        {
            StoreWriter writer(cache);
            RecordBatch b;
            for (const char* key : {"otel-s", "har-1", "har-2"})
                b.sessions.push_back(session(key));
            b.pageLoads.push_back(pageLoad("o1", "otel", "otel-s", "https://shop.example.com/a", kT0));
            b.pageLoads.push_back(
                pageLoad("o2", "otel", "otel-s", "https://shop.example.com/b", kT0 + 10'000'000'000));
            b.pageLoads.push_back(
                pageLoad("h1", "har", "har-1", "https://shop.example.com/a", kT0 + 5'000'000));
            b.pageLoads.push_back(
                pageLoad("h2", "har", "har-2", "https://shop.example.com/b", kT0 + 10'005'000'000));
            writer.submit(0, std::move(b));
            QVERIFY(writer.flush());
        }
        Database db(cache, Database::Mode::ReadOnly);
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), 2);
        QCOMPARE(db.queryInt("SELECT count(*) FROM sessions WHERE merged_into IS NULL"), 3);
    }

    void failedRequestsAreNetworkErrors_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QStringList>("statuses"); // url|status of each fetch/xhr, status 0 = failed
        QTest::addColumn<int>("networkErrors");
        QTest::newRow("otel") << fixture("failed/otel-web.json")
                              << QStringList{QStringLiteral("/api/cart|0"), QStringLiteral("/api/flags|-")}
                              << 1;
        QTest::newRow("faro") << fixture("failed/faro.ndjson")
                              << QStringList{QStringLiteral("/api/cart|0"), QStringLiteral("/api/flags|-")}
                              << 1;
        // The resource and the SDK's network error event are one failed call.
        QTest::newRow("datadog") << fixture("failed/datadog.ndjson")
                                 << QStringList{QStringLiteral("/api/cart|0"), QStringLiteral("/hero.png|-")}
                                 << 1;
        QTest::newRow("har") << fixture("failed/page.har")
                             << QStringList{QStringLiteral("/api/cart|0"), QStringLiteral("/api/coupons|0"),
                                            QStringLiteral("/hero.png|-")}
                             << 2;
    }
    void failedRequestsAreNetworkErrors()
    {
        QFETCH(QString, file);
        QFETCH(QStringList, statuses);
        QFETCH(int, networkErrors);
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, {file});
        Database db(cache, Database::Mode::ReadOnly);
        QCOMPARE(rows(db,
                      "SELECT substr(url, instr(substr(url, 9), '/') + 8), status FROM resources WHERE type "
                      "<> 'document' ORDER BY 1"),
                 statuses);
        QCOMPARE(db.queryInt("SELECT network_error_count FROM page_loads"), networkErrors);
        QCOMPARE(db.queryInt("SELECT error_count FROM page_loads"), networkErrors);
    }

    void failedRequestCountsOnceAcrossSources()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, kFailed);
        Database db(cache, Database::Mode::ReadOnly);
        // /api/cart failed in all four reports, /api/coupons only the HAR saw: two failed calls.
        QCOMPARE(rows(db, "SELECT count(*), resource_count, network_error_count FROM page_loads"),
                 QStringList{QStringLiteral("1|5|2")});
        QCOMPARE(db.queryInt("SELECT count(*) FROM sessions WHERE merged_into IS NULL"), 1);
    }

    void migratesAVersion3File()
    {
        // A file as schema v3 left it (made here from a new one: the step's columns and indexes taken off),
        // with a page load, a failed call and a session: the step adds them, the rows stay as they were.
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("v3.seam")).toStdString();
        importIntoCache(cache, {fixture("otel-web.json")});
        {
            Database db(cache, Database::Mode::ReadWrite);
            db.exec(
                "DROP INDEX resources_merged; DROP INDEX resources_merged_by_page_load; "
                "DROP INDEX resources_failed_calls; DROP INDEX sessions_merged; "
                "ALTER TABLE resources DROP COLUMN reporter; ALTER TABLE resources DROP COLUMN merged_into; "
                "ALTER TABLE sessions DROP COLUMN merged_into; CREATE INDEX resources_failed_by_page_load ON "
                "resources(page_load_id, url) WHERE status >= 500; DROP TRIGGER page_load_reach_gone; "
                "DROP TABLE page_load_reach; PRAGMA user_version = 3");
            QVERIFY(!schema::hasCallMerging(db));
        }
        importIntoCache(cache, {fixture("datadog-rum.ndjson")}); // the writer brings it forward, then merges
        Database db(cache, Database::Mode::ReadOnly);
        QCOMPARE(db.queryInt("PRAGMA user_version"), schema::kSchemaVersion);
        QVERIFY(schema::hasCallMerging(db));
        QCOMPARE(
            db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'resources_failed_by_page_load'"),
            0);
        // The rows written before the step keep no reporter; the checkout's 502 counts once all the same.
        QCOMPARE(rows(db, "SELECT route, network_error_count, (SELECT count(*) FROM page_load_reports WHERE "
                          "page_load_id = p.id) FROM page_loads p ORDER BY start_ns"),
                 (QStringList{QStringLiteral("/|0|2"), QStringLiteral("/product/:id|0|2"),
                              QStringLiteral("/checkout|1|2")}));
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE reporter IS NULL"), 6);
    }

    void urlKeyToleratesSpellings()
    {
        const std::string key = CallReconciler::urlKey("https://shop.example.com/cart");
        for (const char* same : {"https://shop.example.com/cart/", "https://shop.example.com/cart#top",
                                 "https://shop.example.com:443/cart", "HTTPS://Shop.Example.com/cart/#x"})
            QCOMPARE(CallReconciler::urlKey(same), key);
        QCOMPARE(CallReconciler::urlKey("https://shop.example.com"),
                 CallReconciler::urlKey("https://shop.example.com/"));
        QCOMPARE(CallReconciler::urlKey("http://shop.example.com:80/?"),
                 CallReconciler::urlKey("http://shop.example.com"));
        for (const char* other : {"https://shop.example.com/cart?id=2", "https://shop.example.com:8443/cart",
                                  "http://shop.example.com/cart", "https://shop.example.com/Cart"})
            QVERIFY2(CallReconciler::urlKey(other) != key, other);
    }

    void pageLoadsMatchAcrossUrlSpellings()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        {
            StoreWriter writer(cache);
            RecordBatch b;
            for (const char* key : {"otel-s", "dd-s", "har-s"})
                b.sessions.push_back(session(key));
            b.pageLoads.push_back(pageLoad("o1", "otel", "otel-s", "https://shop.example.com/cart", kT0));
            b.pageLoads.push_back(
                pageLoad("d1", "datadog", "dd-s", "https://shop.example.com/cart/#step-2", kT0 + 3'000'000));
            b.pageLoads.push_back(
                pageLoad("h1", "har", "har-s", "https://shop.example.com:443/cart", kT0 + 4'000'000));
            writer.submit(0, std::move(b));
            QVERIFY(writer.flush());
        }
        Database db(cache, Database::Mode::ReadOnly);
        QCOMPARE(rows(db,
                      "SELECT url, (SELECT count(*) FROM page_load_reports WHERE page_load_id = p.id) FROM "
                      "page_loads p"),
                 QStringList{QStringLiteral("https://shop.example.com/cart|3")});
    }
};

QTEST_GUILESS_MAIN(TestCallReconciler)
#include "tst_callreconciler.moc"
