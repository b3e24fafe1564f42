#include "ReceiverServer.h"

#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "InputSource.h"
#include "StoreWriter.h"
#include "UserAgent.h"

#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <cctype>
#include <cstring>
#include <iterator>
#include <optional>
#include <sys/socket.h>

namespace seam::live {

namespace {

// The RUM importers (importers/datadog, importers/faro), looked up by name so that a build without
// one answers 501 rather than failing to link.
constexpr std::string_view kDatadogRumFormat = formats::kDatadogRum;
constexpr std::string_view kFaroFormat = formats::kFaro;

constexpr int kReadBufferBytes = 64 * 1024;
constexpr int kSweepMs = 100;
constexpr int kClosingTimeoutMs = 2000;
// While closing after an error, what the client still sends is read and dropped (so the kernel does not
// reset the connection before the client has read the answer), up to this much.
constexpr qint64 kMaxDiscardBytes = qint64(4) << 20;

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 421:
        return "Misdirected Request";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

Route routeFor(const HttpRequest& r)
{
    if (r.path == "/v1/traces")
        return Route::Traces;
    if (r.path == "/v1/logs")
        return Route::Logs;
    if (r.path == "/v1/metrics")
        return Route::Metrics;
    if (r.path == "/collect" ||
        (r.path.startsWith("/collect/") && r.path.size() > 9 && r.path.count('/') == 2))
        return Route::Faro;
    // The Datadog browser SDK posts to the proxy URL it was given, whatever its path, adding
    // ?ddforward=<url-encoded intake path and parameters>.
    const QUrlQuery query(QString::fromLatin1(r.query));
    if (query.hasQueryItem(QStringLiteral("ddforward")))
        return Route::DatadogRum;
    return Route::Unknown;
}

/// application/x-protobuf or application/json (parameters ignored); nullopt otherwise.
std::optional<Encoding> otlpEncoding(const QByteArray& contentType)
{
    const qsizetype semi = contentType.indexOf(';');
    const QByteArray type = (semi < 0 ? contentType : contentType.left(semi)).trimmed().toLower();
    if (type == "application/x-protobuf" || type == "application/protobuf")
        return Encoding::Protobuf;
    if (type == "application/json")
        return Encoding::Json;
    return std::nullopt;
}

struct DecodeJob
{
    Route route = Route::Unknown;
    Encoding encoding = Encoding::Protobuf;
    bool gzip = false;
    bool deflate = false; // zlib-wrapped deflate (Content-Encoding: deflate, Datadog's dd-evp-encoding)
    QByteArray body;
    QByteArray userAgent; // Datadog RUM: the browser's, which its events do not carry
    quint64 requestNumber = 0;
};

/// Datadog's intake takes the browser, OS and device from the request's User-Agent (the SDK's events
/// do not carry them); so does Seam when the SDK posts to it directly.
void fillBrowserFromUserAgent(std::vector<SessionRecord>& sessions, const std::string& userAgent)
{
    const UserAgentInfo ua = parseUserAgent(userAgent);
    for (SessionRecord& s : sessions) {
        if (!s.browser.empty())
            continue;
        s.browser = ua.browser;
        s.browserVersion = ua.browserVersion;
        if (s.os.empty())
            s.os = ua.os;
        if (s.device.empty())
            s.device = ua.device;
    }
}

Response otlpError(Encoding encoding, int status, const QByteArray& message)
{
    Response r;
    r.status = status;
    r.contentType = contentTypeFor(encoding);
    r.body = statusBody(encoding, grpcCodeForHttp(status), message);
    return r;
}

/// Runs on a decoder thread: body -> records -> writer queue. Never throws.
DecodeResult decode(ReceiverShared& shared, DecodeJob& job)
{
    DecodeResult result;
    const bool rum = job.route == Route::DatadogRum || job.route == Route::Faro;
    const Signal signal = job.route == Route::Logs ? Signal::Logs : Signal::Traces;
    auto success = [&](std::uint64_t rejected, const QByteArray& message) {
        if (rum) {
            result.response.status = 202;
            result.response.contentType = "application/json";
            result.response.body = rejected
                                       ? QByteArray("{\"rejected\":") + QByteArray::number(rejected) + '}'
                                       : QByteArray("{}");
        } else {
            result.response.status = 200;
            result.response.contentType = contentTypeFor(job.encoding);
            result.response.body = exportResponse(job.encoding, signal, rejected, message);
        }
    };
    if (job.body.isEmpty()) { // an empty request is a valid, empty export
        success(0, {});
        return result;
    }

    const std::unique_ptr<InputSource> in =
        InputSource::fromBuffer(std::string_view(job.body.constData(), std::size_t(job.body.size())),
                                "request " + std::to_string(job.requestNumber));
    in->setMaxBytes(std::uint64_t(shared.options.maxBodyBytes));
    job.body = QByteArray(); // the source has its own copy
    in->peek(2);
    // The source inflates what it recognises from the bytes; a body that contradicts its
    // Content-Encoding is refused rather than read as something else.
    if (job.gzip && !in->isGzip()) {
        result.response =
            otlpError(job.encoding, 400, "Content-Encoding is gzip but the body is not gzip data");
        return result;
    }
    if (job.deflate && in->compression() != InputSource::Compression::Zlib) {
        result.response =
            otlpError(job.encoding, 400, "Content-Encoding is deflate but the body is not zlib data");
        return result;
    }

    std::string format;
    switch (job.route) {
    case Route::Traces:
        format = job.encoding == Encoding::Json ? std::string(formats::kOtlpJson)
                                                : std::string(formats::kOtlpProtobufTraces);
        break;
    case Route::Logs:
        format = job.encoding == Encoding::Json ? std::string(formats::kOtlpJson)
                                                : std::string(formats::kOtlpProtobufLogs);
        break;
    case Route::DatadogRum:
        format = std::string(kDatadogRumFormat);
        break;
    case Route::Faro:
        format = std::string(kFaroFormat);
        break;
    case Route::Metrics:
    case Route::Unknown:
        break;
    }

    CollectingSink sink;
    ImportReport report = importSource(*in, sink, nullptr, format, {}, &shared.memory);
    const std::string& inputError = in->error();
    if (!inputError.empty() && (inputError.find("exceeds the limit") != std::string::npos ||
                                inputError.find("expands beyond") != std::string::npos)) {
        result.response = otlpError(job.encoding, 413,
                                    QByteArray("the body is larger than the limit after decompression: ") +
                                        QByteArray::fromStdString(inputError));
        return result;
    }
    if (report.hasFatal()) {
        // The request as a whole cannot be decoded: store none of it (the client does not retry a 400,
        // and a half-read protobuf message is not something another receiver would keep either).
        QByteArray message = "cannot decode the request";
        if (!report.fatalLocation().empty())
            message += " at " + QByteArray::fromStdString(report.fatalLocation());
        message += ": " + QByteArray::fromStdString(report.fatalMessage());
        result.response = otlpError(job.encoding, 400, message);
        return result;
    }

    RecordBatch batch;
    for (RecordBatch& b : sink.batches)
        batch.append(std::move(b));
    sink.batches.clear();
    if (job.route == Route::DatadogRum && !job.userAgent.isEmpty())
        fillBrowserFromUserAgent(batch.sessions, job.userAgent.toStdString());
    result.spans = batch.spans.size();
    result.logs = batch.logs.size();
    result.records = batch.size();
    result.rejected = report.rejected();

    if (!batch.empty()) {
        result.sequence = shared.writer.trySubmit(shared.sourceId, batch);
        if (result.sequence == 0) {
            result.response = otlpError(job.encoding, 503, "the store is behind; retry later");
            result.response.headers.append(
                {QByteArray("Retry-After"), QByteArray::number(shared.options.retryAfterSeconds)});
            result.spans = result.logs = result.records = result.rejected = 0;
            return result;
        }
    }
    QByteArray message;
    if (report.rejected() > 0) {
        message = QByteArray::number(qulonglong(report.rejected())) + " record(s) rejected";
        const auto& samples = report.samples();
        for (std::size_t i = 0; i < samples.size() && i < 3; ++i)
            message += (i == 0 ? ": " : "; ") + QByteArray::fromStdString(samples[i].location) + ": " +
                       QByteArray::fromStdString(samples[i].message);
    }
    success(report.rejected(), message);
    result.report = std::move(report);
    return result;
}

} // namespace

struct ReceiverServer::Connection
{
    enum class Phase
    {
        Idle,      // waiting for a request
        Receiving, // request line, headers, body
        Pending,   // decoding or waiting for the commit
        Closing
    };

