#include "PayloadCompression.h"

#include <zlib.h>

namespace seam::payload {

struct PresetCompressor::State
{
    // Primed with the preset once: deflateSetDictionary hashes the whole preset, which cost more than
    // compressing the payload; each payload starts from a copy of this state instead.
    z_stream primed{};
    bool ready = false;
    std::string preset;

    ~State() { reset(); }
    void reset()
    {
        if (ready)
            deflateEnd(&primed);
        ready = false;
    }
    bool prime(std::string_view p)
    {
        reset();
        preset.assign(p);
        primed = z_stream{};
        // Raw deflate (no zlib header or checksum: SQLite pages have their own), level 6 (level 1 is
        // 5% larger on event lists and only 12% cheaper here). A 2 KiB
        // window holds the 1 KiB preset and a payload; the smallest hash table (memLevel 1) compresses
        // these small inputs as well as the default and is cheap to copy. Inflate reads any window up
        // to 32 KiB, so readers need no knowledge of these settings.
        if (deflateInit2(&primed, 6, Z_DEFLATED, -11, 1, Z_DEFAULT_STRATEGY) != Z_OK)
            return false;
        ready = true;
        if (!p.empty() &&
            deflateSetDictionary(&primed, reinterpret_cast<const Bytef*>(p.data()), uInt(p.size())) != Z_OK)
            reset();
        return ready;
    }
};

PresetCompressor::PresetCompressor() : m_state(std::make_unique<State>()) {}

PresetCompressor::~PresetCompressor() = default;

bool PresetCompressor::compress(std::string_view preset, std::string_view data, std::string& out)
{
    if ((!m_state->ready || preset != m_state->preset) && !m_state->prime(preset))
        return false;
    z_stream z{};
    if (deflateCopy(&z, &m_state->primed) != Z_OK)
        return false;
    const std::size_t at = out.size();
    out.resize(at + deflateBound(&z, uLong(data.size())) + 16);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
    z.avail_out = uInt(out.size() - at);
    const int rc = deflate(&z, Z_FINISH);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END) {
        out.resize(at);
        return false;
    }
    return true;
}

bool inflateWithPreset(std::string_view preset, std::string_view stream, std::size_t maxSize,
                       std::string& out)
{
    z_stream z{};
    if (inflateInit2(&z, -15) != Z_OK)
        return false;
    bool ok = preset.empty() || inflateSetDictionary(&z, reinterpret_cast<const Bytef*>(preset.data()),
                                                     uInt(preset.size())) == Z_OK;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(stream.data()));
    z.avail_in = uInt(stream.size());
    const std::size_t start = out.size();
    int rc = Z_OK;
    while (ok && rc != Z_STREAM_END) {
        const std::size_t have = out.size() - start;
        if (have >= maxSize) {
            ok = false;
            break;
        }
        const std::size_t chunk =
            std::min<std::size_t>(std::max<std::size_t>(stream.size() * 4, 256), maxSize - have);
        const std::size_t at = out.size();
        out.resize(at + chunk);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + at);
        z.avail_out = uInt(chunk);
        rc = inflate(&z, Z_NO_FLUSH);
        out.resize(out.size() - z.avail_out);
        if (rc != Z_OK && rc != Z_STREAM_END)
            ok = false;
        else if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0)
            ok = false; // the stream ended before its end marker
    }
    // A complete stream, and nothing after it.
    ok = ok && z.avail_in == 0;
    inflateEnd(&z);
    if (!ok)
        out.resize(start);
    return ok;
}

} // namespace seam::payload
