#pragma once

#include <cstdint>
#include <vector>

namespace seam {

/// A set of (trace row, span id) pairs, emptied once per write group: which spans of fresh traces the
/// group has written (SpanWriter). Open addressing with linear probing in one array, and clear() in O(1)
/// (a slot counts only when it carries the current generation), so neither insert nor clear allocates:
/// std::unordered_set took a node per span and freed them all at each group, 4% of the writer's time
/// on the 1M-span demo mix.
class SpanKeySet
{
public:
    /// True when the pair was not in the set (and is now).
    bool insert(std::int64_t trace, std::uint64_t span)
    {
        if ((m_size + 1) * 2 > m_slots.size())
            grow();
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = hash(trace, span) & mask;; i = (i + 1) & mask) {
            Slot& slot = m_slots[i];
            if (slot.generation != m_generation) {
                slot = Slot{trace, span, m_generation};
                ++m_size;
                return true;
            }
            if (slot.trace == trace && slot.span == span)
                return false;
        }
    }

    void clear()
    {
        m_size = 0;
        if (++m_generation == 0) { // wrapped: every slot's generation is stale but one might match
            for (Slot& slot : m_slots)
                slot.generation = 0;
            m_generation = 1;
        }
    }

    std::size_t size() const { return m_size; }

private:
    struct Slot
    {
        std::int64_t trace = 0;
        std::uint64_t span = 0;
        std::uint32_t generation = 0; // 0: never used
    };

    static std::size_t hash(std::int64_t trace, std::uint64_t span)
    {
        // Span ids are random; trace rows count up. Mixed so that neither alone decides the slot.
        std::uint64_t h = (std::uint64_t(trace) * 0x9e3779b97f4a7c15ULL) ^ span;
        h ^= h >> 29;
        h *= 0xbf58476d1ce4e5b9ULL;
        return std::size_t(h ^ (h >> 32));
    }

    void grow()
    {
        std::vector<Slot> old;
        old.swap(m_slots);
        m_slots.assign(old.empty() ? 1024 : old.size() * 2, Slot{});
        const std::uint32_t current = m_generation;
        m_size = 0;
        m_generation = 1;
        for (const Slot& slot : old)
            if (slot.generation == current)
                insert(slot.trace, slot.span);
    }

    std::vector<Slot> m_slots; // size a power of two, at most half full
    std::size_t m_size = 0;
    std::uint32_t m_generation = 1;
};

} // namespace seam
