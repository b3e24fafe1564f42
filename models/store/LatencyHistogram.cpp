#include "LatencyHistogram.h"

#include <algorithm>
#include <bit>

namespace seam {

int LatencyHistogram::bucketOf(std::int64_t ns)
{
    const std::uint64_t u = ns < 1 ? 1 : std::uint64_t(ns);
    const int e = 63 - std::countl_zero(u);
    if (e < 3)
        return int(u); // 1..7 exactly
    const int mantissa = int((u >> (e - 3)) & 7);
    return e * 8 + mantissa;
}

std::int64_t LatencyHistogram::bucketValue(int bucket)
{
    if (bucket < 24)
        return bucket; // values 1..7 have exact buckets; 8..23 are never produced
    const int e = bucket / 8;
    const std::uint64_t mantissa = std::uint64_t(bucket % 8);
    const std::uint64_t lo = (std::uint64_t(8) | mantissa) << (e - 3);
    const std::uint64_t width = std::uint64_t(1) << (e - 3);
    return std::int64_t(lo + width / 2);
}

std::uint64_t& LatencyHistogram::countOf(int bucket)
{
    if (m_buckets.empty() || m_buckets.back().first < bucket) // decoding and merging go up in order
        return m_buckets.emplace_back(bucket, 0).second;
    auto it = std::lower_bound(m_buckets.begin(), m_buckets.end(), bucket,
                               [](const std::pair<int, std::uint64_t>& e, int b) { return e.first < b; });
    if (it->first != bucket)
        it = m_buckets.insert(it, {bucket, 0});
    return it->second;
}

void LatencyHistogram::add(std::int64_t ns, std::uint64_t count)
{
    countOf(bucketOf(ns)) += count;
    m_total += count;
}

void LatencyHistogram::merge(const LatencyHistogram& other)
{
    for (const auto& [b, c] : other.m_buckets)
        countOf(b) += c;
    m_total += other.m_total;
}

std::int64_t LatencyHistogram::quantile(double q) const
{
    if (m_total == 0)
        return 0;
    if (q < 0)
        q = 0;
    if (q > 1)
        q = 1;
    // The rank of the q-quantile, 1-based: the smallest value with at least q * total at or below it.
    std::uint64_t rank = std::uint64_t(q * double(m_total) + 0.5);
    if (rank < 1)
        rank = 1;
    std::uint64_t seen = 0;
    for (const auto& [b, c] : m_buckets) {
        seen += c;
        if (seen >= rank)
            return bucketValue(b);
    }
    return bucketValue(m_buckets.rbegin()->first);
}

namespace {

void putVarint(std::string& out, std::uint64_t v)
{
    while (v >= 0x80) {
        out.push_back(char(v | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
}

} // namespace

bool readHistogramVarint(std::string_view& in, std::uint64_t& v)
{
    v = 0;
    for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
        const auto byte = std::uint8_t(in.front());
        in.remove_prefix(1);
        v |= std::uint64_t(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

std::string LatencyHistogram::encode() const
{
    std::string out;
    out.reserve(m_buckets.size() * 3);
    int previous = 0;
    for (const auto& [b, c] : m_buckets) {
        putVarint(out, std::uint64_t(b - previous));
        putVarint(out, c);
        previous = b;
    }
    return out;
}

bool LatencyHistogram::decode(std::string_view bytes)
{
    m_buckets.clear();
    m_total = 0;
    return mergeEncoded(bytes);
}

bool LatencyHistogram::mergeEncoded(std::string_view bytes)
{
    std::uint64_t bucket = 0;
    while (!bytes.empty()) {
        std::uint64_t delta = 0, count = 0;
        if (!readHistogramVarint(bytes, delta) || !readHistogramVarint(bytes, count) || bucket + delta > 1024)
            return false;
        bucket += delta;
        countOf(int(bucket)) += count;
        m_total += count;
    }
    return true;
}

} // namespace seam
