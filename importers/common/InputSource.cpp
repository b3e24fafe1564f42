#include "InputSource.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <zlib.h>

namespace seam {

struct InputSource::Inflater
{
    z_stream stream{};
    std::string raw = std::string(kChunk, '\0');
    bool finished = false;
    ~Inflater() { inflateEnd(&stream); }
};

std::unique_ptr<InputSource> InputSource::openFile(const std::string& path)
{
    std::unique_ptr<InputSource> src(new InputSource);
    src->m_name = path;
    src->m_file = std::fopen(path.c_str(), "rb");
    if (!src->m_file) {
        src->m_error = std::string("cannot open: ") + std::strerror(errno);
        src->m_eof = true;
        return src;
    }
    if (std::fseek(src->m_file, 0, SEEK_END) == 0) {
        const long size = std::ftell(src->m_file);
        src->m_rawSize = size > 0 ? std::uint64_t(size) : 0;
        std::fseek(src->m_file, 0, SEEK_SET);
    }
    return src;
}

std::unique_ptr<InputSource> InputSource::fromBuffer(std::string_view bytes, std::string name)
{
    std::unique_ptr<InputSource> src(new InputSource);
    src->m_name = std::move(name);
    src->m_memory.assign(bytes);
    src->m_input = src->m_memory;
    src->m_rawSize = bytes.size();
    return src;
}

std::unique_ptr<InputSource> InputSource::fromView(std::string_view bytes, std::string name)
{
    std::unique_ptr<InputSource> src(new InputSource);
    src->m_name = std::move(name);
    src->m_input = bytes;
    src->m_rawSize = bytes.size();
    return src;
}

InputSource::~InputSource()
{
    if (m_file)
        std::fclose(m_file);
}

void InputSource::setExpansionLimit(std::uint64_t ratio, std::uint64_t floorBytes)
{
    m_ratio = ratio;
    m_floor = floorBytes;
}

std::size_t InputSource::readRaw(char* out, std::size_t n)
{
    std::size_t got = 0;
    if (m_file) {
        got = std::fread(out, 1, n, m_file);
        if (got < n && std::ferror(m_file))
            m_error = std::string("read error: ") + std::strerror(errno);
    } else {
        got = std::min(n, m_input.size() - m_memoryPos);
        if (got) // an empty view's data() may be null, which memcpy must not see even for 0 bytes
            std::memcpy(out, m_input.data() + m_memoryPos, got);
        m_memoryPos += got;
    }
    m_rawOffset += got;
    if (got == 0)
        m_rawEof = true;
    return got;
}

namespace {

/// RFC 1950 header with the 32 KiB window every zlib, browser CompressionStream and Datadog SDK uses,
/// no preset dictionary, and a valid check value. Text and OTLP protobuf never start like this.
bool isZlibHeader(std::uint8_t cmf, std::uint8_t flg)
{
    return cmf == 0x78 && (flg & 0x20) == 0 && ((cmf << 8) | flg) % 31 == 0;
}

} // namespace

bool InputSource::inflateMore()
{
    Inflater& inf = *m_inflater;
    const bool gzip = m_compression == Compression::Gzip;
    const char* kind = gzip ? "gzip" : "zlib";
    const std::size_t oldSize = m_buffer.size();
    m_buffer.resize(oldSize + kChunk);
    inf.stream.next_out = reinterpret_cast<Bytef*>(m_buffer.data() + oldSize);
    inf.stream.avail_out = kChunk;
    while (inf.stream.avail_out == kChunk) {
        if (inf.stream.avail_in == 0) {
            const std::size_t got = readRaw(inf.raw.data(), inf.raw.size());
            if (got == 0) {
                if (!inf.finished && m_error.empty())
                    m_error = std::string(kind) + " stream is truncated";
                break;
            }
            inf.stream.next_in = reinterpret_cast<Bytef*>(inf.raw.data());
            inf.stream.avail_in = uInt(got);
        }
        if (inf.finished) {
            // Concatenated members are legal (e.g. appended exports): start the next one, unless
            // what follows is padding.
            if (inf.stream.next_in[0] != (gzip ? 0x1f : 0x78)) {
                inf.stream.avail_in = 0;
                continue;
            }
            inflateReset(&inf.stream);
            inf.finished = false;
        }
        const int rc = inflate(&inf.stream, Z_NO_FLUSH);
        if (rc == Z_STREAM_END) {
            inf.finished = true;
        } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
            m_error = std::string("corrupt ") + kind + " data at compressed byte " +
                      std::to_string(m_rawOffset - inf.stream.avail_in) + ": " +
                      (inf.stream.msg ? inf.stream.msg : "inflate failed");
            break;
        }
    }
    const std::size_t produced = kChunk - inf.stream.avail_out;
    m_buffer.resize(oldSize + produced);
    m_decoded += produced;
    const std::uint64_t limit = std::max(m_floor, m_ratio * std::max<std::uint64_t>(m_rawOffset, 1));
    if (m_decoded > limit && m_error.empty()) {
        m_error = std::string(kind) + " data expands beyond " + std::to_string(limit) + " bytes (more than " +
                  std::to_string(m_ratio) + "x its compressed size): refusing a likely gzip bomb";
        m_buffer.resize(oldSize);
        return false;
    }
    return produced > 0;
}

