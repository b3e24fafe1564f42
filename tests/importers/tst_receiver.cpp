// The live receiver over real loopback sockets: every status code and body, content types, gzip,
// partial success, CORS, limits, backpressure (acknowledged only once committed), and hostile clients
// (garbage, lying lengths, slow headers and bodies, gzip bombs, huge headers, too many connections).

#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "LiveReceiver.h"
#include "OtlpTestData.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "opentelemetry/proto/rpc/status.pb.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <future>
#include <thread>

using namespace seam;
using namespace seam::test;

namespace {

struct Reply
{
    int status = 0; // 0: no answer
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool closed = false;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
};

/// Reads one response (or notices the connection closing) within timeoutMs.
Reply readReply(QTcpSocket& s, int timeoutMs = 5000, QByteArray* carry = nullptr)
{
    Reply r;
    QByteArray buf = carry ? *carry : QByteArray();
    QElapsedTimer t;
    t.start();
    qsizetype headerEnd = -1;
    qint64 length = -1;
    for (;;) {
        if (headerEnd < 0) {
            headerEnd = buf.indexOf("\r\n\r\n");
            if (headerEnd >= 0) {
                const QList<QByteArray> lines = buf.left(headerEnd).split('\n');
                const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
                r.status = first.value(1).toInt();
                for (int i = 1; i < lines.size(); ++i) {
                    const qsizetype colon = lines[i].indexOf(':');
                    if (colon > 0)
                        r.headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
                }
                length = r.header("Content-Length").isEmpty() ? 0 : r.header("Content-Length").toLongLong();
                if (r.status == 100) { // interim: skip it
                    buf.remove(0, headerEnd + 4);
                    headerEnd = -1;
                    r = Reply{};
                    continue;
                }
            }
        }
        if (headerEnd >= 0 && buf.size() >= headerEnd + 4 + length) {
            r.body = buf.mid(headerEnd + 4, length);
            if (carry)
                *carry = buf.mid(headerEnd + 4 + length);
            return r;
        }
        if (s.state() != QAbstractSocket::ConnectedState && s.bytesAvailable() == 0) {
            r.closed = true;
            return r;
        }
        const int left = timeoutMs - int(t.elapsed());
        if (left <= 0)
            return r;
        if (s.bytesAvailable() == 0)
            s.waitForReadyRead(std::min(left, 100));
        buf += s.readAll();
    }
}

/// True when the server closed the connection within timeoutMs.
bool waitClosed(QTcpSocket& s, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < timeoutMs) {
        s.waitForReadyRead(50);
        s.readAll();
    }
    return s.state() != QAbstractSocket::ConnectedState;
}

QByteArray request(const QByteArray& method, const QByteArray& path, const QByteArray& body,
                   const QByteArray& contentType, const QList<QByteArray>& extraHeaders = {})
{
    QByteArray r = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!contentType.isEmpty())
        r += "Content-Type: " + contentType + "\r\n";
    for (const QByteArray& h : extraHeaders)
        r += h + "\r\n";
    r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    return r;
}

/// gzip at the best ratio (a bomb: small on the wire, huge inflated).
QByteArray gzipBest(const std::string& data)
{
    z_stream zs{};
    deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, uLong(data.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return QByteArray::fromStdString(out);
}

QByteArray tracesProto(int spans, const std::string& service = "svc")
{
    return QByteArray::fromStdString(traces(spans, service).SerializeAsString());
}

QByteArray spanJson(const char* traceId, const char* spanId)
{
    return QByteArray(R"({"traceId":")") + traceId + R"(","spanId":")" + spanId +
           R"(","name":"GET /x","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"})";
}

QByteArray tracesJson(const QList<QByteArray>& spans)
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"js"}}]},"scopeSpans":[{"spans":[)" +
           spans.join(',') + "]}]}]}";
}

} // namespace

