#include "ResourceKey.h"

#include <array>
#include <cstring>
#include <sqlite3.h>

namespace seam::resource_key {
namespace {

enum Tag : char
{
    kOtelV11 = 1,
    kDatadog = 2,
    kUuid = 3,
    kTraceRow = 4
};

constexpr char kHex[] = "0123456789abcdef";

// Lower-case hex digit -> value, anything else (upper case too: it would not come back the same) -> 16.
constexpr std::array<unsigned char, 256> kNibble = [] {
    std::array<unsigned char, 256> t{};
    for (auto& v : t)
        v = 16;
    for (int i = 0; i < 10; ++i)
        t[std::size_t('0' + i)] = static_cast<unsigned char>(i);
    for (int i = 0; i < 6; ++i)
        t[std::size_t('a' + i)] = static_cast<unsigned char>(10 + i);
    return t;
}();

// Writes the bytes of `digits` (lower-case hex, even length) at `out`; false when one is not a digit.
// The writer packs every resource key it writes: no allocation, one table look-up a digit.
bool packHex(const char* digits, std::size_t count, char* out)
{
    unsigned bad = 0;
    for (std::size_t i = 0; i + 1 < count; i += 2) {
        const unsigned hi = kNibble[static_cast<unsigned char>(digits[i])];
        const unsigned lo = kNibble[static_cast<unsigned char>(digits[i + 1])];
        bad |= (hi | lo) & 16;
        *out++ = char(hi << 4 | (lo & 15));
    }
    return bad == 0;
}

void unpackHex(std::string_view bytes, std::string& out)
{
    for (const char b : bytes) {
        out.push_back(kHex[(static_cast<unsigned char>(b) >> 4) & 0xf]);
        out.push_back(kHex[static_cast<unsigned char>(b) & 0xf]);
    }
}

bool startsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

constexpr std::array<std::size_t, 5> kUuidGroups = {8, 4, 4, 4, 12};

std::string_view bytesOf(sqlite3_value* v)
{
    const void* data = sqlite3_value_blob(v);
    const int size = sqlite3_value_bytes(v);
    return data ? std::string_view(static_cast<const char*>(data), std::size_t(size)) : std::string_view();
}

std::string_view textOf(sqlite3_value* v)
{
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(v));
    return std::string_view(text ? text : "", std::size_t(sqlite3_value_bytes(v)));
}

Lookups& lookupsOf(sqlite3_context* ctx)
{
    return *static_cast<Lookups*>(sqlite3_user_data(ctx));
}

void keyText(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_BLOB: {
        const std::string text =
            decode(bytesOf(argv[0]), [ctx](std::int64_t row) { return lookupsOf(ctx).traceOfRow(row); });
        sqlite3_result_text(ctx, text.data(), int(text.size()), SQLITE_TRANSIENT);
        return;
    }
    case SQLITE_NULL:
        sqlite3_result_null(ctx);
        return;
    default: // a text key (any cache) or anything else: as it is
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
}

void keyStored(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_NULL:
    case SQLITE_BLOB:
        sqlite3_result_value(ctx, argv[0]);
        return;
    default: {
        const std::string_view text = textOf(argv[0]);
        char packed[kMaxPacked];
        std::size_t size = 0;
        if (const auto otel = parseOtel(text)) {
            if (const std::int64_t row = lookupsOf(ctx).rowOfTrace(otel->trace))
                size = packTraceRow(row, otel->span, packed);
        } else {
            size = packStandalone(text, packed);
        }
        if (size == 0)
            sqlite3_result_value(ctx, argv[0]); // no packed form (or no such trace): the text
        else
            sqlite3_result_blob(ctx, packed, int(size), SQLITE_TRANSIENT);
        return;
    }
    }
}

void keyTrace(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    const std::int64_t row = sqlite3_value_type(argv[0]) == SQLITE_BLOB ? traceRowOf(bytesOf(argv[0])) : 0;
    if (row)
        sqlite3_result_int64(ctx, row);
    else
        sqlite3_result_null(ctx);
}

// Reads one column of one row of a prepared lookup and resets it for the next call.
template<typename Read> auto stepOnce(sqlite3_stmt* st, Read read) -> decltype(read(st))
{
    decltype(read(st)) value{};
    if (sqlite3_step(st) == SQLITE_ROW)
        value = read(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return value;
}

} // namespace

std::optional<OtelKey> parseOtel(std::string_view text)
{
    // otel:<32>:<16>
    if (text.size() != 5 + 32 + 1 + 16 || !startsWith(text, "otel:") || text[37] != ':')
        return std::nullopt;
    char bytes[24];
    if (!packHex(text.data() + 5, 32, bytes) || !packHex(text.data() + 38, 16, bytes + 16))
        return std::nullopt;
    OtelKey key;
    std::memcpy(key.trace.bytes.data(), bytes, 16);
    key.span = bigEndian64(std::string_view(bytes + 16, 8));
    return key;
}

std::size_t packTraceRow(std::int64_t traceRow, SpanId span, char* out)
{
    out[0] = kTraceRow;
    for (int i = 0; i < 8; ++i) {
        out[1 + i] = char(std::uint64_t(traceRow) >> (56 - 8 * i));
        out[9 + i] = char(span >> (56 - 8 * i));
    }
    return 17;
}

