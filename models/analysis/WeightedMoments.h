#pragma once

// Weighted moments of a group of sessions' values (conversion 0/1, or revenue), and the variance of
// their mean: what ConversionStrata and RevenueEstimate compare.

#include <algorithm>
#include <cstdint>

namespace seam {

/// Weighted moments of a group's values (weights from ConversionLandmarks.h; 1 for most sessions).
struct WeightedMoments
{
    std::int64_t n = 0;
    double sum = 0;  ///< of weights x values
    double w = 0;    ///< of weights
    double w2 = 0;   ///< of squared weights
    double w2v = 0;  ///< of squared weights x values
    double w2v2 = 0; ///< of squared weights x squared values

    void add(double v, double weight = 1)
    {
        ++n;
        sum += weight * v;
        w += weight;
        w2 += weight * weight;
        w2v += weight * weight * v;
        w2v2 += weight * weight * v * v;
    }
    void add(const WeightedMoments& o)
    {
        n += o.n;
        sum += o.sum;
        w += o.w;
        w2 += o.w2;
        w2v += o.w2v;
        w2v2 += o.w2v2;
    }
    double mean() const { return w > 0 ? sum / w : 0.0; }
    /// The sessions' worth in information: n when every weight is 1, fewer when weights differ.
    double effectiveN() const { return w2 > 0 ? w * w / w2 : 0.0; }
    /// Variance of the mean.
    double meanVariance(bool binary) const
    {
        if (binary) {
            const double ne = effectiveN();
            const double p = (mean() * ne + 1) / (ne + 2);
            return p * (1 - p) / (ne + 2);
        }
        if (n < 2)
            return 0;
        // Sum of w^2 (v - mean)^2 over (sum of w)^2, with the n / (n - 1) correction.
        const double m = mean();
        const double spread = std::max(0.0, w2v2 - 2 * m * w2v + m * m * w2);
        return spread / (w * w) * double(n) / double(n - 1);
    }
};

} // namespace seam
