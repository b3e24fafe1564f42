#pragma once
// Small, exact statistics for the cause ranking: tests suited to categories (Fisher's exact test,
// chi-squared for large tables) and to durations (Mann-Whitney U), and the Benjamini-Hochberg
// false-discovery correction over the many rows one question tests. No dependencies, deterministic.

#include <cstdint>
#include <span>
#include <vector>

namespace seam::stats {

/// Two-sided p-value of Fisher's exact test on the 2x2 table [[a, b], [c, d]]: the probability,
/// under independence with the margins fixed, of a table no more likely than the one observed (the
/// convention of R's fisher.test). O(min margin).
double fisherExact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d);

/// Pearson's chi-squared test of independence on [[a, b], [c, d]] (1 degree of freedom, no
/// continuity correction); p-value. 1 when a margin is empty.
double chiSquared(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d);

/// The test for a category's share in two groups: Fisher's exact test where it is affordable or the
/// counts are small (an expected cell below 5), chi-squared beyond (same answer to many digits there).
double categoryTest(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d);

struct MannWhitney
{
    double u = 0; ///< U of the first sample
    double z = 0; ///< normal approximation, continuity- and tie-corrected; > 0: first sample larger
    double p = 1; ///< two-sided
};

/// Mann-Whitney U test (Wilcoxon rank-sum) of x against y, normal approximation with the tie
/// correction and a continuity correction of 1/2. p = 1 when either sample is empty or all values tie.
MannWhitney mannWhitney(std::span<const double> x, std::span<const double> y);

/// Benjamini-Hochberg adjusted p-values (q-values), in the input's order: q_(i) = min over j >= i of
/// p_(j) * m / j, capped at 1.
std::vector<double> benjaminiHochberg(std::span<const double> p);

/// Two-sided p-value of a standard normal deviate.
double normalTwoSided(double z);

/// Quantile q (0..1) of `sorted` (ascending), linear between order statistics (R's type 7). 0 for none.
double quantileSorted(std::span<const double> sorted, double q);

} // namespace seam::stats
