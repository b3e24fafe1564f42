#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <iterator>

namespace seam::demo {

/// splitmix64: turns any seed (even 0 or consecutive integers) into well-mixed 64-bit values. Used to
/// seed the main generator and to derive independent per-session streams.
inline std::uint64_t splitMix64(std::uint64_t& state)
{
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// xoshiro256** with our own distributions. The standard <random> distributions are deliberately not
/// used: their output differs between standard libraries, and the demo data must be byte-identical for
/// a seed everywhere (tests hash it, ground truth refers to generated ids).
class DemoRandom
{
public:
    explicit DemoRandom(std::uint64_t seed)
    {
        std::uint64_t sm = seed;
        for (auto& s : m_s)
            s = splitMix64(sm);
    }

    std::uint64_t next()
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits.
    double uniform() { return double(next() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    /// Uniform integer in [lo, hi] (inclusive). The modulo bias is irrelevant for demo data.
    std::int64_t range(std::int64_t lo, std::int64_t hi)
    {
        return lo + std::int64_t(next() % std::uint64_t(hi - lo + 1));
    }
    bool chance(double p) { return uniform() < p; }

    /// Standard normal via Box-Muller (one value per call keeps the stream position predictable).
    double normal()
    {
        const double u1 = 1.0 - uniform(); // (0, 1]: log() stays finite
        const double u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }

    /// Log-normal with the given median; sigma is the spread of the underlying normal. Latencies are
    /// log-normal in practice: most requests near the median, a long tail.
    double logNormal(double median, double sigma) { return median * std::exp(sigma * normal()); }
    double logNormalClamped(double median, double sigma, double lo, double hi)
    {
        return std::clamp(logNormal(median, sigma), lo, hi);
    }

    /// Index drawn with probability proportional to the weights.
    template<typename Weights> std::size_t weighted(const Weights& weights)
    {
        double total = 0;
        for (double w : weights)
            total += w;
        double x = uniform() * total;
        std::size_t i = 0;
        for (double w : weights) {
            if (x < w)
                return i;
            x -= w;
            ++i;
        }
        return i - 1;
    }
    std::size_t weighted(std::initializer_list<double> weights) { return weighted<>(weights); }

    template<typename Container> const auto& pick(const Container& c)
    {
        return c[std::size_t(next() % std::size(c))];
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t m_s[4];
};

} // namespace seam::demo
