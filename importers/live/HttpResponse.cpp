#include "HttpResponse.h"

namespace seam::live {

namespace {

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

} // namespace

Response otlpError(Encoding encoding, int status, const QByteArray& message)
{
    Response r;
    r.status = status;
    r.contentType = contentTypeFor(encoding);
    r.body = statusBody(encoding, grpcCodeForHttp(status), message);
    return r;
}

QByteArray frameResponse(const Response& response, const QByteArray& corsOrigin, bool close)
{
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
    if (!corsOrigin.isEmpty()) {
        out += "Access-Control-Allow-Origin: " + corsOrigin + "\r\nVary: Origin\r\n";
        if (response.status != 204)
            out += "Access-Control-Expose-Headers: Retry-After\r\n";
    }
    if (close)
        out += "Connection: close\r\n";
    out += "\r\n";
    if (response.status != 204)
        out += response.body;
    return out;
}

} // namespace seam::live
