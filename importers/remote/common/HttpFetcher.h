#pragma once

// One bounded HTTP exchange at a time for the remote back-ends: a time limit, a cap on the body
// whatever the server sends, and cancellation, so a slow or hostile server cannot hang or exhaust
// Seam. Synchronous on purpose: the pull runs on a worker thread (or the CLI's main thread) and
// reads page after page; a local event loop drives Qt's network stack meanwhile.

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>
#include <atomic>
#include <memory>

class QNetworkAccessManager;

namespace seam::remote {

struct HttpRequest
{
    QUrl url;
    QByteArray method = "GET";
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    int timeoutMs = 60000;
    qint64 maxBodyBytes = qint64(256) << 20;
    const std::atomic<bool>* cancel = nullptr;
};

struct HttpResponse
{
    int status = 0;         ///< HTTP status; 0 when no response arrived
    QByteArray body;        ///< decoded (gzip is undone here, under the same cap)
    QString transportError; ///< timeout, refused, TLS, cancelled, too large; empty when a response came
    bool cancelled = false;
    bool ok() const { return transportError.isEmpty() && status >= 200 && status < 300; }
};

class HttpFetcher
{
public:
    HttpFetcher();
    ~HttpFetcher();
    HttpFetcher(const HttpFetcher&) = delete;
    HttpFetcher& operator=(const HttpFetcher&) = delete;

    HttpResponse fetch(const HttpRequest& request);

    /// Body bytes received so far over every fetch (after decompression), for the pull's report.
    qint64 bytesReceived() const { return m_bytesReceived; }
    /// What those answers cost on the wire: the bodies as they travelled (gzip when the server
    /// compressed them) plus the status lines and headers, so a report can show the real transfer.
    qint64 wireBytesReceived() const { return m_wireBytesReceived; }
    /// The requests' own size: request lines (with the query parameters), headers and bodies.
    qint64 bytesSent() const { return m_bytesSent; }
    int requests() const { return m_requests; }

private:
    std::unique_ptr<QNetworkAccessManager> m_network;
    qint64 m_bytesReceived = 0;
    qint64 m_wireBytesReceived = 0;
    qint64 m_bytesSent = 0;
    int m_requests = 0;
};

} // namespace seam::remote
