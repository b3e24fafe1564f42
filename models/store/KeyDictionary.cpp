#include "KeyDictionary.h"

#include "Sqlite.h"

#include <map>

namespace seam {
namespace {

// Bounds that keep the dictionary (loaded whole by every reader connection) small whatever the input:
// a key with more distinct values than kMaxValuesPerKey stops sharing new ones, and past kMaxStrings
// everything new is written inline.
constexpr std::size_t kMaxStrings = 1u << 20;
constexpr std::uint32_t kMaxValuesPerKey = 2048;
constexpr std::size_t kMinSharedValue = 3;
constexpr std::size_t kMaxSharedValue = 512;
constexpr std::size_t kMaxKey = 256;
constexpr std::uint32_t kMaxSetsPerShape = 256;
constexpr std::size_t kMinSharedSet = 6;
constexpr std::size_t kMaxSharedSet = 1024;
// A preset of 1 KiB halves event lists; larger ones gain little more and cost more per blob (deflate
// hashes the whole preset each time). Made from the last KiB of the first 4 KiB of payloads seen.
constexpr std::size_t kPresetSize = 1024;
constexpr std::size_t kLearnBytes = 4096;

const std::string kEmpty;

} // namespace

std::shared_ptr<KeyDictionary> KeyDictionary::forCache(const std::string& path, Database& db)
{
    static std::mutex registryMutex;
    static std::map<std::string, std::weak_ptr<KeyDictionary>> registry;
    std::lock_guard guard(registryMutex);
    std::weak_ptr<KeyDictionary>& slot = registry[path];
    if (auto existing = slot.lock())
        return existing;
    auto dictionary = std::make_shared<KeyDictionary>();
    dictionary->reseed(db);
    slot = dictionary;
    return dictionary;
}

void KeyDictionary::reseed(Database& db)
{
    std::lock_guard guard(m_mutex);
    m_strings.clear();
    m_present.clear();
    m_ids.clear();
    m_distinctValues.clear();
    m_distinctSets.clear();
    m_presetId = 0;
    m_learnt.clear();
    auto q = db.prepare("SELECT id, key FROM attribute_keys ORDER BY id");
    while (q.step()) {
        const std::int64_t id = q.int64(0);
        if (id <= 0 || std::size_t(id) > kMaxStrings)
            continue;
        if (m_strings.size() < std::size_t(id)) {
            m_strings.resize(std::size_t(id));
            m_present.resize(std::size_t(id));
        }
        m_strings[std::size_t(id) - 1] = std::string(q.text(1));
        m_present[std::size_t(id) - 1] = true;
        m_ids.emplace(m_strings[std::size_t(id) - 1], Id(id));
        if (m_strings[std::size_t(id) - 1].size() > 1 &&
            m_strings[std::size_t(id) - 1][0] == payload::kPresetMarker)
            m_presetId = Id(id);
    }
}

KeyDictionary::Id KeyDictionary::add(std::string_view text)
{
    if (m_strings.size() >= kMaxStrings)
        return 0;
    m_strings.emplace_back(text);
    m_present.push_back(true);
    const Id id = Id(m_strings.size());
    m_ids.emplace(m_strings.back(), id);
    return id;
}

KeyDictionary::Id KeyDictionary::keyId(std::string_view key)
{
    if (key.size() > kMaxKey)
        return 0;
    if (auto it = m_ids.find(key); it != m_ids.end())
        return it->second;
    return add(key);
}

KeyDictionary::Id KeyDictionary::valueId(Id context, std::string_view value)
{
    if (value.size() < kMinSharedValue || value.size() > kMaxSharedValue)
        return 0;
    if (auto it = m_ids.find(value); it != m_ids.end())
        return it->second;
    std::uint32_t& distinct = m_distinctValues[context];
    if (distinct >= kMaxValuesPerKey)
        return 0;
    ++distinct;
    return add(value);
}

KeyDictionary::Id KeyDictionary::setId(std::uint64_t shape, std::string_view blob)
{
    if (blob.size() < kMinSharedSet || blob.size() > kMaxSharedSet)
        return 0;
    if (auto it = m_ids.find(blob); it != m_ids.end())
        return it->second;
    std::uint32_t& distinct = m_distinctSets[shape];
    if (distinct >= kMaxSetsPerShape)
        return 0;
    ++distinct;
    return add(blob);
}

void KeyDictionary::learn(std::string_view blob)
{
    if (m_presetId || m_strings.size() >= kMaxStrings)
        return;
    m_learnt.append(blob);
    if (m_learnt.size() < kLearnBytes)
        return;
    std::string preset(1, payload::kPresetMarker);
    preset.append(m_learnt, m_learnt.size() - kPresetSize, kPresetSize);
    m_presetId = add(preset);
    std::string().swap(m_learnt);
}

const std::string* KeyDictionary::find(Id id) const
{
    return id >= 1 && id <= m_strings.size() && m_present[id - 1] ? &m_strings[id - 1] : nullptr;
}

const std::string& KeyDictionary::text(Id id) const
{
    return id >= 1 && id <= m_strings.size() ? m_strings[id - 1] : kEmpty;
}

} // namespace seam
