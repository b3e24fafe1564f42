// The command line is a contract (DESIGN.md §5, README "Command line"): these tests run the real
// binary and check exit codes and JSON shapes the way a script would.

#include "DemoFixture.h"
#include "Sqlite.h"
#include "Store.h"
#include "TestPaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>

class TestCli : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
        QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    };

    static Result seam(const QStringList& args, int timeoutMs = 120000)
    {
        QProcess p;
        p.start(seam::test::seamBinary(), args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    /// Spans committed so far in a cache another process is writing (0 while it cannot be read yet).
    static qint64 committedSpans(const QString& path)
    {
        try {
            seam::Database db = seam::store::openForReading(path.toStdString());
            return db.queryInt("SELECT count(*) FROM spans");
        } catch (const seam::SqliteError&) {
            return 0;
        }
    }

    static void writeFile(const QString& path, const QByteArray& bytes)
    {
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
    }

    static QByteArray otlpJson(const char* traceId, const char* spanId, const char* service)
    {
        return QStringLiteral(
                   R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"%3"}}]},
 "scopeSpans":[{"scope":{"name":"test"},"spans":[{"traceId":"%1","spanId":"%2","name":"GET /api/items",
 "kind":2,"startTimeUnixNano":"1795165200000000000","endTimeUnixNano":"1795165200250000000",
 "attributes":[{"key":"http.route","value":{"stringValue":"/api/items"}}],"status":{"code":2,"message":"boom"}}]}]}]})")
            .arg(QLatin1String(traceId), QLatin1String(spanId), QLatin1String(service))
            .toUtf8()
            .replace('\n', ' '); // one object per line: NDJSON
    }

