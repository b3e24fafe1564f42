#pragma once

// One client connection as the receiver's network thread sees it; private to the ReceiverServer*.cpp
// files (the connection handling and the admission checks both read and change it).

#include "ReceiverServer.h"

class QTcpSocket;

namespace seam::live {

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

} // namespace seam::live
