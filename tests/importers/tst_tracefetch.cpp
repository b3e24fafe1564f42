// `seam pull` from Grafana Tempo and Jaeger: backend traces by id for browser calls whose trace is
// not in the investigation. Neither store can run here, so their answers are replayed from loopback:
// the recorded Jaeger api/v3 GetTrace snapshot (jaegertracing/jaeger, in ../shared/fixtures), and,
// for the demo, Tempo's protobuf TraceByIDResponse and Jaeger's {"result": OTLP JSON} built from the
// very spans that a full file import holds. Filling a browser-only investigation from either store
// must give what the full import gives.

#include "CacheFacts.h"
#include "ImportTestUtil.h"
#include "LoopbackHttpServer.h"
#include "OtlpJsonEncode.h"
#include "TestPaths.h"
#include "TraceFetch.h"
#include "TraceStoreReplay.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace seam;
namespace otlp = opentelemetry::proto;

class TestTraceFetch : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void tempoFillsTheMissingTraces();
    void jaegerFillsTheMissingTraces();
    void recordedJaegerSnapshot();
    void tempoTraceIdsOfAResponse();
    void refusalsAndMissingTraces();

private:
    QString copyOfBrowserOnly(const QString& name);
    test::HttpReply answer(const test::HttpRequestSeen& request, bool tempo) const;

    QTemporaryDir m_dir;
    QString m_full, m_browserOnly;
    std::map<std::string, otlp::trace::v1::TracesData> m_backendByTrace; ///< hex id -> its backend spans
};

void TestTraceFetch::initTestCase()
{
    QVERIFY(m_dir.isValid());
    test::DemoSplit demo;
    QVERIFY(test::splitDemo(m_dir.path(), demo));
    m_full = demo.full;
    m_browserOnly = demo.browserOnly;
    m_backendByTrace = std::move(demo.backendByTrace);
    QVERIFY(m_backendByTrace.size() > 100);
    QVERIFY(test::cacheFacts(m_browserOnly) != test::cacheFacts(m_full));
}

QString TestTraceFetch::copyOfBrowserOnly(const QString& name)
{
    const QString path = m_dir.filePath(name);
    QFile::remove(path);
    if (!QFile::copy(m_browserOnly, path))
        return {};
    return path;
}

test::HttpReply TestTraceFetch::answer(const test::HttpRequestSeen& request, bool tempo) const
{
    const QByteArray prefix = tempo ? "/api/v2/traces/" : "/api/v3/traces/";
    if (!request.path.startsWith(prefix))
        return {404, "text/plain", "404 page not found"};
    const auto it = m_backendByTrace.find(request.path.mid(prefix.size()).toStdString());
    if (it == m_backendByTrace.end())
        return {404, "text/plain",
                tempo ? "trace not found" : R"({"error":{"httpCode":404,"message":"trace not found"}})"};
    if (tempo)
        return {200, "application/protobuf", test::tempoTraceByIdResponse(it->second)};
    return {
        200, "application/json",
        QJsonDocument(QJsonObject{{QStringLiteral("result"), test::tracesDataJson(it->second)}}).toJson()};
}

void TestTraceFetch::tempoFillsTheMissingTraces()
{
    test::LoopbackHttpServer tempo([this](const test::HttpRequestSeen& r) {
        if (r.header("Accept") != "application/protobuf")
            return test::HttpReply{406, "text/plain", "ask for protobuf"};
        return answer(r, true);
    });
    const QString cache = copyOfBrowserOnly(QStringLiteral("tempo.seam"));
    const test::SeamRun run = test::runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache,
                                             QStringLiteral("tempo://127.0.0.1:%1").arg(tempo.port()),
                                             QStringLiteral("--missing-traces"), QStringLiteral("--json")});
    QVERIFY2(run.code == 0, QByteArray(run.out + run.err).constData());
    const QJsonObject j = QJsonDocument::fromJson(run.out).object();
    QVERIFY(j.value(QStringLiteral("traces_found")).toInt() > 100);
    QCOMPARE(test::cacheFacts(cache), test::cacheFacts(m_full));

    // Again: every trace is linked now, nothing is missing, nothing is asked.
    const int before = tempo.requests();
    const test::SeamRun again = test::runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache,
                                               QStringLiteral("tempo://127.0.0.1:%1").arg(tempo.port()),
                                               QStringLiteral("--missing-traces")});
    QCOMPARE(again.code, 0);
    QCOMPARE(tempo.requests(), before);
    QCOMPARE(test::cacheFacts(cache), test::cacheFacts(m_full));
}

