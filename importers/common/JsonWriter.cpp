#include "JsonWriter.h"

#include "JsonRuns.h"

#include <charconv>
#include <cmath>

namespace seam {
namespace {

constexpr char kHex[] = "0123456789abcdef";

} // namespace

void JsonWriter::appendQuoted(std::string& out, std::string_view value)
{
    out.push_back('"');
    std::size_t runStart = 0;
    std::size_t i = 0;
    // Copy runs of plain bytes in one append; only the rare special bytes take the slow path.
    while (i < value.size()) {
        i = json::plainRunEnd(value, i, true);
        if (i == value.size())
            break;
        const auto c = std::uint8_t(value[i]);
        if (c >= 0x80) {
            if (const std::size_t len = json::utf8SequenceLength(value, i)) {
                i += len;
                continue;
            }
        }
        out.append(value.data() + runStart, i - runStart);
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        default:
            if (c < 0x20) {
                const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
                out.append(esc, sizeof esc);
            } else {
                out.append("\xef\xbf\xbd"); // U+FFFD for a byte that starts no valid sequence
            }
        }
        ++i;
        runStart = i;
    }
    out.append(value.data() + runStart, value.size() - runStart);
    out.push_back('"');
}

void JsonWriter::key(std::string_view name)
{
    separate();
    appendQuoted(m_out, name);
    m_out.push_back(':');
}

void JsonWriter::string(std::string_view value)
{
    separate();
    appendQuoted(m_out, value);
}

void JsonWriter::int64(std::int64_t value)
{
    separate();
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    m_out.append(buf, res.ptr);
}

void JsonWriter::uint64(std::uint64_t value)
{
    separate();
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    m_out.append(buf, res.ptr);
}

void JsonWriter::number(double value)
{
    if (!std::isfinite(value)) {
        null();
        return;
    }
    separate();
    char buf[32];
    // Shortest form that round-trips.
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    m_out.append(buf, res.ptr);
}

void JsonWriter::boolean(bool value)
{
    separate();
    m_out.append(value ? "true" : "false");
}

void JsonWriter::null()
{
    separate();
    m_out.append("null");
}

} // namespace seam
