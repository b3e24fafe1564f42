#include "RobustStats.h"

#include <algorithm>
#include <cmath>

namespace seam::stats {

double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    const size_t mid = values.size() / 2;
    std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(mid), values.end());
    const double upper = values[mid];
    if (values.size() % 2)
        return upper;
    const double lower = *std::max_element(values.begin(), values.begin() + std::ptrdiff_t(mid));
    return (lower + upper) / 2;
}

double mad(const std::vector<double>& values, double centre)
{
    std::vector<double> deviations;
    deviations.reserve(values.size());
    for (const double v : values)
        deviations.push_back(std::fabs(v - centre));
    return median(std::move(deviations));
}

std::pair<double, double> wilson(std::int64_t k, std::int64_t n)
{
    if (n <= 0)
        return {0.0, 1.0};
    const double z = kZ95;
    const double p = double(k) / double(n);
    const double nn = double(n);
    const double denom = 1 + z * z / nn;
    const double centre = (p + z * z / (2 * nn)) / denom;
    const double half = z * std::sqrt(p * (1 - p) / nn + z * z / (4 * nn * nn)) / denom;
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

std::pair<double, double> poisson(std::int64_t count)
{
    const double z = kZ95;
    const double k = double(std::max<std::int64_t>(0, count));
    double lo = 0;
    if (k > 0) {
        const double a = 1 - 1 / (9 * k) - z / (3 * std::sqrt(k));
        lo = k * a * a * a;
    }
    const double k1 = k + 1;
    const double b = 1 - 1 / (9 * k1) + z / (3 * std::sqrt(k1));
    return {std::max(0.0, lo), k1 * b * b * b};
}

std::pair<std::uint64_t, std::uint64_t> quantileRanks(std::uint64_t n, double q)
{
    if (n == 0)
        return {0, 0};
    const double nn = double(n);
    const double half = kZ95 * std::sqrt(nn * q * (1 - q));
    const double lo = std::floor(nn * q - half);
    const double hi = std::ceil(nn * q + half);
    return {std::uint64_t(std::clamp(lo, 1.0, nn)), std::uint64_t(std::clamp(hi, 1.0, nn))};
}

namespace {

constexpr double kMaxZ = 40;

/// z for an upper-tail probability q (q tiny: a large z).
double zOfTail(double q)
{
    if (q <= 0)
        return kMaxZ;
    if (q >= 0.5)
        return 0;
    return std::min(kMaxZ, -normalQuantile(q));
}

} // namespace

double normalQuantile(double p)
{
    // Acklam's rational approximation (relative error < 1.2e-9), good for every use here.
    static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                               1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
    static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                               6.680131188771972e+01, -1.328068155288572e+01};
    static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                               -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
    static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                               3.754408661907416e+00};
    p = std::clamp(p, 1e-300, 1 - 1e-16);
    const double low = 0.02425;
    if (p < low) {
        const double q = std::sqrt(-2 * std::log(p));
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    if (p > 1 - low) {
        const double q = std::sqrt(-2 * std::log(1 - p));
        return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
               ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }
    const double q = p - 0.5;
    const double r = q * q;
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
           (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

double binomialUpperZ(std::int64_t k, std::int64_t n, double p)
{
    if (n <= 0 || k <= 0)
        return 0;
    p = std::clamp(p, 1e-9, 1 - 1e-9);
    const double mean = double(n) * p;
    if (double(k) <= mean)
        return 0;
    const double var = mean * (1 - p);
    if (var >= 25) // the normal approximation with continuity correction is good here
        return std::min(kMaxZ, (double(k) - 0.5 - mean) / std::sqrt(var));
    // Exact tail: P(X >= k), the first term from lgamma, the next ones by the pmf's ratio, until
    // they no longer matter.
    double term =
        std::exp(std::lgamma(double(n) + 1) - std::lgamma(double(k) + 1) - std::lgamma(double(n - k) + 1) +
                 double(k) * std::log(p) + double(n - k) * std::log1p(-p));
    const double odds = p / (1 - p);
    double tail = 0;
    for (std::int64_t j = k; j <= n && term > 0; ++j) {
        tail += term;
        if (term < tail * 1e-12)
            break;
        term *= double(n - j) / double(j + 1) * odds;
    }
    return zOfTail(tail);
}

double poissonZ(std::int64_t k, double expected)
{
    expected = std::max(expected, 1e-9);
    if (expected >= 25) {
        const double diff = double(k) - expected;
        const double corrected = diff > 0 ? diff - 0.5 : diff < 0 ? diff + 0.5 : 0.0;
        return std::clamp(corrected / std::sqrt(expected), -kMaxZ, kMaxZ);
    }
    const auto pmf = [&](std::int64_t j) {
        return std::exp(double(j) * std::log(expected) - expected - std::lgamma(double(j) + 1));
    };
    if (double(k) > expected) {
        double tail = 0;
        double term = pmf(k);
        for (std::int64_t j = k; term > 0 && j < k + 10000; ++j) {
            tail += term;
            if (term < tail * 1e-12)
                break;
            term *= expected / double(j + 1);
        }
        return zOfTail(tail);
    }
    if (double(k) < expected) {
        double tail = 0;
        double term = pmf(0);
        for (std::int64_t j = 0; j <= k; ++j) {
            tail += term;
            term *= expected / double(j + 1);
        }
        return -zOfTail(tail);
    }
    return 0;
}

} // namespace seam::stats
