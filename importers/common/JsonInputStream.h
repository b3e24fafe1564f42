#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>

namespace seam {

class InputSource;
struct ImportContext;

/// What a JsonInputStream does with long strings.
enum class JsonStrings : std::uint8_t
{
    /// Handed to the parser whole (a token guard can still end the input).
    Whole,
    /// Cut while reading beyond setMaxStringBytes(): the rest of the string is skipped, never
    /// buffered, and the parser sees the closing quote (HAR response bodies of many megabytes).
    CutLong,
};

/// The one RapidJSON input stream of every JSON reader: a 64 KiB window over an InputSource (or over
/// bytes in memory, for detection heads), with the guards only a stream can apply because only it sees
/// every byte. Each guard ends the input early; the parser then fails and the caller explains why.
///
/// - Token guard (setTokenLimit + armGuard at every SAX event): a string or number longer than the
///   limit is never buffered by the parser.
/// - Document cap (startDocument): at most so many bytes from here, then the input ends.
/// - Line mode (setLineMode): a newline ends the input for the current value, so that one broken line
///   of NDJSON cannot swallow the next; skipLine() drops the rest of a line however long.
/// - Cancellation: the context's flag is checked (and progress reported) once per MiB; stop().
/// - Lines are counted lazily, each byte once, only when a location is asked for.
/// - CutLong strings: a template parameter, so that the other readers' hot path does not pay for
///   following the string syntax byte by byte.
///
/// Unpaired UTF-16 surrogate escapes ("\ud800" alone: what a browser writes when a length limit cuts
/// an emoji in half, or a lone "\udc00") make RapidJSON refuse the whole document. The stream rewrites
/// each one to "\ufffd" before the parser sees it: the same six bytes, so every offset, line and
/// error position stays where it was. A surrogate escape is a backslash run of odd length, 'u' and
/// four hex digits; a high one (D800-DBFF) is paired only when "\u" and a low one (DC00-DFFF) follow
/// at once, and a low one only when it is that follower. Escapes cut by the window's edge are held
/// back until the bytes that decide them are read. Each repair is counted as a warning in the
/// context's report (the first with its line and byte), never as a reject. Raw bytes that are not
/// UTF-8 pass through untouched: the readers parse without encoding validation (nothing is refused for
/// them), and the JSON the readers write (attributes, events) carries U+FFFD in their place.
template<JsonStrings Strings = JsonStrings::Whole> class JsonInputStream
{
public:
    using Ch = char;
    static constexpr std::size_t kWindowBytes = 64 * 1024;
    static constexpr const char* kRepairMessage =
        "unpaired UTF-16 surrogate escape in a string, replaced by \\ufffd (U+FFFD)";

    /// Reads `in` from its current offset; progress, cancellation and warnings go to `ctx`.
    JsonInputStream(InputSource& in, ImportContext& ctx);
    /// Reads `bytes`, which must outlive the stream (format detection heads): no context, no report.
    /// They are copied window by window, as the stream mends what it reads.
    explicit JsonInputStream(std::string_view bytes);
    JsonInputStream(const JsonInputStream&) = delete;
    JsonInputStream& operator=(const JsonInputStream&) = delete;

    // RapidJSON's input stream interface.
    Ch Peek()
    {
        if (!ready())
            return '\0';
        return *m_cur;
    }
    Ch Take()
    {
        if (!ready())
            return '\0';
        const char c = *m_cur++;
        if constexpr (Strings == JsonStrings::CutLong)
            track(c);
        return c;
    }
    std::size_t Tell() const { return std::size_t(m_base + std::uint64_t(m_cur - m_buffer.data())); }
    // Output functions RapidJSON requires of a stream type but never calls for input.
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

    /// A string or token may be at most this long (0: no limit); armGuard() starts the count.
    void setTokenLimit(std::uint64_t bytes) { m_tokenLimit = bytes; }
    /// Called at every SAX event: the next token may be up to the token limit long.
    void armGuard()
    {
        if (m_tokenLimit)
            m_guardAt = Tell() + m_tokenLimit;
    }
    bool guardTripped() const { return m_guardTripped; }

    /// The input ends `maxBytes` from here until endDocument().
    void startDocument(std::uint64_t maxBytes);
    void endDocument();
    /// Whether the document cap ended the input.
    bool documentTooBig() const { return m_docTooBig; }

    void stop() { m_stopped = true; }
    bool stopped() const { return m_stopped; }

    void setLineMode(bool on)
    {
        m_lineMode = on;
        clip();
    }
    /// 1-based line number of the current position (counted lazily, each byte once).
    std::uint64_t line()
    {
        m_lines += std::uint64_t(countNewlines(m_lineScan, m_cur));
        m_lineScan = m_cur;
        return m_lines + 1;
    }
    /// Skips whitespace (newlines included, whatever the mode); false at the real end of the input
    /// (or when stopped).
    bool skipWhitespaceToValue();
    /// Drops the rest of the line and its newline, however long (the token guard is reset); false
    /// when the input ended before a newline.
    bool skipLine();
    /// Nothing is left to read in the current window: a line end, a cap or the end of the input
    /// (after a Peek() that returned '\0': else it was a NUL byte).
    bool exhausted() const { return m_cur == m_end; }

    /// Spaces, tabs and CRs right before the current position, as far back as the window holds
    /// (a line's trailing blanks, when the parser stopped at its end).
    std::size_t blanksBefore() const;

    /// CutLong: strings are cut beyond this many bytes (default 1 MiB).
    void setMaxStringBytes(std::size_t bytes) { m_maxStringBytes = bytes; }
    /// CutLong: whether the string just read was cut (and resets the flag).
    bool takeTruncated() { return std::exchange(m_truncated, false); }
    /// CutLong: bytes of cut strings skipped so far (held nowhere).
    std::uint64_t skippedBytes() const { return m_skipped; }

    /// Unpaired surrogate escapes rewritten so far.
    std::uint64_t repairs() const { return m_repairs; }

private:
    bool ready()
    {
        if (m_cur == m_end && !refill())
            return false;
        if constexpr (Strings == JsonStrings::CutLong) {
            if (m_inString && m_stringBytes >= m_maxStringBytes && !m_escape && m_hexLeft == 0) {
                const auto c = static_cast<unsigned char>(*m_cur);
                if (c != '"' && (c < 0x80 || c >= 0xc0)) { // never inside a UTF-8 sequence
                    skipRestOfString();
                    if (m_cur == m_end)
                        return false;
                }
            }
        }
        return true;
    }
    void track(char c)
    {
        if (!m_inString) {
            if (c == '"') {
                m_inString = true;
                m_stringBytes = 0;
            }
            return;
        }
        if (m_escape) {
            m_escape = false;
            m_hexLeft = c == 'u' ? 4 : 0;
        } else if (m_hexLeft) {
            --m_hexLeft;
        } else if (c == '\\') {
            m_escape = true;
        } else if (c == '"') {
            m_inString = false;
            return;
        }
        ++m_stringBytes;
    }

    static std::size_t countNewlines(const char* from, const char* to);
    bool refill();
    std::size_t readSource(char* out, std::size_t n);
    char* repair(char* from, char* to);
    void noteRepair(char* hexDigits);
    void clip();
    void skipRestOfString();

    InputSource* m_in = nullptr;
    std::string_view m_memory; // memory mode: the bytes not read yet
    ImportContext* m_ctx = nullptr;
    std::string m_buffer;
    char* m_cur = nullptr;
    char* m_end = nullptr;         // readable end: m_filled, or a newline (line mode) or the document cap
    char* m_filled = nullptr;      // end of the bytes the parser may read (checked for surrogates)
    char* m_data = nullptr;        // end of the bytes read: [m_filled, m_data) is an escape held back
    char* m_newline = nullptr;     // line mode: the first newline at or after m_newlineFrom (m_filled: none)
    char* m_newlineFrom = nullptr; // where that search started
    const char* m_lineScan = nullptr;
    std::uint64_t m_base = 0; // offset of m_buffer[0]
    std::uint64_t m_lines = 0;
    std::uint64_t m_tokenLimit = 0;
    std::uint64_t m_guardAt = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t m_docLimitAt = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t m_lastProgressMiB = 0;
    std::uint64_t m_repairs = 0;
    bool m_carryEscaped = false; // the next window's first byte follows an escaping backslash
    bool m_guardTripped = false;
    bool m_docTooBig = false;
    bool m_stopped = false;
    bool m_sourceDone = false;
    bool m_lineMode = false;

    // CutLong only.
    std::size_t m_maxStringBytes = 1u << 20;
    std::size_t m_stringBytes = 0;
    std::uint64_t m_skipped = 0;
    int m_hexLeft = 0;
    bool m_inString = false;
    bool m_escape = false;
    bool m_truncated = false;
};

extern template class JsonInputStream<JsonStrings::Whole>;
extern template class JsonInputStream<JsonStrings::CutLong>;

} // namespace seam
