#include "PayloadCompression.h"

#include <cstdlib>
#include <vector>
#include <zlib.h>

namespace seam::payload {
namespace {

// zlib's memory for the compressor: every payload's deflateCopy() asks for the same few blocks (the
// state, window, hash chains, pending buffer) and deflateEnd() gives them back, so freed blocks are
// kept for the next payload instead of going back to malloc each time (~1.5 allocations a span).
// Blocks carry their size in front. Not thread-safe: one pool per compressor, used under its lock.
class BlockPool
{
public:
    BlockPool() = default;
    BlockPool(const BlockPool&) = delete;
    BlockPool& operator=(const BlockPool&) = delete;
    ~BlockPool()
    {
        for (void* block : m_free)
            std::free(block);
    }

    static voidpf alloc(voidpf opaque, uInt items, uInt size)
    {
        auto* pool = static_cast<BlockPool*>(opaque);
        const std::size_t bytes = std::size_t(items) * size;
        for (std::size_t i = pool->m_free.size(); i-- > 0;) {
            auto* block = static_cast<std::size_t*>(pool->m_free[i]);
            if (*block == bytes) {
                pool->m_free[i] = pool->m_free.back();
                pool->m_free.pop_back();
                return block + 2;
            }
        }
        auto* block = static_cast<std::size_t*>(std::malloc(bytes + 2 * sizeof(std::size_t)));
        if (!block)
            return Z_NULL;
        *block = bytes;
        return block + 2; // two words keep zlib's blocks 16-byte aligned, as malloc's are
    }
    static void release(voidpf opaque, voidpf address)
    {
        auto* pool = static_cast<BlockPool*>(opaque);
        void* block = static_cast<std::size_t*>(address) - 2;
        if (pool->m_free.size() < kMaxFree)
            pool->m_free.push_back(block);
        else
            std::free(block);
    }

private:
    static constexpr std::size_t kMaxFree = 16;
    std::vector<void*> m_free;
};

} // namespace

struct PresetCompressor::State
{
    BlockPool pool; // first: outlives the streams that use it
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
        // deflateCopy() copies the allocator with the stream: each payload's copy uses the pool too.
        primed.zalloc = &BlockPool::alloc;
        primed.zfree = &BlockPool::release;
        primed.opaque = &pool;
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