    quint64 id = 0;
    QTcpSocket* socket = nullptr;
    HttpRequestParser parser;
    QByteArray buffer;
    Phase phase = Phase::Idle;
    qint64 phaseStart = 0; // ms: when the phase began (request: its first byte)
    qint64 lastRead = 0;   // ms
    qint64 bodyStart = -1; // ms; -1 while reading headers
    qint64 reserved = 0;   // in-flight budget held by the body being received
    bool keepAlive = true;
    Route route = Route::Unknown;
    Encoding encoding = Encoding::Protobuf;
    bool gzip = false;
    bool deflate = false;
    QByteArray corsOrigin;   // echoed in Access-Control-Allow-Origin when allowed
    bool halfClosed = false; // our side is shut down; waiting for the client to close
    qint64 discarded = 0;    // bytes read and thrown away while closing
};

ReceiverServer::ReceiverServer(std::shared_ptr<ReceiverShared> shared) : m_shared(std::move(shared))
{
    m_clock.start();
}

ReceiverServer::~ReceiverServer()
{
    for (auto& [id, c] : m_connections) {
        c->socket->disconnect(this);
        if (c->socket->state() == QAbstractSocket::ConnectedState && c->socket->bytesToWrite() > 0)
            c->socket->waitForBytesWritten(500); // the last answers of a drain
        c->socket->abort();
        delete c->socket;
    }
    m_connections.clear();
    m_shared->connections = 0;
}

bool ReceiverServer::listen(const QHostAddress& address, quint16 port, QString* error, quint16* actualPort)
{
    m_listener = new QTcpServer(this);
    m_listener->setMaxPendingConnections(64);
    connect(m_listener, &QTcpServer::newConnection, this, &ReceiverServer::onNewConnections);
    if (!m_listener->listen(address, port)) {
        if (error)
            *error = m_listener->errorString();
        return false;
    }
    if (actualPort)
        *actualPort = m_listener->serverPort();
    m_policy = RequestPolicy(address, m_listener->serverPort(), m_shared->options.corsOrigins,
                             m_shared->options.allowedHosts);
    m_sweepTimer = new QTimer(this);
    m_sweepTimer->setInterval(kSweepMs);
    connect(m_sweepTimer, &QTimer::timeout, this, &ReceiverServer::sweep);
    m_sweepTimer->start();
    return true;
}

void ReceiverServer::onNewConnections()
{
    while (m_listener->hasPendingConnections()) {
        QTcpSocket* socket = m_listener->nextPendingConnection();
        if (!socket)
            break;
        if (m_draining || int(m_connections.size()) >= m_shared->options.maxConnections) {
            // Refuse politely but cheaply: one small write, then the connection is gone.
            ++m_shared->busyRequests;
            const QByteArray body = "too many connections; retry later";
            socket->write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: " +
                          QByteArray::number(m_shared->options.retryAfterSeconds) +
                          "\r\nContent-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
                          QByteArray::number(body.size()) + "\r\n\r\n" + body);
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            socket->disconnectFromHost();
            continue;
        }
        auto c = std::make_unique<Connection>();
        c->id = m_nextId++;
        c->socket = socket;
        c->phaseStart = c->lastRead = now();
        HttpLimits limits;
        limits.maxRequestLine = m_shared->options.maxRequestLine;
        limits.maxHeaderBytes = m_shared->options.maxHeaderBytes;
        limits.maxHeaders = m_shared->options.maxHeaders;
        limits.maxBodyBytes = m_shared->options.maxBodyBytes;
        c->parser = HttpRequestParser(limits);
        socket->setReadBufferSize(kReadBufferBytes); // unread data waits in the kernel, not here
        const quint64 id = c->id;
        connect(socket, &QTcpSocket::readyRead, this, [this, id] { onReadable(id); });
        connect(socket, &QTcpSocket::bytesWritten, this, [this, id] {
            const auto it = m_connections.find(id);
            if (it != m_connections.end() && it->second->phase == Connection::Phase::Closing)
                shutdownWrite(*it->second);
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, id] {
            // Erase later: disconnected may be emitted from inside abort() while a handler runs.
            QMetaObject::invokeMethod(
                this,
                [this, id] {
                    const auto it = m_connections.find(id);
                    if (it == m_connections.end())
                        return;
                    Connection& c = *it->second;
                    m_inFlightBytes -= c.reserved;
                    c.socket->deleteLater();
                    m_connections.erase(it);
                    m_shared->connections = int(m_connections.size());
                    updateDrained();
                },
                Qt::QueuedConnection);
        });
        m_connections.emplace(id, std::move(c));
        m_shared->connections = int(m_connections.size());
        onReadable(id); // data may have arrived with the connection
    }
}