bool InputSource::fill(std::size_t want)
{
    if (m_whole)
        return m_input.size() - m_pos >= want;
    if (m_pos > 0 && m_pos >= m_buffer.size() / 2) {
        m_buffer.erase(0, m_pos);
        m_pos = 0;
    }
    while (m_buffer.size() - m_pos < want && !m_eof && m_error.empty()) {
        if (!m_sniffed) {
            // First read: sniff the gzip magic or a zlib header.
            m_sniffed = true;
            std::string head(2, '\0');
            const std::size_t got = readRaw(head.data(), 2);
            head.resize(got);
            const auto b0 = got == 2 ? std::uint8_t(head[0]) : 0, b1 = got == 2 ? std::uint8_t(head[1]) : 0;
            if (b0 == 0x1f && b1 == 0x8b)
                m_compression = Compression::Gzip;
            else if (isZlibHeader(b0, b1))
                m_compression = Compression::Zlib;
            if (m_compression == Compression::None && !m_file) {
                // Memory that needs no inflating: all of it is there, read in place.
                m_whole = true;
                m_memoryPos = m_input.size();
                m_rawOffset = m_decoded = m_input.size();
                m_eof = m_rawEof = true;
                if (m_maxBytes && m_decoded > m_maxBytes) {
                    m_error = "input exceeds the limit of " + std::to_string(m_maxBytes) + " bytes";
                    m_input = m_input.substr(0, std::size_t(m_maxBytes));
                }
                return m_input.size() - m_pos >= want;
            }
            if (m_compression != Compression::None) {
                m_inflater = std::make_unique<Inflater>();
                const int windowBits = m_compression == Compression::Gzip ? 16 + MAX_WBITS : MAX_WBITS;
                if (inflateInit2(&m_inflater->stream, windowBits) != Z_OK) {
                    m_error = "cannot initialise zlib";
                    return false;
                }
                m_inflater->raw.replace(0, 2, head);
                m_inflater->stream.next_in = reinterpret_cast<Bytef*>(m_inflater->raw.data());
                m_inflater->stream.avail_in = 2;
            } else {
                m_buffer += head;
                m_decoded += got;
                if (got < 2)
                    m_eof = true;
            }
            continue;
        }
        if (m_inflater) {
            if (!inflateMore() && (m_rawEof || !m_error.empty()))
                m_eof = true;
        } else {
            const std::size_t oldSize = m_buffer.size();
            m_buffer.resize(oldSize + kChunk);
            const std::size_t got = readRaw(m_buffer.data() + oldSize, kChunk);
            m_buffer.resize(oldSize + got);
            m_decoded += got;
            if (got == 0)
                m_eof = true;
        }
        if (m_maxBytes && m_decoded > m_maxBytes && m_error.empty()) {
            m_error = "input exceeds the limit of " + std::to_string(m_maxBytes) + " bytes";
            m_eof = true;
        }
    }
    return m_buffer.size() - m_pos >= want;
}

std::size_t InputSource::read(char* out, std::size_t n)
{
    std::size_t done = 0;
    while (done < n) {
        if (m_pos == decoded().size() && !fill(std::min<std::size_t>(n - done, kChunk)) &&
            m_pos == decoded().size())
            break;
        const std::string_view bytes = decoded();
        const std::size_t take = std::min(n - done, bytes.size() - m_pos);
        std::memcpy(out + done, bytes.data() + m_pos, take);
        m_pos += take;
        done += take;
    }
    m_offset += done;
    return done;
}

std::string_view InputSource::peek(std::size_t n)
{
    fill(n);
    const std::string_view bytes = decoded();
    return bytes.substr(m_pos, std::min(n, bytes.size() - m_pos));
}

std::uint64_t InputSource::skip(std::uint64_t n)
{
    std::uint64_t done = 0;
    while (done < n) {
        if (m_pos == decoded().size() && !fill(1) && m_pos == decoded().size())
            break;
        const std::size_t take = std::size_t(std::min<std::uint64_t>(n - done, decoded().size() - m_pos));
        m_pos += take;
        done += take;
    }
    m_offset += done;
    return done;
}

bool InputSource::atEnd()
{
    return m_pos == decoded().size() && !fill(1);
}

} // namespace seam