void TestTraceFetch::jaegerFillsTheMissingTraces()
{
    test::LoopbackHttpServer jaeger([this](const test::HttpRequestSeen& r) { return answer(r, false); });
    const QString cache = copyOfBrowserOnly(QStringLiteral("jaeger.seam"));
    // One page load first (on demand, as when it is selected), then the rest.
    Database db = store::openForReading(cache.toStdString());
    const qint64 load = db.queryInt("SELECT page_load_id FROM resources WHERE trace IS NOT NULL AND "
                                    "page_load_id IS NOT NULL ORDER BY id LIMIT 1");
    const test::SeamRun one = test::runSeam(
        {QStringLiteral("pull"), QStringLiteral("--db"), cache,
         QStringLiteral("jaeger://127.0.0.1:%1").arg(jaeger.port()), QStringLiteral("--missing-traces"),
         QStringLiteral("--page-load"), QString::number(load), QStringLiteral("--json")});
    QVERIFY2(one.code == 0, QByteArray(one.out + one.err).constData());
    const int firstRequests = jaeger.requests();
    QVERIFY(firstRequests >= 1 && firstRequests < 20);
    QCOMPARE(
        db.queryInt(
            "SELECT count(*) FROM resources r WHERE r.page_load_id = " + std::to_string(load) +
            " AND r.trace IS NOT NULL AND NOT EXISTS (SELECT 1 FROM links l WHERE l.resource_id = r.id)"),
        0);
    const test::SeamRun rest = test::runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache,
                                              QStringLiteral("jaeger://127.0.0.1:%1").arg(jaeger.port()),
                                              QStringLiteral("--missing-traces")});
    QVERIFY2(rest.code == 0, QByteArray(rest.out + rest.err).constData());
    QCOMPARE(test::cacheFacts(cache), test::cacheFacts(m_full));
}

void TestTraceFetch::recordedJaegerSnapshot()
{
    QFile snapshot((seam::test::publicFixturesDir() + QStringLiteral("/jaeger/GetTrace.json")));
    if (!snapshot.open(QIODevice::ReadOnly))
        QSKIP("the public fixtures (../shared/fixtures/public) are not here");
    const QByteArray recorded = snapshot.readAll();
    test::LoopbackHttpServer jaeger([&](const test::HttpRequestSeen& r) {
        return r.path == "/api/v3/traces/00000000000000000000000000000001"
                   ? test::HttpReply{200, "application/json", recorded}
                   : test::HttpReply{404, "text/plain", ""};
    });
    const QString cache = m_dir.filePath(QStringLiteral("snapshot.seam"));
    const test::SeamRun run =
        test::runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache,
                       QStringLiteral("jaeger://127.0.0.1:%1").arg(jaeger.port()), QStringLiteral("--trace"),
                       QStringLiteral("00000000000000000000000000000001"), QStringLiteral("--json")});
    // The recorded answer is read through its {"result": ...} wrapper down to its one span, which has
    // no start time: Seam refuses such a span, saying so, rather than inventing a time (exit 1).
    QCOMPARE(run.code, 1);
    const QJsonObject j = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(j.value(QStringLiteral("rejected")).toInt(), 1);
    const QJsonObject reject = j.value(QStringLiteral("rejects")).toArray().at(0).toObject();
    QVERIFY2(
        reject.value(QStringLiteral("message")).toString().contains(QStringLiteral("start time is missing")),
        qPrintable(reject.value(QStringLiteral("message")).toString()));
    QVERIFY(reject.value(QStringLiteral("location"))
                .toString()
                .contains(QStringLiteral("00000000000000000000000000000001")));

    // The same answer with the times a real trace has is imported with Jaeger's integer enums.
    QJsonObject withTimes = QJsonDocument::fromJson(recorded).object();
    QJsonObject result = withTimes.value(QStringLiteral("result")).toObject();
    QJsonArray rs = result.value(QStringLiteral("resourceSpans")).toArray();
    QJsonObject r0 = rs.at(0).toObject();
    QJsonArray ss = r0.value(QStringLiteral("scopeSpans")).toArray();
    QJsonObject s0 = ss.at(0).toObject();
    QJsonArray spans = s0.value(QStringLiteral("spans")).toArray();
    QJsonObject span = spans.at(0).toObject();
    span[QStringLiteral("startTimeUnixNano")] = QStringLiteral("1795165200000000000");
    span[QStringLiteral("endTimeUnixNano")] = QStringLiteral("1795165200250000000");
    spans[0] = span;
    s0[QStringLiteral("spans")] = spans;
    ss[0] = s0;
    r0[QStringLiteral("scopeSpans")] = ss;
    rs[0] = r0;
    result[QStringLiteral("resourceSpans")] = rs;
    withTimes[QStringLiteral("result")] = result;
    const QByteArray timed = QJsonDocument(withTimes).toJson();
    test::LoopbackHttpServer timedJaeger([&](const test::HttpRequestSeen&) {
        return test::HttpReply{200, "application/json", timed};
    });
    const test::SeamRun again =
        test::runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache,
                       QStringLiteral("jaeger://127.0.0.1:%1").arg(timedJaeger.port()),
                       QStringLiteral("--trace"), QStringLiteral("00000000000000000000000000000001")});
    QVERIFY2(again.code == 0, QByteArray(again.out + again.err).constData());
    Database db = store::openForReading(cache.toStdString());
    // kind 2 = server, status 2 = error: v_spans keeps the OTLP codes.
    QCOMPARE(importtest::rows(db, "SELECT name, kind, status_code, span_id, duration_ns FROM v_spans"),
             QStringList{QStringLiteral("foobar|2|2|0000000000000002|250000000")});
}

