#include "HttpParser.h"

#include <algorithm>

namespace seam::live {
namespace {

bool isToken(const QByteArray& s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127 || c == '(' || c == ')' || c == ',' || c == '/' || c == ':' || c == ';' ||
            c == '<' || c == '=' || c == '>' || c == '?' || c == '@' || c == '[' || c == '\\' || c == ']' ||
            c == '{' || c == '}' || c == '"')
            return false;
    }
    return true;
}

bool hasControl(const QByteArray& s)
{
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if ((u < 32 && c != '\t') || u == 127)
            return true;
    }
    return false;
}

} // namespace

QByteArray HttpRequest::header(const QByteArray& lowerName) const
{
    for (const auto& h : headers)
        if (h.first == lowerName)
            return h.second;
    return {};
}

bool HttpRequest::hasHeader(const QByteArray& lowerName) const
{
    for (const auto& h : headers)
        if (h.first == lowerName)
            return true;
    return false;
}

bool HttpRequest::keepAlive() const
{
    const QByteArray connection = header("connection").toLower();
    if (minorVersion == 0)
        return connection.contains("keep-alive");
    return !connection.contains("close");
}

HttpRequest HttpRequestParser::takeRequest()
{
    HttpRequest r = std::move(m_request);
    m_request = HttpRequest{};
    return r;
}

void HttpRequestParser::reset()
{
    m_request = HttpRequest{};
    m_state = State::RequestLine;
    m_lineBytes = 0;
    m_headerBytes = 0;
    m_trailerBytes = 0;
    m_remaining = 0;
    m_errorStatus = 0;
    m_errorMessage.clear();
}

HttpRequestParser::Event HttpRequestParser::fail(int status, const char* message)
{
    m_state = State::Error;
    m_errorStatus = status;
    m_errorMessage = message;
    return Event::Error;
}

int HttpRequestParser::takeLine(QByteArray& buffer, QByteArray& line, int maxBytes)
{
    const qsizetype end = buffer.indexOf('\n');
    if (end < 0) {
        m_lineBytes = int(std::min<qsizetype>(buffer.size(), maxBytes + 1));
        return buffer.size() > maxBytes ? -1 : 0;
    }
    if (end + 1 > maxBytes)
        return -1;
    line = buffer.left(end > 0 && buffer[end - 1] == '\r' ? end - 1 : end);
    buffer.remove(0, end + 1);
    m_lineBytes = 0;
    return 1;
}

bool HttpRequestParser::parseRequestLine(const QByteArray& line)
{
    const QList<QByteArray> parts = line.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() || hasControl(parts[1]))
        return false;
    if (parts[2] == "HTTP/1.1")
        m_request.minorVersion = 1;
    else if (parts[2] == "HTTP/1.0")
        m_request.minorVersion = 0;
    else
        return false;
    m_request.method = parts[0];
    m_request.target = parts[1];
    const qsizetype q = m_request.target.indexOf('?');
    m_request.path = q < 0 ? m_request.target : m_request.target.left(q);
    m_request.query = q < 0 ? QByteArray() : m_request.target.mid(q + 1);
    if (m_request.path.startsWith("http://") || m_request.path.startsWith("https://")) {
        // Absolute form (RFC 9112 3.2.2): keep the path.
        const qsizetype slash = m_request.path.indexOf('/', m_request.path.indexOf("//") + 2);
        m_request.path = slash < 0 ? QByteArray("/") : m_request.path.mid(slash);
    }
    return m_request.path.startsWith('/') || m_request.path == "*";
}

HttpRequestParser::Event HttpRequestParser::finishHeaders()
{
    const QByteArray te = m_request.header("transfer-encoding").toLower();
    const bool hasLength = m_request.hasHeader("content-length");
    if (!te.isEmpty()) {
        if (te != "chunked")
            return fail(501, "only the chunked transfer coding is supported");
        if (hasLength) // RFC 9112 6.1: a request smuggling vector; refuse it
            return fail(400, "both Transfer-Encoding and Content-Length");
        m_request.chunked = true;
        m_state = State::ChunkSize;
        return Event::HeadersComplete;
    }
    if (hasLength) {
        // Every Content-Length header must carry the same plain decimal number.
        QByteArray value;
        for (const auto& h : m_request.headers) {
            if (h.first != "content-length")
                continue;
            if (!value.isNull() && h.second != value)
                return fail(400, "conflicting Content-Length headers");
            value = h.second;
        }
        if (value.isEmpty() || value.size() > 18)
            return fail(value.size() > 18 ? 413 : 400, "bad Content-Length");
        for (char c : value)
            if (c < '0' || c > '9')
                return fail(400, "bad Content-Length");
        m_request.contentLength = value.toLongLong();
        if (m_request.contentLength > m_limits.maxBodyBytes)
            return fail(413, "the body is larger than the limit");
    }
    m_remaining = std::max<qint64>(m_request.contentLength, 0);
    m_state = m_remaining > 0 ? State::Body : State::Complete;
    return Event::HeadersComplete;
}

