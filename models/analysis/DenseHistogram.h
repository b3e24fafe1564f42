#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace seam {

/// A scratch latency histogram over the rollups' log-linear buckets (LatencyHistogram's encoding),
/// held as a flat array: merging thousands of encoded rollup histograms per series is the hot loop of
/// anomaly detection, and a flat array merges without allocating where LatencyHistogram's map would.
class DenseHistogram
{
public:
    static constexpr int kBuckets = 1025; // LatencyHistogram::mergeEncoded accepts bucket ids <= 1024

    void clear();
    /// Adds an encoded histogram; false (and nothing added past the fault) on malformed input.
    bool addEncoded(std::string_view bytes);
    void add(const DenseHistogram& other);
    std::uint64_t total() const { return m_total; }
    /// The q-quantile in ns, with LatencyHistogram::quantile's rank rule; 0 when empty.
    std::int64_t quantile(double q) const;
    /// The value at a 1-based rank (clamped to [1, total]); 0 when empty.
    std::int64_t valueAtRank(std::uint64_t rank) const;
    /// Requests whose bucket value lies above `ns`.
    std::uint64_t countAbove(std::int64_t ns) const;
    /// The non-empty buckets, lowest first: (bucket id, count).
    std::vector<std::pair<std::uint16_t, std::uint32_t>> entries() const;

private:
    std::array<std::uint64_t, kBuckets> m_counts{};
    std::uint64_t m_total = 0;
    int m_low = kBuckets; // lowest and highest used bucket: clear() and walks touch only those
    int m_high = -1;
};

} // namespace seam
