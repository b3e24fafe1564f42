#pragma once

#include "PayloadCompression.h"

#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace seam {

class Database;

/// The strings that span payloads refer to by number (`attribute_keys(id, key)`): attribute keys,
/// instrumentation scope names and the frequent string values of low-cardinality keys.
///
/// One per cache file and process (forCache), shared by every producer thread that encodes payloads
/// for that file, so a key gets one id however many importers run. Ids are only a proposal: the writer
/// checks each batch's ids against the file inside its transaction (another process may have given the
/// same id to another string) and remaps the batch when they disagree (models/ingest/PayloadKeyWriter).
class KeyDictionary
{
public:
    /// Ids start at 1; 0 means "none".
    using Id = std::uint32_t;

    KeyDictionary() = default;
    KeyDictionary(const KeyDictionary&) = delete;
    KeyDictionary& operator=(const KeyDictionary&) = delete;

    /// The dictionary of the cache at `path`, seeded from `db` (that cache, v4 or later) when first
    /// asked for in this process.
    static std::shared_ptr<KeyDictionary> forCache(const std::string& path, Database& db);

    /// Replaces what is known by the file's rows (the writer, under the file's write lock, after it
    /// found the file disagreeing with this dictionary).
    void reseed(Database& db);

    /// Locks the dictionary for a run of lookups (one span's payload); the methods below need it held.
    std::unique_lock<std::mutex> lock() { return std::unique_lock(m_mutex); }

    /// The id of `key`, assigned if new (0 when the dictionary is full: the caller writes it inline).
    Id keyId(std::string_view key) { return keyId(key, hash(key)); }
    /// The same with `key`'s hash (hash(key)) already known.
    Id keyId(std::string_view key, std::uint64_t keyHash);
    /// The id of `value` as a value of the key `context` (0 = array element / no key), or 0 when it
    /// should stay inline: too short or long to pay, or the key has shown too many distinct values
    /// (URLs with ids, SQL with literals) for sharing to pay.
    Id valueId(Id context, std::string_view value);
    /// The id of a whole encoded attribute set (a 0x01 blob) whose keys hash to `shape`, or 0 when it
    /// should stay inline: too large, or its shape has shown too many distinct sets (values with ids).
    Id setId(std::uint64_t shape, std::string_view blob);
    /// The preset that cold payloads (events, links) are compressed with, 0 until one is learnt: the
    /// newest in the file, else made here from the first payloads offered to learn().
    Id presetId() const { return m_presetId; }
    std::string_view preset() const { return std::string_view(text(m_presetId)).substr(1); }
    void learn(std::string_view blob);
    /// The id of a list's shape (kShapeMarker, then the shape: PayloadShape.h), or 0 when it should not
    /// be used: too large, too many shapes, or seen for the first time (a list that never repeats, an
    /// exception's message and stack, stays out of the dictionary every reader loads).
    Id shapeId(std::string_view markedShape);
    payload::PresetCompressor& compressor() { return m_compressor; }
    /// The string of `id` (for the batch's key list); empty if unknown.
    const std::string& text(Id id) const;
    /// The string of `id`, or nullptr if unknown (a decoder's lookup).
    const std::string* find(Id id) const;
    /// What `id` was shared under (`attribute_keys.owner`, schema v15): the key's id for a value, the
    /// shape for an attribute set; nullopt for keys, scopes, presets and strings of older files.
    std::optional<std::int64_t> owner(Id id) const;

    std::size_t size() const { return m_strings.size(); }

    /// The hash the dictionary files its strings under: not stable across builds, never stored. Eight
    /// bytes a step (keys and values are mostly 10 to 40 bytes), then a multiply-xorshift finaliser.
    static std::uint64_t hash(std::string_view s)
    {
        constexpr std::uint64_t k = 0x9e3779b97f4a7c15ull;
        const char* p = s.data();
        std::size_t n = s.size();
        std::uint64_t h = (n + 1) * 0xc2b2ae3d27d4eb4full;
        auto step = [&h](std::uint64_t w) {
            h = (h ^ w) * k;
            h = h << 31 | h >> 33;
        };
        if (n >= 8) {
            for (; n > 8; p += 8, n -= 8)
                step(load64(p));
            step(load64(p + n - 8)); // the last eight bytes (overlapping the step before if n < 8)
        } else if (n >= 4) {
            step(std::uint64_t(load32(p)) << 32 | load32(p + n - 4));
        } else if (n > 0) {
            step(std::uint64_t(std::uint8_t(p[0])) << 16 | std::uint64_t(std::uint8_t(p[n / 2])) << 8 |
                 std::uint8_t(p[n - 1]));
        }
        h ^= h >> 32;
        h *= 0xff51afd7ed558ccdull;
        h ^= h >> 29;
        return h;
    }

private:
    static std::uint64_t load64(const char* p)
    {
        std::uint64_t v;
        std::memcpy(&v, p, 8);
        return v;
    }
    static std::uint32_t load32(const char* p)
    {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        return v;
    }
    Id add(std::string_view text, std::uint64_t textHash, std::optional<std::int64_t> owner = std::nullopt);
    /// The id of the string `s` whose hash is `h`, 0 if it has none.
    Id lookup(std::string_view s, std::uint64_t h) const;
    /// Files `id` (whose string is new to the index) under `h`.
    void index(std::uint64_t h, Id id);

    mutable std::mutex m_mutex;
    std::vector<std::string> m_strings; // index id - 1
    std::vector<bool> m_present;        // false for ids the file skipped
    std::vector<std::int64_t> m_owners; // index id - 1: what a shared string was shared under
    std::vector<bool> m_owned;          // whether m_owners holds one
    // String -> id: open addressing (linear probing), each slot holding the id, 32 bits of the string's
    // hash and where its bytes are in m_bytes (a copy of every indexed string, end to end), so a probe
    // compares strings only when the hashes agree, and then reads one place. Every payload looks up a
    // few dozen keys and values: std::unordered_map walked a node and a string per lookup, each a
    // likely cache miss.
    struct Slot
    {
        std::uint32_t hash = 0;
        Id id = 0; // 0 = empty
        std::uint32_t at = 0;
        std::uint32_t size = 0;
    };
    std::vector<Slot> m_slots; // size a power of two, at most half full
    std::string m_bytes;
    std::size_t m_indexed = 0;
    std::unordered_map<Id, std::uint32_t> m_distinctValues;          // per key context: values given ids
    std::unordered_map<std::uint64_t, std::uint32_t> m_distinctSets; // per shape: sets given ids
    Id m_presetId = 0;
    std::size_t m_shapes = 0;                       // shapes in the dictionary
    std::unordered_set<std::uint64_t> m_shapesSeen; // hashes of shapes seen once, not filed yet
    std::string m_learnt;                           // payloads offered to learn() while there is no preset
    payload::PresetCompressor m_compressor;
};

} // namespace seam
