#include "KeyDictionary.h"

#include "PayloadFormat.h"
#include "Sqlite.h"

#include <climits>
#include <cstring>
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
constexpr std::size_t kMaxIndexed = 64 * 1024;
// Lists with the same names and keys differ in few ways (fetch spans: with or without a TLS handshake):
// a few thousand shapes is plenty, and bounds what an input of ever-new lists can add.
constexpr std::size_t kMaxShapes = 4096;
constexpr std::size_t kMaxShape = 2048;
constexpr std::size_t kMaxShapesSeen = 1u << 16;
// A preset of 1 KiB halves event lists; larger ones gain little more and cost more per blob (deflate
// hashes the whole preset each time). Made from the last KiB of the first 4 KiB of payloads seen.
constexpr std::size_t kPresetSize = 1024;
constexpr std::size_t kLearnBytes = 4096;

const std::string kEmpty;

// Whether the s.size() bytes at `p` are s: most strings looked up are short, compared here in one or two
// overlapping eight-byte words rather than through a call to memcmp.
bool same(const char* p, std::string_view s)
{
    const std::size_t n = s.size();
    auto word = [](const char* at) {
        std::uint64_t v;
        std::memcpy(&v, at, 8);
        return v;
    };
    if (n >= 8 && n <= 16)
        return word(p) == word(s.data()) && word(p + n - 8) == word(s.data() + n - 8);
    return std::memcmp(p, s.data(), n) == 0;
}

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
    m_owners.clear();
    m_owned.clear();
    m_slots.clear();
    m_bytes.clear();
    m_indexed = 0;
    m_distinctValues.clear();
    m_distinctSets.clear();
    m_presetId = 0;
    m_learnt.clear();
    m_shapes = 0;
    m_shapesSeen.clear();
    // Since v15 each shared string says what it was shared under, so the budgets carry on from where
    // the processes that wrote the file left them (a file of an older version: they start at zero).
    const bool owners =
        db.queryInt("SELECT count(*) FROM pragma_table_info('attribute_keys') WHERE name = 'owner'") > 0;
    auto q = db.prepare(owners ? "SELECT id, key, owner FROM attribute_keys ORDER BY id"
                               : "SELECT id, key, NULL FROM attribute_keys ORDER BY id");
    while (q.step()) {
        const std::int64_t id = q.int64(0);
        if (id <= 0 || std::size_t(id) > kMaxStrings)
            continue;
        if (m_strings.size() < std::size_t(id)) {
            m_strings.resize(std::size_t(id));
            m_present.resize(std::size_t(id));
            m_owners.resize(std::size_t(id));
            m_owned.resize(std::size_t(id));
        }
        m_strings[std::size_t(id) - 1] = std::string(q.text(1));
        m_present[std::size_t(id) - 1] = true;
        if (!q.isNull(2)) {
            const std::int64_t owner = q.int64(2);
            m_owners[std::size_t(id) - 1] = owner;
            m_owned[std::size_t(id) - 1] = true;
            const std::string& shared = m_strings[std::size_t(id) - 1];
            if (!shared.empty() && shared[0] == '\x01')
                ++m_distinctSets[std::uint64_t(owner)];
            else if (owner >= 0 && owner <= std::int64_t(UINT32_MAX))
                ++m_distinctValues[Id(owner)];
        }
        // The first id of a string the file holds twice keeps it, as before.
        const std::string& text = m_strings[std::size_t(id) - 1];
        if (const std::uint64_t h = hash(text); !lookup(text, h))
            index(h, Id(id));
        if (m_strings[std::size_t(id) - 1].size() > 1 &&
            m_strings[std::size_t(id) - 1][0] == payload::kPresetMarker)
            m_presetId = Id(id);
        if (text.size() > 1 && text[0] == payload::kShapeMarker)
            ++m_shapes;
    }
}

KeyDictionary::Id KeyDictionary::lookup(std::string_view s, std::uint64_t h) const
{
    if (m_slots.empty())
        return 0;
    const std::size_t mask = m_slots.size() - 1;
    const auto tag = std::uint32_t(h >> 32);
    for (std::size_t i = std::size_t(h) & mask;; i = (i + 1) & mask) {
        const Slot& slot = m_slots[i];
        if (slot.id == 0)
            return 0;
        if (slot.hash == tag && slot.size == s.size() && same(m_bytes.data() + slot.at, s))
            return slot.id;
    }
}

