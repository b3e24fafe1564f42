// One navigation, one page load (models/correlation/PageLoadReconciler): the same browser session as
// OpenTelemetry web, Datadog RUM, Grafana Faro and a Playwright HAR report it (tests/data/reconcile, built
// in the SDKs' shapes by make_fixtures.py) becomes one page load per navigation with one report per source,
// whatever the order of the imports, and however often they are repeated.

#include "ImportTestUtil.h"
#include "PageLoadFilter.h"
#include "PageLoadReconciler.h"
#include "Records.h"
#include "Sqlite.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cstring>

using namespace seam;
using seam::importtest::importIntoCache;
using seam::importtest::rows;

namespace {

QString fixture(const char* name)
{
    return (seam::test::dataDir() + QStringLiteral("/reconcile/")) + QLatin1String(name);
}

const QStringList kBrowserFiles = {fixture("otel-web.json"), fixture("datadog-rum.ndjson"),
                                   fixture("faro.ndjson"), fixture("page.har")};

// What a user sees of the cache: the page loads with their canonical values and sources, independent of
// row ids (which depend on the import order).
QStringList summary(const std::string& cache)
{
    Database db(cache, Database::Mode::ReadOnly);
    return rows(
        db, "SELECT p.url, resource_key_text(p.key), p.duration_ns, p.ttfb_ns, p.lcp_ns, p.resource_count, "
            "p.error_count, "
            "(SELECT group_concat(format) FROM (SELECT format FROM page_load_reports "
            "WHERE page_load_id = p.id ORDER BY format)), "
            "(SELECT count(*) FROM page_load_reports WHERE page_load_id = p.id) "
            "FROM page_loads p ORDER BY p.start_ns");
}

std::int64_t count(const std::string& cache, const char* sql)
{
    Database db(cache, Database::Mode::ReadOnly);
    return db.queryInt(sql);
}

} // namespace

class TestPageLoadReconciler : public QObject
{
    Q_OBJECT

private slots:
    void canonicalOrderPrefersInPageSdks()
    {
        QVERIFY(PageLoadReconciler::canonicalOrder("otel") < PageLoadReconciler::canonicalOrder("datadog"));
        QVERIFY(PageLoadReconciler::canonicalOrder("datadog") < PageLoadReconciler::canonicalOrder("faro"));
        QVERIFY(PageLoadReconciler::canonicalOrder("faro") < PageLoadReconciler::canonicalOrder("har"));
        QVERIFY(PageLoadReconciler::canonicalOrder("other") < PageLoadReconciler::canonicalOrder("har"));
    }

