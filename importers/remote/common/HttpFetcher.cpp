#include "HttpFetcher.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace seam::remote {

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

    ++m_requests;
    QNetworkReply* reply = m_network->sendCustomRequest(req, request.method, request.body);
    HttpResponse response;
    QEventLoop loop;
    QString abortReason;
    auto abortWith = [&](const QString& why) {
        if (abortReason.isEmpty())
            abortReason = why;
        reply->abort();
    };
    // The body is read as it arrives so the cap holds however large the server's answer is.
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        const QByteArray chunk = reply->readAll();
        if (response.body.size() + chunk.size() > request.maxBodyBytes) {
            abortWith(
                QStringLiteral("the response is larger than %1 MiB (cap)").arg(request.maxBodyBytes >> 20));
            return;
        }
        response.body += chunk;
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
        if (response.body.size() + rest.size() > request.maxBodyBytes)
            abortReason =
                QStringLiteral("the response is larger than %1 MiB (cap)").arg(request.maxBodyBytes >> 20);
        else
            response.body += rest;
    }

    response.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (!abortReason.isEmpty())
        response.transportError = abortReason;
    else if (response.status == 0)
        response.transportError = reply->errorString();
    m_bytesReceived += response.body.size();
    delete reply; // finished: no signal of it is running
    return response;
}

} // namespace seam::remote
