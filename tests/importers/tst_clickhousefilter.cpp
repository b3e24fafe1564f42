// `seam pull --filter` against a real ClickHouse engine (chdb) on loopback: the filter's terms that map
// onto the documentLoad row are pushed to the server, the rest applied locally, and either way the
// pulled page loads matching the filter, with their figures, resources, links, linked spans and errors,
// equal those of the file import of the same telemetry narrowed by the same filter. Bytes received
// filtered vs unfiltered are printed (qInfo).

#include "CacheFacts.h"
#include "ClickHouseEngine.h"
#include "ClickHouseFilterPushDown.h"
#include "ClickHousePull.h"
#include "ImportTestUtil.h"
#include "PageLoadFilter.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

class TestClickHouseFilter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    test::ClickHouseEngine m_engine;
    QString m_fileCache;
    std::int64_t m_from = 0, m_to = 0;
    std::int64_t m_medianMs = 0;
    QString m_country, m_browser, m_route;
    std::int64_t m_unfilteredBytes = 0;
    int m_caches = 0;

    QString pull(const QString& cache, const QString& filterText, remote::PullReport* out = nullptr,
                 remote::ServerFilter* server = nullptr)
    {
        QString error;
        const auto source = remote::ClickHouseSource::parse(m_engine.url(true), error);
        if (!source)
            return error;
        StoreWriter::Options writerOptions;
        writerOptions.inferLinks = false; // as importIntoCache: id links only, so the comparison is exact
        StoreWriter writer(cache.toStdString(), writerOptions);
        const std::int64_t sourceId = writer.beginSource("clickhouse", source->display().toStdString(),
                                                         StoreWriter::OnFailure::StopSource);
        remote::PullOptions options;
        options.fromNs = m_from;
        options.toNs = m_to;
        options.pageRows = 700; // several pages per query: keyset paging with the filter's subquery
        options.traceBatch = 50;
        if (!filterText.isEmpty()) {
            const PageLoadFilter filter = PageLoadFilter::parse(filterText);
            if (!filter.isValid())
                return filter.error().message;
            options.filter = remote::pushDownFilter(filter);
            if (server)
                *server = *options.filter;
        }
        ImportReport report;
        remote::PullReport pulled;
        {
            auto sink = writer.sinkFor(sourceId);
            pulled = remote::pullClickHouse(*source, options, *sink, report);
        }
        writer.flush();
        writer.finishSource(sourceId, report);
        if (out)
            *out = pulled;
        return pulled.error;
    }

    /// The page loads of the window that `filter` matches, with what hangs off them, as rows.
    QStringList narrowed(const QString& cache, const PageLoadFilter& filter)
    {
        Database db = store::openForReading(cache.toStdString());
        Statement select =
            db.prepare("SELECT p.id FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
                       "WHERE p.start_ns >= ?1 AND p.start_ns < ?2 AND (" +
                       filter.sql() + ")");
        select.bindInt64(1, m_from);
        select.bindInt64(2, m_to);
        filter.bind(select, 3);
        // The cache is opened read-only: the matched ids (integers of our own) go into the SQL below.
        std::string ids = "(-1";
        while (select.step())
            ids += "," + std::to_string(select.int64(0));
        ids += ")";
        QStringList out;
        auto add = [&](const std::string& sql) {
            std::string text = sql;
            for (std::size_t at; (at = text.find("matched")) != std::string::npos;)
                text.replace(at, 7, ids);
            out << importtest::rows(db, text.c_str());
        };
        add("SELECT 'load', resource_key_text(p.key) AS k, p.route, p.url, p.start_ns, p.duration_ns, "
            "p.ttfb_ns, p.lcp_ns, "
            "p.error_count, p.resource_count, p.linked_count, p.backend_ns, p.services, s.key, s.browser, "
            "s.country FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
            "WHERE p.id IN matched ORDER BY k");
        add("SELECT 'resource', resource_key_text(r.key) AS k, r.url, r.status, r.start_ns, r.duration_ns "
            "FROM "
            "resources r WHERE r.page_load_id IN matched ORDER BY k");
        add("SELECT 'link', resource_key_text(r.key), lower(hex(t.trace_id)), l.method FROM links l JOIN "
            "resources r ON r.id = "
            "l.resource_id JOIN traces t ON t.id = l.trace WHERE r.page_load_id IN matched ORDER BY 2, 3");
        add("SELECT 'span', lower(hex(t.trace_id)), printf('%016x', s.span_id), s.start_ns, s.end_ns, "
            "s.status_code FROM spans s JOIN traces t ON t.id = s.trace WHERE s.trace IN (SELECT l.trace "
            "FROM links l JOIN resources r ON r.id = l.resource_id WHERE r.page_load_id IN matched) "
            "ORDER BY 2, 3");
        add("SELECT 'error', e.key FROM rum_errors e WHERE e.page_load_id IN matched ORDER BY 2");
        return out;
    }

    static int count(const QStringList& rows, const char* kind)
    {
        int n = 0;
        for (const QString& r : rows)
            n += r.startsWith(QLatin1String(kind)) ? 1 : 0;
        return n;
    }

    QString newCache() { return m_dir.filePath(QStringLiteral("pull-%1.seam").arg(++m_caches)); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qunsetenv("SEAM_CLICKHOUSE_PASSWORD");
        bool skip = false;
        const QString error = m_engine.start(m_dir.filePath(QStringLiteral("engine-data")), 60, skip);
        if (skip)
            QSKIP(qPrintable(error));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_fileCache = m_dir.filePath(QStringLiteral("files.seam"));
        for (const ImportReport& r : importtest::importIntoCache(m_fileCache.toStdString(), m_engine.files()))
            QVERIFY2(r.clean() && r.accepted() > 0, qPrintable(importtest::rejects(r)));
        Database db = store::openForReading(m_fileCache.toStdString());
        m_from = db.queryInt("SELECT min(start_ns) FROM page_loads") - std::int64_t(3600) * 1'000'000'000;
        m_to = db.queryInt("SELECT max(start_ns) FROM page_loads") + std::int64_t(3600) * 1'000'000'000;
        const std::int64_t n = db.queryInt("SELECT count(*) FROM page_loads");
        m_medianMs = db.queryInt(("SELECT duration_ns / 1000000 FROM page_loads ORDER BY duration_ns LIMIT 1 "
                                  "OFFSET " +
                                  std::to_string(n / 2))
                                     .c_str());
        auto top = [&](const char* sql) { return importtest::rows(db, sql).value(0); };
        m_country = top("SELECT country FROM sessions WHERE country IS NOT NULL GROUP BY 1 ORDER BY count(*) "
                        "DESC, 1 LIMIT 1");
        m_browser = top("SELECT browser FROM sessions WHERE browser IS NOT NULL GROUP BY 1 ORDER BY count(*) "
                        "DESC, 1 LIMIT 1");
        m_route = top("SELECT route FROM page_loads GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1");
        QVERIFY(m_medianMs > 0 && !m_country.isEmpty() && !m_browser.isEmpty() && !m_route.isEmpty());
        qInfo("demo: %lld page loads; median %lld ms, top country %s, browser %s, route %s", qlonglong(n),
              qlonglong(m_medianMs), qPrintable(m_country), qPrintable(m_browser), qPrintable(m_route));

        remote::PullReport whole;
        QCOMPARE(pull(newCache(), QString(), &whole), QString());
        m_unfilteredBytes = whole.bytes;
        qInfo("unfiltered pull: %lld browser + %lld backend spans, %lld requests, %.1f KiB received",
              qlonglong(whole.browserSpans), qlonglong(whole.backendSpans), qlonglong(whole.requests),
              double(whole.bytes) / 1024);
    }

    void filteredPullEqualsTheFilesNarrowed_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<bool>("exact");     // the server alone decides
        QTest::addColumn<bool>("allPushed"); // no term left to the cache alone
        QTest::addColumn<bool>("fewerBytes");
        // Placeholders filled in from the data in the test (the values depend on the demo).
        QTest::newRow("route (narrowing)") << QStringLiteral("route:%R") << false << true << true;
        QTest::newRow("duration and country (exact)")
            << QStringLiteral("duration>%Mms country:%C") << true << true << true;
        QTest::newRow("an unpushable term (browser)")
            << QStringLiteral("browser:%B duration>%Mms") << false << false << true;
        QTest::newRow("OR with an unpushable term (nothing pushed)")
            << QStringLiteral("country:%C OR lcp>1s") << false << false << false;
        QTest::newRow("negations") << QStringLiteral("-country:%C -route:%R") << false << false << true;
        QTest::newRow("bare word and url substring")
            << QStringLiteral("(checkout OR url:~PRODUCT) duration<%Mms") << false << true << true;
        // A LIKE wildcard typed by the user is a literal on both sides (escaped, then its backslash
        // doubled for ClickHouse's parameter text): a wrong escape would make the server select every
        // page load, which the exact server count below would show.
        QTest::newRow("a literal %") << QStringLiteral("url:~\"%\"") << true << true << true;
        QTest::newRow("nothing matches") << QStringLiteral("duration>10m") << true << true << true;
    }

    void filteredPullEqualsTheFilesNarrowed()
    {
        QFETCH(QString, filter);
        QFETCH(bool, exact);
        QFETCH(bool, allPushed);
        QFETCH(bool, fewerBytes);
        filter.replace(QLatin1String("%R"), m_route)
            .replace(QLatin1String("%M"), QString::number(m_medianMs))
            .replace(QLatin1String("%C"), m_country)
            .replace(QLatin1String("%B"), m_browser);
        const PageLoadFilter parsed = PageLoadFilter::parse(filter);
        QVERIFY2(parsed.isValid(), qPrintable(parsed.error().message));

        const QString cache = newCache();
        remote::PullReport report;
        remote::ServerFilter server;
        QCOMPARE(pull(cache, filter, &report, &server), QString());
        const QStringList fromFiles = narrowed(m_fileCache, parsed);
        const QStringList pulled = narrowed(cache, parsed);
        for (qsizetype i = 0; i < std::min(fromFiles.size(), pulled.size()); ++i)
            QVERIFY2(pulled[i] == fromFiles[i],
                     qPrintable(
                         QStringLiteral("row %1: pulled %2, files %3").arg(i).arg(pulled[i], fromFiles[i])));
        QCOMPARE(pulled.size(), fromFiles.size());

        QCOMPARE(server.exact, exact);
        QCOMPARE(server.localOnly.isEmpty(), allPushed);
        QVERIFY(report.browserRange.from == report.browserRange.to); // a filtered pull covers no range whole
        Database db = store::openForReading(cache.toStdString());
        const std::int64_t matched = remote::countMatchingPageLoads(db, parsed, m_from, m_to);
        QCOMPARE(matched, std::int64_t(count(fromFiles, "load")));
        QVERIFY(report.candidatePageLoads >= matched);
        if (exact)
            QCOMPARE(report.candidatePageLoads, matched);
        if (fewerBytes)
            QVERIFY(report.bytes < m_unfilteredBytes);
        qInfo("%s: %lld of %lld page loads match; server: %lld candidates in %lld sessions; pushed [%s], "
              "local only [%s]; %.1f KiB received vs %.1f KiB unfiltered (%.0f%%)",
              qPrintable(filter), qlonglong(matched),
              qlonglong(db.queryInt("SELECT count(*) FROM page_loads")), qlonglong(report.candidatePageLoads),
              qlonglong(report.candidateSessions), qPrintable(server.pushed.join(QLatin1Char(' '))),
              qPrintable(server.localOnly.join(QLatin1Char(' '))), double(report.bytes) / 1024,
              double(m_unfilteredBytes) / 1024, 100.0 * double(report.bytes) / double(m_unfilteredBytes));
    }

    void pullingTheSameFilterTwiceAddsNothingAndAnUnfilteredPullFillsTheRest()
    {
        const QString filter = QStringLiteral("route:%1 duration>%2ms").arg(m_route).arg(m_medianMs);
        const QString cache = newCache();
        QCOMPARE(pull(cache, filter), QString());
        const QStringList once = test::cacheFacts(cache);
        QCOMPARE(pull(cache, filter), QString());
        QCOMPARE(test::cacheFacts(cache), once);
        QCOMPARE(pull(cache, QString()), QString());
        const QString whole = newCache();
        QCOMPARE(pull(whole, QString()), QString());
        QCOMPARE(test::cacheFacts(cache), test::cacheFacts(whole));
    }

    void theBinaryReportsWhatWasPushed()
    {
        const QString cache = newCache();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SEAM_CLICKHOUSE_PASSWORD"),
                   QString::fromLatin1(test::ClickHouseEngine::kPassword));
        p.setProcessEnvironment(env);
        const QString filter = QStringLiteral("country:%1 browser:%2").arg(m_country, m_browser);
        p.start(seam::test::seamBinary(),
                {QStringLiteral("pull"), QStringLiteral("--db"), cache, m_engine.url(false),
                 QStringLiteral("--from"), QString::number(m_from), QStringLiteral("--to"),
                 QString::number(m_to), QStringLiteral("--filter"), filter, QStringLiteral("--json")});
        QVERIFY(p.waitForFinished(120000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        const QJsonObject j = QJsonDocument::fromJson(p.readAllStandardOutput()).object();
        const QJsonObject f = j.value(QStringLiteral("filter")).toObject();
        QCOMPARE(f.value(QStringLiteral("text")).toString(), filter);
        QCOMPARE(f.value(QStringLiteral("pushed")).toArray(),
                 QJsonArray{QString(QStringLiteral("country:") + m_country)});
        QCOMPARE(f.value(QStringLiteral("local_only")).toArray(),
                 QJsonArray{QString(QStringLiteral("browser:") + m_browser)});
        QCOMPARE(f.value(QStringLiteral("server_exact")).toBool(), false);
        const PageLoadFilter parsed = PageLoadFilter::parse(filter);
        QCOMPARE(qlonglong(f.value(QStringLiteral("matched_page_loads")).toDouble()),
                 qlonglong(count(narrowed(m_fileCache, parsed), "load")));
        QVERIFY(f.value(QStringLiteral("candidate_page_loads")).toDouble() >=
                f.value(QStringLiteral("matched_page_loads")).toDouble());

        // A bad filter is a usage error that names the problem, before any query.
        QProcess bad;
        bad.setProcessEnvironment(env);
        bad.start(seam::test::seamBinary(),
                  {QStringLiteral("pull"), QStringLiteral("--db"), newCache(), m_engine.url(false),
                   QStringLiteral("--from"), QString::number(m_from), QStringLiteral("--to"),
                   QString::number(m_to), QStringLiteral("--filter"), QStringLiteral("duration>fast")});
        QVERIFY(bad.waitForFinished(60000));
        QCOMPARE(bad.exitCode(), 2);
        QVERIFY(bad.readAllStandardError().contains("not a duration"));
    }
};

QTEST_GUILESS_MAIN(TestClickHouseFilter)
#include "tst_clickhousefilter.moc"