void ReceiverServer::onReadable(quint64 id)
{
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    Connection& c = *it->second;
    if (c.phase == Connection::Phase::Pending)
        return; // one request at a time; the rest waits in the socket (and then the kernel)
    if (c.phase == Connection::Phase::Closing) {
        c.discarded += c.socket->skip(c.socket->bytesAvailable());
        if (c.discarded > kMaxDiscardBytes)
            c.socket->abort();
        return;
    }
    if (c.socket->bytesAvailable() > 0) {
        c.buffer.append(c.socket->readAll());
        c.lastRead = now();
    }
    if (!c.buffer.isEmpty())
        process(c);
}

void ReceiverServer::process(Connection& c)
{
    while (c.phase == Connection::Phase::Idle || c.phase == Connection::Phase::Receiving) {
        if (c.phase == Connection::Phase::Idle) {
            if (c.buffer.isEmpty())
                return;
            if (m_draining) {
                closeConnection(c, false);
                return;
            }
            c.phase = Connection::Phase::Receiving;
            c.phaseStart = now();
            c.bodyStart = -1;
        }
        const auto event = c.parser.feed(c.buffer);
        switch (event) {
        case HttpRequestParser::Event::NeedMore:
            if (c.parser.request().chunked && c.parser.inBody()) {
                // Chunked bodies have no announced size: hold budget for what has arrived.
                const qint64 have = c.parser.bodyBytes();
                if (have > c.reserved) {
                    m_inFlightBytes += have - c.reserved;
                    c.reserved = have;
                    if (m_inFlightBytes > m_shared->options.maxInFlightBytes) {
                        ++m_shared->busyRequests;
                        Response r = errorResponse(c, 503, "too much data in flight; retry later");
                        r.headers.append({QByteArray("Retry-After"),
                                          QByteArray::number(m_shared->options.retryAfterSeconds)});
                        r.close = true;
                        respond(c, std::move(r));
                    }
                }
            }
            return;
        case HttpRequestParser::Event::Error: {
            ++m_shared->failedRequests;
            Response r = errorResponse(c, c.parser.errorStatus(), c.parser.errorMessage());
            r.close = true;
            respond(c, std::move(r));
            return;
        }
        case HttpRequestParser::Event::HeadersComplete:
            c.bodyStart = now();
            if (!onHeaders(c))
                return;
            break;
        case HttpRequestParser::Event::MessageComplete:
            dispatch(c);
            return;
        }
    }
}

