// The span payload codec (models/store/PayloadCodec.h) on arbitrary bytes:
//  - as a stored blob: decode() and findMember() must refuse malformed bytes with an error, never crash,
//    read outside the input or allocate without bound;
//  - as JSON: encode() then decode() must give the input back byte for byte (the cache's promise).
// The dictionary holds keys, a shared attribute set and a compression preset, as a cache's would.

#include "KeyDictionary.h"
#include "PayloadCodec.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace seam;

namespace {

KeyDictionary& dictionary()
{
    static KeyDictionary* d = [] {
        auto* dict = new KeyDictionary;
        auto lock = dict->lock();
        std::vector<std::uint32_t> used;
        const char* seeds[] = {
            R"({"db.system":"postgresql","server.port":5432,"http.route":"/api/cart"})",
            R"([{"t":1795165407882436233,"name":"fetchStart"},{"t":1795165407882436300,"name":"responseEnd"}])",
        };
        // Enough lists for the dictionary to learn its compression preset.
        for (int i = 0; i < 40; ++i)
            for (const char* s : seeds)
                payload::encode(s, *dict, used);
        return dict;
    }();
    return *d;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    KeyDictionary& dict = dictionary();
    const payload::Lookup lookup = [&](std::uint32_t id) { return dict.find(id); };
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    std::string json;
    std::string error;
    if (!payload::decode(bytes, lookup, json, &error) && (error.empty() || !json.empty()))
        std::abort(); // a refusal says why and leaves nothing behind
    payload::Value value;
    payload::findMember(bytes, "db.system", lookup, value, &error);

    // Round trip of the input taken as JSON. The dictionary keeps growing over a run (bounded).
    std::string blob;
    {
        auto lock = dict.lock();
        std::vector<std::uint32_t> used;
        blob = payload::encode(bytes, dict, used);
    }
    std::string back;
    if (!payload::decode(blob, lookup, back, &error) || back != bytes)
        std::abort();
    return 0;
}
