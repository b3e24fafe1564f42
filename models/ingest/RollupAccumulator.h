#pragma once

#include "LatencyHistogram.h"
#include "Records.h"
#include "Sqlite.h"

#include <tuple>
#include <unordered_map>

namespace seam {

/// Collects RED figures (requests, errors, latency distribution) of newly inserted spans per
/// (service, operation, bucket) during a batch and merges them into the rollups table at the end.
/// Only spans that were actually inserted are added, which keeps re-imports idempotent.
class RollupAccumulator
{
public:
    /// `entry` marks spans that count for the service as a whole (server, consumer, root spans).
    void add(std::int64_t serviceId, std::int64_t operationId, TimeNs start, TimeNs duration, bool error,
             bool entry);
    /// Upserts into `rollups`; the connection needs the seam_histogram_merge SQL function.
    void flush(Database& db);
    void clear() { m_cells.clear(); }
    /// Writes cells computed elsewhere, whole: each replaces what the cell held (see RollupRow).
    /// `insert` comes from prepareReplace().
    static Statement prepareReplace(Database& db);
    static void replace(Statement& insert, std::int64_t serviceId, std::int64_t operationId,
                        const RollupRow& row);

    /// Registers seam_histogram_merge(a, b) on a connection (used by the rollup upsert).
    static void registerFunctions(Database& db);

private:
    struct Cell
    {
        std::int64_t requests = 0, errors = 0, sum = 0, max = 0;
        LatencyHistogram histogram;
    };
    using Key = std::tuple<std::int64_t, std::int64_t, std::int64_t>; // service, operation, bucket
    struct KeyHash
    {
        std::size_t operator()(const Key& k) const noexcept
        {
            const std::uint64_t h = (std::uint64_t(std::get<0>(k)) * 0x9e3779b97f4a7c15ULL) ^
                                    (std::uint64_t(std::get<1>(k)) * 0xc2b2ae3d27d4eb4fULL) ^
                                    std::uint64_t(std::get<2>(k));
            return std::size_t(h ^ (h >> 29));
        }
    };
    void addTo(std::int64_t serviceId, std::int64_t operationId, std::int64_t bucket, TimeNs duration,
               bool error);
    // Hashed while spans come (~10 spans a cell on the demo data), sorted by key when written.
    std::unordered_map<Key, Cell, KeyHash> m_cells;
};

} // namespace seam
