#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

namespace seam::json {

/// The end of the run of bytes from `from` on that a JSON string holds as they are: the index of the
/// first '"', '\\' or control byte (< 0x20), and with `asciiOnly` also of the first byte >= 0x80, or
/// s.size(). The JSON writer (escaping) and the payload encoder (reading strings back) spend most of
/// their time in such runs, a few hundred bytes per span on the import's parse thread: eight bytes
/// are tested at a time (SWAR), then the word that holds a special byte is walked byte by byte.
inline std::size_t plainRunEnd(std::string_view s, std::size_t from, bool asciiOnly)
{
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    constexpr std::uint64_t kHighs = 0x8080808080808080ull;
    const char* p = s.data();
    const std::size_t n = s.size();
    std::size_t i = from;
    for (; i + 8 <= n; i += 8) {
        std::uint64_t v;
        std::memcpy(&v, p + i, 8);
        // Each term is nonzero exactly when some byte matches (the classic "has zero byte" / "has
        // byte less than" tests; a borrow can only mark bytes above a real match, never invent one).
        const std::uint64_t control = (v - kOnes * 0x20) & ~v & kHighs;
        const std::uint64_t q = v ^ (kOnes * '"');
        const std::uint64_t quote = (q - kOnes) & ~q & kHighs;
        const std::uint64_t b = v ^ (kOnes * '\\');
        const std::uint64_t backslash = (b - kOnes) & ~b & kHighs;
        const std::uint64_t high = asciiOnly ? (v & kHighs) : 0;
        if (control | quote | backslash | high)
            break;
    }
    for (; i < n; ++i) {
        const auto c = std::uint8_t(p[i]);
        if (c < 0x20 || c == '"' || c == '\\' || (asciiOnly && c >= 0x80))
            return i;
    }
    return n;
}

/// Length of the valid UTF-8 sequence starting at s[i], or 0 if it is not valid (overlong forms,
/// surrogates and code points above U+10FFFF included).
inline std::size_t utf8SequenceLength(std::string_view s, std::size_t i)
{
    const auto b0 = std::uint8_t(s[i]);
    std::size_t len;
    std::uint8_t lo = 0x80, hi = 0xbf; // allowed range of the second byte
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3;
        if (b0 == 0xe0)
            lo = 0xa0;
        else if (b0 == 0xed)
            hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4;
        if (b0 == 0xf0)
            lo = 0x90;
        else if (b0 == 0xf4)
            hi = 0x8f;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    const auto b1 = std::uint8_t(s[i + 1]);
    if (b1 < lo || b1 > hi)
        return 0;
    for (std::size_t k = 2; k < len; ++k) {
        const auto b = std::uint8_t(s[i + k]);
        if (b < 0x80 || b > 0xbf)
            return 0;
    }
    return len;
}

} // namespace seam::json
