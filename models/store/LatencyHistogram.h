#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seam {

/// A mergeable latency distribution: log-linear buckets (8 per power of two, as in HdrHistogram with
/// 3 significant bits), so any quantile is within ~6% of the truth at any scale from 1 ns to hours.
/// Rollups store one per (service, operation, 10 s bucket); charts merge them into coarser steps.
class LatencyHistogram
{
public:
    static int bucketOf(std::int64_t ns);
    /// Representative value of a bucket (midpoint of its range).
    static std::int64_t bucketValue(int bucket);

    void add(std::int64_t ns, std::uint64_t count = 1);
    void merge(const LatencyHistogram& other);
    std::uint64_t count() const { return m_total; }
    bool empty() const { return m_total == 0; }
    /// q in [0, 1]; 0 when empty.
    std::int64_t quantile(double q) const;

    /// Compact encoding: varint(bucket delta), varint(count) pairs.
    std::string encode() const;
    /// Returns false (and leaves the histogram empty) on malformed input.
    bool decode(std::string_view bytes);
    bool mergeEncoded(std::string_view bytes);

private:
    std::uint64_t& countOf(int bucket);

    // (bucket, count) in bucket order, as a std::map would hold them, but in one block: the writer adds
    // every span to its rollup cell's histogram, and a map's nodes, scattered, missed the cache at each
    // step down the tree (2% of the writer's time on 10M spans).
    std::vector<std::pair<int, std::uint64_t>> m_buckets;
    std::uint64_t m_total = 0;
};

/// Reads one unsigned LEB128 varint of the encoded histogram (LatencyHistogram::encode's format) from
/// the front of `in`; false when it is cut or longer than 64 bits. For readers that decode the
/// buckets into their own layout (analysis/DenseHistogram).
bool readHistogramVarint(std::string_view& in, std::uint64_t& v);

} // namespace seam
