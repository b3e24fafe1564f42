#pragma once

#include <cstdint>
#include <string_view>

namespace seam {

/// FNV-1a, 64-bit: stable across platforms and builds, unlike std::hash, so fingerprints written
/// into a cache file mean the same thing when another build opens it.
class Fnv1a
{
public:
    Fnv1a& add(std::string_view bytes)
    {
        for (unsigned char c : bytes) {
            m_h ^= c;
            m_h *= 1099511628211ULL;
        }
        return *this;
    }
    Fnv1a& add(std::uint64_t v)
    {
        for (int i = 0; i < 8; ++i) {
            m_h ^= (v >> (8 * i)) & 0xff;
            m_h *= 1099511628211ULL;
        }
        return *this;
    }
    std::uint64_t value() const { return m_h; }

private:
    std::uint64_t m_h = 14695981039346656037ULL;
};

} // namespace seam
