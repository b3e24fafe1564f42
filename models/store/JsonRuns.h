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

} // namespace seam::json
