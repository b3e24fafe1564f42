#include "HttpFetcher.h"

#include "InputSource.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <vector>

namespace seam::remote {
namespace {

/// The body as the server encoded it (`encoding` is its Content-Encoding), decoded into `out`, at most
/// `maxBytes`: a small gzip answer may not expand past the cap. Returns an error, or empty.
QString decodeBody(const QByteArray& encoding, const QByteArray& raw, qint64 maxBytes, QByteArray& out)
{
    const QByteArray e = encoding.trimmed().toLower();
    if (e.isEmpty() || e == "identity") {
        out = raw;
        return {};
    }
    if (e != "gzip" && e != "x-gzip" && e != "deflate")
        return QStringLiteral("the server answered in an encoding Seam did not ask for (%1)")
            .arg(QString::fromLatin1(encoding));
    const auto in =
        InputSource::fromBuffer(std::string_view(raw.constData(), std::size_t(raw.size())), "HTTP answer");
    // The cap below is the limit; the source's own expansion guard only backs it up.
    in->setExpansionLimit(1000, std::uint64_t(maxBytes));
    in->peek(2);
    if (!raw.isEmpty() && !in->isCompressed())
        return QStringLiteral("the answer says Content-Encoding %1 but is not compressed data")
            .arg(QString::fromLatin1(encoding));
    std::vector<char> chunk(std::size_t(1) << 16);
    while (const std::size_t n = in->read(chunk.data(), chunk.size())) {
        if (qint64(out.size()) + qint64(n) > maxBytes) {
            out.clear();
            return QStringLiteral("the response is larger than %1 MiB (cap)").arg(maxBytes >> 20);
        }
        out.append(chunk.data(), qsizetype(n));
    }
    if (!in->error().empty())
        return QStringLiteral("the compressed answer is damaged: ") + QString::fromStdString(in->error());
    return {};
}

} // namespace

HttpFetcher::HttpFetcher() : m_network(std::make_unique<QNetworkAccessManager>()) {}

HttpFetcher::~HttpFetcher() = default;

HttpResponse HttpFetcher::fetch(const HttpRequest& request)
{
    QNetworkRequest req(request.url);
    for (const auto& [name, value] : request.headers)
        req.setRawHeader(name, value);
    // Never follow a redirect to another host with our credentials attached.
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    if (!request.body.isEmpty() && !req.header(QNetworkRequest::ContentTypeHeader).isValid())
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("text/plain; charset=utf-8"));
    // Asking for gzip ourselves turns Qt's own decoding off: the body then arrives as it travelled, so
    // the wire size can be counted (Qt reports only decoded sizes), and it is decoded below under the
    // same cap.
    if (!req.hasRawHeader(QByteArrayLiteral("Accept-Encoding")))
        req.setRawHeader(QByteArrayLiteral("Accept-Encoding"), QByteArrayLiteral("gzip"));

    ++m_requests;
    m_bytesSent += request.method.size() +
                   request.url.toEncoded(QUrl::RemoveScheme | QUrl::RemoveAuthority).size() +
                   request.body.size() + 14; // "METHOD TARGET HTTP/1.1\r\n" and the blank line
    for (const QByteArray& name : req.rawHeaderList())
        m_bytesSent += name.size() + req.rawHeader(name).size() + 4;
    QNetworkReply* reply = m_network->sendCustomRequest(req, request.method, request.body);
    HttpResponse response;
    QByteArray raw; // as received: gzip when the server compressed it
    QEventLoop loop;
    QString abortReason;
    auto abortWith = [&](const QString& why) {
        if (abortReason.isEmpty())
            abortReason = why;
        reply->abort();
    };
    // The body is read as it arrives so the cap holds however large the server's answer is (compressed
    // data is never larger than what it decodes to, so the cap applies to it as well).
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        const QByteArray chunk = reply->readAll();
        if (raw.size() + chunk.size() > request.maxBodyBytes) {
            abortWith(
                QStringLiteral("the response is larger than %1 MiB (cap)").arg(request.maxBodyBytes >> 20));
            return;
        }
        raw += chunk;
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer timeout;
    timeout.setSingleShot(true);
    QObject::connect(&timeout, &QTimer::timeout, &loop, [&] {
        abortWith(QStringLiteral("no complete answer within %1 s (timeout)").arg(request.timeoutMs / 1000.0));
    });
    timeout.start(request.timeoutMs);
    QTimer cancelPoll;
    if (request.cancel) {
        QObject::connect(&cancelPoll, &QTimer::timeout, &loop, [&] {
            if (request.cancel->load(std::memory_order_relaxed)) {
                response.cancelled = true;
                abortWith(QStringLiteral("cancelled"));
            }
        });
        cancelPoll.start(50);
    }
    if (!reply->isFinished())
        loop.exec();
    if (abortReason.isEmpty()) {
        const QByteArray rest = reply->readAll();
        if (raw.size() + rest.size() > request.maxBodyBytes)
            abortReason =
                QStringLiteral("the response is larger than %1 MiB (cap)").arg(request.maxBodyBytes >> 20);
        else
            raw += rest;
    }
    m_wireBytesReceived += raw.size();
    if (abortReason.isEmpty())
        abortReason = decodeBody(reply->rawHeader(QByteArrayLiteral("Content-Encoding")), raw,
                                 request.maxBodyBytes, response.body);
    raw.clear();

    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!abortReason.isEmpty())
        response.transportError = abortReason;
    else if (response.status == 0)
        response.transportError = reply->errorString();
    m_bytesReceived += response.body.size();
    if (response.status != 0) {
        m_wireBytesReceived += 17 + 2; // "HTTP/1.1 200 OK\r\n" and the blank line
        for (const auto& [name, value] : reply->rawHeaderPairs())
            m_wireBytesReceived += name.size() + value.size() + 4;
    }
    delete reply; // finished: no signal of it is running
    return response;
}

} // namespace seam::remote
