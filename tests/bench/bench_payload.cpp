// bench_payload: the span payload codec on a real cache's payloads (a v3 cache: JSON text), side by side
// in one run: bytes as JSON text and encoded, time to encode (what the producer thread pays per span),
// to decode to JSON (what span details, exports and span_attributes() pay), and, for scale, the time to
// copy the JSON strings (a floor for anything that touches every byte).
//
// Usage: bench_payload CACHE_V3 [--limit N]      (opened immutable: never migrated or written)

#include "KeyDictionary.h"
#include "PayloadCodec.h"
#include "Sqlite.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

using namespace seam;

namespace {

struct Row
{
    std::string attributes, events, links, scope;
};

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_payload CACHE_V3 [--limit N]\n");
        return 2;
    }
    long long limit = 1LL << 62;
    for (int i = 2; i + 1 < argc; ++i)
        if (!std::strcmp(argv[i], "--limit"))
            limit = std::atoll(argv[i + 1]);
    Database db(argv[1], Database::Mode::Immutable);
    std::vector<Row> rows;
    std::size_t textBytes = 0;
    {
        auto q = db.prepare("SELECT coalesce(attributes, ''), coalesce(events, ''), coalesce(links, ''), "
                            "coalesce(scope, '') FROM span_payloads ORDER BY id LIMIT ?1");
        q.bind(1, limit);
        while (q.step()) {
            rows.push_back(Row{std::string(q.text(0)), std::string(q.text(1)), std::string(q.text(2)),
                               std::string(q.text(3))});
            textBytes += rows.back().attributes.size() + rows.back().events.size() +
                         rows.back().links.size() + rows.back().scope.size();
        }
    }
    if (rows.empty()) {
        std::fprintf(stderr, "no payloads (a v3 cache with JSON text is expected)\n");
        return 1;
    }

    // Copy: the floor.
    auto t = std::chrono::steady_clock::now();
    std::size_t copied = 0;
    for (const Row& r : rows) {
        std::string a = r.attributes, e = r.events;
        copied += a.size() + e.size();
    }
    const double copySeconds = seconds(t);

    KeyDictionary dictionary;
    std::vector<std::string> blobs;
    blobs.reserve(rows.size() * 3);
    std::vector<std::uint32_t> used;
    std::size_t encodedBytes = 0;
    t = std::chrono::steady_clock::now();
    for (const Row& r : rows) {
        auto lock = dictionary.lock();
        for (const std::string* json : {&r.attributes, &r.events, &r.links}) {
            blobs.push_back(payload::encode(*json, dictionary, used));
            encodedBytes += blobs.back().size();
        }
        if (!r.scope.empty())
            encodedBytes += dictionary.keyId(r.scope) < 128 ? 1 : 2;
        if (used.size() > 4096)
            used.clear();
    }
    const double encodeSeconds = seconds(t);

    const payload::Lookup lookup = [&](std::uint32_t id) { return dictionary.find(id); };
    std::string json;
    std::size_t decodedBytes = 0;
    std::size_t mismatches = 0;
    t = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < blobs.size(); ++i) {
        json.clear();
        payload::decode(blobs[i], lookup, json);
        decodedBytes += json.size();
    }
    const double decodeSeconds = seconds(t);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::string* texts[] = {&rows[i].attributes, &rows[i].events, &rows[i].links};
        for (int k = 0; k < 3; ++k) {
            json.clear();
            payload::decode(blobs[i * 3 + std::size_t(k)], lookup, json);
            mismatches += json != *texts[k];
        }
    }
    std::size_t dictionaryBytes = 0;
    for (KeyDictionary::Id id = 1; id <= dictionary.size(); ++id)
        dictionaryBytes += dictionary.text(id).size();

    const double n = double(rows.size());
    std::printf("payloads %zu (%.1f MiB JSON text), dictionary %zu strings (%.2f MiB)\n", rows.size(),
                double(textBytes) / 1048576.0, dictionary.size(), double(dictionaryBytes) / 1048576.0);
    std::printf("bytes/payload   text %7.1f   encoded %7.1f   ratio %.2fx\n", double(textBytes) / n,
                double(encodedBytes) / n, double(textBytes) / double(encodedBytes));
    std::printf("copy JSON       %7.2f us/payload\n", copySeconds / n * 1e6);
    std::printf("encode          %7.2f us/payload  (%.1fx the copy)\n", encodeSeconds / n * 1e6,
                encodeSeconds / copySeconds);
    std::printf("decode to JSON  %7.2f us/payload  (%.1fx the copy)\n", decodeSeconds / n * 1e6,
                decodeSeconds / copySeconds);
    std::printf("round trip mismatches: %zu (of %zu)   [%zu bytes copied, %zu decoded]\n", mismatches,
                blobs.size(), copied, decodedBytes);
    return mismatches == 0 ? 0 : 1;
}
