#include "JsonInputStream.h"

#include "Importer.h"
#include "InputSource.h"

#include <algorithm>
#include <cstring>

namespace seam {
namespace {

int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/// The code unit of four hex digits, or -1 when they are not all hex (RapidJSON reports those).
int hex4(const char* p)
{
    int v = 0;
    for (int i = 0; i < 4; ++i) {
        const int d = hexDigit(p[i]);
        if (d < 0)
            return -1;
        v = v << 4 | d;
    }
    return v;
}

enum class Follows : std::uint8_t
{
    Yes,
    No,
    Unknown, // [p, to) is a prefix of a low surrogate escape: the next bytes decide
};

/// Whether [p, to) starts with a low surrogate escape, "\uDC00" to "\uDFFF" (p follows the four hex
/// digits of a high one, so a backslash at p starts a run of its own).
Follows lowSurrogateAt(const char* p, const char* to)
{
    const std::size_t available = std::size_t(std::min<std::ptrdiff_t>(to - p, 6));
    for (std::size_t i = 0; i < available; ++i) {
        const char c = p[i];
        bool ok = false;
        switch (i) {
        case 0:
            ok = c == '\\';
            break;
        case 1:
            ok = c == 'u';
            break;
        case 2:
            ok = c == 'd' || c == 'D';
            break;
        case 3:
            ok = (c >= 'c' && c <= 'f') || (c >= 'C' && c <= 'F');
            break;
        default:
            ok = hexDigit(c) >= 0;
            break;
        }
        if (!ok)
            return Follows::No;
    }
    return available == 6 ? Follows::Yes : Follows::Unknown;
}

/// A memory-mode window: big enough that an escape held back never fills it, no bigger than needed.
std::size_t memoryWindow(std::size_t bytes)
{
    return std::clamp<std::size_t>(bytes, 64, JsonInputStream<>::kWindowBytes);
}

} // namespace

template<JsonStrings Strings>
JsonInputStream<Strings>::JsonInputStream(InputSource& in, ImportContext& ctx)
    : m_in(&in), m_ctx(&ctx), m_buffer(kWindowBytes, '\0')
{
    m_cur = m_end = m_filled = m_data = m_buffer.data();
    m_lineScan = m_cur;
}

template<JsonStrings Strings>
JsonInputStream<Strings>::JsonInputStream(std::string_view bytes)
    : m_memory(bytes), m_buffer(memoryWindow(bytes.size()), '\0')
{
    m_cur = m_end = m_filled = m_data = m_buffer.data();
    m_lineScan = m_cur;
}

template<JsonStrings Strings>
std::size_t JsonInputStream<Strings>::countNewlines(const char* from, const char* to)
{
    // Every byte is counted once (as its window is dropped): eight at a time, as std::count is not
    // vectorised at -O2. A newline byte becomes zero; ((x & 7f) + 7f) | x | 7f has bit 7 clear exactly
    // in the zero bytes (no carry crosses a byte), so its complement flags them; the multiply sums.
    constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
    constexpr std::uint64_t kNewlines = 0x0a0a0a0a0a0a0a0aull;
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    std::size_t n = 0;
    for (; to - from >= 8; from += 8) {
        std::uint64_t x = 0;
        std::memcpy(&x, from, 8);
        x ^= kNewlines;
        const std::uint64_t zeros = ~(((x & kLow7) + kLow7) | x | kLow7);
        n += std::size_t(((zeros >> 7) * kOnes) >> 56);
    }
    for (; from < to; ++from)
        n += *from == '\n';
    return n;
}

template<JsonStrings Strings> void JsonInputStream<Strings>::startDocument(std::uint64_t maxBytes)
{
    m_docLimitAt = Tell() + maxBytes;
    m_docTooBig = false;
    clip();
}

template<JsonStrings Strings> void JsonInputStream<Strings>::endDocument()
{
    m_docLimitAt = std::numeric_limits<std::uint64_t>::max();
    clip();
}

template<JsonStrings Strings> bool JsonInputStream<Strings>::skipWhitespaceToValue()
{
    const bool lineMode = m_lineMode;
    setLineMode(false);
    armGuard();
    bool more = false;
    for (;;) {
        const Ch c = Peek();
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            ++m_cur;
            armGuard();
            continue;
        }
        more = !(c == '\0' && m_cur == m_filled && m_sourceDone) && !m_stopped;
        break;
    }
    setLineMode(lineMode);
    return more;
}