bool ReceiverServer::onHeaders(Connection& c)
{
    const HttpRequest& req = c.parser.request();
    const LiveOptions& o = m_shared->options;
    c.keepAlive = req.keepAlive();
    c.route = routeFor(req);
    c.encoding = otlpEncoding(req.header("content-type")).value_or(Encoding::Protobuf);
    if (c.route == Route::DatadogRum || c.route == Route::Faro)
        c.encoding = Encoding::Json; // their errors are JSON whatever the (text/plain) body says it is
    const bool hasBody = req.chunked || req.contentLength > 0;

    const QByteArray origin = req.header("origin");
    // Decided on the headers alone, before anything else: a foreign page or a rebound DNS name gets
    // nothing stored, whatever the route (RequestPolicy.h says why these two headers).
    const PolicyVerdict verdict = m_policy.check(req);
    c.corsOrigin = verdict.allowOrigin;

    auto refuse = [&](int status, const QByteArray& message, bool countFailed = true) {
        if (countFailed)
            ++m_shared->failedRequests;
        Response r = errorResponse(c, status, message);
        r.close = r.close || hasBody; // the unread body would be taken for the next request
        respond(c, std::move(r));
        return false;
    };

    if (!verdict.allowed) {
        ++m_shared->refusedRequests;
        return refuse(verdict.status, verdict.message);
    }
    if (c.route == Route::Unknown)
        return refuse(404, "no such endpoint: POST /v1/traces, /v1/logs or /v1/metrics");

    if (req.method == "OPTIONS") {
        // CORS preflight.
        Response r;
        r.status = 204;
        r.close = hasBody;
        if (!origin.isEmpty()) {
            if (c.corsOrigin.isEmpty())
                return refuse(403, "origin not allowed (seam serve --cors-origin " + origin + ")");
            r.headers.append({QByteArray("Access-Control-Allow-Methods"), QByteArray("POST, OPTIONS")});
            QByteArray requested = req.header("access-control-request-headers");
            for (char ch : requested)
                if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == ',' ||
                      ch == ' '))
                    requested.clear();
            r.headers.append(
                {QByteArray("Access-Control-Allow-Headers"),
                 requested.isEmpty() ? QByteArray("Content-Type, Content-Encoding") : requested});
            r.headers.append({QByteArray("Access-Control-Max-Age"), QByteArray("7200")});
        }
        r.headers.append({QByteArray("Allow"), QByteArray("POST, OPTIONS")});
        ++m_shared->requests;
        respond(c, std::move(r));
        return false;
    }
    if (req.method != "POST") {
        ++m_shared->failedRequests;
        Response r = errorResponse(c, 405, "only POST (and OPTIONS) are allowed here");
        r.headers.append({QByteArray("Allow"), QByteArray("POST, OPTIONS")});
        r.close = hasBody;
        respond(c, std::move(r));
        return false;
    }
    if (m_draining)
        return refuse(503, "shutting down");

    const bool rum = c.route == Route::DatadogRum || c.route == Route::Faro;
    if (!rum && c.route != Route::Metrics && !otlpEncoding(req.header("content-type")))
        return refuse(415, "Content-Type must be application/x-protobuf or application/json");
    const QByteArray contentEncoding = req.header("content-encoding").trimmed().toLower();
    if (!contentEncoding.isEmpty() && contentEncoding != "identity" && contentEncoding != "gzip" &&
        contentEncoding != "deflate")
        return refuse(415, "Content-Encoding must be gzip, deflate or identity, not " + contentEncoding);
    c.gzip = contentEncoding == "gzip";
    // The Datadog browser SDK (compressIntakeRequests) says so in the forwarded intake URL instead.
    c.deflate =
        contentEncoding == "deflate" ||
        (c.route == Route::DatadogRum && QUrlQuery(QString::fromLatin1(req.query))
                                             .queryItemValue(QStringLiteral("ddforward"), QUrl::FullyDecoded)
                                             .contains(QLatin1String("dd-evp-encoding=deflate")));
    if (rum) {
        const std::string format(c.route == Route::DatadogRum ? kDatadogRumFormat : kFaroFormat);
        if (!makeReader(format))
            return refuse(501, QByteArray(c.route == Route::DatadogRum ? "Datadog RUM" : "Faro") +
                                   " intake is not available in this build (no \"" +
                                   QByteArray::fromStdString(format) +
                                   "\" reader): the events were not stored");
    }

    if (req.contentLength > 0) {
        if (m_inFlightBytes + req.contentLength > o.maxInFlightBytes) {
            ++m_shared->busyRequests;
            Response r = errorResponse(c, 503, "too much data in flight; retry later");
            r.headers.append({QByteArray("Retry-After"), QByteArray::number(o.retryAfterSeconds)});
            r.close = true;
            respond(c, std::move(r));
            return false;
        }
        m_inFlightBytes += req.contentLength;
        c.reserved = req.contentLength;
    }
    if (hasBody && req.header("expect").toLower() == "100-continue")
        c.socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    return true;
}

