#include "ResourceKey.h"

#include <array>
#include <sqlite3.h>

namespace seam::resource_key {
namespace {

enum Tag : char
{
    kOtel = 1,
    kDatadog = 2,
    kUuid = 3
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

void keyText(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    switch (sqlite3_value_type(argv[0])) {
    case SQLITE_BLOB: {
        const std::string text = decode(bytesOf(argv[0])); // packed (v11)
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
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
        const std::string packed =
            encode(std::string_view(text ? text : "", std::size_t(sqlite3_value_bytes(argv[0]))));
        if (packed.empty())
            sqlite3_result_value(ctx, argv[0]); // no packed form: stored as the text
        else
            sqlite3_result_blob(ctx, packed.data(), int(packed.size()), SQLITE_TRANSIENT);
        return;
    }
    }
}

} // namespace

std::size_t pack(std::string_view text, char* out)
{
    const char* t = text.data();
    // otel:<32>:<16>
    if (text.size() == 5 + 32 + 1 + 16 && startsWith(text, "otel:") && t[37] == ':') {
        out[0] = kOtel;
        return packHex(t + 5, 32, out + 1) && packHex(t + 38, 16, out + 17) ? 25 : 0;
    }
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

std::string encode(std::string_view text)
{
    char buffer[kMaxPacked];
    return std::string(buffer, pack(text, buffer));
}

std::string decode(std::string_view stored)
{
    if (stored.empty())
        return {};
    const std::string_view data = stored.substr(1);
    std::string out;
    switch (stored[0]) {
    case kOtel:
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

void registerSqlFunctions(sqlite3* db)
{
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    sqlite3_create_function_v2(db, "resource_key_text", 1, flags, nullptr, &keyText, nullptr, nullptr,
                               nullptr);
    sqlite3_create_function_v2(db, "resource_key", 1, flags, nullptr, &keyStored, nullptr, nullptr, nullptr);
}

} // namespace seam::resource_key
