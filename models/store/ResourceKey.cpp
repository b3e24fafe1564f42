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

int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1; // upper case too: it would not come back the same
}

// Appends the bytes of `digits` (lower-case hex, even length); false when one is not a digit.
bool packHex(std::string_view digits, std::string& out)
{
    for (std::size_t i = 0; i + 1 < digits.size(); i += 2) {
        const int hi = nibble(digits[i]), lo = nibble(digits[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out.push_back(char(hi << 4 | lo));
    }
    return true;
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

bool packOtel(std::string_view text, std::string& out)
{
    // otel:<32>:<16>
    if (text.size() != 5 + 32 + 1 + 16 || !startsWith(text, "otel:") || text[37] != ':')
        return false;
    out.push_back(kOtel);
    return packHex(text.substr(5, 32), out) && packHex(text.substr(38, 16), out);
}

bool packDatadog(std::string_view text, std::string& out)
{
    if (text.size() != 3 + 16 || !startsWith(text, "dd:"))
        return false;
    out.push_back(kDatadog);
    return packHex(text.substr(3), out);
}

constexpr std::array<std::size_t, 5> kUuidGroups = {8, 4, 4, 4, 12};

bool packUuid(std::string_view text, std::string& out)
{
    if (text.size() != 36)
        return false;
    out.push_back(kUuid);
    std::size_t at = 0;
    for (std::size_t g = 0; g < kUuidGroups.size(); ++g) {
        if (g > 0 && text[at++] != '-')
            return false;
        if (!packHex(text.substr(at, kUuidGroups[g]), out))
            return false;
        at += kUuidGroups[g];
    }
    return true;
}

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

std::string encode(std::string_view text)
{
    std::string out;
    out.reserve(25);
    if (packOtel(text, out))
        return out;
    out.clear();
    if (packDatadog(text, out))
        return out;
    out.clear();
    if (packUuid(text, out))
        return out;
    return {};
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