template<JsonStrings Strings> bool JsonInputStream<Strings>::skipLine()
{
    const bool lineMode = m_lineMode;
    setLineMode(false);
    m_guardTripped = false;
    m_guardAt = std::numeric_limits<std::uint64_t>::max();
    bool newline = false;
    while (m_cur != m_end || refill()) {
        if (const void* found = std::memchr(m_cur, '\n', std::size_t(m_end - m_cur))) {
            char* const nl = static_cast<char*>(const_cast<void*>(found));
            if (nl == m_newline && m_lineScan >= m_newlineFrom) {
                // The line mode's search found no newline between where it started and this one, so
                // the line is counted here and its bytes need not be (NDJSON: each byte counted never).
                ++m_lines;
                m_lineScan = nl + 1;
            }
            m_cur = nl + 1;
            newline = true;
            break;
        }
        m_cur = m_end;
    }
    setLineMode(lineMode);
    return newline;
}

template<JsonStrings Strings> std::size_t JsonInputStream<Strings>::blanksBefore() const
{
    const char* p = m_cur;
    while (p > m_buffer.data() && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
        --p;
    return std::size_t(m_cur - p);
}

template<JsonStrings Strings> void JsonInputStream<Strings>::clip()
{
    m_end = m_filled;
    const std::uint64_t filledAt = m_base + std::uint64_t(m_filled - m_buffer.data());
    if (m_docLimitAt < filledAt)
        m_end = m_buffer.data() + (m_docLimitAt - m_base);
    if (m_lineMode) {
        // The first newline at or after m_cur (m_filled: none) stays valid while m_cur has not passed
        // it: NDJSON readers clip once per line, not once per call.
        if (!m_newline || m_newline < m_cur) {
            const void* nl = std::memchr(m_cur, '\n', std::size_t(m_filled - m_cur));
            m_newline = nl ? static_cast<char*>(const_cast<void*>(nl)) : m_filled;
            m_newlineFrom = m_cur;
        }
        m_end = std::min(m_end, m_newline);
    }
}

template<JsonStrings Strings> std::size_t JsonInputStream<Strings>::readSource(char* out, std::size_t n)
{
    if (m_in)
        return m_in->read(out, n);
    n = std::min(n, m_memory.size());
    std::memcpy(out, m_memory.data(), n);
    m_memory.remove_prefix(n);
    return n;
}

template<JsonStrings Strings> bool JsonInputStream<Strings>::refill()
{
    if (m_stopped)
        return false;
    if (m_cur < m_filled) { // the window was clipped: a newline in line mode, or the document cap
        if (Tell() >= m_docLimitAt)
            m_docTooBig = true;
        return false;
    }
    if (Tell() >= m_guardAt) {
        m_guardTripped = true;
        return false;
    }
    if (Tell() >= m_docLimitAt) {
        m_docTooBig = true;
        return false;
    }
    if (m_sourceDone && m_data == m_filled)
        return false;
    line(); // count the lines of the window about to be dropped
    char* const buffer = m_buffer.data();
    const std::size_t held = std::size_t(m_data - m_filled);
    m_base += std::uint64_t(m_filled - buffer);
    std::memmove(buffer, m_filled, held);
    std::size_t got = 0;
    if (!m_sourceDone) {
        const std::size_t want = m_buffer.size() - held;
        got = readSource(buffer + held, want);
        m_sourceDone = got < want; // InputSource::read fills all it is asked for until the end
    }
    m_cur = buffer;
    m_lineScan = buffer;
    m_data = buffer + held + got;
    m_filled = repair(buffer, m_data);
    m_newline = nullptr;
    clip();
    if (m_filled == buffer)
        return false;
    if (m_ctx && (m_base >> 20) != m_lastProgressMiB) {
        m_lastProgressMiB = m_base >> 20;
        if (m_ctx->progress)
            m_ctx->progress(m_in->rawOffset(), m_in->rawSize());
        if (m_ctx->cancelled()) {
            m_stopped = true;
            return false;
        }
    }
    return m_cur != m_end;
}

template<JsonStrings Strings> char* JsonInputStream<Strings>::repair(char* from, char* to)
{
    // Backslashes are rare in telemetry (and only ever inside strings): memchr jumps between them.
    char* p = from;
    bool escaped = std::exchange(m_carryEscaped, false);
    for (;;) {
        if (escaped) {
            escaped = false;
            if (p == to) {
                m_carryEscaped = true;
                return to;
            }
            if (*p == '\\') { // the carried backslash escapes this one: a literal backslash
                ++p;
                continue;
            }
        } else {
            p = static_cast<char*>(std::memchr(p, '\\', std::size_t(to - p)));
            if (!p)
                return to;
            bool odd = false;
            while (p < to && *p == '\\') {
                odd = !odd;
                ++p;
            }
            if (p == to) {
                m_carryEscaped = odd;
                return to;
            }
            if (!odd)
                continue; // literal backslashes only
        }
        // p is the escaped character; the backslash before it may end the previous window.
        if (*p != 'u') {
            ++p;
            continue;
        }
        char* const escape = p > from ? p - 1 : p; // where to hold back from
        if (to - p < 5) {                          // the four hex digits are not all here
            if (m_sourceDone)
                return to; // a string cut short: the parser says so
            m_carryEscaped = escape == p;
            return escape;
        }
        const int unit = hex4(p + 1);
        if (unit < 0) { // not an escape RapidJSON accepts; a backslash among the four is a run of its own
            ++p;
            continue;
        }
        if (unit < 0xd800 || unit > 0xdfff) {
            p += 5;
            continue;
        }
        if (unit <= 0xdbff) {
            const Follows low = lowSurrogateAt(p + 5, to);
            if (low == Follows::Unknown && !m_sourceDone) {
                m_carryEscaped = escape == p;
                return escape;
            }
            if (low == Follows::Yes) {
                p += 11; // a valid pair
                continue;
            }
        }
        noteRepair(p + 1);
        p += 5;
    }
}

template<JsonStrings Strings> void JsonInputStream<Strings>::noteRepair(char* hexDigits)
{
    std::memcpy(hexDigits, "fffd", 4);
    if (m_ctx) {
        std::string location;
        if (m_repairs == 0) {
            // Called while a window is checked: m_lines counts the lines before the window's start.
            const char* buffer = m_buffer.data();
            const std::uint64_t backslash = m_base + std::uint64_t(hexDigits - buffer) - 2;
            location = "line " + std::to_string(m_lines + 1 + countNewlines(buffer, hexDigits)) + ", byte " +
                       std::to_string(backslash);
        }
        m_ctx->report.addWarning(std::move(location), kRepairMessage);
    }
    ++m_repairs;
}

template<JsonStrings Strings> void JsonInputStream<Strings>::skipRestOfString()
{
    m_truncated = true;
    for (;;) {
        if (m_cur == m_end && !refill())
            return;
        char* p = m_cur;
        while (p < m_end) {
            const char c = *p;
            if (m_escape)
                m_escape = false;
            else if (c == '\\')
                m_escape = true;
            else if (c == '"')
                break;
            ++p;
        }
        m_skipped += std::uint64_t(p - m_cur);
        m_cur = p;
        if (p < m_end)
            return;
    }
}

template class JsonInputStream<JsonStrings::Whole>;
template class JsonInputStream<JsonStrings::CutLong>;

} // namespace seam
