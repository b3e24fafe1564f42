// Whether a request is taken, decided once its headers are in: the origin/host policy, the CORS
// preflight, the method, the content type and encoding, the reader for a RUM route and the in-flight
// budget. Connection handling is in ReceiverServer.cpp.

#include "ReceiverConnection.h"
#include "ReceiverRouting.h"

#include <QTcpSocket>
#include <QUrlQuery>
#include <cctype>

namespace seam::live {

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

} // namespace seam::live
