#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

namespace seam::live {

/// What one request may cost before it is refused. Every number bounds memory or time an untrusted
/// client can make the server spend.
struct HttpLimits
{
    int maxRequestLine = 8 * 1024;
    int maxHeaderBytes = 64 * 1024; // request line excluded
    int maxHeaders = 100;
    qint64 maxBodyBytes = qint64(64) << 20; // as sent (before gzip is undone; the decoder caps after)
};

struct HttpRequest
{
    QByteArray method;
    QByteArray target; // as sent: path and query
    QByteArray path;
    QByteArray query;
    int minorVersion = 1;                         // HTTP/1.x
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed
    QByteArray body;
    qint64 contentLength = -1; // -1: none given
    bool chunked = false;

    /// The first header of that (lower-case) name, or empty.
    QByteArray header(const QByteArray& lowerName) const;
    bool hasHeader(const QByteArray& lowerName) const;
    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it.
    bool keepAlive() const;
};

/// An incremental HTTP/1.1 request parser: feed it whatever arrived, it consumes what it can and stops
/// after the headers (so the caller can refuse a request before its body is read) and after the
/// message. Content-Length and chunked bodies; strict limits; no allocation beyond the limits.
class HttpRequestParser
{
public:
    enum class Event
    {
        NeedMore,        // everything given was consumed; send more
        HeadersComplete, // request line and headers are in request(); call feed() again for the body
        MessageComplete, // the whole request is in request(); leftover bytes stay in the buffer
        Error            // errorStatus() and errorMessage() say what to answer; close afterwards
    };

    explicit HttpRequestParser(HttpLimits limits = {}) : m_limits(limits) {}

    /// Consumes bytes from the front of `buffer`.
    Event feed(QByteArray& buffer);
    /// Ready for the next request on the same connection.
    void reset();

    const HttpRequest& request() const { return m_request; }
    HttpRequest& request() { return m_request; }
    HttpRequest takeRequest();
    bool started() const { return m_state != State::RequestLine || m_lineBytes > 0; }
    bool inBody() const { return m_state >= State::Body && m_state < State::Complete; }
    bool complete() const { return m_state == State::Complete; }
    /// Body bytes received so far (chunked: payload bytes).
    qint64 bodyBytes() const { return m_request.body.size(); }
    int errorStatus() const { return m_errorStatus; }
    const QByteArray& errorMessage() const { return m_errorMessage; }
    const HttpLimits& limits() const { return m_limits; }
    void setMaxBodyBytes(qint64 bytes) { m_limits.maxBodyBytes = bytes; }

private:
    enum class State
    {
        RequestLine,
        Headers,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Complete,
        Error
    };

    Event fail(int status, const char* message);
    /// Takes one CRLF- (or LF-) terminated line off the front, enforcing `maxBytes` on it.
    /// Returns 1 with a line, 0 when more is needed, -1 when the line is too long.
    int takeLine(QByteArray& buffer, QByteArray& line, int maxBytes);
    bool parseRequestLine(const QByteArray& line);
    Event finishHeaders();

    HttpLimits m_limits;
    HttpRequest m_request;
    State m_state = State::RequestLine;
    int m_lineBytes = 0; // bytes of the current (unfinished) line seen so far
    int m_headerBytes = 0;
    int m_trailerBytes = 0;
    qint64 m_remaining = 0; // body or chunk bytes still to come
    int m_errorStatus = 0;
    QByteArray m_errorMessage;
};

} // namespace seam::live
