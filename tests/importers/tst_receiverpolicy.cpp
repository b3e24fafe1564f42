// The live receiver against web pages, over real loopback HTTP: a page of another origin (a CORS
// "simple" text/plain POST, sent by browsers without preflight) and a page reaching the receiver
// through a DNS name rebound to 127.0.0.1 get 403 / 421 and store nothing; exporters (no Origin),
// allowed origins and the names of the listening address keep working.

#include "LiveReceiver.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

struct Reply
{
    int status = 0; // 0: no answer
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(const QByteArray& name) const
    {
        for (const auto& h : headers)
            if (h.first.compare(name, Qt::CaseInsensitive) == 0)
                return h.second;
        return {};
    }
    bool hasCorsHeaders() const
    {
        for (const auto& h : headers)
            if (h.first.toLower().startsWith("access-control-"))
                return true;
        return false;
    }
};

/// Sends one request with Connection: close and reads the answer until the server closes.
Reply exchange(const QHostAddress& address, quint16 port, const QByteArray& bytes)
{
    QTcpSocket s;
    s.connectToHost(address, port);
    if (!s.waitForConnected(3000))
        return {};
    s.write(bytes);
    QByteArray in;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 5000 && (s.state() == QAbstractSocket::ConnectedState || s.bytesAvailable() > 0)) {
        s.waitForReadyRead(50);
        in += s.readAll();
    }
    Reply r;
    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0)
        return r;
    const QList<QByteArray> lines = in.left(end).split('\n');
    r.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            r.headers.append({lines[i].left(colon).trimmed(), lines[i].mid(colon + 1).trimmed()});
    }
    r.body = in.mid(end + 4);
    return r;
}

// What the browser SDKs post: Faro's JSON and the Datadog SDK's NDJSON, both as text/plain (no
// preflight), and an OTLP/JSON export.
const QByteArray kFaro =
    R"({"meta":{"session":{"id":"s1"},"page":{"id":"p","url":"https://a.example/x"}},"logs":[{"message":"ok","timestamp":"2024-03-01T10:00:00Z"}]})";
const QByteArray kDatadog =
    R"({"type":"long_task","date":1709287200000,"session":{"id":"s"},"view":{"id":"v"},"long_task":{"id":"lt","duration":60000000}})"
    "\n";
