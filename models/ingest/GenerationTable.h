#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace seam {

/// The writer's hash tables for what it looks up per record (SpanKeySet, TraceRowMap): open addressing
/// with linear probing in one array, so a look-up is one cache miss and an insert allocates nothing
/// (std::unordered_map takes a node per entry: the bucket array, then the node), and clear() is O(1):
/// a slot counts only when it carries the current generation. Grows by doubling once more than
/// `MaxLoadPercent` of the slots are taken; never shrinks.
template<class Key, class Value, class Hash, unsigned MaxLoadPercent> class GenerationTable
{
public:
    /// The value kept for `key`, nullptr when none.
    const Value* find(const Key& key) const
    {
        if (m_slots.empty())
            return nullptr;
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = Hash{}(key)&mask;; i = (i + 1) & mask) {
            const Slot& slot = m_slots[i];
            if (slot.generation != m_generation)
                return nullptr;
            if (slot.key == key)
                return &slot.value;
        }
    }

    /// Keeps `value` for `key` unless the key is there already. Returns the kept value and whether it
    /// was inserted now.
    std::pair<Value*, bool> insert(const Key& key, const Value& value)
    {
        if ((m_size + 1) * 100 > m_slots.size() * MaxLoadPercent)
            grow();
        const std::size_t mask = m_slots.size() - 1;
        for (std::size_t i = Hash{}(key)&mask;; i = (i + 1) & mask) {
            Slot& slot = m_slots[i];
            if (slot.generation != m_generation) {
                slot = Slot{key, value, m_generation};
                ++m_size;
                return {&slot.value, true};
            }
            if (slot.key == key)
                return {&slot.value, false};
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
        Key key{};
        [[no_unique_address]] Value value{};
        std::uint32_t generation = 0; // 0: never used
    };

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
                insert(slot.key, slot.value);
    }

    std::vector<Slot> m_slots; // size a power of two
    std::size_t m_size = 0;
    std::uint32_t m_generation = 1;
};

} // namespace seam
