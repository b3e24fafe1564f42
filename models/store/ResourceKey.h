#pragma once

#include "Ids.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace seam::resource_key {

/// The form `resources.key` is stored in: an importer's key text, packed when it has a packed form. A
/// packed key is a `BLOB` of one tag byte, then:
///
///   0x04  the trace's `traces.id` (8 bytes, big-endian), the span id (8 bytes): `otel:<trace hex>:<span
///         hex>` (schema v16). Row ids are given in arrival order, so a transaction's new keys sort
///         after the ones before it and append to the UNIQUE index instead of landing all over it: with
///         the random trace id first (0x01), each of a 10M-span import's ~300 transactions rewrote most
///         of that index's pages (80 page writes per page it ended with, 29% of what the import wrote).
///   0x02  8 bytes: `dd:<16 hex>` (the Datadog reader's keys for resources without an id)
///   0x03  16 bytes: a UUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (Datadog's resource ids)
///   0x01  16-byte trace id, 8-byte span id: the OTLP form of schemas v11-v15, which v16 rewrote as 0x04;
///         still read.
///
/// Any other key (Faro, HAR, tests' names) stays `TEXT`: a text value and a blob never compare equal, so
/// the two cannot collide, and `key = 'har:...'` keeps working. Hex digits are lower-case in the packed
/// forms; a key with an upper-case digit stays text, so that every key comes back exactly. A 0x04 key
/// needs its trace's row: the writer creates it (with no spans) when the trace is new, and trace rows
/// are never deleted, so the key always reads back.
///
/// The longest packed form this build writes.
constexpr std::size_t kMaxPacked = 17;

/// The parts of an OTLP key `otel:<32 lower-case hex>:<16 lower-case hex>`.
struct OtelKey
{
    TraceId trace;
    SpanId span = 0;
};
std::optional<OtelKey> parseOtel(std::string_view text);
/// Writes the 0x04 form at `out` (kMaxPacked bytes); returns its size.
std::size_t packTraceRow(std::int64_t traceRow, SpanId span, char* out);
/// Writes the packed form of a key that packs without the cache (Datadog's two forms) at `out`, or
/// returns 0: an OTLP key (use parseOtel() and packTraceRow()) or a key without one (store the text).
/// What the writer calls for every resource: no allocation.
std::size_t packStandalone(std::string_view text, char* out);
/// The traces.id a 0x04 key names, 0 for any other value.
std::int64_t traceRowOf(std::string_view stored);
/// decode() for the forms that need no trace row (0x01, 0x02, 0x03).
std::string decodeStandalone(std::string_view stored);
std::string otelText(const TraceId& trace, SpanId span);
std::uint64_t bigEndian64(std::string_view eightBytes);
/// The key text of a packed value; a 0x04 key's trace comes from `traceOfRow` (the traces table).
/// A value this build cannot read (damaged, or its trace row missing) comes back as its bytes.
template<typename TraceOfRow> std::string decode(std::string_view stored, TraceOfRow&& traceOfRow)
{
    if (const std::int64_t row = traceRowOf(stored))
        if (const std::optional<TraceId> trace = traceOfRow(row))
            return otelText(*trace, SpanId(bigEndian64(stored.substr(9))));
    return decodeStandalone(stored);
}

/// The SQL functions of the stored form (docs/SCHEMA.md), on one connection:
///   resource_key_text(key)  the key as the importer wrote it (a text key as it is)
///   resource_key(text)      the stored form of a key text, for `WHERE key = resource_key('otel:...')`:
///                           a BLOB when it packs, else the text (a BLOB given is returned as it is:
///                           converting twice changes nothing; an OTLP key whose trace the cache does not
///                           hold stays text, and so finds nothing)
///   resource_key_trace(key) the traces.id an OTLP key names (NULL for other keys)
/// The OTLP form reads the traces table through two statements prepared once; the connection's owner
/// keeps the returned object, and destroys it before closing the connection.
class Lookups
{
public:
    explicit Lookups(sqlite3* db) : m_db(db) {}
    ~Lookups();
    Lookups(const Lookups&) = delete;
    Lookups& operator=(const Lookups&) = delete;

    /// The trace id of a traces row, if there is one.
    std::optional<TraceId> traceOfRow(std::int64_t row);
    /// The traces row of a trace id, 0 when the cache has none.
    std::int64_t rowOfTrace(const TraceId& id);

private:
    sqlite3* m_db;
    sqlite3_stmt* m_byRow = nullptr;
    sqlite3_stmt* m_byId = nullptr;
};
std::unique_ptr<Lookups> registerSqlFunctions(sqlite3* db);

} // namespace seam::resource_key