void KeyDictionary::index(std::uint64_t h, Id id)
{
    const std::string& text = m_strings[id - 1];
    // No lookup asks for a string this long (keys, values, sets and presets are bounded above): a file's
    // outsized rows stay out of the index, which then never exceeds its 32-bit offsets.
    if (text.size() > kMaxIndexed || m_bytes.size() + text.size() > UINT32_MAX)
        return;
    if ((m_indexed + 1) * 2 > m_slots.size()) {
        // Grow: every string is filed again under its (recomputed) hash.
        std::vector<Slot> old(std::max<std::size_t>(1024, m_slots.size() * 2));
        old.swap(m_slots);
        const std::size_t mask = m_slots.size() - 1;
        for (const Slot& slot : old) {
            if (slot.id == 0)
                continue;
            std::size_t i = std::size_t(hash(std::string_view(m_bytes).substr(slot.at, slot.size))) & mask;
            while (m_slots[i].id != 0)
                i = (i + 1) & mask;
            m_slots[i] = slot;
        }
    }
    const std::size_t mask = m_slots.size() - 1;
    std::size_t i = std::size_t(h) & mask;
    while (m_slots[i].id != 0)
        i = (i + 1) & mask;
    m_slots[i] = Slot{std::uint32_t(h >> 32), id, std::uint32_t(m_bytes.size()), std::uint32_t(text.size())};
    m_bytes.append(text);
    ++m_indexed;
}

KeyDictionary::Id KeyDictionary::add(std::string_view text, std::uint64_t textHash,
                                     std::optional<std::int64_t> owner)
{
    if (m_strings.size() >= kMaxStrings)
        return 0;
    m_strings.emplace_back(text);
    m_present.push_back(true);
    m_owners.push_back(owner.value_or(0));
    m_owned.push_back(owner.has_value());
    const Id id = Id(m_strings.size());
    // A string already filed keeps its older id in the index (only a preset can be added twice).
    if (!lookup(text, textHash))
        index(textHash, id);
    return id;
}

KeyDictionary::Id KeyDictionary::keyId(std::string_view key, std::uint64_t keyHash)
{
    if (key.size() > kMaxKey)
        return 0;
    if (const Id id = lookup(key, keyHash))
        return id;
    return add(key, keyHash);
}

KeyDictionary::Id KeyDictionary::valueId(Id context, std::string_view value)
{
    if (value.size() < kMinSharedValue || value.size() > kMaxSharedValue)
        return 0;
    const std::uint64_t h = hash(value);
    if (const Id id = lookup(value, h))
        return id;
    std::uint32_t& distinct = m_distinctValues[context];
    if (distinct >= kMaxValuesPerKey)
        return 0;
    ++distinct;
    return add(value, h, std::int64_t(context));
}

KeyDictionary::Id KeyDictionary::setId(std::uint64_t shape, std::string_view blob)
{
    if (blob.size() < kMinSharedSet || blob.size() > kMaxSharedSet)
        return 0;
    const std::uint64_t h = hash(blob);
    if (const Id id = lookup(blob, h))
        return id;
    std::uint32_t& distinct = m_distinctSets[shape];
    if (distinct >= kMaxSetsPerShape)
        return 0;
    ++distinct;
    return add(blob, h, std::int64_t(shape)); // the shape's bits as a signed integer, as SQLite stores it
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
    m_presetId = add(preset, hash(preset));
    std::string().swap(m_learnt);
}

KeyDictionary::Id KeyDictionary::shapeId(std::string_view markedShape)
{
    if (markedShape.size() > kMaxShape)
        return 0;
    const std::uint64_t h = hash(markedShape);
    if (const Id id = lookup(markedShape, h))
        return id;
    if (m_shapes >= kMaxShapes)
        return 0;
    if (m_shapesSeen.insert(h).second) {
        if (m_shapesSeen.size() > kMaxShapesSeen)
            m_shapesSeen.clear(); // lists that never repeat: start counting again
        return 0;
    }
    m_shapesSeen.erase(h);
    ++m_shapes;
    return add(markedShape, h);
}

const std::string* KeyDictionary::find(Id id) const
{
    return id >= 1 && id <= m_strings.size() && m_present[id - 1] ? &m_strings[id - 1] : nullptr;
}

std::optional<std::int64_t> KeyDictionary::owner(Id id) const
{
    if (id >= 1 && id <= m_owned.size() && m_owned[id - 1])
        return m_owners[id - 1];
    return std::nullopt;
}

const std::string& KeyDictionary::text(Id id) const
{
    return id >= 1 && id <= m_strings.size() ? m_strings[id - 1] : kEmpty;
}

} // namespace seam