private slots:
    void initTestCase()
    {
        m_demo = path("demo.seam");
        if (!copyDemoFixture(QStringLiteral("60-seed3"), m_demo)) {
            const Result r =
                seam({QStringLiteral("demo"), QStringLiteral("--db"), m_demo, QStringLiteral("--sessions"),
                      QStringLiteral("60"), QStringLiteral("--seed"), QStringLiteral("3")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        QVERIFY(QFile::exists(m_demo + QStringLiteral(".truth.json")));
    }

    void versionAndHelp()
    {
        const Result v = seam({QStringLiteral("--version")});
        QCOMPARE(v.exitCode, 0);
        QVERIFY(v.out.startsWith("seam "));
        const Result h = seam({QStringLiteral("--help")});
        QCOMPARE(h.exitCode, 0);
        for (const char* cmd :
             {"import", "demo", "stats", "pageloads", "pageload", "trace", "services", "query"})
            QVERIFY2(h.out.contains(QByteArray(QByteArray("seam ") + cmd)), cmd);
        QCOMPARE(seam({QStringLiteral("stats"), QStringLiteral("--help")}).exitCode, 0);
    }

    void usageErrorsExitTwo()
    {
        QCOMPARE(seam({QStringLiteral("frobnicate")}).exitCode, 2);
        QCOMPARE(seam({QStringLiteral("stats"), QStringLiteral("--json")}).exitCode, 2); // no --db
        QCOMPARE(seam({QStringLiteral("stats"), QStringLiteral("--db"), path("missing.seam")}).exitCode, 2);
        QCOMPARE(seam({QStringLiteral("pageloads"), QStringLiteral("--db"), m_demo,
                       QStringLiteral("--slowest"), QStringLiteral("many")})
                     .exitCode,
                 2);
        QCOMPARE(
            seam({QStringLiteral("trace"), QStringLiteral("--db"), m_demo, QStringLiteral("abc")}).exitCode,
            2);
        QCOMPARE(seam({QStringLiteral("pageload"), QStringLiteral("--db"), m_demo, QStringLiteral("999999"),
                       QStringLiteral("--json")})
                     .exitCode,
                 2);
        QCOMPARE(seam({QStringLiteral("import"), QStringLiteral("--db"), path("x.seam")}).exitCode,
                 2); // no files
    }

    void statsShape()
    {
        const Result r =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), m_demo, QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = r.json().object();
        for (const char* key : {"spans", "traces", "services", "sessions", "page_loads", "resources",
                                "linked_resources", "rum_errors", "error_spans"}) {
            QVERIFY2(o.contains(QLatin1String(key)), key);
            QVERIFY2(o[QLatin1String(key)].isDouble(), key);
        }
        QCOMPARE(o[QStringLiteral("sessions")].toInt(), 60);
        QVERIFY(o[QStringLiteral("page_loads")].toInt() > 60);
        QVERIFY(o[QStringLiteral("linked_resources")].toInt() > 0);
        QVERIFY(o[QStringLiteral("services")].toInt() >= 8);
    }

    void pageLoadsAndDetail()
    {
        const Result r = seam({QStringLiteral("pageloads"), QStringLiteral("--db"), m_demo,
                               QStringLiteral("--json"), QStringLiteral("--slowest"), QStringLiteral("5")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray rows = r.json().array();
        QCOMPARE(rows.size(), 5);
        double previous = 1e18;
        for (const auto& v : rows) {
            const QJsonObject p = v.toObject();
            for (const char* key : {"id", "url", "route", "start_ns", "duration_ms", "ttfb_ms", "lcp_ms",
                                    "error_count", "backend_ms", "services", "session", "trace_id"})
                QVERIFY2(p.contains(QLatin1String(key)), key);
            QVERIFY(p[QStringLiteral("duration_ms")].toDouble() <= previous);
            previous = p[QStringLiteral("duration_ms")].toDouble();
        }
        const QString id = QString::number(rows[0].toObject()[QStringLiteral("id")].toInt());
        const Result d =
            seam({QStringLiteral("pageload"), QStringLiteral("--db"), m_demo, id, QStringLiteral("--json")});
        QCOMPARE(d.exitCode, 0);
        const QJsonObject detail = d.json().object();
        for (const char* key : {"page_load", "resources", "links", "services", "errors", "causes"})
            QVERIFY2(detail.contains(QLatin1String(key)), key);
        QVERIFY(!detail[QStringLiteral("resources")].toArray().isEmpty());

        const Result routeFiltered =
            seam({QStringLiteral("pageloads"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("--route"), QStringLiteral("/cart")});
        QCOMPARE(routeFiltered.exitCode, 0);
        for (const auto& v : routeFiltered.json().array())
            QCOMPARE(v.toObject()[QStringLiteral("route")].toString(), QStringLiteral("/cart"));
    }

    void traceJsonAndFolded()
    {
        const Result q =
            seam({QStringLiteral("query"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("SELECT lower(hex(trace_id)) FROM traces WHERE backend_span_count > 3 "
                                 "ORDER BY id LIMIT 1")});
        QCOMPARE(q.exitCode, 0);
        const QString traceId =
            q.json().object()[QStringLiteral("rows")].toArray()[0].toArray()[0].toString();
        QCOMPARE(traceId.size(), 32);
        const Result t = seam(
            {QStringLiteral("trace"), QStringLiteral("--db"), m_demo, traceId, QStringLiteral("--json")});
        QCOMPARE(t.exitCode, 0);
        const QJsonObject trace = t.json().object();
        QCOMPARE(trace[QStringLiteral("trace_id")].toString(), traceId);
        const QJsonArray spans = trace[QStringLiteral("spans")].toArray();
        QCOMPARE(spans.size(), trace[QStringLiteral("span_count")].toInt());
        for (const char* key : {"span_id", "parent_span_id", "service", "name", "kind", "start_ns", "end_ns",
                                "duration_ms", "status", "attributes", "events"})
            QVERIFY2(spans[0].toObject().contains(QLatin1String(key)), key);
        const Result f = seam(
            {QStringLiteral("trace"), QStringLiteral("--db"), m_demo, traceId, QStringLiteral("--folded")});
        QCOMPARE(f.exitCode, 0);
        for (const QByteArray& line : f.out.trimmed().split('\n')) {
            const int space = line.lastIndexOf(' ');
            QVERIFY(space > 0);
            bool ok = false;
            line.mid(space + 1).toLongLong(&ok);
            QVERIFY2(ok, line.constData());
        }
    }

    void servicesSeries()
    {
        const Result r = seam({QStringLiteral("services"), QStringLiteral("--db"), m_demo,
                               QStringLiteral("--json"), QStringLiteral("--step"), QStringLiteral("1m")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = r.json().object();
        QCOMPARE(o[QStringLiteral("step_ns")].toDouble(), 60e9);
        const QJsonArray services = o[QStringLiteral("services")].toArray();
        QVERIFY(services.size() >= 8);
        const QJsonObject first = services[0].toObject();
        for (const char* key :
             {"name", "requests", "errors", "error_rate", "p50_ms", "p95_ms", "p99_ms", "series"})
            QVERIFY2(first.contains(QLatin1String(key)), key);
        QVERIFY(first[QStringLiteral("series")].toArray().size() >= 20);
        QCOMPARE(seam({QStringLiteral("services"), QStringLiteral("--db"), m_demo, QStringLiteral("--step"),
                       QStringLiteral("soon")})
                     .exitCode,
                 2);
    }

    void queryIsReadOnly()
    {
        const Result bad = seam({QStringLiteral("query"), QStringLiteral("--db"), m_demo,
                                 QStringLiteral("--json"), QStringLiteral("DELETE FROM spans")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("read-only"));
        const Result count =
            seam({QStringLiteral("query"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("SELECT count(*) AS n FROM spans")});
        QCOMPARE(count.exitCode, 0);
        QVERIFY(count.json().object()[QStringLiteral("rows")].toArray()[0].toArray()[0].toInt() > 1000);
    }

    void importReportsRejectsAndIsIdempotent()
    {
        const QString good = path("good.json");
        const QString bad = path("bad.json");
        writeFile(good, otlpJson("5b8efff798038103d269b633813fc60c", "eee19b7ec3c1b174", "api"));
        // Second line has a trace id of the wrong length: rejected, the others imported.
        writeFile(bad, otlpJson("5b8efff798038103d269b633813fc60d", "eee19b7ec3c1b175", "api") + "\n" +
                           otlpJson("5b8efff7", "eee19b7ec3c1b176", "api") + "\n" +
                           otlpJson("5b8efff798038103d269b633813fc60e", "eee19b7ec3c1b177", "api") + "\n");
        const QString db = path("import.seam");
        const Result first = seam({QStringLiteral("import"), QStringLiteral("--db"), db, good});
        QCOMPARE(first.exitCode, 0);
        QVERIFY(first.out.contains("1 imported, 0 rejected"));
        const Result mixed =
            seam({QStringLiteral("import"), QStringLiteral("--db"), db, QStringLiteral("--json"), bad});
        QCOMPARE(mixed.exitCode, 1);
        const QJsonObject report = mixed.json().array()[0].toObject();
        QCOMPARE(report[QStringLiteral("imported")].toInt(), 2);
        QCOMPARE(report[QStringLiteral("rejected")].toInt(), 1);
        const QString where =
            report[QStringLiteral("rejects")].toArray()[0].toObject()[QStringLiteral("location")].toString();
        QVERIFY2(where.contains(QStringLiteral("line 2")), qPrintable(where));

        const Result again = seam({QStringLiteral("import"), QStringLiteral("--db"), db, good, bad});
        QCOMPARE(again.exitCode, 1);
        const Result stats =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), db, QStringLiteral("--json")});
        QCOMPARE(stats.json().object()[QStringLiteral("spans")].toInt(), 3);
        QCOMPARE(stats.json().object()[QStringLiteral("error_spans")].toInt(), 3);

        const Result missing =
            seam({QStringLiteral("import"), QStringLiteral("--db"), db, path("nope.json")});
        QCOMPARE(missing.exitCode, 1);
        writeFile(path("garbage.bin"), QByteArray(4096, '\x07'));
        const Result garbage =
            seam({QStringLiteral("import"), QStringLiteral("--db"), db, path("garbage.bin")});
        QCOMPARE(garbage.exitCode, 1);
        QVERIFY(garbage.out.contains("garbage.bin"));
    }

    void importReportsWarningsWithoutFailing()
    {
        // A lone surrogate escape (a cut emoji) is mended, not rejected: a warning with its location in
        // the text and JSON reports, and exit code 0.
        const QString file = path("surrogate.json");
        writeFile(file, otlpJson("5b8efff798038103d269b633813fc6aa", "eee19b7ec3c1b1aa", "api")
                            .replace("/api/items\"}}]", "/api/items \\ud83d\"}}]"));
        const QString db = path("warnings.seam");
        const Result text = seam({QStringLiteral("import"), QStringLiteral("--db"), db, file});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("1 imported, 0 rejected"), text.out.constData());
        QVERIFY2(text.out.contains("  1 warning, the first at line 1, byte "), text.out.constData());
        QVERIFY2(text.out.contains("unpaired UTF-16 surrogate escape"), text.out.constData());
        const Result json =
            seam({QStringLiteral("import"), QStringLiteral("--db"), db, QStringLiteral("--json"), file});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject report = json.json().array()[0].toObject();
        QCOMPARE(report[QStringLiteral("warnings")].toInt(), 1);
        QVERIFY(report[QStringLiteral("first_warning")]
                    .toObject()[QStringLiteral("location")]
                    .toString()
                    .startsWith(QStringLiteral("line 1, byte ")));
        QCOMPARE(report[QStringLiteral("rejects")].toArray().size(), 0);
    }

    void killedImportLeavesAConsistentCache()
    {
        // A big demo import, SIGKILLed part-way: the cache must open and hold whole batches only.
        const QString db = path("killed.seam");
        QProcess p;
        p.start(seam::test::seamBinary(), {QStringLiteral("demo"), QStringLiteral("--db"), db,
                                           QStringLiteral("--sessions"), QStringLiteral("3000")});
        QVERIFY(p.waitForStarted());
        // Wait until something is committed, then kill without warning.
        // Wait until batches are committed (WAL size is no sign: uncommitted pages spill there too).
        QTRY_VERIFY_WITH_TIMEOUT(committedSpans(db) > 0, 60000);
        ::kill(pid_t(p.processId()), SIGKILL);
        QVERIFY(p.waitForFinished());
        const Result stats =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), db, QStringLiteral("--json")});
        QCOMPARE(stats.exitCode, 0);
        QVERIFY(stats.json().object()[QStringLiteral("spans")].toInt() > 0);
        const Result check = seam(
            {QStringLiteral("query"), QStringLiteral("--db"), db, QStringLiteral("--json"),
             QStringLiteral("SELECT (SELECT count(*) FROM spans) = (SELECT sum(span_count) FROM traces), "
                            "(SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok')")});
        QCOMPARE(check.exitCode, 0);
        const QJsonArray row = check.json().object()[QStringLiteral("rows")].toArray()[0].toArray();
        QCOMPARE(row[0].toInt(), 1);
        QCOMPARE(row[1].toInt(), 0);
        // And it accepts more data afterwards.
        const QString more = path("more.json");
        writeFile(more, otlpJson("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", "late"));
        QCOMPARE(seam({QStringLiteral("import"), QStringLiteral("--db"), db, more}).exitCode, 0);
    }

    void interruptKeepsCommittedBatches()
    {
        const QString db = path("interrupted.seam");
        QProcess p;
        p.start(seam::test::seamBinary(), {QStringLiteral("demo"), QStringLiteral("--db"), db,
                                           QStringLiteral("--sessions"), QStringLiteral("3000")});
        QVERIFY(p.waitForStarted());
        // Wait until batches are committed (WAL size is no sign: uncommitted pages spill there too).
        QTRY_VERIFY_WITH_TIMEOUT(committedSpans(db) > 0, 60000);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 1);
        QVERIFY(p.readAllStandardError().contains("interrupted"));
        const Result stats =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), db, QStringLiteral("--json")});
        QCOMPARE(stats.exitCode, 0);
        QVERIFY(stats.json().object()[QStringLiteral("spans")].toInt() > 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
