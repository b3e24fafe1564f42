#include "JsonChunkWriter.h"

#include <charconv>
#include <cmath>

namespace seam {
namespace {

bool isContinuation(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/// Length of the valid UTF-8 sequence starting at `s[i]`, or 0 when it is not valid (truncated,
/// overlong, a surrogate, or beyond U+10FFFF).
std::size_t validSequence(std::string_view s, std::size_t i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    unsigned min = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    unsigned cp = c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if (!isContinuation(cc))
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

} // namespace

JsonChunkWriter::JsonChunkWriter(Sink sink, std::size_t chunkBytes)
    : m_sink(std::move(sink)), m_chunkBytes(chunkBytes)
{
    m_buffer.reserve(chunkBytes + 64);
}

void JsonChunkWriter::raw(std::string_view json)
{
    m_buffer.append(json);
    maybeFlush();
}

void JsonChunkWriter::string(std::string_view utf8)
{
    m_buffer.push_back('"');
    escapeInto(utf8);
    m_buffer.push_back('"');
    maybeFlush();
}

void JsonChunkWriter::escapeInto(std::string_view s)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            m_buffer.push_back(char(c));
            ++i;
        } else if (c < 0x80) {
            m_buffer.push_back('\\');
            switch (c) {
            case '"':
            case '\\':
                m_buffer.push_back(char(c));
                break;
            case '\b':
                m_buffer.push_back('b');
                break;
            case '\f':
                m_buffer.push_back('f');
                break;
            case '\n':
                m_buffer.push_back('n');
                break;
            case '\r':
                m_buffer.push_back('r');
                break;
            case '\t':
                m_buffer.push_back('t');
                break;
            default:
                m_buffer.append("u00");
                m_buffer.push_back(kHex[c >> 4]);
                m_buffer.push_back(kHex[c & 0xF]);
            }
            ++i;
        } else if (const std::size_t len = validSequence(s, i)) {
            m_buffer.append(s.substr(i, len));
            i += len;
        } else {
            m_buffer.append("\xEF\xBF\xBD"); // U+FFFD REPLACEMENT CHARACTER
            ++i;
        }
        maybeFlush();
    }
}

void JsonChunkWriter::hexString(std::string_view bytes)
{
    static constexpr char kHex[] = "0123456789abcdef";
    m_buffer.push_back('"');
    for (const char b : bytes) {
        const auto c = static_cast<unsigned char>(b);
        m_buffer.push_back(kHex[c >> 4]);
        m_buffer.push_back(kHex[c & 0xF]);
        maybeFlush();
    }
    m_buffer.push_back('"');
    maybeFlush();
}

void JsonChunkWriter::integer(std::int64_t value)
{
    char text[24];
    const auto r = std::to_chars(text, text + sizeof text, value);
    m_buffer.append(text, r.ptr);
    maybeFlush();
}

void JsonChunkWriter::real(double value)
{
    if (!std::isfinite(value)) {
        null();
        return;
    }
    char text[32];
    const auto r = std::to_chars(text, text + sizeof text, value);
    m_buffer.append(text, r.ptr);
    maybeFlush();
}

void JsonChunkWriter::null()
{
    m_buffer.append("null");
    maybeFlush();
}

void JsonChunkWriter::flush()
{
    if (m_buffer.empty())
        return;
    m_sink(m_buffer);
    m_buffer.clear();
}

std::string_view utf8Prefix(std::string_view utf8, std::size_t maxBytes)
{
    if (utf8.size() <= maxBytes)
        return utf8;
    std::size_t cut = maxBytes;
    // utf8[cut] is the first byte left out: if it continues a character, leave that character out
    // too (a character has at most 3 continuation bytes; past that the text is not UTF-8 anyway).
    for (int back = 0; back < 3 && cut > 0 && isContinuation(static_cast<unsigned char>(utf8[cut])); ++back)
        --cut;
    if (isContinuation(static_cast<unsigned char>(utf8[cut])))
        cut = maxBytes;
    return utf8.substr(0, cut);
}

} // namespace seam
