#pragma once

#include "PayloadCompression.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
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
    Id keyId(std::string_view key);
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
    payload::PresetCompressor& compressor() { return m_compressor; }
    /// The string of `id` (for the batch's key list); empty if unknown.
    const std::string& text(Id id) const;
    /// The string of `id`, or nullptr if unknown (a decoder's lookup).
    const std::string* find(Id id) const;

    std::size_t size() const { return m_strings.size(); }

private:
    Id add(std::string_view text);

    mutable std::mutex m_mutex;
    std::vector<std::string> m_strings; // index id - 1
    std::vector<bool> m_present;        // false for ids the file skipped
    struct Hash
    {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
    };
    std::unordered_map<std::string, Id, Hash, std::equal_to<>> m_ids;
    std::unordered_map<Id, std::uint32_t> m_distinctValues;          // per key context: values given ids
    std::unordered_map<std::uint64_t, std::uint32_t> m_distinctSets; // per shape: sets given ids
    Id m_presetId = 0;
    std::string m_learnt; // payloads offered to learn() while there is no preset
    payload::PresetCompressor m_compressor;
};

} // namespace seam