class TestReceiver : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_dbCount = 0;
    QString m_db;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<LiveReceiver> m_receiver;

    LiveOptions quickOptions() const
    {
        LiveOptions o;
        o.headerTimeoutMs = 600;
        o.bodyStallTimeoutMs = 600;
        o.bodyTimeoutMs = 3000;
        o.idleTimeoutMs = 3000;
        o.corsOrigins = {QStringLiteral("https://shop.example")};
        o.allowedHosts = {QStringLiteral("x")}; // the hand-written requests below say "Host: x"
        o.inferLinksIntervalMs = 0;
        return o;
    }

    void startReceiver(const LiveOptions& options, StoreWriter::Options writerOptions = {})
    {
        m_receiver.reset();
        m_writer.reset();
        m_db = m_dir.filePath(QStringLiteral("live%1.seam").arg(++m_dbCount));
        m_writer = std::make_unique<StoreWriter>(m_db.toStdString(), writerOptions);
        m_receiver = std::make_unique<LiveReceiver>(*m_writer);
        QVERIFY2(m_receiver->start(QHostAddress::LocalHost, 0, options),
                 qPrintable(m_receiver->errorString()));
        QVERIFY(m_receiver->port() != 0);
    }

    std::unique_ptr<QTcpSocket> connectClient()
    {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QHostAddress::LocalHost, m_receiver->port());
        if (!s->waitForConnected(3000))
            qWarning("connect failed: %s", qPrintable(s->errorString()));
        return s;
    }

    Reply send(const QByteArray& bytes, int timeoutMs = 5000)
    {
        auto s = connectClient();
        s->write(bytes);
        s->waitForBytesWritten(3000);
        return readReply(*s, timeoutMs);
    }

    qint64 count(const char* table)
    {
        m_writer->flush();
        Database db = store::openForReading(m_db.toStdString());
        return db.queryInt(std::string("SELECT count(*) FROM ") + table);
    }

    /// The server still answers a normal request (after something hostile).
    void verifyStillServing()
    {
        const Reply r = send(request("POST", "/v1/traces", tracesProto(1), "application/x-protobuf"));
        QCOMPARE(r.status, 200);
    }

