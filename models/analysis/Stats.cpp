#include "Stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace seam::stats {
namespace {

double logChoose(std::int64_t n, std::int64_t k)
{
    return std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) - std::lgamma(double(n - k) + 1);
}

/// Fisher's test costs one term per feasible table: beyond this many, chi-squared answers instead.
constexpr std::int64_t kFisherMaxTerms = 20'000;

} // namespace

double fisherExact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d)
{
    if (a < 0 || b < 0 || c < 0 || d < 0)
        return 1;
    const std::int64_t row1 = a + b, col1 = a + c, n = a + b + c + d;
    if (n == 0)
        return 1;
    // Hypergeometric: P(X = x) = C(col1, x) C(n - col1, row1 - x) / C(n, row1).
    const std::int64_t lo = std::max<std::int64_t>(0, row1 + col1 - n), hi = std::min(row1, col1);
    const double logDenominator = logChoose(n, row1);
    const auto logP = [&](std::int64_t x) {
        return logChoose(col1, x) + logChoose(n - col1, row1 - x) - logDenominator;
    };
    const double observed = logP(a);
    // Tables as likely as the observed one count too; a relative tolerance absorbs rounding (as R).
    const double limit = observed + 1e-7;
    double p = 0;
    for (std::int64_t x = lo; x <= hi; ++x) {
        const double lp = logP(x);
        if (lp <= limit)
            p += std::exp(lp);
    }
    return std::min(1.0, p);
}

double chiSquared(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d)
{
    const double n = double(a + b + c + d);
    const double r1 = double(a + b), r2 = double(c + d), c1 = double(a + c), c2 = double(b + d);
    if (r1 == 0 || r2 == 0 || c1 == 0 || c2 == 0)
        return 1;
    const double diff = double(a) * double(d) - double(b) * double(c);
    const double chi2 = n * diff * diff / (r1 * r2 * c1 * c2);
    // Chi-squared with one degree of freedom is a squared standard normal.
    return std::erfc(std::sqrt(chi2 / 2));
}

double categoryTest(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d)
{
    const double n = double(a + b + c + d);
    if (n == 0)
        return 1;
    const double r1 = double(a + b), r2 = double(c + d), c1 = double(a + c), c2 = double(b + d);
    const double minExpected = std::min({r1 * c1, r1 * c2, r2 * c1, r2 * c2}) / n;
    const std::int64_t terms = std::min(a + b, a + c) + 1;
    if (minExpected < 5 || terms <= kFisherMaxTerms)
        return fisherExact(a, b, c, d);
    return chiSquared(a, b, c, d);
}

double normalTwoSided(double z)
{
    return std::erfc(std::fabs(z) / std::sqrt(2.0));
}

MannWhitney mannWhitney(std::span<const double> x, std::span<const double> y)
{
    MannWhitney r;
    const std::size_t n1 = x.size(), n2 = y.size();
    if (n1 == 0 || n2 == 0)
        return r;
    std::vector<std::pair<double, bool>> all; // value, from x
    all.reserve(n1 + n2);
    for (const double v : x)
        all.emplace_back(v, true);
    for (const double v : y)
        all.emplace_back(v, false);
    std::sort(all.begin(), all.end(), [](const auto& p, const auto& q) { return p.first < q.first; });
    double rankSumX = 0, tieTerm = 0;
    for (std::size_t i = 0; i < all.size();) {
        std::size_t j = i;
        while (j < all.size() && all[j].first == all[i].first)
            ++j;
        const double rank = (double(i) + double(j) + 1) / 2; // mean of ranks i+1 .. j
        for (std::size_t k = i; k < j; ++k)
            if (all[k].second)
                rankSumX += rank;
        const double t = double(j - i);
        tieTerm += t * t * t - t;
        i = j;
    }
    const double a = double(n1), b = double(n2), n = a + b;
    r.u = rankSumX - a * (a + 1) / 2;
    const double mean = a * b / 2;
    const double variance = a * b / 12 * ((n + 1) - tieTerm / (n * (n - 1)));
    if (variance <= 0)
        return r;
    const double diff = r.u - mean;
    const double corrected = diff > 0 ? std::max(0.0, diff - 0.5) : std::min(0.0, diff + 0.5);
    r.z = corrected / std::sqrt(variance);
    r.p = std::min(1.0, normalTwoSided(r.z));
    return r;
}

std::vector<double> benjaminiHochberg(std::span<const double> p)
{
    const std::size_t m = p.size();
    std::vector<std::size_t> order(m);
    std::iota(order.begin(), order.end(), std::size_t(0));
    // Ties in p keep input order: the adjusted values do not depend on it anyway.
    std::stable_sort(order.begin(), order.end(), [&](std::size_t i, std::size_t j) { return p[i] < p[j]; });
    std::vector<double> q(m, 1.0);
    double running = 1.0;
    for (std::size_t k = m; k-- > 0;) {
        const std::size_t i = order[k];
        running = std::min(running, p[i] * double(m) / double(k + 1));
        q[i] = std::min(1.0, running);
    }
    return q;
}

double quantileSorted(std::span<const double> sorted, double q)
{
    if (sorted.empty())
        return 0;
    const double h = (double(sorted.size()) - 1) * std::clamp(q, 0.0, 1.0);
    const auto lo = std::size_t(std::floor(h));
    const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - double(lo)) * (sorted[hi] - sorted[lo]);
}

} // namespace seam::stats
