#include "Correlator.h"
#include "DemoGenerator.h"
#include "DemoScore.h"
#include "ImportReport.h"
#include "LinkInference.h"
#include "RecordFactory.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <optional>
#include <random>

using namespace seam;
using namespace seam::test;

namespace {

constexpr TimeNs kMs = 1'000'000;

/// A page load of session `n` with one fetch that propagated nothing: its own trace holds only the
/// browser span, as the OTel web SDK records a call whose headers were stripped.
RecordBatch strippedCall(int n, TimeNs start, const std::string& url, int status = 200, TimeNs callMs = 200)
{
    RecordBatch b = browserBatch(n, traceId(500 + n), 0x42, start);
    ResourceRecord& r = b.resources.front();
    r.method = "GET";
    r.url = url;
    r.statusCode = status;
    r.duration = callMs * kMs;
    b.spans.clear(); // the fetch's own span is not needed for matching
    r.traceId = TraceId();
    r.traceIdSource = TraceIdSource::None;
    return b;
}

/// A backend trace with no parent (its caller did not propagate) serving `target`.
RecordBatch serverTrace(int n, TimeNs start, const std::string& method, const std::string& route,
                        const std::string& path, int status = 200, TimeNs durationMs = 150)
{
    RecordBatch b;
    SpanRecord s = span(traceId(900 + n), 0x700 + SpanId(n), 0, backend("gateway"), method + " " + route,
                        SpanKind::Server, start, durationMs);
    s.attributesJson = "{\"http.request.method\":\"" + method + "\",\"http.route\":\"" + route + "\"" +
                       (path.empty() ? std::string() : ",\"url.path\":\"" + path + "\"") +
                       ",\"http.response.status_code\":" + std::to_string(status) + "}";
    b.spans.push_back(s);
    return b;
}

qint64 count(Database& db, const char* sql)
{
    return db.queryInt(sql);
}

} // namespace

