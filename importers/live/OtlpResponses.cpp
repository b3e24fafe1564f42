#include "OtlpResponses.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace seam::live {
namespace {

void putVarint(QByteArray& out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.append(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.append(char(v));
}

void putTag(QByteArray& out, int field, int wireType)
{
    putVarint(out, std::uint64_t(field) << 3 | std::uint64_t(wireType));
}

void putBytes(QByteArray& out, int field, const QByteArray& bytes)
{
    putTag(out, field, 2);
    putVarint(out, std::uint64_t(bytes.size()));
    out.append(bytes);
}

} // namespace

QByteArray contentTypeFor(Encoding encoding)
{
    return encoding == Encoding::Json ? QByteArray("application/json") : QByteArray("application/x-protobuf");
}

QByteArray exportResponse(Encoding encoding, Signal signal, std::uint64_t rejected, const QByteArray& message)
{
    const bool partial = rejected > 0 || !message.isEmpty();
    if (encoding == Encoding::Json) {
        QJsonObject response;
        if (partial) {
            const char* field = signal == Signal::Traces ? "rejectedSpans"
                                : signal == Signal::Logs ? "rejectedLogRecords"
                                                         : "rejectedDataPoints";
            QJsonObject p;
            // proto3 JSON writes 64-bit integers as strings.
            p[QLatin1String(field)] = QString::number(rejected);
            p[QStringLiteral("errorMessage")] = QString::fromUtf8(message);
            response[QStringLiteral("partialSuccess")] = p;
        }
        return QJsonDocument(response).toJson(QJsonDocument::Compact);
    }
    QByteArray out;
    if (partial) {
        // Export*PartialSuccess: field 1 int64 rejected count, field 2 string error_message.
        QByteArray p;
        if (rejected > 0) {
            putTag(p, 1, 0);
            putVarint(p, rejected);
        }
        if (!message.isEmpty())
            putBytes(p, 2, message);
        putBytes(out, 1, p); // Export*ServiceResponse.partial_success = 1
    }
    return out;
}

QByteArray statusBody(Encoding encoding, int grpcCode, const QByteArray& message)
{
    if (encoding == Encoding::Json) {
        QJsonObject status;
        status[QStringLiteral("code")] = grpcCode;
        status[QStringLiteral("message")] = QString::fromUtf8(message);
        return QJsonDocument(status).toJson(QJsonDocument::Compact);
    }
    QByteArray out;
    if (grpcCode != 0) {
        putTag(out, 1, 0);
        putVarint(out, std::uint64_t(std::uint32_t(grpcCode)));
    }
    if (!message.isEmpty())
        putBytes(out, 2, message);
    return out;
}

int grpcCodeForHttp(int httpStatus)
{
    switch (httpStatus) {
    case 400:
        return 3; // INVALID_ARGUMENT
    case 404:
        return 5; // NOT_FOUND
    case 405:
    case 501:
        return 12; // UNIMPLEMENTED
    case 408:
        return 4; // DEADLINE_EXCEEDED
    case 413:
    case 414:
    case 431:
    case 429:
        return 8; // RESOURCE_EXHAUSTED
    case 403:
    case 421:
        return 7; // PERMISSION_DENIED
    case 415:
        return 3;
    case 503:
        return 14; // UNAVAILABLE
    default:
        return httpStatus >= 500 ? 13 : 2; // INTERNAL : UNKNOWN
    }
}

} // namespace seam::live