std::size_t packStandalone(std::string_view text, char* out)
{
    const char* t = text.data();
    if (text.size() == 3 + 16 && startsWith(text, "dd:")) {
        out[0] = kDatadog;
        return packHex(t + 3, 16, out + 1) ? 9 : 0;
    }
    if (text.size() == 36) {
        out[0] = kUuid;
        std::size_t at = 0, written = 1;
        for (std::size_t g = 0; g < kUuidGroups.size(); ++g) {
            if (g > 0 && t[at++] != '-')
                return 0;
            if (!packHex(t + at, kUuidGroups[g], out + written))
                return 0;
            at += kUuidGroups[g];
            written += kUuidGroups[g] / 2;
        }
        return written;
    }
    return 0;
}

std::int64_t traceRowOf(std::string_view stored)
{
    if (stored.size() != 17 || stored[0] != kTraceRow)
        return 0;
    return std::int64_t(bigEndian64(stored.substr(1, 8)));
}

std::uint64_t bigEndian64(std::string_view eightBytes)
{
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8 && i < eightBytes.size(); ++i)
        v = v << 8 | static_cast<unsigned char>(eightBytes[i]);
    return v;
}

std::string otelText(const TraceId& trace, SpanId span)
{
    std::string out = "otel:";
    out.reserve(54);
    unpackHex(std::string_view(reinterpret_cast<const char*>(trace.bytes.data()), 16), out);
    out.push_back(':');
    char spanBytes[8];
    for (int i = 0; i < 8; ++i)
        spanBytes[i] = char(span >> (56 - 8 * i));
    unpackHex(std::string_view(spanBytes, 8), out);
    return out;
}

std::string decodeStandalone(std::string_view stored)
{
    if (stored.empty())
        return {};
    const std::string_view data = stored.substr(1);
    std::string out;
    switch (stored[0]) {
    case kOtelV11:
        if (data.size() != 24)
            break;
        out = "otel:";
        unpackHex(data.substr(0, 16), out);
        out.push_back(':');
        unpackHex(data.substr(16), out);
        return out;
    case kDatadog:
        if (data.size() != 8)
            break;
        out = "dd:";
        unpackHex(data, out);
        return out;
    case kUuid: {
        if (data.size() != 16)
            break;
        std::size_t at = 0;
        for (std::size_t g = 0; g < kUuidGroups.size(); ++g) {
            if (g > 0)
                out.push_back('-');
            unpackHex(data.substr(at, kUuidGroups[g] / 2), out);
            at += kUuidGroups[g] / 2;
        }
        return out;
    }
    default:
        break;
    }
    // Not a form this build writes (a damaged value): the bytes as they are rather than nothing.
    return std::string(stored);
}

Lookups::~Lookups()
{
    sqlite3_finalize(m_byRow);
    sqlite3_finalize(m_byId);
}

std::optional<TraceId> Lookups::traceOfRow(std::int64_t row)
{
    if (!m_byRow && sqlite3_prepare_v3(m_db, "SELECT trace_id FROM traces WHERE id = ?1", -1,
                                       SQLITE_PREPARE_PERSISTENT, &m_byRow, nullptr) != SQLITE_OK) {
        sqlite3_finalize(m_byRow);
        m_byRow = nullptr;
        return std::nullopt;
    }
    sqlite3_bind_int64(m_byRow, 1, row);
    return stepOnce(m_byRow, [](sqlite3_stmt* st) -> std::optional<TraceId> {
        const void* data = sqlite3_column_blob(st, 0);
        return data ? TraceId::fromBytes(std::string_view(static_cast<const char*>(data),
                                                          std::size_t(sqlite3_column_bytes(st, 0))))
                    : std::nullopt;
    });
}

std::int64_t Lookups::rowOfTrace(const TraceId& id)
{
    const auto readRow = [](sqlite3_stmt* st) { return std::int64_t(sqlite3_column_int64(st, 0)); };
    if (!m_byId && sqlite3_prepare_v3(m_db, "SELECT id FROM traces WHERE trace_lo = ?1 AND trace_id = ?2", -1,
                                      SQLITE_PREPARE_PERSISTENT, &m_byId, nullptr) != SQLITE_OK) {
        sqlite3_finalize(m_byId);
        m_byId = nullptr;
        // A cache before v14 has no trace_lo (its trace_id was UNIQUE, so indexed): asked once, not
        // kept, so that the statement above is tried again once the schema has it.
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT id FROM traces WHERE trace_id = ?2", -1, &st, nullptr) !=
            SQLITE_OK) {
            sqlite3_finalize(st);
            return 0;
        }
        sqlite3_bind_blob(st, 2, id.bytes.data(), 16, SQLITE_STATIC);
        const std::int64_t row = stepOnce(st, readRow);
        sqlite3_finalize(st);
        return row;
    }
    sqlite3_bind_int64(m_byId, 1, sqlite3_int64(id.low64())); // as stored: signed reinterpretation
    sqlite3_bind_blob(m_byId, 2, id.bytes.data(), 16, SQLITE_STATIC);
    return stepOnce(m_byId, readRow);
}

std::unique_ptr<Lookups> registerSqlFunctions(sqlite3* db)
{
    auto lookups = std::make_unique<Lookups>(db);
    // Not SQLITE_DETERMINISTIC: the OTLP form reads the traces table, which a later statement may
    // have grown.
    const int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS;
    sqlite3_create_function_v2(db, "resource_key_text", 1, flags, lookups.get(), &keyText, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "resource_key", 1, flags, lookups.get(), &keyStored, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "resource_key_trace", 1,
                               SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, &keyTrace,
                               nullptr, nullptr, nullptr);
    return lookups;
}

} // namespace seam::resource_key