void ReceiverServer::dispatch(Connection& c)
{
    c.phase = Connection::Phase::Pending;
    c.phaseStart = now();
    HttpRequest req = c.parser.takeRequest();
    c.parser.reset();

    if (c.route == Route::Metrics) {
        // Acknowledged honestly: counted, not stored (README "Live").
        m_inFlightBytes -= c.reserved;
        c.reserved = 0;
        ++m_shared->metricsRequests;
        ++m_shared->requests;
        Response r;
        r.contentType = contentTypeFor(c.encoding);
        r.body = exportResponse(c.encoding, Signal::Metrics, 0, {});
        respond(c, std::move(r));
        return;
    }

    auto job = std::make_shared<DecodeJob>();
    job->route = c.route;
    job->encoding = c.encoding;
    job->gzip = c.gzip;
    job->deflate = c.deflate;
    job->body = std::move(req.body);
    if (c.route == Route::DatadogRum)
        job->userAgent = req.header("user-agent");
    job->requestNumber = m_shared->requests.load() + m_shared->failedRequests.load();
    // A chunked body may be smaller than what was reserved so far; a Content-Length one is exact.
    const qint64 reserved = std::max<qint64>(c.reserved, job->body.size());
    m_inFlightBytes += reserved - c.reserved;
    c.reserved = 0;
    ++m_decoding;
    updateDrained();
    const quint64 id = c.id;
    std::shared_ptr<ReceiverShared> shared = m_shared;
    QPointer<ReceiverServer> self(this);
    m_shared->decoders.start([self, shared, job, id, reserved] {
        DecodeResult result = decode(*shared, *job);
        result.reservedBytes = reserved;
        // The server outlives its decoders (LiveReceiver::stop waits for the pool).
        QMetaObject::invokeMethod(
            self.data(), [self, id, r = std::move(result)]() mutable { self->onDecoded(id, std::move(r)); },
            Qt::QueuedConnection);
    });
}

