#pragma once

// Shared by the payload encoder and decoder (PayloadCodec.h describes the format).

#include <cstdint>
#include <string>
#include <string_view>

namespace seam::payload {

constexpr std::uint8_t kRawJson = 0x00;
constexpr std::uint8_t kBinary = 0x01;
constexpr std::uint8_t kSharedSet = 0x02;
constexpr std::uint8_t kCompressed = 0x03;
constexpr std::uint8_t kShaped = 0x04;
/// A list's shape in the dictionary (PayloadShape.h): this byte, then the shape.
constexpr char kShapeMarker = '\x04';

/// Whether a dictionary string is bytes (a shared attribute set, a compression preset, a list shape),
/// stored as a BLOB; keys, scopes and values are text.
inline bool isBinaryDictionaryString(std::string_view s)
{
    return !s.empty() && (s[0] == '\x01' || s[0] == '\x03' || s[0] == kShapeMarker);
}

enum class Tag : std::uint8_t
{
    Null = 0,
    False = 1,
    True = 2,
    Integer = 3,
    Delta = 4,
    Double = 5,
    Literal = 6,
    String = 7,
    Shared = 8,
    Repeat = 9,
    Hex = 10,
    Array = 11,
    Object = 12,
    SameKeys = 13,
};

inline void appendVarint(std::string& out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(char((v & 0x7f) | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

inline int varintSize(std::uint64_t v)
{
    int n = 1;
    while (v >= 0x80) {
        v >>= 7;
        ++n;
    }
    return n;
}

inline std::uint64_t zigzag(std::int64_t v)
{
    return (std::uint64_t(v) << 1) ^ std::uint64_t(v >> 63);
}

inline std::int64_t unzigzag(std::uint64_t v)
{
    return std::int64_t(v >> 1) ^ -std::int64_t(v & 1);
}

inline int hexDigit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/// The two-character escape the JSON writer uses for `c`, or "" if it has none.
inline const char* shortEscape(char c)
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    case '\b':
        return "\\b";
    case '\f':
        return "\\f";
    default:
        return "";
    }
}

/// Appends `s` quoted as importers/common/JsonWriter writes it (the inverse of the encoder's parsing).
inline void appendQuoted(std::string& out, std::string_view s)
{
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = std::uint8_t(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        out.append(s.data() + run, i - run);
        run = i + 1;
        const char* esc = shortEscape(char(c));
        if (*esc) {
            out.append(esc);
        } else {
            const char u[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xf]};
            out.append(u, sizeof u);
        }
    }
    out.append(s.data() + run, s.size() - run);
    out.push_back('"');
}

} // namespace seam::payload
