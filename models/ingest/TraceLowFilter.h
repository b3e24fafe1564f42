#pragma once

#include "Sqlite.h"

#include <cstdint>
#include <vector>

namespace seam {

/// Which low 64 bits of trace ids the cache's `traces` rows hold, as a Bloom filter (DimensionCache).
/// A trace id the writer meets for the first time is nearly always new, and asking the cache costs a
/// look-up in `traces_by_lo`, whose keys are random: a cold page on a large cache (2.8% of the writer's
/// time on the 10M-span mix). A "no" from the filter is certain, so that look-up is skipped; a "maybe"
/// (every trace the cache has, and about 0.3% of the others) is asked of the cache as before.
///
/// The filter must never miss a row, or the writer would give one trace id two rows. It is filled from
/// the cache when first asked, learns every row this writer creates (add(), as soon as the row's id is
/// given, written or only reserved), and after another connection committed (markStale()) reads the
/// rows past the highest id it has read, which is where another writer's new rows go (ids are max + 1
/// inside the write transaction). After a rollback (reset()) it starts over.
class TraceLowFilter
{
public:
    explicit TraceLowFilter(Database& db);

    /// False only when no trace row has these low bits. Reads the cache on first use and when stale.
    bool mayContain(std::uint64_t low);
    /// A row this writer created (or reserved) with these low bits.
    void add(std::uint64_t low);
    /// Another connection may have added rows since the last answer.
    void markStale() { m_stale = true; }
    /// Forget everything (a transaction rolled back: rows it created are gone, ids may be taken again).
    void reset();

private:
    void set(std::uint64_t low);
    bool test(std::uint64_t low) const;
    /// Reads the rows with an id above m_readUpTo.
    void readRows();

    Statement m_rowsAfter;
    Statement m_all;
    Statement m_size;
    std::vector<std::uint64_t> m_bits; // a power of two of bits; empty until first asked
    std::int64_t m_readUpTo = 0;       // the highest row id read from the cache
    bool m_stale = false;
    std::vector<std::uint64_t> m_early; // add()ed before the first question: set once the bits exist
};

} // namespace seam