    void singleSourceStaysApart()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, {fixture("otel-web.json"), fixture("backend.json")});
        {
            Database db(cache, Database::Mode::ReadOnly);
            for (const char* text : {"source:har", "source:datadog"}) {
                const PageLoadFilter filter = PageLoadFilter::parse(QString::fromLatin1(text));
                Statement st = db.prepare("SELECT count(*) FROM page_loads p WHERE " + filter.sql());
                filter.bind(st);
                QVERIFY(st.step());
                QCOMPARE(st.int64(0), 0);
            }
        }
        QCOMPARE(count(cache, "SELECT count(*) FROM page_loads"), 3);
        QCOMPARE(count(cache, "SELECT count(*) FROM page_load_reports"), 3);
        QCOMPARE(count(cache, "SELECT count(*) FROM page_load_reports WHERE matched_by IS NOT NULL"), 0);
    }

    void fourSourcesOnePageLoadPerNavigation()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, kBrowserFiles + QStringList{fixture("backend.json")});
        const QStringList pages = summary(cache);
        QCOMPARE(pages.size(), 3); // three navigations were made
        for (const QString& p : pages)
            QVERIFY2(p.endsWith(QLatin1String("|datadog,faro,har,otel|4")), qPrintable(p));
        // Canonical values: the OpenTelemetry documentLoad's navigation timing (1200 ms load, 150 ms TTFB),
        // not the Datadog view's (1215 ms) nor the HAR's onLoad (1220 ms); LCP only Datadog and Faro
        // measured: Datadog's (fcp + 300 ms) wins over Faro's.
        QVERIFY2(pages[0].startsWith(QLatin1String("https://shop.example.com/|otel:")), qPrintable(pages[0]));
        QVERIFY2(pages[0].contains(QLatin1String("|1200000000|150000000|780000000|")), qPrintable(pages[0]));
        // How each was recognised: the HAR by the document's meta traceparent and the fetch's traceparent
        // header, Datadog's checkout view by its `_dd.trace_id`, the others by URL, time and browser after
        // the clock difference (Datadog +350 ms) learnt from the one matched by trace.
        Database db(cache, Database::Mode::ReadOnly);
        QCOMPARE(rows(db, "SELECT format, matched_by IS NOT NULL, count(*) FROM page_load_reports "
                          "GROUP BY 1, 2 ORDER BY 1, 2"),
                 (QStringList{QStringLiteral("datadog|1|3"), QStringLiteral("faro|1|3"),
                              QStringLiteral("har|1|3"), QStringLiteral("otel|0|3")}));
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_load_reports WHERE format = 'har' AND "
                             "matched_by = 'resource-trace'"),
                 3);
        // Each page load's children come from every source (3 sources report the fetch, OTel and HAR the
        // document): nothing is left on a page load that no longer exists.
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE page_load_id NOT IN (SELECT id FROM "
                             "page_loads)"),
                 0);
        QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE page_load_id IS NULL"), 0);
        // The checkout's failed call (502) is a network error of its page load, once although OTel, the
        // HAR and Datadog each reported it; the total includes it (no JS errors here).
        QCOMPARE(rows(db, "SELECT route, error_count, network_error_count FROM page_loads ORDER BY start_ns"),
                 (QStringList{QStringLiteral("/|0|0"), QStringLiteral("/product/:id|0|0"),
                              QStringLiteral("/checkout|1|1")}));
        // The filter's source: term matches every source that reported a merged page load.
        for (const char* text : {"source:har", "source:Datadog", "source:otel network_errors>0"}) {
            const PageLoadFilter filter = PageLoadFilter::parse(QString::fromLatin1(text));
            QVERIFY2(filter.isValid(), text);
            Statement st = db.prepare("SELECT count(*) FROM page_loads p LEFT JOIN sessions s ON s.id = "
                                      "p.session_id WHERE " +
                                      filter.sql());
            filter.bind(st);
            QVERIFY(st.step());
            QCOMPARE(st.int64(0), std::strstr(text, "network") ? 1 : 3);
        }
    }

    void everyImportOrderGivesTheSameCache()
    {
        QTemporaryDir dir;
        QStringList files = kBrowserFiles;
        std::sort(files.begin(), files.end());
        QStringList reference;
        int run = 0;
        do {
            // The backend at every position in turn: before, between and after the browser files.
            QStringList order = files;
            order.insert(run % (files.size() + 1), fixture("backend.json"));
            const std::string cache = dir.filePath(QStringLiteral("c%1.seam").arg(run)).toStdString();
            importIntoCache(cache, order);
            const QStringList once = summary(cache);
            importIntoCache(cache, order); // idempotent: the same imports again change nothing
            QCOMPARE(summary(cache), once);
            QCOMPARE(count(cache, "SELECT count(*) FROM page_load_reports"), 12);
            if (reference.isEmpty())
                reference = once;
            QVERIFY2(once == reference, qPrintable(order.join(QLatin1Char(' ')) + QLatin1String("\n") +
                                                   once.join(QLatin1Char('\n'))));
            ++run;
        } while (std::next_permutation(files.begin(), files.end()));
        QCOMPARE(run, 24);
        QCOMPARE(reference.size(), 3);
    }

    void aViewsValuesSurviveTheFold()
    {
        // The Datadog checkout view carries an order's value in its context: whichever page load the
        // fold keeps, the value stays on the one page load of the navigation (in every import order).
        QTemporaryDir dir;
        QFile in(fixture("datadog-rum.ndjson"));
        QVERIFY(in.open(QIODevice::ReadOnly));
        const QString valued = dir.filePath(QStringLiteral("datadog-valued.ndjson"));
        QFile out(valued);
        QVERIFY(out.open(QIODevice::WriteOnly));
        int views = 0;
        for (const QByteArray& line : in.readAll().split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event[QStringLiteral("type")].toString() == QLatin1String("view") &&
                event[QStringLiteral("view")].toObject()[QStringLiteral("url")].toString().endsWith(
                    QLatin1String("/checkout"))) {
                event[QStringLiteral("context")] =
                    QJsonObject{{QStringLiteral("order"), QJsonObject{{QStringLiteral("value"), 88.5}}}};
                ++views;
            }
            out.write(QJsonDocument(event).toJson(QJsonDocument::Compact) + '\n');
        }
        out.close();
        QVERIFY(views > 0);
        for (const bool datadogFirst : {true, false}) {
            QStringList order = {fixture("otel-web.json"), fixture("faro.ndjson"), fixture("page.har")};
            order.insert(datadogFirst ? 0 : 3, valued);
            const std::string cache =
                dir.filePath(QStringLiteral("v%1.seam").arg(int(datadogFirst))).toStdString();
            importIntoCache(cache, order);
            Database db(cache, Database::Mode::ReadOnly);
            QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), 3);
            QCOMPARE(rows(db, "SELECT p.route, v.key, v.value FROM page_load_values v JOIN page_loads p ON "
                              "p.id = v.page_load_id"),
                     QStringList{QStringLiteral("/checkout|order.value|88.5")});
        }
    }

    void recordedTogetherCapturesInEveryOrder()
    {
        // The real SDKs' payloads of one visit with 3 navigations (tests/data/reconcile/recorded, recorded by
        // the e2e `multi` scenario): whatever the order of the imports, 3 page loads with 4 reports each, one
        // session, each API call once (the 502 a network error once), every document linked to the backend.
        QTemporaryDir dir;
        QStringList files = {fixture("recorded/otel-web.json"), fixture("recorded/datadog-rum.ndjson"),
                             fixture("recorded/faro.ndjson"), fixture("recorded/page.har")};
        std::sort(files.begin(), files.end());
        int run = 0;
        do {
            QStringList order = files;
            order.insert(run % (files.size() + 1), fixture("recorded/backend.json"));
            const std::string cache = dir.filePath(QStringLiteral("r%1.seam").arg(run)).toStdString();
            importIntoCache(cache, order); // one file after the other, each in its own transactions
            Database db(cache, Database::Mode::ReadOnly);
            const QString where = order.join(QLatin1Char(' '));
            QCOMPARE(
                rows(db,
                     "SELECT p.route, p.network_error_count, (SELECT group_concat(format) FROM (SELECT "
                     "format FROM page_load_reports WHERE page_load_id = p.id ORDER BY format)), (SELECT "
                     "group_concat(substr(url, instr(url, '/api/')), ' ') FROM (SELECT url FROM resources "
                     "WHERE page_load_id = p.id AND merged_into IS NULL AND url LIKE '%/api/%' ORDER BY "
                     "url)) FROM page_loads p ORDER BY p.start_ns"),
                (QStringList{QStringLiteral("/|0|datadog,faro,har,otel|/api/items"),
                             QStringLiteral("/product|0|datadog,faro,har,otel|/api/items"),
                             QStringLiteral("/checkout|1|datadog,faro,har,otel|/api/checkout /api/items")}));
            QVERIFY2(db.queryInt("SELECT count(*) FROM sessions WHERE merged_into IS NULL") == 1,
                     qPrintable(where));
            QVERIFY2(
                db.queryInt("SELECT count(*) FROM page_loads p WHERE EXISTS (SELECT 1 FROM resources r JOIN "
                            "links l ON l.resource_id = r.id WHERE r.page_load_id = p.id AND r.type = "
                            "'document')") == 3,
                qPrintable(where));
            ++run;
        } while (std::next_permutation(files.begin(), files.end()));
        QCOMPARE(run, 24);
    }

    void harTabWithThreeNavigationsBesideOtel()
    {
        // A real Playwright HAR of ONE tab that navigated three times (one HAR page: goto /, a click to
        // /product, goto /checkout; tests/data/har/navigations) and the page's own OpenTelemetry spans of
        // those navigations: three page loads with two reports each, in either order.
        const QString data = (seam::test::dataDir() + QStringLiteral("/har/navigations/"));
        const QStringList files = {data + QLatin1String("page.har"), data + QLatin1String("otel-web.json")};
        QTemporaryDir dir;
        for (const QStringList& order : {files, QStringList{files[1], files[0]}}) {
            const std::string cache = dir.filePath(order.first().section(QLatin1Char('/'), -1)).toStdString();
            importIntoCache(cache, order);
            Database db(cache, Database::Mode::ReadOnly);
            QCOMPARE(rows(db,
                          "SELECT p.route, (SELECT group_concat(format) FROM (SELECT format FROM "
                          "page_load_reports WHERE page_load_id = p.id ORDER BY format)), (SELECT count(*) "
                          "FROM page_load_reports WHERE page_load_id = p.id) FROM page_loads p ORDER BY "
                          "p.start_ns"),
                     (QStringList{QStringLiteral("/|har,otel|2"), QStringLiteral("/product|har,otel|2"),
                                  QStringLiteral("/checkout|har,otel|2")}));
            // Every HAR entry is on one of them (none left on a page load that was merged away).
            QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE reporter = 'har' AND (page_load_id IS "
                                 "NULL OR page_load_id NOT IN (SELECT id FROM page_loads))"),
                     0);
        }
    }

    void liveFaroAfterOtelMergesIntoIt()
    {
        // One writer, one source after the other, each in its own transactions (as `seam serve` receives
        // them): the Faro payloads arrive after the OpenTelemetry spans of the same loads.
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        importIntoCache(cache, {fixture("otel-web.json")});
        QCOMPARE(count(cache, "SELECT count(*) FROM page_loads"), 3);
        importIntoCache(cache, {fixture("faro.ndjson")});
        QCOMPARE(count(cache, "SELECT count(*) FROM page_loads"), 3);
        QCOMPARE(count(cache, "SELECT count(*) FROM page_load_reports WHERE format = 'faro' AND matched_by = "
                              "'url-time'"),
                 3);
        // The canonical load time stays the documentLoad's; Faro's LCP fills what OTel did not measure.
        Database db(cache, Database::Mode::ReadOnly);
        QCOMPARE(rows(db, "SELECT duration_ns, lcp_ns FROM page_loads ORDER BY start_ns LIMIT 1"),
                 QStringList{QStringLiteral("1200000000|770500000")});
    }

    void twoEquallyGoodCandidatesAreNotMerged()
    {
        // Two OpenTelemetry loads of one URL 1 s apart and one HAR page exactly between them: no evidence
        // says which one the HAR saw.
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("c.seam")).toStdString();
        {
            StoreWriter writer(cache);
            RecordBatch b;
            SessionRecord s;
            s.key = "otel-s";
            s.browser = "Chrome";
            s.start = test_t0();
            b.sessions.push_back(s);
            s.key = "har-s";
            b.sessions.push_back(s);
            for (int i = 0; i < 3; ++i) {
                PageLoadRecord p;
                p.key = "pl-" + std::to_string(i);
                p.reporter = i == 1 ? "har" : "otel";
                p.sessionKey = i == 1 ? "har-s" : "otel-s";
                p.app = ServiceRef{"shop-web", "", "1", "", true};
                p.url = "https://shop.example.com/cart";
                p.start = test_t0() + i * 500'000'000LL;
                p.duration = 900'000'000;
                b.pageLoads.push_back(p);
            }
            writer.submit(0, std::move(b));
            QVERIFY(writer.flush());
        }
        QCOMPARE(count(cache, "SELECT count(*) FROM page_loads"), 3);
        QCOMPARE(count(cache, "SELECT count(*) FROM page_load_reports WHERE matched_by IS NOT NULL"), 0);
    }

private:
    static TimeNs test_t0() { return 1'772'442'000'000'000'000LL; }
};

QTEST_GUILESS_MAIN(TestPageLoadReconciler)
#include "tst_pageloadreconciler.moc"
