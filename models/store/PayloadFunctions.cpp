#include "PayloadFunctions.h"

#include "PayloadCodec.h"
#include "PayloadFormat.h"

#include <sqlite3.h>
#include <string>
#include <vector>

namespace seam::payload {
namespace {

// The dictionary as this connection last read it. Ids only ever gain strings (never change), so a
// copy is stale only by missing ids, and a miss re-reads the table.
class ConnectionKeys
{
public:
    explicit ConnectionKeys(sqlite3* db) : m_db(db) {}

    const std::string* find(std::uint32_t id)
    {
        if (id < m_known.size() && m_known[id])
            return &m_strings[id];
        if (!reload())
            return nullptr;
        return id < m_known.size() && m_known[id] ? &m_strings[id] : nullptr;
    }

    Lookup lookup()
    {
        return [this](std::uint32_t id) { return find(id); };
    }

private:
    bool reload()
    {
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT id, key FROM attribute_keys", -1, &st, nullptr) != SQLITE_OK) {
            sqlite3_finalize(st);
            return false;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            const sqlite3_int64 id = sqlite3_column_int64(st, 0);
            if (id <= 0 || id > (sqlite3_int64(1) << 24))
                continue;
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(st, 1));
            const int size = sqlite3_column_bytes(st, 1);
            if (std::size_t(id) >= m_known.size()) {
                m_known.resize(std::size_t(id) + 1);
                m_strings.resize(std::size_t(id) + 1);
            }
            m_strings[std::size_t(id)].assign(text ? text : "", std::size_t(size));
            m_known[std::size_t(id)] = true;
        }
        sqlite3_finalize(st);
        return true;
    }

    sqlite3* m_db;
    std::vector<std::string> m_strings;
    std::vector<bool> m_known;
};

std::string_view bytesOf(sqlite3_value* v)
{
    const void* data = sqlite3_value_blob(v);
    const int size = sqlite3_value_bytes(v);
    return data ? std::string_view(static_cast<const char*>(data), std::size_t(size)) : std::string_view();
}

