// The network side of the receiver: accepting connections, reading requests off them, handing
// bodies to the decoders, waiting for the writer's commit, answering, and the timeouts and drain.
// Whether a request is taken is decided in ReceiverAdmission.cpp, the body is decoded in
// RequestDecoder.cpp and the answer is framed in HttpResponse.cpp.

#include "ReceiverConnection.h"
#include "ReceiverRouting.h"
#include "RequestDecoder.h"

#include <QDateTime>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <sys/socket.h>

namespace seam::live {

namespace {

/// "POST /v1/traces": what the list of rejected requests names a request by.
QByteArray requestLine(const HttpRequest& r)
{
    if (r.method.isEmpty())
        return QByteArray("(request line unreadable)");
    return r.method + ' ' + (r.path.isEmpty() ? r.target : r.path).left(200);
}

constexpr int kReadBufferBytes = 64 * 1024;
constexpr int kSweepMs = 100;
constexpr int kClosingTimeoutMs = 2000;
// While closing after an error, what the client still sends is read and dropped (so the kernel does not
// reset the connection before the client has read the answer), up to this much.
constexpr qint64 kMaxDiscardBytes = qint64(4) << 20;

} // namespace

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
    job->requestLine = requestLine(req);
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
        DecodeResult result = decodeRequest(*shared, *job);
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
    if (status < 300) {
        for (const auto& s : result.report.samples())
            m_shared->noteRejection(result.requestLine, QString::fromStdString(s.location + ": " + s.message),
                                    s.count);
    } else if (status != 503) {
        m_shared->noteRejection(result.requestLine, QString::number(status) + QStringLiteral(": ") +
                                                        QString::fromUtf8(result.failure));
    }
    if (it == m_connections.end())
        return; // the client went away; what was committed stays
    respond(*it->second, std::move(result.response));
}

void ReceiverShared::noteRejection(const QByteArray& request, const QString& reason, std::uint64_t count)
{
    std::lock_guard lock(reportMutex);
    rejections.push_back({QDateTime::currentMSecsSinceEpoch(), request, reason, count});
    if (rejections.size() > kMaxRejections)
        rejections.pop_front();
}

Response ReceiverServer::errorResponse(const Connection& c, int status, const QByteArray& message) const
{
    // Every refusal but "busy, retry" (503) is one the user may want to see (LiveReceiver::rejections).
    if (status != 503)
        m_shared->noteRejection(requestLine(c.parser.request()),
                                QString::number(status) + QStringLiteral(": ") + QString::fromUtf8(message));
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
    c.socket->write(frameResponse(response, c.corsOrigin, close));

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
