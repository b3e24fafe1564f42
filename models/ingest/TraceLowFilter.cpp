#include "TraceLowFilter.h"

#include <algorithm>
#include <bit>

namespace seam {
namespace {

constexpr int kHashes = 4;
// 16 bits per row the cache has when the filter is built, at least 2^24 bits (2 MiB): with k = 4 about
// 0.24% false "maybe"s at that fill, 2.4% at twice as many rows, 9% at four times (still skipping the
// look-up for 91% of new traces).
constexpr std::uint64_t kBitsPerRow = 16;
constexpr std::uint64_t kMinBits = std::uint64_t(1) << 24;

std::uint64_t mix(std::uint64_t x)
{
    // Low bits of trace ids are random in most SDKs, not all (tests and some formats count up).
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

} // namespace

TraceLowFilter::TraceLowFilter(Database& db)
    : m_rowsAfter(db.prepare("SELECT id, trace_lo FROM traces WHERE id > ?1")),
      // The first time, every row: from the index (a third of the table's bytes), in any order.
      m_all(db.prepare("SELECT trace_lo FROM traces INDEXED BY traces_by_lo")),
      m_size(db.prepare("SELECT count(*), coalesce(max(id), 0) FROM traces"))
{}

void TraceLowFilter::reset()
{
    m_bits.clear();
    m_bits.shrink_to_fit();
    m_early.clear();
    m_readUpTo = 0;
    m_stale = false;
}

void TraceLowFilter::add(std::uint64_t low)
{
    if (m_bits.empty())
        m_early.push_back(low); // reserved rows are not in the cache yet when it is first read
    else
        set(low);
}

bool TraceLowFilter::mayContain(std::uint64_t low)
{
    if (m_bits.empty()) {
        std::uint64_t rows = 0;
        if (m_size.step()) {
            rows = std::uint64_t(m_size.int64(0));
            m_readUpTo = m_size.int64(1);
        }
        m_size.reset();
        m_bits.assign(std::bit_ceil(std::max(kMinBits, rows * kBitsPerRow)) / 64, 0);
        for (const std::uint64_t early : m_early)
            set(early);
        m_early.clear();
        while (m_all.step())
            set(std::uint64_t(m_all.int64(0)));
        m_all.reset();
    } else if (m_stale) {
        readRows();
    }
    m_stale = false;
    return test(low);
}

void TraceLowFilter::readRows()
{
    m_rowsAfter.bind(1, m_readUpTo);
    while (m_rowsAfter.step()) {
        m_readUpTo = std::max(m_readUpTo, m_rowsAfter.int64(0));
        set(std::uint64_t(m_rowsAfter.int64(1)));
    }
    m_rowsAfter.reset();
}

void TraceLowFilter::set(std::uint64_t low)
{
    const std::uint64_t mask = m_bits.size() * 64 - 1;
    std::uint64_t h = mix(low);
    const std::uint64_t step = (h >> 32) | 1;
    for (int i = 0; i < kHashes; ++i, h += step)
        m_bits[(h & mask) / 64] |= std::uint64_t(1) << (h & 63);
}

bool TraceLowFilter::test(std::uint64_t low) const
{
    const std::uint64_t mask = m_bits.size() * 64 - 1;
    std::uint64_t h = mix(low);
    const std::uint64_t step = (h >> 32) | 1;
    for (int i = 0; i < kHashes; ++i, h += step)
        if (!(m_bits[(h & mask) / 64] & (std::uint64_t(1) << (h & 63))))
            return false;
    return true;
}

} // namespace seam
