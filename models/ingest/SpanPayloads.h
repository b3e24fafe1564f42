#pragma once

#include "Records.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_set>
#include <vector>

namespace seam {

class Database;
class KeyDictionary;
class Statement;

/// Encodes the batch's span payloads (attributes, events, links, scope) into the cache's binary form
/// and lists the dictionary ids they use in batch.payloadKeys. Runs on the thread that submits the
/// batch (the importer's), so the writer thread only binds bytes; the JSON strings are released here.
/// Spans already encoded are left as they are.
void encodeSpanPayloads(RecordBatch& batch, KeyDictionary& dictionary);

/// The writer's side of the dictionary: inside the batch's transaction, makes the cache hold every
/// string the batch's payloads refer to, under the id the producer gave it.
class SpanPayloadKeys
{
public:
    explicit SpanPayloadKeys(Database& db);
    ~SpanPayloadKeys();

    /// Writes the batch's new dictionary rows. Returns re-encoded payloads (one per span, in order) when
    /// the file gives one of the batch's ids to another string (another process added strings since
    /// the dictionary was read); nothing when the batch's own bytes are right, the usual case.
    std::optional<std::vector<EncodedPayload>> prepare(const RecordBatch& batch);

    /// Rows written in a transaction that rolled back are gone: check every id again.
    void forget() { m_confirmed.clear(); }

private:
    bool writeKeys(const std::vector<std::pair<std::uint32_t, std::string>>& keys);

    Database& m_db;
    std::shared_ptr<KeyDictionary> m_dictionary;
    std::unique_ptr<Statement> m_insert;
    std::unique_ptr<Statement> m_select;
    std::unordered_set<std::uint32_t> m_confirmed;     // ids known to be in the file with our string
    std::vector<std::optional<std::int64_t>> m_owners; // writeKeys' working list
};

} // namespace seam