void ReceiverServer::onDecoded(quint64 id, DecodeResult result)
{
    --m_decoding;
    m_inFlightBytes -= result.reservedBytes;
    if (result.sequence != 0) {
        // Compared with the commits seen here (not the writer's counter, which moves before the
        // callback says whether that commit failed).
        if (result.sequence > m_lastCommitSeen) {
            const std::uint64_t seq = result.sequence;
            m_waiting.emplace(seq, std::make_pair(id, std::move(result)));
            return;
        }
        for (const auto& [first, last] : m_failedRanges)
            if (result.sequence > first && result.sequence <= last)
                markUncommitted(result, m_lastCommitError);
    }
    finish(id, result);
    updateDrained();
}

void ReceiverServer::notifyCommitted(std::uint64_t sequence, bool failed, const QString& error)
{
    QMetaObject::invokeMethod(
        this, [this, sequence, failed, error] { onCommitted(sequence, failed, error); },
        Qt::QueuedConnection);
}

void ReceiverServer::markUncommitted(DecodeResult& result, const QString& error) const
{
    // Rolled back: nothing of it is stored, so the client must send it again.
    const Encoding enc =
        result.response.contentType == "application/json" ? Encoding::Json : Encoding::Protobuf;
    result.response = otlpError(enc, 503, "the store could not commit: " + error.toUtf8());
    result.response.headers.append(
        {QByteArray("Retry-After"), QByteArray::number(m_shared->options.retryAfterSeconds)});
    result.spans = result.logs = result.records = result.rejected = 0;
    result.report = ImportReport{};
}

