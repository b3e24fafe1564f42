// The span payload codec (models/store/PayloadCodec.h) on arbitrary bytes:
//  - as a stored blob: decode() and findMember() must refuse malformed bytes with an error, never crash,
//    read outside the input or allocate without bound;
//  - as JSON: encode() then decode() must give the input back byte for byte (the cache's promise).
// The dictionary holds keys, a shared attribute set, a compression preset and a list shape, as a
// cache's would; the input also goes behind the headers of a list by shape and of a compressed list
// with the dictionary's ids (the numbers joined to the shape, the stream inflated), so that those paths
// get every input, not only the few that start with a known id.

#include "KeyDictionary.h"
#include "PayloadCodec.h"
#include "PayloadFormat.h"

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
        // The list twice (its shape is filed the second time), then enough lists that never repeat (they
        // are deflated, not stored by shape) for the dictionary to learn its compression preset.
        for (int i = 0; i < 2; ++i)
            for (const char* s : seeds)
                payload::encode(s, *dict, used);
        for (int i = 0; i < 200; ++i)
            payload::encode(
                R"([{"t":1795165407882436233,"name":"exception","attributes":{"exception.message":")" +
                    std::to_string(i) + R"( not found"}}])",
                *dict, used);
        return dict;
    }();
    return *d;
}

// The dictionary's first string starting with `marker` (a shape, a preset).
std::uint32_t firstWith(KeyDictionary& dict, char marker)
{
    auto lock = dict.lock();
    for (std::uint32_t id = 1; id <= dict.size(); ++id)
        if (dict.text(id).starts_with(marker))
            return id;
    std::abort(); // the seeds made one
}

void mustRefuseCleanly(std::string_view blob, const payload::Lookup& lookup)
{
    std::string json;
    std::string error;
    if (!payload::decode(blob, lookup, json, &error) && (error.empty() || !json.empty()))
        std::abort(); // a refusal says why and leaves nothing behind
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    KeyDictionary& dict = dictionary();
    const payload::Lookup lookup = [&](std::uint32_t id) { return dict.find(id); };
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    static const std::uint32_t shape = firstWith(dict, payload::kShapeMarker);
    static const std::uint32_t preset = firstWith(dict, payload::kPresetMarker);
    mustRefuseCleanly(bytes, lookup);
    for (const auto& [header, id] : {std::pair{payload::kShaped, shape}, {payload::kCompressed, preset}}) {
        std::string framed(1, char(header));
        payload::appendVarint(framed, id);
        framed.append(bytes);
        mustRefuseCleanly(framed, lookup);
    }
    std::string error;
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
