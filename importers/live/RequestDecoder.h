#pragma once

// The decoder threads' half of the receiver: a received body becomes records (through the format's
// reader) and goes to the writer's queue; what comes back is the answer to send once committed.

#include "ReceiverServer.h"

namespace seam::live {

/// One received request body on its way to a decoder thread, with what its headers said about it.
struct DecodeJob
{
    Route route = Route::Unknown;
    Encoding encoding = Encoding::Protobuf;
    bool gzip = false;
    bool deflate = false; // zlib-wrapped deflate (Content-Encoding: deflate, Datadog's dd-evp-encoding)
    QByteArray body;
    QByteArray userAgent; // Datadog RUM: the browser's, which its events do not carry
    quint64 requestNumber = 0;
    QByteArray requestLine; // "POST /v1/traces", for the list of rejections
};

/// Runs on a decoder thread: body -> records -> writer queue. Never throws.
DecodeResult decodeRequest(ReceiverShared& shared, DecodeJob& job);

} // namespace seam::live