void ReceiverServer::onCommitted(std::uint64_t sequence, bool failed, const QString& error)
{
    if (failed) {
        m_failedRanges.emplace_back(m_lastCommitSeen, sequence);
        if (m_failedRanges.size() > 16)
            m_failedRanges.erase(m_failedRanges.begin());
        m_lastCommitError = error;
    }
    m_lastCommitSeen = std::max(m_lastCommitSeen, sequence);
    while (!m_waiting.empty() && m_waiting.begin()->first <= sequence) {
        auto node = m_waiting.extract(m_waiting.begin());
        auto& [id, result] = node.mapped();
        if (failed)
            markUncommitted(result, error);
        finish(id, result);
    }
    updateDrained();
}

void ReceiverServer::finish(quint64 id, DecodeResult& result)
{
    const int status = result.response.status;
    if (status < 300) {
        ++m_shared->requests;
        m_shared->acceptedSpans += result.spans;
        m_shared->acceptedLogs += result.logs;
        m_shared->acceptedRecords += result.records;
        m_shared->rejectedRecords += result.rejected;
        std::lock_guard lock(m_shared->reportMutex);
        ImportReport& total = m_shared->report;
        total.addAccepted(result.records);
        for (const auto& s : result.report.samples())
            total.addRejected(s.location, s.message, s.count);
        if (result.report.rejected() > result.report.samples().size()) // the samples are capped
            total.addRejected("", "more rejects in the same request",
                              result.report.rejected() - result.report.samples().size());
        total.addWarning(result.report.firstWarningLocation(), result.report.firstWarningMessage(),
                         result.report.warnings());
        total.bytesRead += result.report.bytesRead;
        if (total.format.empty())
            total.format = "otlp-http";
    } else if (status == 503) {
        ++m_shared->busyRequests;
    } else {
        ++m_shared->failedRequests;
    }
    const auto it = m_connections.find(id);
    if (it == m_connections.end())
        return; // the client went away; what was committed stays
    respond(*it->second, std::move(result.response));
}

Response ReceiverServer::errorResponse(const Connection& c, int status, const QByteArray& message) const
{
    // Before the headers are known to be OTLP, answer in what the client said it sends.
    const Encoding enc = otlpEncoding(c.parser.request().header("content-type")).value_or(c.encoding);
    Response r = otlpError(enc, status, message);
    if (status == 408 || status == 413 || status == 414 || status == 431 || status >= 500)
        r.close = r.close || status != 503;
    return r;
}

