#pragma once

#include "GenerationTable.h"

#include <cstdint>

namespace seam {

/// A set of (trace row, span id) pairs, emptied once per write group: which resources of fresh traces
/// the group has written (RumWriter). A GenerationTable, so neither insert nor clear allocates:
/// std::unordered_set took a node per key and freed them all at each group, 4% of the writer's time
/// on the 1M-span demo mix when spans used it (SpanWriter now drops its copies after sorting them).
class SpanKeySet
{
public:
    /// True when the pair was not in the set (and is now).
    bool insert(std::int64_t trace, std::uint64_t span)
    {
        return m_table.insert(Key{trace, span}, {}).second;
    }
    void clear() { m_table.clear(); }
    std::size_t size() const { return m_table.size(); }

private:
    struct Key
    {
        std::int64_t trace = 0;
        std::uint64_t span = 0;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct Hash
    {
        std::size_t operator()(const Key& k) const
        {
            // Span ids are random; trace rows count up. Mixed so that neither alone decides the slot.
            std::uint64_t h = (std::uint64_t(k.trace) * 0x9e3779b97f4a7c15ULL) ^ k.span;
            h ^= h >> 29;
            h *= 0xbf58476d1ce4e5b9ULL;
            return std::size_t(h ^ (h >> 32));
        }
    };
    struct None
    {};
    GenerationTable<Key, None, Hash, 50> m_table; // at most half full
};

} // namespace seam