void TestTraceFetch::tempoTraceIdsOfAResponse()
{
    // A v1 answer (the Trace itself) and a v2 answer (TraceByIDResponse) both give the TracesData.
    const auto& [id, trace] = *m_backendByTrace.begin();
    Q_UNUSED(id);
    otlp::trace::v1::TracesData fromV2, fromV1;
    QVERIFY(fromV2.ParseFromString(
        remote::tracesDataOfTempoResponse(test::tempoTraceByIdResponse(trace).toStdString())));
    QVERIFY(fromV1.ParseFromString(remote::tracesDataOfTempoResponse(trace.SerializeAsString())));
    QCOMPARE(fromV2.SerializeAsString(), trace.SerializeAsString());
    QCOMPARE(fromV1.SerializeAsString(), trace.SerializeAsString());
    QVERIFY(remote::tracesDataOfTempoResponse("not protobuf at all").empty());
}

void TestTraceFetch::refusalsAndMissingTraces()
{
    const QByteArray token = "t0ken-Sekr1t";
    test::LoopbackHttpServer tempo([&](const test::HttpRequestSeen& r) {
        if (r.header("Authorization") != "Bearer " + token)
            return test::HttpReply{401, "text/plain", "invalid token"};
        return answer(r, true);
    });
    const QString cache = copyOfBrowserOnly(QStringLiteral("refused.seam"));
    const QString url = QStringLiteral("tempo://127.0.0.1:%1").arg(tempo.port());
    const test::SeamRun refused = test::runSeam(
        {QStringLiteral("pull"), QStringLiteral("--db"), cache, url, QStringLiteral("--missing-traces")});
    QCOMPARE(refused.code, 2);
    QVERIFY2(refused.err.contains(QByteArray("Tempo at 127.0.0.1:" + QByteArray::number(tempo.port()))) &&
                 refused.err.contains("authentication refused") && refused.err.contains("fetching trace"),
             refused.err.constData());

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("SEAM_TRACES_TOKEN"), QString::fromLatin1(token));
    const test::SeamRun unknown =
        test::runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache, url, QStringLiteral("--trace"),
                       QStringLiteral("0123456789abcdef0123456789abcdef"), QStringLiteral("--json")},
                      env);
    QVERIFY2(unknown.code == 0, QByteArray(unknown.out + unknown.err).constData());
    QCOMPARE(QJsonDocument::fromJson(unknown.out).object().value(QStringLiteral("traces_missing")).toInt(),
             1);
    const test::SeamRun bad = test::runSeam({QStringLiteral("pull"), QStringLiteral("--db"), cache, url,
                                             QStringLiteral("--trace"), QStringLiteral("xyz")});
    QCOMPARE(bad.code, 2);
    QFile file(cache);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(token));
}

QTEST_GUILESS_MAIN(TestTraceFetch)
#include "tst_tracefetch.moc"
