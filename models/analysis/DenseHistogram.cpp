#include "DenseHistogram.h"

#include "LatencyHistogram.h"

#include <algorithm>

namespace seam {
void DenseHistogram::clear()
{
    if (m_high >= m_low)
        std::fill(m_counts.begin() + m_low, m_counts.begin() + m_high + 1, 0);
    m_total = 0;
    m_low = kBuckets;
    m_high = -1;
}

bool DenseHistogram::addEncoded(std::string_view bytes)
{
    std::uint64_t bucket = 0;
    while (!bytes.empty()) {
        std::uint64_t delta = 0, count = 0;
        if (!readHistogramVarint(bytes, delta) || !readHistogramVarint(bytes, count) ||
            bucket + delta >= kBuckets)
            return false;
        bucket += delta;
        m_counts[bucket] += count;
        m_total += count;
        m_low = std::min(m_low, int(bucket));
        m_high = std::max(m_high, int(bucket));
    }
    return true;
}

void DenseHistogram::add(const DenseHistogram& other)
{
    for (int b = other.m_low; b <= other.m_high; ++b)
        m_counts[size_t(b)] += other.m_counts[size_t(b)];
    m_total += other.m_total;
    if (other.m_total) {
        m_low = std::min(m_low, other.m_low);
        m_high = std::max(m_high, other.m_high);
    }
}

std::int64_t DenseHistogram::valueAtRank(std::uint64_t rank) const
{
    if (m_total == 0)
        return 0;
    rank = std::clamp<std::uint64_t>(rank, 1, m_total);
    std::uint64_t seen = 0;
    for (int b = m_low; b <= m_high; ++b) {
        seen += m_counts[size_t(b)];
        if (seen >= rank)
            return LatencyHistogram::bucketValue(b);
    }
    return LatencyHistogram::bucketValue(m_high);
}

std::int64_t DenseHistogram::quantile(double q) const
{
    if (m_total == 0)
        return 0;
    q = std::clamp(q, 0.0, 1.0);
    return valueAtRank(std::uint64_t(q * double(m_total) + 0.5));
}

std::uint64_t DenseHistogram::countAbove(std::int64_t ns) const
{
    std::uint64_t n = 0;
    for (int b = m_high; b >= m_low; --b) {
        if (LatencyHistogram::bucketValue(b) <= ns)
            break;
        n += m_counts[size_t(b)];
    }
    return n;
}

std::vector<std::pair<std::uint16_t, std::uint32_t>> DenseHistogram::entries() const
{
    std::vector<std::pair<std::uint16_t, std::uint32_t>> out;
    for (int b = m_low; b <= m_high; ++b)
        if (m_counts[size_t(b)])
            out.emplace_back(std::uint16_t(b),
                             std::uint32_t(std::min<std::uint64_t>(m_counts[size_t(b)], UINT32_MAX)));
    return out;
}

} // namespace seam
