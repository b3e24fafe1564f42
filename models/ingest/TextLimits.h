#pragma once

// Small text rules of the write path: how long a stored string may get, and a URL's path for the route
// of a page load that did not name one.

#include <cstddef>
#include <string_view>

namespace seam::ingest {

constexpr std::size_t kMaxNameBytes = 512; // service and operation names are labels, not payloads

/// `s` cut to at most `max` bytes, never inside a UTF-8 sequence.
inline std::string_view clip(std::string_view s, std::size_t max)
{
    if (s.size() <= max)
        return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80)
        --n;
    return s.substr(0, n);
}

/// The path of an absolute or relative URL ("/" when it has none), without query or fragment.
inline std::string_view urlPath(std::string_view url)
{
    auto scheme = url.find("://");
    std::size_t start = 0;
    if (scheme != std::string_view::npos) {
        start = url.find('/', scheme + 3);
        if (start == std::string_view::npos)
            return "/";
    }
    auto end = url.find_first_of("?#", start);
    auto path = url.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    return path.empty() ? std::string_view("/") : path;
}

} // namespace seam::ingest
