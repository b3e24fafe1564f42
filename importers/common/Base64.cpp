#include "Base64.h"

#include <algorithm>
#include <array>
#include <cstdint>

namespace seam {
namespace {

constexpr auto kTable = [] {
    std::array<signed char, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 26; ++i) {
        t[std::size_t('A' + i)] = static_cast<signed char>(i);
        t[std::size_t('a' + i)] = static_cast<signed char>(26 + i);
    }
    for (int i = 0; i < 10; ++i)
        t[std::size_t('0' + i)] = static_cast<signed char>(52 + i);
    t[std::size_t('+')] = t[std::size_t('-')] = 62;
    t[std::size_t('/')] = t[std::size_t('_')] = 63;
    return t;
}();

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

enum class Mode
{
    Strict,  // any foreign character fails the decode
    Lenient, // whitespace skipped, a foreign character ends the decode
};

/// False only in strict mode, on a character outside the alphabets.
bool decode(std::string_view in, std::string& out, std::size_t maxOut, Mode mode)
{
    std::uint32_t acc = 0;
    int bits = 0;
    for (const char c : in) {
        if (out.size() >= maxOut)
            break;
        if (c == '=')
            break;
        const int v = kTable[static_cast<unsigned char>(c)];
        if (v < 0) {
            if (mode == Mode::Strict)
                return false;
            if (isSpace(c))
                continue;
            break;
        }
        acc = (acc << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(char((acc >> bits) & 0xff));
        }
    }
    return true;
}

} // namespace

bool decodeBase64(std::string_view in, std::string& out)
{
    out.clear();
    out.reserve(in.size() / 4 * 3 + 3);
    return decode(in, out, std::string::npos, Mode::Strict);
}

std::string decodeBase64Prefix(std::string_view in, std::size_t maxOut)
{
    std::string out;
    out.reserve(std::min(maxOut, in.size() / 4 * 3 + 3));
    decode(in, out, maxOut, Mode::Lenient);
    return out;
}

} // namespace seam
