#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

namespace seam {

/// A forward-only byte stream over a file or an in-memory buffer, transparently inflating gzip and
/// zlib-wrapped deflate (detected from the header bytes, not the file name: a Datadog intake body
/// saved from the browser is zlib). Reads in chunks so memory stays flat in the input's size, and caps
/// how far compressed data may expand: a gzip bomb ends with an error instead of an endless import.
class InputSource
{
public:
    static constexpr std::size_t kChunk = 1 << 18;

    /// Opens a file. On failure, error() says why and the source is empty.
    static std::unique_ptr<InputSource> openFile(const std::string& path);
    /// Wraps a buffer (tests, small inputs). The bytes are copied.
    static std::unique_ptr<InputSource> fromBuffer(std::string_view bytes, std::string name = "<buffer>");
    /// Wraps bytes the caller keeps alive and unchanged for the source's lifetime (the live receiver's
    /// request bodies): not copied. Uncompressed, peek() returns views into them.
    static std::unique_ptr<InputSource> fromView(std::string_view bytes, std::string name = "<buffer>");

    ~InputSource();
    InputSource(const InputSource&) = delete;
    InputSource& operator=(const InputSource&) = delete;

    /// Reads up to n decompressed bytes; returns 0 at the end or on error (see error()).
    std::size_t read(char* out, std::size_t n);
    /// Makes at least n bytes available (fewer at the end) without consuming them.
    std::string_view peek(std::size_t n);
    /// Skips n bytes; returns how many were skipped.
    std::uint64_t skip(std::uint64_t n);

    /// Decompressed bytes consumed so far: the offsets in error messages.
    std::uint64_t offset() const { return m_offset; }
    /// Raw (compressed) bytes read from the file so far, for progress.
    std::uint64_t rawOffset() const { return m_rawOffset; }
    /// Size of the raw input if known (files), else 0.
    std::uint64_t rawSize() const { return m_rawSize; }
    enum class Compression
    {
        None,
        Gzip,
        Zlib
    };
    /// Known once the first bytes were read (peek(2) is enough).
    Compression compression() const { return m_compression; }
    bool isGzip() const { return m_compression == Compression::Gzip; }
    bool isCompressed() const { return m_compression != Compression::None; }
    bool atEnd();
    /// Empty while fine; otherwise what went wrong (I/O error, corrupt data, expansion limit).
    const std::string& error() const { return m_error; }
    const std::string& name() const { return m_name; }

    /// Decompressed bytes may not exceed max(ratio * compressed size, floor). Defaults: 200x, 256 MiB
    /// (telemetry compresses 5-50x; zeros compress 1000x).
    void setExpansionLimit(std::uint64_t ratio, std::uint64_t floorBytes);
    /// Absolute cap on decompressed bytes (the live receiver's body limit); 0 = none.
    void setMaxBytes(std::uint64_t maxBytes) { m_maxBytes = maxBytes; }

private:
    InputSource() = default;
    bool fill(std::size_t want);
    std::size_t readRaw(char* out, std::size_t n);
    /// The decoded bytes held, consumed or not: m_buffer, or the whole input when it is memory that
    /// needs no inflating.
    std::string_view decoded() const { return m_whole ? m_input : std::string_view(m_buffer); }
    bool inflateMore();

    std::string m_name;
    std::FILE* m_file = nullptr;
    std::string m_memory;     // the copy fromBuffer() makes
    std::string_view m_input; // in-memory input (m_memory or the caller's bytes)
    std::size_t m_memoryPos = 0;
    // Uncompressed in-memory input is its own decoded bytes: read in place rather than copied chunk by
    // chunk into m_buffer (a live request's body was copied twice before a byte was parsed).
    bool m_whole = false;
    std::uint64_t m_rawOffset = 0;
    std::uint64_t m_rawSize = 0;

    Compression m_compression = Compression::None;
    bool m_sniffed = false;
    struct Inflater;
    std::unique_ptr<Inflater> m_inflater;

    std::string m_buffer; // decoded bytes not yet consumed: [m_pos, size()) of decoded()
    std::size_t m_pos = 0;
    std::uint64_t m_offset = 0;
    std::uint64_t m_decoded = 0;
    bool m_eof = false;
    bool m_rawEof = false;
    std::string m_error;
    std::uint64_t m_ratio = 200;
    std::uint64_t m_floor = std::uint64_t(256) << 20;
    std::uint64_t m_maxBytes = 0;
};

} // namespace seam
