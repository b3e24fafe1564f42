// The live receiver over real loopback sockets: what it accepts and stores (OTLP protobuf and JSON,
// gzip, logs, browser RUM routes, partial success, CORS) and what it answers for each.

#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "ReceiverFixture.h"
#include "opentelemetry/proto/rpc/status.pb.h"

#include <QSignalSpy>

using namespace seam;
using namespace seam::test;

class TestReceiver : public ReceiverFixture
{
    Q_OBJECT

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
};

QTEST_GUILESS_MAIN(TestReceiver)
#include "tst_receiver.moc"
