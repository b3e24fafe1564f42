#include "SpanPayloads.h"

#include "KeyDictionary.h"
#include "PayloadCodec.h"
#include "PayloadFormat.h"
#include "Sqlite.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

namespace seam {
namespace {

void sortUnique(std::vector<std::uint32_t>& ids)
{
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

EncodedPayload encodeOne(const SpanRecord& s, KeyDictionary& dictionary, std::vector<std::uint32_t>& used)
{
    EncodedPayload e;
    auto lock = dictionary.lock();
    e.attributes = payload::encode(s.attributesJson, dictionary, used);
    e.events = payload::encode(s.eventsJson, dictionary, used);
    e.links = payload::encode(s.linksJson, dictionary, used);
    e.scope = s.scope.empty() ? 0 : dictionary.keyId(s.scope);
    if (e.scope)
        used.push_back(e.scope);
    e.done = true;
    return e;
}

void listKeys(std::vector<std::uint32_t>& used, KeyDictionary& dictionary,
              std::vector<std::pair<std::uint32_t, std::string>>& keys)
{
    sortUnique(used);
    auto lock = dictionary.lock();
    keys.reserve(keys.size() + used.size());
    for (const std::uint32_t id : used)
        keys.emplace_back(id, dictionary.text(id));
}

} // namespace

void encodeSpanPayloads(RecordBatch& batch, KeyDictionary& dictionary)
{
    std::vector<std::uint32_t> used;     // one span's ids
    std::vector<std::uint32_t> distinct; // the batch's
    // By id; bytes, not std::vector<bool>: a batch of OTLP spans brings ~25 ids a span, nearly all seen.
    std::vector<std::uint8_t> seen(4096);
    auto note = [&](std::uint32_t id) {
        if (id >= seen.size()) [[unlikely]]
            seen.resize(std::max<std::size_t>(id + 1, seen.size() * 2));
        if (!seen[id]) {
            seen[id] = 1;
            distinct.push_back(id);
        }
    };
    // Spans the importer encoded: their ids came with the batch.
    for (const std::uint32_t id : batch.encodedKeyIds)
        note(id);
    std::vector<std::uint32_t>().swap(batch.encodedKeyIds);
    for (SpanRecord& s : batch.spans) {
        if (s.encoded.done)
            continue;
        // One lock per span, not per batch: importers of the same cache encode side by side.
        used.clear();
        s.encoded = encodeOne(s, dictionary, used);
        std::string().swap(s.attributesJson);
        std::string().swap(s.eventsJson);
        std::string().swap(s.linksJson);
        for (const std::uint32_t id : used)
            note(id);
    }
    if (!distinct.empty())
        listKeys(distinct, dictionary, batch.payloadKeys);
}

SpanPayloadKeys::SpanPayloadKeys(Database& db)
    : m_db(db), m_dictionary(KeyDictionary::forCache(db.path(), db)),
      m_insert(std::make_unique<Statement>(db.prepare(
          "INSERT INTO attribute_keys(id, key, owner) VALUES (?1, ?2, ?3) ON CONFLICT(id) DO NOTHING"))),
      m_select(std::make_unique<Statement>(db.prepare("SELECT key FROM attribute_keys WHERE id = ?1")))
{}

SpanPayloadKeys::~SpanPayloadKeys() = default;

bool SpanPayloadKeys::writeKeys(const std::vector<std::pair<std::uint32_t, std::string>>& keys)
{
    // What each new string was shared under (the dictionary's budgets, restored from it next time).
    m_owners.clear();
    {
        auto lock = m_dictionary->lock();
        for (const auto& entry : keys)
            if (!m_confirmed.count(entry.first))
                m_owners.push_back(m_dictionary->owner(entry.first));
    }
    std::size_t next = 0;
    for (const auto& [id, key] : keys) {
        if (m_confirmed.count(id))
            continue;
        const std::optional<std::int64_t> owner = m_owners[next++];
        if (owner)
            m_insert->bind(3, *owner);
        else
            m_insert->bindNull(3);
        m_insert->bind(1, id);
        if (payload::isBinaryDictionaryString(key))
            m_insert->bindBlob(2, key.data(), int(key.size()));
        else
            m_insert->bindText(2, key);
        m_insert->run();
        if (m_db.changes() == 0) {
            m_select->bind(1, id);
            const bool same = m_select->step() && m_select->text(0) == key;
            m_select->reset();
            if (!same)
                return false;
        }
        m_confirmed.insert(id);
    }
    return true;
}

std::optional<std::vector<EncodedPayload>> SpanPayloadKeys::prepare(const RecordBatch& batch)
{
    const bool allEncoded = std::all_of(batch.spans.begin(), batch.spans.end(),
                                        [](const SpanRecord& s) { return s.encoded.done; });
    const bool keysAgree = writeKeys(batch.payloadKeys);
    if (allEncoded && keysAgree)
        return std::nullopt;
    if (!keysAgree) {
        // The file disagrees with the dictionary the batch was encoded with: take the file's strings
        // (this transaction holds the write lock, so they stay put), then decode each payload with the
        // batch's own strings and encode it again.
        m_dictionary->reseed(m_db);
        m_confirmed.clear();
    }
    // Also the way for a batch that reached the writer without going through a producer's encoding.
    std::unordered_map<std::uint32_t, const std::string*> batchKeys;
    for (const auto& [id, key] : batch.payloadKeys)
        batchKeys.emplace(id, &key);
    const payload::Lookup lookup = [&](std::uint32_t id) -> const std::string* {
        const auto it = batchKeys.find(id);
        return it == batchKeys.end() ? nullptr : it->second;
    };
    std::vector<EncodedPayload> redone;
    redone.reserve(batch.spans.size());
    std::vector<std::uint32_t> used;
    SpanRecord json;
    for (const SpanRecord& s : batch.spans) {
        if (!s.encoded.done) {
            redone.push_back(encodeOne(s, *m_dictionary, used));
            continue;
        }
        json.attributesJson.clear();
        json.eventsJson.clear();
        json.linksJson.clear();
        std::string error;
        if (!payload::decode(s.encoded.attributes, lookup, json.attributesJson, &error) ||
            !payload::decode(s.encoded.events, lookup, json.eventsJson, &error) ||
            !payload::decode(s.encoded.links, lookup, json.linksJson, &error))
            throw std::runtime_error(error);
        const std::string* scope = s.encoded.scope ? lookup(s.encoded.scope) : nullptr;
        json.scope = scope ? *scope : std::string();
        redone.push_back(encodeOne(json, *m_dictionary, used));
    }
    std::vector<std::pair<std::uint32_t, std::string>> keys;
    listKeys(used, *m_dictionary, keys);
    if (!writeKeys(keys))
        throw std::runtime_error("the cache's attribute_keys disagree with themselves");
    return redone;
}

} // namespace seam
