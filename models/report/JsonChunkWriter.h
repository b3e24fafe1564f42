#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace seam {

/// Writes JSON text in bounded chunks: values are escaped straight into a small buffer that is
/// handed to `sink` whenever it fills, so the output of any size never exists whole in memory
/// (QJsonDocument needs the whole document, and a string value as UTF-16 on top).
class JsonChunkWriter
{
public:
    using Sink = std::function<void(std::string_view)>;
    explicit JsonChunkWriter(Sink sink, std::size_t chunkBytes = 64 * 1024);
    /// Does not flush: a writer abandoned by an exception must not emit more.
    ~JsonChunkWriter() = default;
    JsonChunkWriter(const JsonChunkWriter&) = delete;
    JsonChunkWriter& operator=(const JsonChunkWriter&) = delete;

    /// Text taken as JSON already (punctuation, layout).
    void raw(std::string_view json);
    /// A quoted, escaped string from UTF-8; invalid bytes become U+FFFD, as QString::fromUtf8 does.
    void string(std::string_view utf8);
    /// A quoted string of lower-case hex digits (two per byte).
    void hexString(std::string_view bytes);
    void integer(std::int64_t value);
    /// Shortest text that reads back as the same double; infinities become null (JSON has none).
    void real(double value);
    void null();
    /// Hands what is buffered to the sink.
    void flush();

private:
    void escapeInto(std::string_view utf8);
    void maybeFlush()
    {
        if (m_buffer.size() >= m_chunkBytes)
            flush();
    }

    Sink m_sink;
    std::size_t m_chunkBytes;
    std::string m_buffer;
};

/// The longest prefix of `utf8` of at most `maxBytes` bytes that does not cut a character in two.
std::string_view utf8Prefix(std::string_view utf8, std::size_t maxBytes);

} // namespace seam
