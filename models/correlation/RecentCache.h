#pragma once

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <utility>

namespace seam {

/// What the writer used last, kept across transactions and bounded in two generations: once the newer
/// holds `generation` entries, ageIfFull() makes it the older and drops the older, so what was used
/// last stays (at most 2 x `generation` entries). Dropping everything at once instead made the
/// 10M-span mix read 395k traces again where the 1M mix read 6k.
///
/// References returned by find() and put() stay valid until the next ageIfFull(), erase() or clear()
/// (std::unordered_map keeps its nodes through a rehash), so the owner ages it only where it holds none.
template<class Key, class Value> class RecentCache
{
public:
    explicit RecentCache(std::size_t generation) : m_generation(generation) {}

    /// True when it aged (the older generation was dropped).
    bool ageIfFull()
    {
        if (m_newer.size() < m_generation)
            return false;
        m_older = std::move(m_newer);
        m_newer.clear();
        ++m_agings;
        return true;
    }

    const Value* find(const Key& key) const
    {
        if (const auto it = m_newer.find(key); it != m_newer.end())
            return &it->second;
        if (const auto it = m_older.find(key); it != m_older.end())
            return &it->second;
        return nullptr;
    }

    /// Kept in the newer generation (replacing what either held for `key`).
    const Value& put(const Key& key, Value value)
    {
        m_older.erase(key);
        return m_newer.insert_or_assign(key, std::move(value)).first->second;
    }

    void erase(const Key& key)
    {
        m_newer.erase(key);
        m_older.erase(key);
    }

    void clear()
    {
        m_newer.clear();
        m_older.clear();
    }

    std::size_t size() const { return m_newer.size() + m_older.size(); }
    std::uint64_t agings() const { return m_agings; }

private:
    std::size_t m_generation;
    std::unordered_map<Key, Value> m_newer, m_older;
    std::uint64_t m_agings = 0;
};

} // namespace seam
