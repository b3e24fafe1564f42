// `seam report`, `seam extract` and `seam export` through the real binary on a small demo
// investigation with notes and bookmarks: the report is deterministic, names the demo's incidents and
// their causes, opens in a real browser and prints to PDF; an extract answers like the full cache; an
// OTLP JSON export imports back to the same spans; CSV is RFC 4180.

#include "CsvRecords.h"
#include "DemoFixture.h"
#include "Sqlite.h"
#include "TestPaths.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestReportCommands : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;
    qint64 m_slowCheckout = 0;  // bookmarked
    qint64 m_failedProduct = 0; // bookmarked

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
    };

    static Result run(const QString& program, const QStringList& args, int timeoutMs = 180000)
    {
        QProcess p;
        p.start(program, args);
        if (!p.waitForFinished(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }
    static Result seam(const QStringList& args) { return run(seam::test::seamBinary(), args); }

    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    static QByteArray readAll(const QString& file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        m_demo = path("demo.seam");
        if (!copyDemoFixture(QStringLiteral("800-seed9"), m_demo)) {
            const Result r =
                seam({QStringLiteral("demo"), QStringLiteral("--db"), m_demo, QStringLiteral("--sessions"),
                      QStringLiteral("800"), QStringLiteral("--seed"), QStringLiteral("9")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        // Notes and bookmarks through the v1 columns, as the GUI writes them.
        seam::Database db(m_demo.toStdString(), seam::Database::Mode::ReadWrite);
        auto pick = db.prepare("SELECT id FROM page_loads WHERE route = ?1 AND error_count >= ?2 "
                               "AND start_ns >= ?3 AND start_ns < ?4 ORDER BY duration_ns DESC, id LIMIT 1");
        const qint64 lockFrom = 1795165680000000000, lockTo = 1795166040000000000;
        const qint64 deployFrom = 1795166220000000000, deployTo = 1795166460000000000;
        pick.bindText(1, "/checkout").bind(2, 0).bind(3, lockFrom).bind(4, lockTo);
        QVERIFY(pick.step());
        m_slowCheckout = pick.int64(0);
        pick.reset();
        pick.bindText(1, "/product/:id").bind(2, 1).bind(3, deployFrom).bind(4, deployTo);
        QVERIFY(pick.step());
        m_failedProduct = pick.int64(0);
        auto note = db.prepare("INSERT INTO notes (created_ns, kind, target_type, target_id, from_ns, to_ns, "
                               "title, text) VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        const std::string slow = std::to_string(m_slowCheckout), failed = std::to_string(m_failedProduct);
        note.bindText(1, "bookmark").bindText(2, "page_load").bindText(3, slow).bindNull(4).bindNull(5);
        note.bindText(6, "Slowest checkout").bindText(7, "waited on payments");
        note.run();
        note.bindText(1, "bookmark").bindText(2, "page_load").bindText(3, failed).bindNull(4).bindNull(5);
        note.bindText(6, "Failed product page").bindText(7, "catalog 2.8.0 answered 500");
        note.run();
        // The saved conversion definition (what the GUI's impact card stores) reaches the report.
        db.exec("INSERT OR REPLACE INTO meta (key, value) VALUES ('conversion.definition', "
                "'route:/checkout/confirmation'), ('conversion.revenue_attribute', 'order.value')");
        note.bindText(1, "note").bindText(2, "time_range").bindNull(3).bind(4, lockFrom).bind(5, lockTo);
        note.bindText(6, "Payments lock").bindText(7, "row lock on payment_accounts <b>&</b> \"quotes\"");
        note.run();
    }

    void reportIsDeterministicAndNamesTheIncidents()
    {
        const QString a = path("a.html"), b = path("b.html");
        for (const QString& out : {a, b}) {
            const Result r =
                seam({QStringLiteral("report"), QStringLiteral("--db"), m_demo, QStringLiteral("--out"), out,
                      QStringLiteral("--title"), QStringLiteral("Demo review")});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        const QByteArray html = readAll(a);
        QVERIFY(html.size() > 10000);
        QCOMPARE(readAll(b), html); // same cache, same bytes
        const QString text = QString::fromUtf8(html);
        QVERIFY(text.startsWith(QLatin1String("<!DOCTYPE html>")));
        QVERIFY(text.contains(QLatin1String("<title>Demo review</title>")));
        // Both planted backend incidents, their origins and their causes.
        QVERIFY(text.contains(QLatin1String("Incident 1: payments")));
        QVERIFY(text.contains(QLatin1String("SELECT payment_accounts")));
        QVERIFY(text.contains(QLatin1String("Incident 2: catalog 2.8.0 error rate")));
        QVERIFY(text.contains(QLatin1String("catalog service.version = 2.8.0")));
        QVERIFY(text.contains(QLatin1String("explained by payments")));
        QVERIFY(text.contains(QLatin1String("Conversions lost (route:/checkout/confirmation): ")));
        QVERIFY(text.contains(QLatin1String("Revenue lost (order.value): ")));
        // Notes in time order, escaped; each bookmark with its two charts.
        QVERIFY(text.contains(
            QLatin1String("row lock on payment_accounts &lt;b&gt;&amp;&lt;/b&gt; &quot;quotes&quot;")));
        QVERIFY(text.indexOf(QLatin1String("Payments lock")) <
                text.indexOf(QLatin1String("Failed product page")));
        QVERIFY(text.contains(QStringLiteral("page load %1").arg(m_slowCheckout)));
        QVERIFY(text.contains(QLatin1String("aria-label=\"Waterfall of page load")));
        QVERIFY(text.contains(QLatin1String("aria-label=\"Backend flamegraph of page load")));
        // Self-contained: no script, nothing fetched.
        QVERIFY(!text.contains(QLatin1String("<script"), Qt::CaseInsensitive));
        QVERIFY(!text.contains(QLatin1String("src=\"http")));
        QVERIFY(!text.contains(QLatin1String("<link")));
        QVERIFY(text.contains(QLatin1String("prefers-color-scheme: dark")));
        QVERIFY(!text.contains(QLatin1String("class=\"dark\"")));

        const Result dark = seam({QStringLiteral("report"), QStringLiteral("--db"), m_demo,
                                  QStringLiteral("--out"), path("dark.html"), QStringLiteral("--dark")});
        QVERIFY2(dark.exitCode == 0, dark.err.constData());
        QVERIFY(readAll(path("dark.html")).contains("<html lang=\"en\" class=\"dark\">"));
    }

    void reportRangeKeepsItsIncidentsAndNotes()
    {
        const QString out = path("deploy.html");
        const Result r =
            seam({QStringLiteral("report"), QStringLiteral("--db"), m_demo, QStringLiteral("--out"), out,
                  QStringLiteral("--from"), QStringLiteral("2026-11-20T09:16:00Z"), QStringLiteral("--to"),
                  QStringLiteral("2026-11-20T09:24:00Z")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString text = QString::fromUtf8(readAll(out));
        QVERIFY(text.contains(QStringLiteral("2026-11-20 09:16–09:24 UTC")));
        QVERIFY(text.contains(QLatin1String("Incident 1: catalog 2.8.0")));
        QVERIFY(!text.contains(QLatin1String("Incident 2:")));
        QVERIFY(!text.contains(QLatin1String("Payments lock"))); // its note's range ends before
        QVERIFY(text.contains(QLatin1String("Failed product page")));
        QVERIFY(!text.contains(QLatin1String("Slowest checkout")));
    }

    void reportOpensInChromium()
    {
        const QString chromium = QStandardPaths::findExecutable(QStringLiteral("chromium"));
        if (chromium.isEmpty())
            QSKIP("chromium is not installed (scripts/deps.sh installs it): the DOM check needs a real "
                  "browser");
        const QString html = path("browser.html");
        QCOMPARE(
            seam({QStringLiteral("report"), QStringLiteral("--db"), m_demo, QStringLiteral("--out"), html})
                .exitCode,
            0);
        QTemporaryDir profile;
        const Result r = run(chromium,
                             {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"),
                              QStringLiteral("--disable-gpu"), QStringLiteral("--no-first-run"),
                              QStringLiteral("--user-data-dir=") + profile.path(),
                              QStringLiteral("--dump-dom"), QStringLiteral("file://") + html},
                             120000);
        QVERIFY2(r.exitCode == 0, r.err.left(2000).constData());
        const QString dom = QString::fromUtf8(r.out);
        // The browser parsed it whole: the last section and the SVG elements are in its DOM.
        QVERIFY(dom.contains(QLatin1String("Incident review")));
        QVERIFY(dom.contains(QLatin1String("Incident 2: catalog")));
        QVERIFY(dom.contains(QLatin1String("Bookmarked page loads")));
        QVERIFY(dom.contains(QLatin1String("incident report.</p>")));
        QVERIFY(dom.count(QLatin1String("<svg")) >= 6);
    }

    void pdfHasTheReportOnAFewPages()
    {
        const QString pdf = path("report.pdf");
        const Result r =
            seam({QStringLiteral("report"), QStringLiteral("--db"), m_demo, QStringLiteral("--out"), pdf});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray bytes = readAll(pdf);
        QVERIFY(bytes.startsWith("%PDF-"));
        const QRegularExpression pageCount(QStringLiteral("(\\d+) page\\(s\\)"));
        const auto m = pageCount.match(QString::fromUtf8(r.err));
        QVERIFY2(m.hasMatch(), r.err.constData());
        const int pages = m.captured(1).toInt();
        QVERIFY2(pages >= 3 && pages <= 12, qPrintable(QString::number(pages)));
        // The file says the same (Qt writes one /Type /Page object per page).
        QCOMPARE(
            int(QString::fromLatin1(bytes).count(QRegularExpression(QStringLiteral("/Type /Page\\b(?!s)")))),
            pages);
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: the PDF's text is not checked");
        const Result text = run(pdftotext, {pdf, QStringLiteral("-")});
        QCOMPARE(text.exitCode, 0);
        const QString t = QString::fromUtf8(text.out);
        QVERIFY(t.contains(QLatin1String("Incident 1: payments")));
        QVERIFY(t.contains(QLatin1String("catalog service.version = 2.8.0")));
        QVERIFY(t.contains(QLatin1String("Slowest checkout")));
        QVERIFY(t.contains(QLatin1String("critical path"))); // chart text: drawn as vectors, not pixels
    }

    void extractAnswersLikeTheFullCache()
    {
        const QString small = path("small.seam");
        const QStringList args = {QStringLiteral("extract"),
                                  QStringLiteral("--db"),
                                  m_demo,
                                  QStringLiteral("--out"),
                                  small,
                                  QStringLiteral("--from"),
                                  QStringLiteral("2026-11-20T09:08:00Z"),
                                  QStringLiteral("--to"),
                                  QStringLiteral("2026-11-20T09:14:00Z")};
        const Result r = seam(args);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(QFile(small).size() < QFile(m_demo).size() / 2);
        const Result again = seam(args);
        QCOMPARE(again.exitCode, 2); // never overwrites without --force
        QVERIFY(again.err.contains("--force"));
        QCOMPARE(seam(args + QStringList{QStringLiteral("--force")}).exitCode, 0);

        const auto pageLoad = [&](const QString& db) {
            return seam({QStringLiteral("pageload"), QStringLiteral("--db"), db,
                         QString::number(m_slowCheckout), QStringLiteral("--json")});
        };
        const Result full = pageLoad(m_demo), part = pageLoad(small);
        QCOMPARE(full.exitCode, 0);
        QCOMPARE(part.out, full.out);
        const QJsonObject load = QJsonDocument::fromJson(full.out).object();
        QVERIFY(!load[QStringLiteral("causes")].toArray().isEmpty());
        QStringList traces;
        for (const auto& v : load[QStringLiteral("resources")].toArray())
            if (const QString t = v.toObject()[QStringLiteral("trace_id")].toString(); !t.isEmpty())
                traces << t;
        traces.removeDuplicates();
        QVERIFY(!traces.isEmpty());
        for (const QString& t : traces) {
            const QStringList traceArgs = {QStringLiteral("trace"), QStringLiteral("--db"), QString(), t,
                                           QStringLiteral("--json")};
            QStringList a = traceArgs, b = traceArgs;
            a[2] = m_demo;
            b[2] = small;
            const Result ta = seam(a), tb = seam(b);
            QVERIFY2(ta.exitCode == 0, ta.err.constData());
            QCOMPARE(tb.out, ta.out);
        }
        // Only the window's page loads, and the notes about them (the product page is outside).
        const Result count =
            seam({QStringLiteral("query"), QStringLiteral("--db"), small, QStringLiteral("--json"),
                  QStringLiteral("SELECT (SELECT count(*) FROM page_loads WHERE start_ns < "
                                 "1795165680000000000 OR start_ns >= 1795166040000000000), "
                                 "(SELECT count(*) FROM notes), (SELECT count(*) FROM page_loads)")});
        const QJsonArray row =
            QJsonDocument::fromJson(count.out)[QStringLiteral("rows")].toArray().at(0).toArray();
        QCOMPARE(row.at(0).toInt(), 0);
        QCOMPARE(row.at(1).toInt(), 2);
        QVERIFY(row.at(2).toInt() > 50);
        // What impact reads came along: the kept page loads' page_load_reach rows, all of them.
        const auto reach = [&](const QString& db) {
            const Result q =
                seam({QStringLiteral("query"), QStringLiteral("--db"), db, QStringLiteral("--json"),
                      QStringLiteral("SELECT count(*) FROM page_load_reach WHERE page_load_id IN "
                                     "(SELECT id FROM page_loads WHERE start_ns >= 1795165680000000000 "
                                     "AND start_ns < 1795166040000000000)")});
            return QJsonDocument::fromJson(q.out)[QStringLiteral("rows")]
                .toArray()
                .at(0)
                .toArray()
                .at(0)
                .toInt();
        };
        QVERIFY(reach(small) > 100);
        QCOMPARE(reach(small), reach(m_demo));
    }

    void pdfIsTheSameBytesTwice()
    {
        const QString a = path("same-a.pdf"), b = path("same-b.pdf");
        for (const QString& out : {a, b}) {
            const Result r = seam(
                {QStringLiteral("report"), QStringLiteral("--db"), m_demo, QStringLiteral("--out"), out});
            QVERIFY2(r.exitCode == 0, r.err.constData());
        }
        const QByteArray bytes = readAll(a);
        QVERIFY(bytes.startsWith("%PDF-"));
        QCOMPARE(readAll(b), bytes); // no creation time, no random document id
        QVERIFY(!bytes.contains("/CreationDate"));
        QVERIFY(!bytes.contains("xmp:CreateDate"));
        QVERIFY(!bytes.contains("uuid:")); // Qt's XMP packet has random document and instance ids
        // Asked for: the time is SOURCE_DATE_EPOCH's, in both the information dictionary and the XMP.
        QProcess stamped;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("SOURCE_DATE_EPOCH"), QStringLiteral("1700000000"));
        stamped.setProcessEnvironment(env);
        const QString c = path("stamped.pdf");
        stamped.start(seam::test::seamBinary(), {QStringLiteral("report"), QStringLiteral("--db"), m_demo,
                                                 QStringLiteral("--out"), c, QStringLiteral("--stamp")});
        QVERIFY(stamped.waitForFinished(180000));
        QCOMPARE(stamped.exitCode(), 0);
        const QByteArray withTime = readAll(c);
        QVERIFY2(withTime.contains("/CreationDate (D:20231114221320Z)"), withTime.right(600).constData());
        QVERIFY(withTime.contains("xmp:CreateDate=\"2023-11-14T22:13:20Z\""));

        const QString qpdf = QStandardPaths::findExecutable(QStringLiteral("qpdf"));
        if (qpdf.isEmpty())
            QSKIP("qpdf is not installed (scripts/deps.sh installs it): the rewritten PDF's structure "
                  "(cross-reference offsets) is not checked");
        for (const QString& file : {a, c}) {
            const Result check = run(qpdf, {QStringLiteral("--check"), file});
            QVERIFY2(check.exitCode == 0, QByteArray(check.out + check.err).constData());
            QVERIFY2(check.out.contains("No syntax or stream encoding errors"), check.out.constData());
        }
        const QString pdftotext = QStandardPaths::findExecutable(QStringLiteral("pdftotext"));
        if (pdftotext.isEmpty())
            QSKIP("pdftotext (poppler-utils) is not installed: the PDF's text is not checked");
        const Result text = run(pdftotext, {a, QStringLiteral("-")});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(QString::fromUtf8(text.out).contains(QLatin1String("Incident 1: payments")));
    }

    static QByteArray sha256(const QString& file)
    {
        return QCryptographicHash::hash(readAll(file), QCryptographicHash::Sha256);
    }

    void extractReadsTheSourceReadOnly()
    {
        const qint64 from = 1795165680000000000, to = 1795166040000000000; // 09:08-09:14
        const QStringList window = {QStringLiteral("--from"), QStringLiteral("2026-11-20T09:08:00Z"),
                                    QStringLiteral("--to"), QStringLiteral("2026-11-20T09:14:00Z")};
        // A source whose last commits are still in its write-ahead log (copied while its writer was
        // open): a read-write attachment would checkpoint them into it when the extract detaches.
        const QString live = path("live.seam"), pending = path("pending.seam");
        QVERIFY(QFile::copy(m_demo, live));
        {
            seam::Database db(live.toStdString(), seam::Database::Mode::ReadWrite);
            db.exec("PRAGMA wal_autocheckpoint = 0");
            auto key = db.prepare("SELECT s.key FROM page_loads p JOIN sessions s ON s.id = p.session_id "
                                  "WHERE p.start_ns >= ?1 AND p.start_ns < ?2 ORDER BY p.id LIMIT 1");
            key.bind(1, from).bind(2, to);
            QVERIFY(key.step());
            const std::string session(key.text(0));
            // Browser console logs without a trace: one of a session in the window, one of nobody's.
            auto log = db.prepare("INSERT INTO logs (fingerprint, time_ns, severity, body, attributes) "
                                  "VALUES (?1, ?2, 17, ?3, ?4)");
            // Text is bound without a copy: the strings outlive the runs.
            const std::string ours = "{\"session.id\":\"" + session + "\"}";
            const std::string theirs = "{\"session.id\":\"not-in-the-extract\"}";
            log.bind(1, 900001).bind(2, from + 1000).bindText(3, "console: payment failed").bindText(4, ours);
            log.run();
            log.reset();
            log.bind(1, 900002).bind(2, from + 2000).bindText(3, "console: someone else").bindText(4, theirs);
            log.run();
            QVERIFY(QFile::copy(live + QStringLiteral("-wal"), pending + QStringLiteral("-wal")));
            QVERIFY(QFile::copy(live, pending));
        }
        QVERIFY(QFile(pending + QStringLiteral("-wal")).size() > 0);
        const QByteArray before = sha256(pending);
        const QString outPending = path("from-pending.seam");
        Result r = seam(QStringList{QStringLiteral("extract"), QStringLiteral("--db"), pending,
                                    QStringLiteral("--out"), outPending} +
                        window);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(sha256(pending), before); // nothing was written into the source
        const auto logs = [&](const QString& db) {
            const Result q =
                seam({QStringLiteral("query"), QStringLiteral("--db"), db, QStringLiteral("--json"),
                      QStringLiteral("SELECT group_concat(body, '|') FROM (SELECT body FROM logs "
                                     "WHERE trace IS NULL ORDER BY fingerprint)")});
            return QJsonDocument::fromJson(q.out)[QStringLiteral("rows")]
                .toArray()
                .at(0)
                .toArray()
                .at(0)
                .toString();
        };
        // The session's trace-less log came along (it was in the -wal), the other one did not.
        QCOMPARE(logs(outPending), QStringLiteral("console: payment failed"));

        // A file nobody may write (chmod 0444): extracted from all the same, and left as it was.
        const QString ro = path("readonly.seam"), outRo = path("from-readonly.seam");
        QVERIFY(QFile::copy(m_demo, ro));
        QVERIFY(QFile::setPermissions(ro, QFileDevice::ReadOwner | QFileDevice::ReadGroup |
                                              QFileDevice::ReadOther));
        const QByteArray roBefore = sha256(ro);
        r = seam(QStringList{QStringLiteral("extract"), QStringLiteral("--db"), ro, QStringLiteral("--out"),
                             outRo} +
                 window);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(sha256(ro), roBefore);
        QCOMPARE(QFile::permissions(ro) & QFileDevice::WriteOwner, QFileDevice::Permissions());
        const Result count =
            seam({QStringLiteral("query"), QStringLiteral("--db"), outRo, QStringLiteral("--json"),
                  QStringLiteral("SELECT count(*) FROM page_loads")});
        QVERIFY(QJsonDocument::fromJson(count.out)[QStringLiteral("rows")]
                    .toArray()
                    .at(0)
                    .toArray()
                    .at(0)
                    .toInt() > 50);
    }

    void extractOfWhatIsNoCacheLeavesNothing()
    {
        const QString notACache = path("notes.txt"), out = path("nothing.seam");
        QFile f(notACache);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a cache\n");
        f.close();
        const Result r = seam(
            {QStringLiteral("extract"), QStringLiteral("--db"), notACache, QStringLiteral("--out"), out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(!r.err.isEmpty());
        QVERIFY(!QFile::exists(out));
        const Result same = seam({QStringLiteral("extract"), QStringLiteral("--db"), m_demo,
                                  QStringLiteral("--out"), m_demo, QStringLiteral("--force")});
        QCOMPARE(same.exitCode, 2); // never onto itself, even with --force
        QVERIFY(QFile::exists(m_demo));
    }

    void otlpJsonExportImportsBackToTheSameSpans()
    {
        const QString json = path("load.json");
        const Result r =
            seam({QStringLiteral("export"), QStringLiteral("--db"), m_demo, QStringLiteral("--page-load"),
                  QString::number(m_slowCheckout), QStringLiteral("--format"), QStringLiteral("otlp-json"),
                  QStringLiteral("--out"), json});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QString copy = path("roundtrip.seam");
        const Result imported = seam({QStringLiteral("import"), QStringLiteral("--db"), copy, json});
        QVERIFY2(imported.exitCode == 0, imported.err.constData());
        const QJsonObject load =
            QJsonDocument::fromJson(seam({QStringLiteral("pageload"), QStringLiteral("--db"), m_demo,
                                          QString::number(m_slowCheckout), QStringLiteral("--json")})
                                        .out)
                .object();
        int traces = 0;
        QSet<QString> seen;
        for (const auto& v : load[QStringLiteral("resources")].toArray()) {
            const QString t = v.toObject()[QStringLiteral("trace_id")].toString();
            if (t.isEmpty() || seen.contains(t))
                continue;
            seen.insert(t);
            const Result a =
                seam({QStringLiteral("trace"), QStringLiteral("--db"), m_demo, t, QStringLiteral("--json")});
            const Result b =
                seam({QStringLiteral("trace"), QStringLiteral("--db"), copy, t, QStringLiteral("--json")});
            QCOMPARE(b.exitCode, 0);
            // Spans with their attributes, events, links, status and scope; ids and times exact.
            const QJsonArray spansA = QJsonDocument::fromJson(a.out)[QStringLiteral("spans")].toArray();
            const QJsonArray spansB = QJsonDocument::fromJson(b.out)[QStringLiteral("spans")].toArray();
            QCOMPARE(spansB.size(), spansA.size());
            QCOMPARE(spansB, spansA);
            ++traces;
        }
        QVERIFY(traces >= 1);
        // Folded stacks of the same load: one line per stack, self time last.
        const Result folded =
            seam({QStringLiteral("export"), QStringLiteral("--db"), m_demo, QStringLiteral("--page-load"),
                  QString::number(m_slowCheckout), QStringLiteral("--format"), QStringLiteral("folded")});
        QCOMPARE(folded.exitCode, 0);
        QVERIFY(folded.out.contains("payments:SELECT payment_accounts"));
        for (const QByteArray& line : folded.out.trimmed().split('\n'))
            QVERIFY2(
                QRegularExpression(QStringLiteral("^[^ ].* \\d+$")).match(QString::fromUtf8(line)).hasMatch(),
                line.constData());
    }

    void pageLoadsCsvIsRfc4180()
    {
        const Result r =
            seam({QStringLiteral("export"), QStringLiteral("--db"), m_demo, QStringLiteral("--pageloads"),
                  QStringLiteral("--filter"), QStringLiteral("route:/checkout"), QStringLiteral("--format"),
                  QStringLiteral("csv")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY(r.out.endsWith("\r\n"));
        const QList<QStringList> records = seam::test::csvRecords(QString::fromUtf8(r.out));
        QVERIFY(records.size() > 10);
        const QStringList header = records.front();
        QCOMPARE(header.front(), QStringLiteral("id"));
        for (const QStringList& rec : records)
            QCOMPARE(rec.size(), header.size());
        const int services = int(header.indexOf(QStringLiteral("services")));
        const int route = int(header.indexOf(QStringLiteral("route")));
        bool quotedList = false;
        for (qsizetype i = 1; i < records.size(); ++i) {
            QCOMPARE(records[i][route], QStringLiteral("/checkout"));
            quotedList |= records[i][services].contains(QLatin1Char(','));
        }
        QVERIFY(quotedList); // "cart,checkout,..." came back as one field
        // The same loads as `seam pageloads`.
        const Result json =
            seam({QStringLiteral("pageloads"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("--route"), QStringLiteral("/checkout")});
        QCOMPARE(QJsonDocument::fromJson(json.out).array().size(), records.size() - 1);

        QCOMPARE(
            seam({QStringLiteral("export"), QStringLiteral("--db"), m_demo, QStringLiteral("--pageloads"),
                  QStringLiteral("--format"), QStringLiteral("otlp-json")})
                .exitCode,
            2);
    }
};

QTEST_GUILESS_MAIN(TestReportCommands)
#include "tst_reportcommands.moc"