private slots:
    void init() { startReceiver(quickOptions()); }
    void cleanup()
    {
        m_receiver.reset();
        m_writer.reset();
    }

    void protobufTraces()
    {
        const Reply r = send(request("POST", "/v1/traces", tracesProto(3), "application/x-protobuf"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/x-protobuf"));
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
        QVERIFY(response.ParseFromArray(r.body.constData(), int(r.body.size())));
        QVERIFY(!response.has_partial_success());
        // Acknowledged means committed: a reader sees the spans right away.
        Database db = store::openForReading(m_db.toStdString());
        QCOMPARE(db.queryInt("SELECT count(*) FROM spans"), 3);
        QCOMPARE(m_receiver->stats().acceptedSpans, 3u);
    }

    void signalsForTheGui()
    {
        QSignalSpy committed(m_receiver.get(), &LiveReceiver::committed);
        QSignalSpy stats(m_receiver.get(), &LiveReceiver::statsChanged);
        QCOMPARE(send(request("POST", "/v1/traces", tracesProto(2), "application/x-protobuf")).status, 200);
        QCOMPARE(send(request("POST", "/v1/traces", tracesProto(3, "b"), "application/x-protobuf")).status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(committed.isEmpty() ? 0ull : committed.last().at(0).toULongLong(), 5ull,
                                  3000);
        QVERIFY(committed.count() <= 2); // coalesced per interval, not one per request or commit
        QVERIFY(stats.count() > 0 || stats.wait(2000));
        const auto last = stats.last().at(0).value<LiveStats>();
        QCOMPARE(last.acceptedSpans, std::uint64_t(5));
        QCOMPARE(last.requests, std::uint64_t(2));
        QVERIFY(!committed.wait(1200)); // nothing new: no signal

        // A second receiver cannot take the same port; it says why.
        StoreWriter other(m_dir.filePath(QStringLiteral("other.seam")).toStdString());
        LiveReceiver second(other);
        QVERIFY(!second.start(QHostAddress::LocalHost, m_receiver->port()));
        QVERIFY(second.errorString().contains(QString::number(m_receiver->port())));
        QVERIFY(!second.isListening());
    }

    void jsonTraces()
    {
        const Reply r =
            send(request("POST", "/v1/traces",
                         tracesJson({spanJson("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331")}),
                         "application/json; charset=utf-8"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(r.body, QByteArray("{}"));
        QCOMPARE(count("spans"), 1);
    }

    void loneSurrogates()
    {
        // A browser that cut an emoji in half sends "\ud83d" alone: before, RapidJSON refused the whole
        // request (400, which exporters do not retry: every span lost). Now all are stored, the half
        // emoji as U+FFFD, and the answer is a plain success (nothing was rejected).
        QList<QByteArray> spans;
        for (const char* id :
             {"b7ad6b7169203331", "b7ad6b7169203332", "b7ad6b7169203333", "b7ad6b7169203334"})
            spans << spanJson("1af7651916cd43dd8448eb211c80319d", id);
        spans[1].insert(spans[1].size() - 1,
                        R"(,"attributes":[{"key":"title","value":{"stringValue":"Sale \ud83d"}}])");
        const Reply r = send(request("POST", "/v1/traces", tracesJson(spans), "application/json"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("{}"));
        QCOMPARE(count("spans"), 4);
        {
            Database db = store::openForReading(m_db.toStdString());
            Statement st =
                db.prepare("SELECT hex(attributes) FROM v_spans WHERE span_id = 'b7ad6b7169203332'");
            QVERIFY(st.step());
            QCOMPARE(QByteArray::fromHex(QByteArray(st.text(0).data(), qsizetype(st.text(0).size()))),
                     QByteArray("{\"title\":\"Sale \xef\xbf\xbd\"}"));
        }
        // The browser RUM routes read through the same stream: 202, stored.
        if (makeReader(std::string(formats::kDatadogRum))) {
            const QByteArray dd =
                R"({"type":"long_task","date":1709287200000,"session":{"id":"s"},"view":{"id":"v","url":"https://a.example/\udc00"},"long_task":{"id":"lt-s","duration":60000000}})";
            QCOMPARE(send(request("POST", "/datadog?ddforward=x", dd, "text/plain")).status, 202);
            QCOMPARE(count("long_tasks"), 1);
        }
        if (makeReader(std::string(formats::kFaro))) {
            const QByteArray faro =
                R"({"meta":{"session":{"id":"s1"},"page":{"id":"p","url":"https://a.example/x"}},"logs":[{"message":"cut \ud800","timestamp":"2024-03-01T10:00:00Z"}]})";
            QCOMPARE(send(request("POST", "/collect", faro, "application/json")).status, 202);
            QCOMPARE(count("logs"), 1);
        }
    }

    void gzipBody()
    {
        const QByteArray body = QByteArray::fromStdString(gzip(traces(5).SerializeAsString()));
        const Reply r =
            send(request("POST", "/v1/traces", body, "application/x-protobuf", {"Content-Encoding: gzip"}));
        QCOMPARE(r.status, 200);
        QCOMPARE(count("spans"), 5);
        // Said gzip, sent plain bytes: 400, nothing stored.
        const Reply bad = send(request("POST", "/v1/traces", tracesProto(2, "other"),
                                       "application/x-protobuf", {"Content-Encoding: gzip"}));
        QCOMPARE(bad.status, 400);
        QCOMPARE(count("spans"), 5);
        const Reply br = send(request("POST", "/v1/traces", tracesProto(2), "application/x-protobuf",
                                      {"Content-Encoding: br"}));
        QCOMPARE(br.status, 415);
        // Content-Encoding: deflate (zlib).
        auto other = traces(3);
        for (auto& span : *other.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans())
            span.set_trace_id(traceBytes(7));
        const QByteArray deflated = qCompress(QByteArray::fromStdString(other.SerializeAsString())).mid(4);
        QCOMPARE(send(request("POST", "/v1/traces", deflated, "application/x-protobuf",
                              {"Content-Encoding: deflate"}))
                     .status,
                 200);
        QCOMPARE(count("spans"), 8);
    }

    void logs()
    {
        const QByteArray body = QByteArray::fromStdString(test::logs(4).SerializeAsString());
        const Reply r = send(request("POST", "/v1/logs", body, "application/x-protobuf"));
        QCOMPARE(r.status, 200);
        opentelemetry::proto::collector::logs::v1::ExportLogsServiceResponse response;
        QVERIFY(response.ParseFromArray(r.body.constData(), int(r.body.size())));
        QVERIFY(!response.has_partial_success());
        QCOMPARE(count("logs"), 4);
        QCOMPARE(m_receiver->stats().acceptedLogs, 4u);
    }

    void emptyRequest()
    {
        QCOMPARE(send(request("POST", "/v1/traces", {}, "application/x-protobuf")).status, 200);
        QCOMPARE(send(request("POST", "/v1/traces", "{}", "application/json")).status, 200);
    }

    void partialSuccess()
    {
        // Protobuf: one span with a 3-byte trace id among good ones.
        auto req = traces(3);
        req.mutable_resource_spans(0)->mutable_scope_spans(0)->mutable_spans(1)->set_trace_id("abc");
        const Reply r = send(request("POST", "/v1/traces", QByteArray::fromStdString(req.SerializeAsString()),
                                     "application/x-protobuf"));
        QCOMPARE(r.status, 200);
        opentelemetry::proto::collector::trace::v1::ExportTraceServiceResponse response;
        QVERIFY(response.ParseFromArray(r.body.constData(), int(r.body.size())));
        QVERIFY(response.has_partial_success());
        QCOMPARE(response.partial_success().rejected_spans(), 1);
        QVERIFY(QByteArray::fromStdString(response.partial_success().error_message()).contains("trace id"));
        QCOMPARE(count("spans"), 2);

        // JSON answers in JSON, 64-bit counts as strings.
        const Reply j =
            send(request("POST", "/v1/traces",
                         tracesJson({spanJson("1af7651916cd43dd8448eb211c80319c", "c7ad6b7169203331"),
                                     spanJson("xyz", "c7ad6b7169203332")}),
                         "application/json"));
        QCOMPARE(j.status, 200);
        QVERIFY2(j.body.contains(R"("partialSuccess")") && j.body.contains(R"("rejectedSpans":"1")"), j.body);
        QCOMPARE(count("spans"), 3);
        QCOMPARE(m_receiver->stats().rejectedRecords, 2u);
    }

    void badRequest()
    {
        const Reply p =
            send(request("POST", "/v1/traces", "\x0a\xff\xff\xff\xff\x0f garbage", "application/x-protobuf"));
        QCOMPARE(p.status, 400);
        QCOMPARE(p.header("Content-Type"), QByteArray("application/x-protobuf"));
        google::rpc::Status status;
        QVERIFY(status.ParseFromArray(p.body.constData(), int(p.body.size())));
        QCOMPARE(status.code(), 3);
        QVERIFY(!status.message().empty());

        const Reply j = send(request("POST", "/v1/traces", "{\"resourceSpans\": [", "application/json"));
        QCOMPARE(j.status, 400);
        QVERIFY2(j.body.startsWith(R"({"code":3,"message":)"), j.body);
        QCOMPARE(count("spans"), 0);
        verifyStillServing();
    }

    void routesAndMethods()
    {
        const Reply nf = send(request("POST", "/v2/traces", tracesProto(1), "application/x-protobuf"));
        QCOMPARE(nf.status, 404);
        const Reply get = send("GET /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n");
        QCOMPARE(get.status, 405);
        QCOMPARE(get.header("Allow"), QByteArray("POST, OPTIONS"));
        const Reply type = send(request("POST", "/v1/traces", tracesProto(1), "text/plain"));
        QCOMPARE(type.status, 415);
        QCOMPARE(count("spans"), 0);
    }

    void metricsAcknowledgedNotStored()
    {
        const Reply r = send(request("POST", "/v1/metrics", "\x0a\x00", "application/x-protobuf"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray());
        QCOMPARE(m_receiver->stats().metricsRequests, 1u);
    }

    void rumRoutes()
    {
        // The Datadog browser SDK's proxy option: POST <proxy>?ddforward=<intake path>, NDJSON as text/plain.
        const QByteArray dd =
            R"({"type":"long_task","date":1709287200000,"session":{"id":"s"},"view":{"id":"v"},"long_task":{"id":"lt","duration":60000000}})"
            "\n"
            R"({"type":"view","date":1,"view":{"url":"x"}})"
            "\n";
        const Reply d = send(
            request("POST", "/datadog?ddforward=%2Fapi%2Fv2%2Frum%3Fddsource%3Dbrowser", dd,
                    "text/plain;charset=UTF-8",
                    {"Origin: https://shop.example", "User-Agent: Mozilla/5.0 (Macintosh; Intel Mac OS X "
                                                     "10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                                                     "Version/17.2 Safari/605.1.15"}));
        if (!makeReader(std::string(formats::kDatadogRum))) {
            QCOMPARE(d.status, 501); // never silently dropped
            QVERIFY(d.body.contains("not stored"));
        } else {
            QCOMPARE(d.status, 202);
            QCOMPARE(d.body, QByteArray(R"({"rejected":1})")); // the view without an id
            QCOMPARE(d.header("Access-Control-Allow-Origin"), QByteArray("https://shop.example"));
            QCOMPARE(count("long_tasks"), 1);
            // The events carry no browser: the intake request's User-Agent gives it, as Datadog's intake
            // does.
            {
                Database db = store::openForReading(m_db.toStdString());
                Statement st =
                    db.prepare("SELECT browser || ' ' || browser_version || ' ' || os || ' ' || device "
                               "FROM sessions WHERE key = 's'");
                QVERIFY(st.step());
                QCOMPARE(QString::fromUtf8(st.text(0).data(), qsizetype(st.text(0).size())),
                         QStringLiteral("Safari 17 macOS desktop"));
            }
            // Garbage: refused as a whole (400, a JSON status) or line by line (202 with the count).
            const Reply bad =
                send(request("POST", "/datadog?ddforward=x", "\x01\x02 not json", "text/plain"));
            QVERIFY2((bad.status == 400 && bad.body.startsWith(R"({"code":3,)")) ||
                         (bad.status == 202 && bad.body == R"({"rejected":1})"),
                     bad.body);
            QCOMPARE(count("long_tasks"), 1);
            // compressIntakeRequests: zlib deflate, announced in the forwarded intake URL.
            const QByteArray compressed =
                qCompress(
                    R"({"type":"long_task","date":1709287200000,"session":{"id":"s"},"view":{"id":"v"},"long_task":{"id":"lt2","duration":60000000}})",
                    6)
                    .mid(4);
            const Reply z = send(request(
                "POST",
                "/datadog?ddforward=%2Fapi%2Fv2%2Frum%3Fddsource%3Dbrowser%26dd-evp-encoding%3Ddeflate",
                compressed, "text/plain"));
            QCOMPARE(z.status, 202);
            QCOMPARE(count("long_tasks"), 2);
        }

        // Grafana Faro: /collect and /collect/<app key>.
        const QByteArray faro =
            R"({"meta":{"session":{"id":"s1"},"page":{"id":"p","url":"https://a.example/x"}},"logs":[{"message":"ok","timestamp":"2024-03-01T10:00:00Z"}]})";
        const Reply f = send(request("POST", "/collect/appkey", faro, "application/json"));
        const Reply f2 = send(request("POST", "/collect", faro, "application/json"));
        if (!makeReader(std::string(formats::kFaro))) {
            QCOMPARE(f.status, 501);
        } else {
            QCOMPARE(f.status, 202);
            QCOMPARE(f2.status, 202);
        }
        QCOMPARE(send(request("POST", "/collect/a/b", "{}", "application/json")).status, 404);
    }

    void faroRevisitsAcrossRequests()
    {
        if (!makeReader(std::string(formats::kFaro)))
            QSKIP("this build has no Faro reader");
        // Faro 2 sends no page id and each request is read on its own: the receiver remembers the
        // session's navigations, so /a, /b, /a again are three page loads and the second /a's error is
        // its own. Requests are sent one after the other, as the SDK does.
        auto post = [&](const char* url, const char* navigationId, const char* second, const char* error) {
            QByteArray body =
                "{'meta':{'session':{'id':'s9'},'page':{'url':'https://shop.example@URL'}},"
                "'events':[{'name':'faro.performance.navigation','timestamp':'2026-03-01T10:00:@SZ',"
                "'attributes':{'name':'https://shop.example@URL','faroNavigationId':'@N','duration':'900'}}]"
                "@E}";
            body.replace("@E", error ? ","
                                       "'exceptions':[{'type':'Error','value':'" +
                                           QByteArray(error) + "','timestamp':'2026-03-01T10:00:@SZ'}]"
                                     : QByteArray());
            body.replace("@URL", url).replace("@N", navigationId).replace("@S", second).replace('\'', '"');
            QCOMPARE(send(request("POST", "/collect", body, "application/json")).status, 202);
        };
        post("/a", "N1", "00.000", "first");
        post("/b", "N2", "10.000", nullptr);
        post("/a", "N3", "20.000", "second");
        m_writer->flush();
        Database db = store::openForReading(m_db.toStdString());
        Statement st =
            db.prepare("SELECT p.url || ' ' || coalesce((SELECT group_concat(message) FROM rum_errors e "
                       "WHERE e.page_load_id = p.id), '-') FROM page_loads p ORDER BY p.start_ns");
        QStringList loads;
        while (st.step())
            loads << QString::fromUtf8(st.text(0).data(), qsizetype(st.text(0).size()));
        QCOMPARE(loads, (QStringList{QStringLiteral("https://shop.example/a first"),
                                     QStringLiteral("https://shop.example/b -"),
                                     QStringLiteral("https://shop.example/a second")}));
    }

    void cors()
    {
        const Reply pre = send("OPTIONS /v1/traces HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example\r\n"
                               "Access-Control-Request-Method: POST\r\n"
                               "Access-Control-Request-Headers: content-type, traceparent\r\n\r\n");
        QCOMPARE(pre.status, 204);
        QCOMPARE(pre.header("Access-Control-Allow-Origin"), QByteArray("https://shop.example"));
        QVERIFY(pre.header("Access-Control-Allow-Methods").contains("POST"));
        QCOMPARE(pre.header("Access-Control-Allow-Headers"), QByteArray("content-type, traceparent"));
        QCOMPARE(pre.header("Vary"), QByteArray("Origin"));

        const Reply denied = send("OPTIONS /v1/traces HTTP/1.1\r\nHost: x\r\nOrigin: https://evil.example\r\n"
                                  "Access-Control-Request-Method: POST\r\n\r\n");
        QCOMPARE(denied.status, 403);
        QVERIFY(denied.header("Access-Control-Allow-Origin").isEmpty());

        const Reply post = send(request("POST", "/v1/traces", tracesProto(1), "application/x-protobuf",
                                        {"Origin: https://shop.example"}));
        QCOMPARE(post.status, 200);
        QCOMPARE(post.header("Access-Control-Allow-Origin"), QByteArray("https://shop.example"));
        // Another page's post is refused outright, not just kept from reading the answer.
        const Reply other = send(request("POST", "/v1/traces", tracesProto(1), "application/x-protobuf",
                                         {"Origin: https://evil.example"}));
        QCOMPARE(other.status, 403);
        QVERIFY(other.header("Access-Control-Allow-Origin").isEmpty());
        QCOMPARE(count("spans"), 1);

        // "*" only when asked for.
        LiveOptions any = quickOptions();
        any.corsOrigins = {QStringLiteral("*")};
        startReceiver(any);
        const Reply star = send("OPTIONS /v1/logs HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:3000\r\n"
                                "Access-Control-Request-Method: POST\r\n\r\n");
        QCOMPARE(star.status, 204);
        QCOMPARE(star.header("Access-Control-Allow-Origin"), QByteArray("http://localhost:3000"));
    }

    void keepAliveAndPipelining()
    {
        auto s = connectClient();
        const QByteArray one = request("POST", "/v1/traces", tracesProto(1, "a"), "application/x-protobuf");
        const QByteArray two = request("POST", "/v1/traces", tracesProto(2, "b"), "application/x-protobuf");
        s->write(one + two); // pipelined
        QByteArray carry;
        QCOMPARE(readReply(*s, 5000, &carry).status, 200);
        QCOMPARE(readReply(*s, 5000, &carry).status, 200);
        s->write(request("POST", "/v1/traces", tracesProto(1, "c"), "application/x-protobuf"));
        QCOMPARE(readReply(*s, 5000, &carry).status, 200);
        QCOMPARE(s->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(m_receiver->stats().requests, 3u);
    }

    void chunkedBody()
    {
        const QByteArray body = tracesProto(4);
        QByteArray req = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n";
        for (qsizetype i = 0; i < body.size(); i += 50) {
            const QByteArray part = body.mid(i, 50);
            req += QByteArray::number(part.size(), 16) + ";ext=1\r\n" + part + "\r\n";
        }
        req += "0\r\nX-Trailer: 1\r\n\r\n";
        QCOMPARE(send(req).status, 200);
        QCOMPARE(count("spans"), 4);
    }

    void expectContinue()
    {
        auto s = connectClient();
        const QByteArray body = tracesProto(2);
        s->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nExpect: "
                 "100-continue\r\n"
                 "Content-Length: " +
                 QByteArray::number(body.size()) + "\r\n\r\n");
        QVERIFY(s->waitForReadyRead(3000));
        QVERIFY(s->readAll().startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        s->write(body);
        QCOMPARE(readReply(*s).status, 200);
    }

    void bodyLimit()
    {
        LiveOptions o = quickOptions();
        o.maxBodyBytes = 64 * 1024;
        startReceiver(o);
        // Announced too big: refused before the body is read.
        const Reply big =
            send(request("POST", "/v1/traces", QByteArray(100 * 1024, 'x'), "application/x-protobuf"));
        QCOMPARE(big.status, 413);
        // Chunked past the limit.
        QByteArray chunked = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                             "Transfer-Encoding: chunked\r\n\r\n";
        for (int i = 0; i < 3; ++i)
            chunked += "8000\r\n" + QByteArray(0x8000, 'y') + "\r\n";
        QCOMPARE(send(chunked).status, 413);
        // A gzip bomb: 1 KiB on the wire, 16 MiB of zeros inflated. The limit applies after gzip.
        const QByteArray bomb = gzipBest(std::string(16 << 20, '\0'));
        QVERIFY(bomb.size() < 64 * 1024);
        const Reply b =
            send(request("POST", "/v1/traces", bomb, "application/x-protobuf", {"Content-Encoding: gzip"}));
        QCOMPARE(b.status, 413);
        google::rpc::Status status;
        QVERIFY(status.ParseFromArray(b.body.constData(), int(b.body.size())));
        QCOMPARE(status.code(), 8);
        const QByteArray deflateBomb = qCompress(QByteArray(16 << 20, '\0'), 9).mid(4);
        QVERIFY(deflateBomb.size() < 64 * 1024);
        QCOMPARE(send(request("POST", "/v1/traces", deflateBomb, "application/x-protobuf",
                              {"Content-Encoding: deflate"}))
                     .status,
                 413);
        verifyStillServing();
    }

    void backpressureAcknowledgesOnlyCommitted()
    {
        StoreWriter::Options w;
        w.maxQueuedRecords = 5;
        startReceiver(quickOptions(), w);
        // Hold the writer in a transaction so nothing commits.
        std::promise<void> release;
        std::shared_future<void> released = release.get_future().share();
        std::promise<void> holding;
        std::thread blocker([&] {
            m_writer->runInTransaction([&](Database&) {
                holding.set_value();
                released.wait();
            });
        });
        holding.get_future().wait();

        auto first = connectClient();
        first->write(request("POST", "/v1/traces", tracesProto(3, "first"), "application/x-protobuf"));
        // Queued but not committed: no answer yet.
        const Reply early = readReply(*first, 400);
        QCOMPARE(early.status, 0);
        QVERIFY(!early.closed);

        // The queue holds 3 of 5: four more do not fit.
        const Reply busy =
            send(request("POST", "/v1/traces", tracesProto(4, "second"), "application/x-protobuf"));
        QCOMPARE(busy.status, 503);
        QCOMPARE(busy.header("Retry-After"), QByteArray("1"));
        google::rpc::Status status;
        QVERIFY(status.ParseFromArray(busy.body.constData(), int(busy.body.size())));
        QCOMPARE(status.code(), 14);

        release.set_value();
        blocker.join();
        QCOMPARE(readReply(*first).status, 200);
        QCOMPARE(count("spans"), 3);
        QCOMPARE(m_receiver->stats().busyRequests, 1u);
    }

    void inFlightBudget()
    {
        LiveOptions o = quickOptions();
        o.maxInFlightBytes = 100 * 1024;
        startReceiver(o);
        // One client announces 80 KiB and sends it slowly; a second one's 80 KiB does not fit.
        auto slow = connectClient();
        slow->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                    "Content-Length: 81920\r\n\r\nabc");
        slow->waitForBytesWritten(1000);
        QTest::qWait(100);
        const Reply r =
            send(request("POST", "/v1/traces", QByteArray(80 * 1024, 'z'), "application/x-protobuf"));
        QCOMPARE(r.status, 503);
        QVERIFY(!r.header("Retry-After").isEmpty());
        slow->abort();
        QTest::qWait(200); // the budget comes back when the connection goes
        verifyStillServing();
    }

    // --- hostile clients ---

    void garbage()
    {
        for (const QByteArray& junk :
             {QByteArray("\x16\x03\x01\x02\xfc\x03\x03 TLS hello\r\n\r\n"), QByteArray("HELLO\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/2.0\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nNo colon here\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Length: -5\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: "
                         "chunked\r\n\r\n0\r\n\r\n"),
              QByteArray("POST /v1/traces HTTP/1.1\r\nContent-Type: application/json\r\nTransfer-Encoding: "
                         "chunked\r\n\r\nzz\r\n"),
              QByteArray(4096, '\0')}) {
            auto s = connectClient();
            s->write(junk);
            const Reply r = readReply(*s, 3000);
            QVERIFY2(r.status == 400 || r.status == 501 || r.status == 413 || r.status == 408,
                     junk.left(40).toHex());
            QVERIFY(waitClosed(*s, 3000));
        }
        verifyStillServing();
        QCOMPARE(count("spans"), 1);
    }

    void lyingContentLength()
    {
        // Promises more than it sends, then stalls: 408 after the stall timeout, connection closed.
        auto s = connectClient();
        s->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                 "Content-Length: 100000\r\n\r\n" +
                 tracesProto(2));
        QElapsedTimer t;
        t.start();
        const Reply r = readReply(*s, 5000);
        QCOMPARE(r.status, 408);
        QVERIFY(t.elapsed() < 3000);
        QVERIFY(waitClosed(*s, 3000));
        // Promises less than it sends: the rest is taken as the next request, which is garbage.
        auto t2 = connectClient();
        const QByteArray body = tracesProto(2);
        t2->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: "
                  "application/x-protobuf\r\nContent-Length: " +
                  QByteArray::number(body.size()) + "\r\n\r\n" + body + "trailing junk\r\n\r\n");
        QByteArray carry;
        QCOMPARE(readReply(*t2, 5000, &carry).status, 200);
        QCOMPARE(readReply(*t2, 5000, &carry).status, 400);
        QCOMPARE(count("spans"), 2);
    }

    void slowHeaders()
    {
        // Slowloris: a byte every 100 ms never finishes the headers in time.
        auto slow = connectClient();
        const QByteArray head = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaa\r\n";
        QElapsedTimer t;
        t.start();
        bool closed = false;
        for (qsizetype i = 0; i < head.size() && !closed; ++i) {
            slow->write(head.mid(i, 1));
            slow->waitForBytesWritten(100);
            QTest::qWait(100);
            closed = slow->state() != QAbstractSocket::ConnectedState || slow->bytesAvailable() > 0;
            if (i == 2) // others are served meanwhile
                verifyStillServing();
        }
        const Reply r = readReply(*slow, 2000);
        QVERIFY(r.status == 408 || r.closed);
        QVERIFY(t.elapsed() < 4000);
        QVERIFY(waitClosed(*slow, 2000));
    }

    void slowBody()
    {
        // Headers fine, body trickles: total body time is bounded even while bytes keep coming.
        LiveOptions o = quickOptions();
        o.bodyStallTimeoutMs = 1000;
        o.bodyTimeoutMs = 800;
        startReceiver(o);
        auto s = connectClient();
        s->write("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: "
                 "application/x-protobuf\r\nContent-Length: 1000\r\n\r\n");
        QElapsedTimer t;
        t.start();
        while (s->state() == QAbstractSocket::ConnectedState && s->bytesAvailable() == 0 &&
               t.elapsed() < 4000) {
            s->write("x");
            s->waitForReadyRead(100);
        }
        const Reply r = readReply(*s, 2000);
        QCOMPARE(r.status, 408);
        QVERIFY(t.elapsed() < 3000);
    }

    void hugeHeaders()
    {
        const Reply line = send("POST /v1/traces?" + QByteArray(20000, 'a') + " HTTP/1.1\r\n\r\n");
        QCOMPARE(line.status, 414);
        const Reply big = send("POST /v1/traces HTTP/1.1\r\nX-Big: " + QByteArray(70000, 'b') + "\r\n\r\n");
        QCOMPARE(big.status, 431);
        QByteArray many = "POST /v1/traces HTTP/1.1\r\n";
        for (int i = 0; i < 150; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        QCOMPARE(send(many + "\r\n").status, 431);
        // Endless header bytes without a newline are cut off at the limit, not buffered.
        auto s = connectClient();
        s->write("POST /v1/traces HTTP/1.1\r\nX-Endless: ");
        for (int i = 0; i < 20; ++i)
            s->write(QByteArray(8192, 'c'));
        const Reply r = readReply(*s, 3000);
        QCOMPARE(r.status, 431);
        verifyStillServing();
    }

    void tooManyConnections()
    {
        LiveOptions o = quickOptions();
        o.maxConnections = 10;
        startReceiver(o);
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 10; ++i)
            idle.push_back(connectClient());
        QTest::qWait(200);
        // The eleventh is told to come back later and closed.
        auto extra = connectClient();
        const Reply r = readReply(*extra, 3000);
        QCOMPARE(r.status, 503);
        QVERIFY(waitClosed(*extra, 2000));
        idle.clear(); // the idle ones go away: room again
        QTest::qWait(300);
        verifyStillServing();
    }

    void idleConnectionsClosed()
    {
        LiveOptions o = quickOptions();
        o.idleTimeoutMs = 300;
        startReceiver(o);
        auto s = connectClient();
        QVERIFY(waitClosed(*s, 3000));
    }

    void stopDrainsPending()
    {
        // A request being committed when stop() is called is answered, and stored.
        StoreWriter::Options w;
        startReceiver(quickOptions(), w);
        auto s = connectClient();
        s->write(request("POST", "/v1/traces", tracesProto(20), "application/x-protobuf"));
        s->waitForBytesWritten(1000);
        QTest::qWait(50);
        m_receiver->stop();
        const Reply r = readReply(*s, 3000);
        QVERIFY(r.status == 200 || r.status == 0); // answered, or never received before the drain
        if (r.status == 200)
            QCOMPARE(count("spans"), 20);
        // The stream is recorded as a source.
        Database db = store::openForReading(m_db.toStdString());
        QCOMPARE(db.queryInt("SELECT count(*) FROM sources WHERE kind = 'live' AND status = 'done'"), 1);
    }
};

QTEST_GUILESS_MAIN(TestReceiver)
#include "tst_receiver.moc"
