#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace seam {

/// What readers remember across the sources of one stream. A live receiver reads each request on its
/// own, yet a client's requests belong together: Faro's navigations, sent in one request, decide which
/// page load the next requests' items belong to. A file import keeps the same memory for the one file.
/// Thread-safe (requests are decoded in parallel) and bounded: when full it forgets everything, which
/// costs precision, never memory.
class StreamMemory
{
public:
    using Map = std::unordered_map<std::string, std::string>;

    explicit StreamMemory(std::size_t maxEntries = 100000) : m_maxEntries(maxEntries) {}

    /// Runs f(Map&) under the lock and returns what it returns.
    template<typename F> decltype(auto) with(F&& f)
    {
        std::lock_guard lock(m_mutex);
        if (m_map.size() >= m_maxEntries)
            m_map.clear();
        return f(m_map);
    }

private:
    std::mutex m_mutex;
    Map m_map;
    const std::size_t m_maxEntries;
};

} // namespace seam
