#pragma once

// What the receiver answers and how an answer is put on the wire: the status line, the headers
// (CORS included) and the body. Kept apart from the connection handling, which only decides when
// to answer and whether to close afterwards.

#include "OtlpResponses.h"

#include <QByteArray>
#include <QList>
#include <QPair>

namespace seam::live {

/// One answer, ready to be framed.
struct Response
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    bool close = false;
};

/// An OTLP error answer (a Status message in the request's encoding).
Response otlpError(Encoding encoding, int status, const QByteArray& message);

/// The bytes of `response` as HTTP/1.1; `corsOrigin` (when not empty) is echoed in
/// Access-Control-Allow-Origin, and `close` adds Connection: close.
QByteArray frameResponse(const Response& response, const QByteArray& corsOrigin, bool close);

} // namespace seam::live