HttpRequestParser::Event HttpRequestParser::feed(QByteArray& buffer)
{
    for (;;) {
        switch (m_state) {
        case State::RequestLine: {
            // Tolerate empty lines before a request (RFC 9112 2.2).
            while (buffer.startsWith("\r\n") || buffer.startsWith('\n'))
                buffer.remove(0, buffer.startsWith('\n') ? 1 : 2);
            QByteArray line;
            const int got = takeLine(buffer, line, m_limits.maxRequestLine);
            if (got < 0)
                return fail(414, "the request line is too long");
            if (got == 0)
                return Event::NeedMore;
            if (!parseRequestLine(line))
                return fail(400, "malformed request line");
            m_state = State::Headers;
            break;
        }
        case State::Headers: {
            QByteArray line;
            const int got = takeLine(buffer, line, m_limits.maxHeaderBytes - m_headerBytes);
            if (got < 0)
                return fail(431, "the request headers are too large");
            if (got == 0)
                return Event::NeedMore;
            m_headerBytes += int(line.size()) + 2;
            if (line.isEmpty())
                return finishHeaders();
            if (m_request.headers.size() >= m_limits.maxHeaders)
                return fail(431, "too many request headers");
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                return fail(400, "malformed header line");
            QByteArray name = line.left(colon);
            if (!isToken(name)) // also refuses obsolete line folding and "Name :"
                return fail(400, "malformed header name");
            QByteArray value = line.mid(colon + 1).trimmed();
            if (hasControl(value))
                return fail(400, "control characters in a header value");
            m_request.headers.append({name.toLower(), value});
            break;
        }
        case State::Body: {
            const qint64 take = std::min<qint64>(m_remaining, buffer.size());
            if (take == 0)
                return Event::NeedMore;
            if (m_request.body.isEmpty())
                m_request.body.reserve(qsizetype(std::min<qint64>(m_request.contentLength, qint64(1) << 20)));
            m_request.body.append(buffer.constData(), qsizetype(take));
            buffer.remove(0, qsizetype(take));
            m_remaining -= take;
            if (m_remaining == 0) {
                m_state = State::Complete;
                return Event::MessageComplete;
            }
            return Event::NeedMore;
        }
        case State::ChunkSize: {
            QByteArray line;
            const int got = takeLine(buffer, line, 1024);
            if (got < 0)
                return fail(400, "malformed chunk size");
            if (got == 0)
                return Event::NeedMore;
            const qsizetype semi = line.indexOf(';'); // chunk extensions are ignored
            const QByteArray hex = (semi < 0 ? line : line.left(semi)).trimmed();
            if (hex.isEmpty() || hex.size() > 15)
                return fail(hex.size() > 15 ? 413 : 400, "malformed chunk size");
            bool ok = false;
            const qint64 size = hex.toLongLong(&ok, 16);
            if (!ok || size < 0)
                return fail(400, "malformed chunk size");
            if (m_request.body.size() + size > m_limits.maxBodyBytes)
                return fail(413, "the body is larger than the limit");
            if (size == 0) {
                m_state = State::Trailers;
            } else {
                m_remaining = size;
                m_state = State::ChunkData;
            }
            break;
        }
        case State::ChunkData: {
            const qint64 take = std::min<qint64>(m_remaining, buffer.size());
            if (take == 0)
                return Event::NeedMore;
            m_request.body.append(buffer.constData(), qsizetype(take));
            buffer.remove(0, qsizetype(take));
            m_remaining -= take;
            if (m_remaining == 0)
                m_state = State::ChunkDataEnd;
            break;
        }
        case State::ChunkDataEnd: {
            QByteArray line;
            const int got = takeLine(buffer, line, 2);
            if (got < 0 || (got == 1 && !line.isEmpty()))
                return fail(400, "chunk data not followed by CRLF");
            if (got == 0)
                return Event::NeedMore;
            m_state = State::ChunkSize;
            break;
        }
        case State::Trailers: {
            QByteArray line;
            const int got = takeLine(buffer, line, m_limits.maxHeaderBytes - m_trailerBytes);
            if (got < 0)
                return fail(431, "the trailers are too large");
            if (got == 0)
                return Event::NeedMore;
            m_trailerBytes += int(line.size()) + 2;
            if (line.isEmpty()) {
                m_state = State::Complete;
                return Event::MessageComplete;
            }
            break; // trailer fields are ignored
        }
        case State::Complete:
            return Event::MessageComplete;
        case State::Error:
            return Event::Error;
        }
    }
}

} // namespace seam::live
