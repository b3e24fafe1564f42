#pragma once

#include "GenerationTable.h"
#include "Ids.h"

#include <cstdint>

namespace seam {

/// Trace id -> traces.id for the traces the writer met last (DimensionCache). A GenerationTable of
/// 32-byte slots: std::unordered_map's look-ups were 2.6% of the writer's time on the 10M-span mix with
/// a million traces kept, and its nodes 27 MiB more. Holds at most kCapacity; past it, forgets
/// everything and starts again, as the map it replaces did.
class TraceRowMap
{
public:
    /// 3/4 of 2^20 slots (32 MiB): the last 786k traces.
    static constexpr std::size_t kCapacity = (std::size_t(1) << 20) / 4 * 3;

    /// The row of `id`, 0 when not kept.
    std::int64_t find(const TraceId& id) const
    {
        const std::int64_t* row = m_table.find(id);
        return row ? *row : 0;
    }

    /// Keeps `row` (not 0) for `id`, replacing what it had; when full, forgets everything first.
    void insert(const TraceId& id, std::int64_t row)
    {
        if (m_table.size() >= kCapacity)
            m_table.clear();
        *m_table.insert(id, row).first = row;
    }

    void clear() { m_table.clear(); }
    std::size_t size() const { return m_table.size(); }

private:
    struct Hash
    {
        std::size_t operator()(const TraceId& id) const
        {
            // Most ids are random, but not all (64-bit Datadog ids leave the high half 0, tests count
            // up): mixed so that every bit of both halves decides the slot.
            std::uint64_t h = (id.low64() * 0x9e3779b97f4a7c15ULL) ^ id.high64();
            h ^= h >> 29;
            h *= 0xbf58476d1ce4e5b9ULL;
            return std::size_t(h ^ (h >> 32));
        }
    };
    GenerationTable<TraceId, std::int64_t, Hash, 75> m_table; // at most 3/4 full
};

} // namespace seam