void ReceiverServer::respond(Connection& c, Response response)
{
    if (c.phase == Connection::Phase::Closing)
        return;
    const bool close = response.close || !c.keepAlive || m_draining;
    QByteArray out;
    out.reserve(256 + response.body.size());
    out += "HTTP/1.1 " + QByteArray::number(response.status) + ' ' + reasonPhrase(response.status) + "\r\n";
    if (response.status != 204) {
        if (!response.contentType.isEmpty())
            out += "Content-Type: " + response.contentType + "\r\n";
        out += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    }
    for (const auto& [name, value] : response.headers)
        out += name + ": " + value + "\r\n";
    if (!c.corsOrigin.isEmpty()) {
        out += "Access-Control-Allow-Origin: " + c.corsOrigin + "\r\nVary: Origin\r\n";
        if (response.status != 204)
            out += "Access-Control-Expose-Headers: Retry-After\r\n";
    }
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (response.status != 204)
        out += response.body;
    c.socket->write(out);

    if (close) {
        closeConnection(c, false);
        return;
    }
    m_inFlightBytes -= c.reserved;
    c.reserved = 0;
    c.parser.reset();
    c.phase = Connection::Phase::Idle;
    c.phaseStart = now();
    // Pipelined or already buffered data: carry on (posted, to keep the stack flat).
    const quint64 id = c.id;
    QMetaObject::invokeMethod(
        this, [this, id] { onReadable(id); }, Qt::QueuedConnection);
}

void ReceiverServer::closeConnection(Connection& c, bool abort)
{
    m_inFlightBytes -= c.reserved;
    c.reserved = 0;
    c.buffer.clear();
    c.phase = Connection::Phase::Closing;
    c.phaseStart = now();
    if (abort)
        c.socket->abort();
    else
        shutdownWrite(c); // once what was written has gone out; the client then closes
}

void ReceiverServer::shutdownWrite(Connection& c)
{
    if (c.halfClosed || c.socket->state() != QAbstractSocket::ConnectedState)
        return;
    c.socket->flush();
    if (c.socket->bytesToWrite() > 0)
        return; // again from bytesWritten
    c.halfClosed = true;
    ::shutdown(int(c.socket->socketDescriptor()), SHUT_WR);
}

void ReceiverServer::sweep()
{
    const LiveOptions& o = m_shared->options;
    const qint64 t = now();
    std::vector<quint64> ids;
    ids.reserve(m_connections.size());
    for (const auto& [id, c] : m_connections)
        ids.push_back(id);
    for (const quint64 id : ids) {
        const auto it = m_connections.find(id);
        if (it == m_connections.end())
            continue;
        Connection& c = *it->second;
        switch (c.phase) {
        case Connection::Phase::Idle:
            if (t - c.phaseStart > o.idleTimeoutMs)
                closeConnection(c, false);
            break;
        case Connection::Phase::Receiving: {
            const bool headersDone = c.bodyStart >= 0;
            const bool late =
                headersDone ? (t - c.lastRead > o.bodyStallTimeoutMs || t - c.bodyStart > o.bodyTimeoutMs)
                            : t - c.phaseStart > o.headerTimeoutMs;
            if (late) {
                ++m_shared->failedRequests;
                Response r = errorResponse(c, 408,
                                           headersDone ? "the body arrived too slowly"
                                                       : "the request headers arrived too slowly");
                r.close = true;
                respond(c, std::move(r));
            }
            break;
        }
        case Connection::Phase::Closing:
            if (t - c.phaseStart > kClosingTimeoutMs)
                c.socket->abort();
            break;
        case Connection::Phase::Pending:
            break;
        }
    }
}

void ReceiverServer::beginDrain()
{
    m_draining = true;
    if (m_listener)
        m_listener->close();
    std::vector<quint64> ids;
    for (const auto& [id, c] : m_connections)
        ids.push_back(id);
    for (const quint64 id : ids) {
        const auto it = m_connections.find(id);
        if (it != m_connections.end() && it->second->phase != Connection::Phase::Pending &&
            it->second->phase != Connection::Phase::Closing)
            closeConnection(*it->second, false); // a request not fully received was not acknowledged
    }
    updateDrained();
}

void ReceiverServer::closeAll()
{
    for (auto& [id, c] : m_connections)
        if (c->phase != Connection::Phase::Closing)
            closeConnection(*c, false);
}

void ReceiverServer::updateDrained()
{
    m_drained = m_draining && m_decoding == 0 && m_waiting.empty();
}

} // namespace seam::live