class TestLinkInference : public QObject
{
    Q_OBJECT

private slots:
    void linksTheUniqueMatchInsideTheCall()
    {
        const QString cache = m_dir.filePath(QStringLiteral("unique.seam"));
        {
            StoreWriter writer(cache.toStdString());
            const auto source = writer.beginSource("test", "unique");
            auto sink = writer.sinkFor(source);
            // Call: 09:00:00.300 + 200 ms. Server span inside it, plus decoys: another path, one beyond
            // any clock skew assumed without a confirmed link (5 s), one with another status.
            sink->submit(strippedCall(1, kT0, "https://shop.example/api/product/17?ref=home"));
            sink->submit(serverTrace(1, kT0 + 320 * kMs, "GET", "/api/product/:id", "/api/product/17"));
            sink->submit(serverTrace(2, kT0 + 330 * kMs, "GET", "/api/cart", "/api/cart"));
            sink->submit(serverTrace(3, kT0 + 8'000 * kMs, "GET", "/api/product/:id", "/api/product/17"));
            sink->submit(serverTrace(4, kT0 + 325 * kMs, "GET", "/api/product/:id", "/api/product/17", 500));
            ImportReport report;
            writer.finishSource(source, report);
        }
        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(count(db, "SELECT count(*) FROM links"), 1);
        QCOMPARE(count(db, "SELECT count(*) FROM links WHERE method = 'inferred' AND confidence <= 0.85 "
                           "AND confidence >= 0.5"),
                 1);
        QCOMPARE(count(db, "SELECT t.trace_lo FROM links l JOIN traces t ON t.id = l.trace"),
                 qint64(traceId(901).low64()));
        // The page load's derived figures include the inferred call.
        QCOMPARE(count(db, "SELECT linked_count FROM page_loads"), 1);
    }

    void withoutAConfirmedLinkTwoCandidatesInTheSkewWindowAreAmbiguous()
    {
        const QString cache = m_dir.filePath(QStringLiteral("unlearned.seam"));
        {
            StoreWriter writer(cache.toStdString());
            const auto source = writer.beginSource("test", "unlearned");
            auto sink = writer.sinkFor(source);
            // The second one needs the browser's clock 0.6 s off: possible when nothing says otherwise.
            sink->submit(strippedCall(1, kT0, "/api/cart"));
            sink->submit(serverTrace(1, kT0 + 320 * kMs, "GET", "/api/cart", "/api/cart"));
            sink->submit(serverTrace(2, kT0 + 900 * kMs, "GET", "/api/cart", "/api/cart"));
            ImportReport report;
            writer.finishSource(source, report);
        }
        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(count(db, "SELECT count(*) FROM links"), 0);
    }

    void routeTemplateMatchesWhenThePathIsNotRecorded()
    {
        const QString cache = m_dir.filePath(QStringLiteral("route.seam"));
        {
            StoreWriter writer(cache.toStdString());
            const auto source = writer.beginSource("test", "route");
            auto sink = writer.sinkFor(source);
            sink->submit(strippedCall(1, kT0, "/api/users/42/orders"));
            sink->submit(serverTrace(1, kT0 + 310 * kMs, "GET", "/api/users/{id}/orders", ""));
            sink->submit(serverTrace(2, kT0 + 310 * kMs, "GET", "/api/users/{id}", "")); // another route
            ImportReport report;
            writer.finishSource(source, report);
        }
        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(count(db, "SELECT t.trace_lo FROM links l JOIN traces t ON t.id = l.trace"),
                 qint64(traceId(901).low64()));
    }

    void ambiguityLinksNothing()
    {
        const QString cache = m_dir.filePath(QStringLiteral("ambiguous.seam"));
        {
            StoreWriter writer(cache.toStdString());
            const auto source = writer.beginSource("test", "ambiguous");
            auto sink = writer.sinkFor(source);
            // Two equally good server spans for one call.
            sink->submit(strippedCall(1, kT0, "/api/cart"));
            sink->submit(serverTrace(1, kT0 + 320 * kMs, "GET", "/api/cart", "/api/cart"));
            sink->submit(serverTrace(2, kT0 + 340 * kMs, "GET", "/api/cart", "/api/cart"));
            // Two calls (two sessions) wanting the same single server span.
            sink->submit(strippedCall(2, kT0 + 60'000 * kMs, "/api/search"));
            sink->submit(strippedCall(3, kT0 + 60'000 * kMs + 5 * kMs, "/api/search"));
            sink->submit(serverTrace(3, kT0 + 60'000 * kMs + 320 * kMs, "GET", "/api/search", "/api/search"));
            ImportReport report;
            writer.finishSource(source, report);
        }
        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(count(db, "SELECT count(*) FROM links"), 0);
    }

    void learnsTheSessionsClockSkewFromConfirmedLinks()
    {
        const QString cache = m_dir.filePath(QStringLiteral("skew.seam"));
        const TimeNs skew = 3'000 * kMs; // the browser's clock runs 3 s ahead of the servers'
        {
            StoreWriter writer(cache.toStdString());
            const auto source = writer.beginSource("test", "skew");
            auto sink = writer.sinkFor(source);
            // A propagated call of session 1 (browser times shifted by the skew) confirms the offset.
            sink->submit(browserBatch(1, traceId(1), 0x42, kT0 + skew));
            sink->submit(backendBatch(traceId(1), 0x42, kT0));
            // A stripped call of the same session later, and its server span on the servers' clock;
            // a decoy at the browser's clock time (what no skew correction would pick).
            RecordBatch call = strippedCall(1, kT0 + skew + 10'000 * kMs, "/api/cart");
            call.sessions.clear();
            call.pageLoads.clear();
            call.resources.front().key = "fetch-late";
            sink->submit(std::move(call));
            sink->submit(serverTrace(1, kT0 + 10'000 * kMs + 320 * kMs, "GET", "/api/cart", "/api/cart"));
            sink->submit(
                serverTrace(2, kT0 + skew + 10'000 * kMs + 320 * kMs, "GET", "/api/cart", "/api/cart"));
            ImportReport report;
            writer.finishSource(source, report);
        }
        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(count(db, "SELECT count(*) FROM links WHERE method = 'inferred'"), 1);
        QCOMPARE(count(db, "SELECT t.trace_lo FROM links l JOIN traces t ON t.id = l.trace "
                           "WHERE l.method = 'inferred'"),
                 qint64(traceId(901).low64()));
        QVERIFY(count(db, "SELECT count(*) FROM links WHERE method = 'inferred' AND confidence > 0.7") == 1);
    }

    void backendSpansArrivingLateReplaceTheGuess()
    {
        // The call's own trace (an OTel fetch span) had no backend spans when the browser data was
        // imported, so a matching unparented server trace was inferred; then the backend's export
        // arrives and shows the header had been propagated after all.
        const QString cache = m_dir.filePath(QStringLiteral("replace.seam"));
        StoreWriter writer(cache.toStdString());
        const auto source = writer.beginSource("test", "browser");
        auto sink = writer.sinkFor(source);
        RecordBatch call = strippedCall(1, kT0, "/api/checkout");
        call.resources.front().traceId = traceId(77);
        call.resources.front().spanId = 0x42;
        call.resources.front().traceIdSource = TraceIdSource::SameTrace;
        sink->submit(std::move(call));
        sink->submit(serverTrace(1, kT0 + 320 * kMs, "GET", "/api/checkout", "/api/checkout"));
        ImportReport report;
        writer.finishSource(source, report);
        {
            Database db = store::openForReading(cache.toStdString());
            QCOMPARE(count(db, "SELECT count(*) FROM links WHERE method = 'inferred'"), 1);
        }
        const auto second = writer.beginSource("test", "backend");
        writer.sinkFor(second)->submit(backendBatch(traceId(77), 0x42, kT0));
        writer.finishSource(second, report);
        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(count(db, "SELECT count(*) FROM links"), 1);
        QCOMPARE(count(db, "SELECT count(*) FROM links WHERE method = 'trace' AND confidence = 1.0"), 1);
    }

    void callsWithAnExplicitIdAreLeftAlone()
    {
        const QString cache = m_dir.filePath(QStringLiteral("explicit.seam"));
        {
            StoreWriter writer(cache.toStdString());
            const auto source = writer.beginSource("test", "explicit");
            auto sink = writer.sinkFor(source);
            RecordBatch call = strippedCall(1, kT0, "/api/checkout");
            call.resources.front().traceId = traceId(78); // a traceparent header whose trace never came
            call.resources.front().traceIdSource = TraceIdSource::TraceparentHeader;
            sink->submit(std::move(call));
            sink->submit(serverTrace(1, kT0 + 320 * kMs, "GET", "/api/checkout", "/api/checkout"));
            ImportReport report;
            writer.finishSource(source, report);
        }
        Database db = store::openForReading(cache.toStdString());
        QCOMPARE(count(db, "SELECT count(*) FROM links"), 0);
    }

    /// The figure the issue asks for: generate the demo with 30% of the calls stripped of their trace
    /// context, infer, and score against the ground truth. Also with less evidence on the server side,
    /// to know how the matcher fares against backends that only record the route.
    void precisionAndRecallOnTheDemo_data()
    {
        QTest::addColumn<bool>("path");
        QTest::addColumn<bool>("query");
        QTest::addColumn<bool>("status");
        QTest::addColumn<bool>("agent");
        QTest::addColumn<bool>("otherClients");
        QTest::addColumn<double>("minPrecision");
        QTest::addColumn<double>("minRecall");
        QTest::newRow("everything") << true << true << true << true << false << 0.95 << 0.80;
        QTest::newRow("route+status") << false << false << true << false << false << 0.95 << 0.50;
        QTest::newRow("route only") << false << false << false << false << false << 0.95 << 0.30;
        // The demo's backends serve only its browsers; real ones also serve apps, scripts and bots. Two
        // unparented requests from other clients on the same route within ±1.5 s of each stripped call.
        QTest::newRow("everything, other clients") << true << true << true << true << true << 0.95 << 0.80;
        QTest::newRow("route+status, other clients")
            << false << false << true << false << true << 0.95 << 0.30;
        QTest::newRow("route only, other clients")
            << false << false << false << false << true << 0.90 << 0.20;
    }
    void precisionAndRecallOnTheDemo()
    {
        QFETCH(bool, path);
        QFETCH(bool, query);
        QFETCH(bool, status);
        QFETCH(bool, agent);
        QFETCH(bool, otherClients);
        QFETCH(double, minPrecision);
        QFETCH(double, minRecall);
        const std::string cache = demoCache(otherClients);
        Database db = store::openForWriting(cache);
        db.exec("BEGIN");
        db.exec("DELETE FROM links WHERE method = 'inferred'");
        Correlator correlator(db);
        LinkInference inference(db, correlator, LinkInference::Evidence{path, query, status, agent});
        const LinkInference::Stats stats = inference.run(db.queryInt("SELECT min(start_ns) FROM page_loads"),
                                                         db.queryInt("SELECT max(start_ns) FROM page_loads"));

        const InferredLinkScore score = scoreInferredLinks(db, m_truth);
        db.exec("ROLLBACK");
        QVERIFY(score.stripped > 500);
        const double precision = score.precision(), recall = score.recall();
        qInfo("%s: %llu stripped calls, %llu inferred, %llu correct: precision %.4f, recall %.4f "
              "(examined %d, ambiguous %d, unmatched %d)",
              QTest::currentDataTag(), static_cast<unsigned long long>(score.stripped),
              static_cast<unsigned long long>(score.inferred), static_cast<unsigned long long>(score.correct),
              precision, recall, stats.examined, stats.ambiguous, stats.unmatched);
        QVERIFY2(precision >= minPrecision, qPrintable(QString::number(precision)));
        QVERIFY2(recall >= minRecall, qPrintable(QString::number(recall)));
    }

private:
    std::string demoCache(bool otherClients)
    {
        const QString path =
            m_dir.filePath(otherClients ? QStringLiteral("demo-noisy.seam") : QStringLiteral("demo.seam"));
        if (!QFileInfo::exists(path)) {
            DemoOptions options;
            // SEAM_DEMO_SESSIONS=2000 measures at the full demo's density (the figure in the notes).
            options.sessions = qEnvironmentVariableIntValue("SEAM_DEMO_SESSIONS");
            if (options.sessions <= 0)
                options.sessions = 600;
            options.stripPropagation = 0.3;
            DemoGenerator generator(options);
            StoreWriter writer(path.toStdString());
            const auto source = writer.beginSource("demo", "demo");
            ImportReport report;
            generator.generateInto(*writer.sinkFor(source), report);
            writer.finishSource(source, report);
            m_truth = generator.groundTruthJson();
            if (otherClients)
                addOtherClients(writer, path.toStdString());
        }
        return path.toStdString();
    }

    /// Copies of each stripped call's server span with another trace id, another user agent and a
    /// random offset: requests of other clients that the matcher must not mistake for the call.
    void addOtherClients(StoreWriter& writer, const std::string& path)
    {
        std::vector<SpanRecord> decoys;
        {
            Database db = store::openForReading(path);
            auto st = db.prepare(
                "SELECT s.start_ns, s.end_ns, o.name, sv.name, sv.version, "
                "json_set(span_attributes(pl.attributes), '$.\"user_agent.original\"', 'okhttp/4.12.0') "
                "FROM traces t JOIN spans s ON s.trace = t.id AND s.parent_span_id = 0 "
                "JOIN operations o ON o.id = s.operation_id JOIN services sv ON sv.id = s.service_id "
                "JOIN span_payloads pl ON pl.id = s.payload WHERE t.trace_id = ?1");
            const QJsonObject json = QJsonDocument::fromJson(QByteArray::fromStdString(m_truth)).object();
            std::mt19937_64 rng(11);
            std::uniform_int_distribution<TimeNs> offset(-1'500 * kMs, 1'500 * kMs);
            int n = 0;
            for (const QJsonValue& v : json.value(QStringLiteral("stripped_fetches")).toArray()) {
                // Looked up by the trace id's bytes (the unique index), not by hex(trace_id), which scanned
                // every trace once per stripped call.
                const std::optional<TraceId> id =
                    TraceId::fromHex(v[QStringLiteral("backend_trace_id")].toString().toStdString());
                QVERIFY2(id, "a stripped call without a backend trace id in the ground truth");
                st.bindBlob(1, id->bytes.data(), 16); // bound without a copy: `id` outlives step()
                if (st.step()) {
                    for (int copy = 0; copy < 2; ++copy) {
                        const TimeNs shift = offset(rng);
                        ++n;
                        SpanRecord d =
                            span(traceId(100'000 + n), 0x9000 + SpanId(n), 0,
                                 backend(std::string(st.text(3)), std::string(st.text(4))),
                                 std::string(st.text(2)), SpanKind::Server, st.int64(0) + shift, 0);
                        d.end = st.int64(1) + shift;
                        d.attributesJson = std::string(st.text(5));
                        decoys.push_back(std::move(d));
                    }
                }
                st.reset();
            }
        }
        QVERIFY2(decoys.size() > 1000, "the stripped calls' server spans were not found");
        const auto source = writer.beginSource("test", "other clients");
        RecordBatch batch;
        batch.spans = std::move(decoys);
        writer.sinkFor(source)->submit(std::move(batch));
        ImportReport report;
        writer.finishSource(source, report);
    }

    QTemporaryDir m_dir;
    std::string m_truth;
};

QTEST_MAIN(TestLinkInference)
#include "tst_linkinference.moc"