const QByteArray kDatadogPath = "/datadog?ddforward=%2Fapi%2Fv2%2Frum%3Fddsource%3Dbrowser";
/// An OTLP/JSON export of one span, a new one each call (the store keeps a span once).
QByteArray traces()
{
    static int n = 0;
    const QByteArray spanId = QByteArray::number(0xb7ad6b7100000000ULL + quint64(++n), 16);
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"js"}}]},"scopeSpans":[{"spans":[{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":")" +
           spanId +
           R"(","name":"GET /x","kind":2,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000000001000000"}]}]}]})";
}

} // namespace

class TestReceiverPolicy : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    int m_dbCount = 0;
    QString m_db;
    QHostAddress m_address;
    std::unique_ptr<StoreWriter> m_writer;
    std::unique_ptr<LiveReceiver> m_receiver;

    bool startReceiver(const QHostAddress& address, const QStringList& corsOrigins,
                       const QStringList& allowedHosts = {})
    {
        m_receiver.reset();
        m_writer.reset();
        m_db = m_dir.filePath(QStringLiteral("policy%1.seam").arg(++m_dbCount));
        m_writer = std::make_unique<StoreWriter>(m_db.toStdString());
        m_receiver = std::make_unique<LiveReceiver>(*m_writer);
        LiveOptions o;
        o.corsOrigins = corsOrigins;
        o.allowedHosts = allowedHosts;
        o.inferLinksIntervalMs = 0;
        m_address = address;
        return m_receiver->start(address, 0, o);
    }

    QByteArray hostPort(const char* name) const
    {
        return QByteArray(name) + ':' + QByteArray::number(m_receiver->port());
    }

    /// A POST; `host` empty: no Host header at all (and HTTP/1.0, where that is allowed).
    Reply post(const QByteArray& path, const QByteArray& body, const QByteArray& contentType,
               const QByteArray& host, const QList<QByteArray>& extra = {})
    {
        QByteArray r = "POST " + path;
        r += host.isEmpty() ? QByteArray(" HTTP/1.0\r\n") : QByteArray(" HTTP/1.1\r\nHost: " + host + "\r\n");
        r += "Content-Type: " + contentType + "\r\nConnection: close\r\n";
        for (const QByteArray& h : extra)
            r += h + "\r\n";
        r += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        return exchange(m_address, m_receiver->port(), r);
    }

    Reply post(const QByteArray& path, const QByteArray& body, const QList<QByteArray>& extra = {})
    {
        return post(path, body, "text/plain;charset=UTF-8", hostPort("127.0.0.1"), extra);
    }

    /// Every row a request could have added, over the tables the receiver writes.
    qint64 rows()
    {
        m_writer->flush();
        Database db = store::openForReading(m_db.toStdString());
        qint64 n = 0;
        for (const char* table :
             {"spans", "logs", "sessions", "page_loads", "resources", "rum_errors", "actions", "long_tasks"})
            n += db.queryInt(std::string("SELECT count(*) FROM ") + table);
        return n;
    }

private slots:
    void init() { QVERIFY(startReceiver(QHostAddress::LocalHost, {QStringLiteral("https://shop.example")})); }
    void cleanup()
    {
        m_receiver.reset();
        m_writer.reset();
    }

    void foreignOriginsStoreNothing()
    {
        const QList<QPair<QByteArray, QByteArray>> posts{
            {"/collect", kFaro}, {"/collect/appkey", kFaro}, {kDatadogPath, kDatadog}};
        int refused = 0;
        for (const QByteArray& origin : {QByteArray("https://evil.example"), QByteArray("null"),
                                         QByteArray("https://shop.example.evil.example"), QByteArray("")}) {
            for (const auto& [path, body] : posts) {
                const Reply r = post(path, body, {"Origin: " + origin});
                QVERIFY2(
                    r.status == 403,
                    QByteArray(path + " from " + origin + ": " + QByteArray::number(r.status)).constData());
                QVERIFY(!r.hasCorsHeaders()); // the page cannot even read the refusal
                ++refused;
            }
            // Not only the routes browsers use: an OTLP export from a foreign page too.
            const Reply otlp = post("/v1/traces", traces(), "application/json", hostPort("127.0.0.1"),
                                    {"Origin: " + origin});
            QCOMPARE(otlp.status, 403);
            QVERIFY2(otlp.body.contains("--cors-origin"), otlp.body);
            ++refused;
        }
        QCOMPARE(rows(), 0);
        const LiveStats stats = m_receiver->stats();
        QCOMPARE(stats.refusedRequests, std::uint64_t(refused));
        QCOMPARE(stats.failedRequests, std::uint64_t(refused)); // the "rejected" of the status bar
        QCOMPARE(stats.requests, 0u);
    }

    void allowedOriginsAndExportersAreAccepted()
    {
        const Reply faro = post("/collect", kFaro, {"Origin: https://shop.example"});
        QCOMPARE(faro.status, 202);
        QCOMPARE(faro.header("Access-Control-Allow-Origin"), QByteArray("https://shop.example"));
        const Reply dd = post(kDatadogPath, kDatadog, {"Origin: https://shop.example"});
        QCOMPARE(dd.status, 202);
        const qint64 fromPages = rows();
        QVERIFY(fromPages >= 2);
        // Exporters, curl and collectors send no Origin.
        const Reply exporter = post("/v1/traces", traces(), "application/json", hostPort("127.0.0.1"));
        QCOMPARE(exporter.status, 200);
        QVERIFY(!exporter.hasCorsHeaders());
        QCOMPARE(rows(), fromPages + 1);
        QCOMPARE(m_receiver->stats().refusedRequests, 0u);
    }

    void preflightOfForeignOriginsGetsNoAllowHeaders()
    {
        auto preflight = [&](const QByteArray& path, const QByteArray& origin) {
            return exchange(m_address, m_receiver->port(),
                            "OPTIONS " + path + " HTTP/1.1\r\nHost: " + hostPort("127.0.0.1") +
                                "\r\nOrigin: " + origin +
                                "\r\nAccess-Control-Request-Method: POST\r\nConnection: close\r\n\r\n");
        };
        const Reply allowed = preflight("/collect", "https://shop.example");
        QCOMPARE(allowed.status, 204);
        QCOMPARE(allowed.header("Access-Control-Allow-Origin"), QByteArray("https://shop.example"));
        for (const QByteArray& path :
             {QByteArray("/collect"), QByteArray("/v1/traces"), QByteArray("/nowhere")}) {
            const Reply r = preflight(path, "https://evil.example");
            QCOMPARE(r.status, 403);
            QVERIFY(!r.hasCorsHeaders());
        }
        const Reply null = preflight("/collect", "null");
        QCOMPARE(null.status, 403);
        QVERIFY(!null.hasCorsHeaders());
    }

    void nullOnlyWhenListed()
    {
        // "*" lets any page post, but not the "null" of sandboxed frames and file: pages.
        QVERIFY(startReceiver(QHostAddress::LocalHost, {QStringLiteral("*")}));
        QCOMPARE(post("/collect", kFaro, {"Origin: https://anywhere.example"}).status, 202);
        QCOMPARE(post("/collect", kFaro, {"Origin: null"}).status, 403);
        QVERIFY(startReceiver(QHostAddress::LocalHost, {QStringLiteral("null")}));
        const Reply r = post("/collect", kFaro, {"Origin: null"});
        QCOMPARE(r.status, 202);
        QCOMPARE(r.header("Access-Control-Allow-Origin"), QByteArray("null"));
    }

    void hostMustNameTheReceiver()
    {
        auto status = [&](const QByteArray& host) {
            return post("/v1/traces", traces(), "application/json", host).status;
        };
        // DNS rebinding: evil.example now resolves to 127.0.0.1, the page is "same-origin" with it and
        // its requests say so in Host.
        const Reply rebound = post("/v1/traces", traces(), "application/json", hostPort("evil.example"));
        QCOMPARE(rebound.status, 421);
        QVERIFY2(rebound.body.contains("--allow-host") && rebound.body.contains(hostPort("127.0.0.1")),
                 rebound.body);
        const Reply reboundPage = post("/collect", kFaro, "text/plain", hostPort("evil.example"),
                                       {"Origin: http://" + hostPort("evil.example")});
        QCOMPARE(reboundPage.status, 421);
        QVERIFY(!reboundPage.hasCorsHeaders());
        QCOMPARE(status(hostPort("127.0.0.2")), 421);
        QCOMPARE(status("127.0.0.1:" + QByteArray::number(m_receiver->port() + 1)), 421);
        QCOMPARE(status("evil.example"), 421);
        QCOMPARE(rows(), 0);
        QCOMPARE(m_receiver->stats().refusedRequests, 5u);

        QCOMPARE(status(hostPort("localhost")), 200);
        QCOMPARE(status(hostPort("127.0.0.1")), 200);
        QCOMPARE(status({}), 200); // HTTP/1.0 without Host
        QCOMPARE(rows(), 3);
        QCOMPARE(m_receiver->stats().refusedRequests, 5u);
    }

    void allowedHostNames()
    {
        QVERIFY(startReceiver(QHostAddress::LocalHost, {},
                              {QStringLiteral("seam.test"), QStringLiteral("proxy.test:8080")}));
        auto status = [&](const QByteArray& host) {
            return post("/v1/traces", traces(), "application/json", host).status;
        };
        QCOMPARE(status(hostPort("seam.test")), 200);
        QCOMPARE(status("seam.test:9"), 200); // a name without a port: any port (a proxy's own)
        QCOMPARE(status("proxy.test:8080"), 200);
        QCOMPARE(status(hostPort("proxy.test")), 421);
        QCOMPARE(status(hostPort("other.test")), 421);
        QCOMPARE(rows(), 3);
    }

    void ipv6Loopback()
    {
        if (!startReceiver(QHostAddress::LocalHostIPv6, {}))
            QSKIP("no IPv6 loopback here");
        auto status = [&](const QByteArray& host) {
            return post("/v1/traces", traces(), "application/json", host).status;
        };
        QCOMPARE(status(hostPort("[::1]")), 200);
        QCOMPARE(status(hostPort("localhost")), 200);
        QCOMPARE(status(hostPort("127.0.0.1")), 421);
        QCOMPARE(status(hostPort("evil.example")), 421);
    }
};

QTEST_GUILESS_MAIN(TestReceiverPolicy)
#include "tst_receiverpolicy.moc"