void payloadJson(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    sqlite3_value* v = argv[0];
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        sqlite3_result_null(ctx);
        return;
    case SQLITE_TEXT: // a cache before v4 (read-only, not migrated): already JSON
        sqlite3_result_value(ctx, v);
        return;
    case SQLITE_BLOB:
        break;
    default:
        sqlite3_result_error(ctx, "span payload: not a payload column", -1);
        return;
    }
    auto* keys = static_cast<ConnectionKeys*>(sqlite3_user_data(ctx));
    const std::string_view blob = bytesOf(v);
    if (blob.empty()) {
        sqlite3_result_null(ctx);
        return;
    }
    std::string json;
    std::string error;
    if (!decode(blob, keys->lookup(), json, &error)) {
        sqlite3_result_error(ctx, error.c_str(), int(error.size()));
        return;
    }
    sqlite3_result_text64(ctx, json.data(), json.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

// JSON text (older caches, or JSON the encoder kept as it was): SQLite's own json_extract, which is
// what readers used before v4, so the types agree.
void extractFromJson(sqlite3_context* ctx, std::string_view json, std::string_view key)
{
    sqlite3* db = sqlite3_context_db_handle(ctx);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT json_extract(?1, '$.\"' || ?2 || '\"')", -1, &st, nullptr) !=
        SQLITE_OK) {
        sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
        sqlite3_finalize(st);
        return;
    }
    sqlite3_bind_text64(st, 1, json.data(), json.size(), SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_text64(st, 2, key.data(), key.size(), SQLITE_STATIC, SQLITE_UTF8);
    if (sqlite3_step(st) == SQLITE_ROW)
        sqlite3_result_value(ctx, sqlite3_column_value(st, 0));
    else
        sqlite3_result_null(ctx);
    sqlite3_finalize(st);
}

void attributeOf(sqlite3_context* ctx, sqlite3_value* attributes, std::string_view key)
{
    const int type = sqlite3_value_type(attributes);
    if (type == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    const std::string_view blob = bytesOf(attributes);
    if (type == SQLITE_TEXT) {
        extractFromJson(ctx, blob, key);
        return;
    }
    if (!blob.empty() && std::uint8_t(blob[0]) == kRawJson) {
        extractFromJson(ctx, blob.substr(1), key);
        return;
    }
    auto* keys = static_cast<ConnectionKeys*>(sqlite3_user_data(ctx));
    Value value;
    std::string error;
    if (!findMember(blob, key, keys->lookup(), value, &error)) {
        sqlite3_result_error(ctx, error.c_str(), int(error.size()));
        return;
    }
    switch (value.type) {
    case Value::Type::Missing:
    case Value::Type::Null:
        sqlite3_result_null(ctx);
        break;
    case Value::Type::Integer:
        sqlite3_result_int64(ctx, value.integer);
        break;
    case Value::Type::Real:
        sqlite3_result_double(ctx, value.real);
        break;
    case Value::Type::Text:
    case Value::Type::Json:
        sqlite3_result_text64(ctx, value.text.data(), value.text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        break;
    }
}

void spanAttribute(sqlite3_context* ctx, int argc, sqlite3_value** argv)
{
    if (argc == 2) {
        attributeOf(ctx, argv[0], bytesOf(argv[1]));
        return;
    }
    // (trace, span_id, key): the span's payload, then as above.
    sqlite3* db = sqlite3_context_db_handle(ctx);
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT p.attributes FROM spans s JOIN span_payloads p ON p.id = s.payload "
                           "WHERE s.trace = ?1 AND s.span_id = ?2",
                           -1, &st, nullptr) != SQLITE_OK) {
        sqlite3_result_error(ctx, sqlite3_errmsg(db), -1);
        sqlite3_finalize(st);
        return;
    }
    sqlite3_bind_value(st, 1, argv[0]);
    sqlite3_bind_value(st, 2, argv[1]);
    if (sqlite3_step(st) == SQLITE_ROW)
        attributeOf(ctx, sqlite3_column_value(st, 0), bytesOf(argv[2]));
    else
        sqlite3_result_null(ctx);
    sqlite3_finalize(st);
}

void spanScope(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) != SQLITE_INTEGER) {
        sqlite3_result_value(ctx, argv[0]); // NULL, or the name itself before v4
        return;
    }
    auto* keys = static_cast<ConnectionKeys*>(sqlite3_user_data(ctx));
    const sqlite3_int64 id = sqlite3_value_int64(argv[0]);
    const std::string* name = id > 0 && id <= 0xffffffff ? keys->find(std::uint32_t(id)) : nullptr;
    if (!name) {
        sqlite3_result_error(ctx, "span payload: unknown scope id", -1);
        return;
    }
    sqlite3_result_text64(ctx, name->data(), name->size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void destroyKeys(void* p)
{
    delete static_cast<ConnectionKeys*>(p);
}

} // namespace

void registerSqlFunctions(sqlite3* db)
{
    // One dictionary copy per connection, owned by the first function and freed with the connection.
    auto* keys = new ConnectionKeys(db);
    // Deterministic: a payload's bytes always decode to the same text in one file (ids never change
    // meaning). Innocuous: they only read, so views may use them with trusted_schema off.
    const int pure = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function_v2(db, "span_attributes", 1, pure, keys, &payloadJson, nullptr, nullptr,
                               &destroyKeys);
    sqlite3_create_function_v2(db, "span_events", 1, pure, keys, &payloadJson, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "span_links", 1, pure, keys, &payloadJson, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "span_scope", 1, pure, keys, &spanScope, nullptr, nullptr, nullptr);
    sqlite3_create_function_v2(db, "span_attribute", 2, pure, keys, &spanAttribute, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "span_attribute", 3, SQLITE_UTF8 | SQLITE_INNOCUOUS, keys, &spanAttribute,
                               nullptr, nullptr, nullptr);
}

} // namespace seam::payload
