#pragma once

// Small statistics shared by the anomaly detector and the impact analysis: robust centre and spread,
// and the 95% intervals every figure Seam reports carries.

#include <cstdint>
#include <utility>
#include <vector>

namespace seam::stats {

constexpr double kZ95 = 1.959963984540054;
/// MAD x 1.4826 estimates the standard deviation of normally distributed data.
constexpr double kMadToSigma = 1.4826;

/// Median of the values (the mean of the two middle ones for an even count); 0 when empty.
double median(std::vector<double> values);
/// Median absolute deviation from `centre`; 0 when empty.
double mad(const std::vector<double>& values, double centre);

/// Wilson score interval for k successes out of n (95%): honest near 0 and 1, where the normal
/// approximation is not. {0, 1} when n is 0.
std::pair<double, double> wilson(std::int64_t k, std::int64_t n);

/// 95% interval for a Poisson count (Wilson-Hilferty approximation of the exact Garwood bounds).
std::pair<double, double> poisson(std::int64_t count);

/// 95% interval of the ranks around the q-quantile of n ordered values (normal approximation of the
/// binomial order-statistic interval), as 1-based ranks clamped to [1, n].
std::pair<std::uint64_t, std::uint64_t> quantileRanks(std::uint64_t n, double q);

/// The standard normal quantile (inverse CDF) of p in (0, 1).
double normalQuantile(double p);

/// How surprising k or more successes of n are at rate p, as a one-sided z (the normal quantile of
/// the exact binomial tail for small counts, where the normal approximation's tail is far too thin:
/// 4 errors in 40 requests at a 1% rate is z = 3.2, not the 5.7 the approximation says). 0 when k
/// is at or below the expectation; capped at 40.
double binomialUpperZ(std::int64_t k, std::int64_t n, double p);

/// The same for a Poisson count against its expectation, signed: > 0 for more, < 0 for fewer.
double poissonZ(std::int64_t k, double expected);

} // namespace seam::stats
