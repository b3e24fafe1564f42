#include "ConversionStrata.h"

#include "BorrowedControls.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

namespace seam {
namespace {

/// Weighted moments of a group's values (weights from ConversionLandmarks.h; 1 for most sessions).
struct Moments
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
    void add(const Moments& o)
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

/// A pool of controls by where they come from.
struct Controls
{
    Moments window, before, after;

    void add(const ComparedSession& s)
    {
        (s.side < 0 ? before : s.side > 0 ? after : window).add(s.value, s.weight);
    }
    Moments all() const
    {
        Moments m = window;
        m.add(before);
        m.add(after);
        return m;
    }
    std::int64_t borrowed() const { return before.n + after.n; }
};

/// Inverse-variance mean of differences, returned as the drift's squared size: the square of the
/// estimate, but never less than its variance (a drift measured as 0 is only known to within that).
struct DriftSum
{
    double weighted = 0;
    double weights = 0;

    void add(double difference, double variance)
    {
        if (variance <= 0)
            return;
        weighted += difference / variance;
        weights += 1 / variance;
    }
    std::optional<double> squared() const
    {
        if (weights <= 0)
            return std::nullopt;
        const double d = weighted / weights;
        return std::max(d * d, 1 / weights);
    }
};

/// The drift borrowing may bring in: the window's own controls against the borrowed ones of the same
/// strata, and half the difference between before and after (the window lies between them); the larger.
double driftVariance(const std::map<Stratum, Controls>& strata, bool binary)
{
    DriftSum windowVsBorrowed, beforeVsAfter;
    Moments allWindow, allBorrowed;
    for (const auto& [stratum, c] : strata) {
        Moments borrowed = c.before;
        borrowed.add(c.after);
        allWindow.add(c.window);
        allBorrowed.add(borrowed);
        // Only strata with enough of both: a stratum of one or two sessions measures nothing but noise.
        if (c.window.n >= kMinStratumControls && borrowed.n >= kMinStratumControls)
            windowVsBorrowed.add(c.window.mean() - borrowed.mean(),
                                 c.window.meanVariance(binary) + borrowed.meanVariance(binary));
        if (c.before.n >= 2 && c.after.n >= 2)
            beforeVsAfter.add((c.before.mean() - c.after.mean()) / 2,
                              (c.before.meanVariance(binary) + c.after.meanVariance(binary)) / 4);
    }
    const std::optional<double> a = windowVsBorrowed.squared(), b = beforeVsAfter.squared();
    if (a || b)
        return std::max(a.value_or(0.0), b.value_or(0.0));
    // Nothing to measure it on: as uncertain as the borrowed sessions' own spread allows.
    if (allWindow.n > 0 && allBorrowed.n > 0) {
        const double d = allWindow.mean() - allBorrowed.mean();
        return d * d + allWindow.meanVariance(binary) + allBorrowed.meanVariance(binary);
    }
    if (binary)
        return 0.25;
    return allBorrowed.mean() * allBorrowed.mean();
}

} // namespace

StratifiedLoss stratifiedLoss(const std::vector<ComparedSession>& sessions, bool binary)
{
    // Controls at three levels: (route, activity), route, everyone.
    std::map<Stratum, Controls> byStratum;
    std::map<std::string, Controls> byRoute;
    Controls everyone;
    for (const ComparedSession& s : sessions) {
        if (s.affected)
            continue;
        byStratum[{s.route, activityClass(s.exposure)}].add(s);
        byRoute[s.route].add(s);
        everyone.add(s);
    }
    // The affected sessions grouped by the controls they are compared with: (level, route, activity).
    std::map<std::tuple<int, std::string, int>, Moments> groups;
    StratifiedLoss r;
    for (const ComparedSession& s : sessions) {
        if (!s.affected)
            continue;
        ++r.affected;
        const int activity = activityClass(s.exposure);
        const auto stratum = byStratum.find({s.route, activity});
        if (stratum != byStratum.end() && stratum->second.all().n >= kMinStratumControls) {
            groups[{2, s.route, activity}].add(s.value);
            continue;
        }
        ++r.pooled;
        const auto route = byRoute.find(s.route);
        if (route != byRoute.end() && route->second.all().n >= kMinStratumControls)
            groups[{1, s.route, 0}].add(s.value);
        else
            groups[{0, std::string(), 0}].add(s.value);
    }
    if (r.affected == 0 || everyone.all().n == 0)
        return r;
    double expected = 0, observed = 0, variance = 0;
    double borrowedWeight = 0; // affected sessions x the borrowed share of their controls
    for (const auto& [key, affected] : groups) {
        const auto& [level, route, activity] = key;
        const Controls& controls = level == 2   ? byStratum.at({route, activity})
                                   : level == 1 ? byRoute.at(route)
                                                : everyone;
        const Moments all = controls.all();
        const double n = double(affected.n);
        expected += n * all.mean();
        observed += affected.sum;
        variance += n * n * (all.meanVariance(binary) + affected.meanVariance(binary));
        borrowedWeight += n * (controls.before.w + controls.after.w) / all.w;
    }
    for (const auto& [stratum, c] : byStratum)
        r.borrowedUsed += c.borrowed();
    if (borrowedWeight > 0) {
        // The drift is shared by every stratum that borrowed: it adds once, on their weight together.
        const double drift = driftVariance(byStratum, binary);
        r.driftSd = std::sqrt(drift);
        variance += borrowedWeight * borrowedWeight * drift;
    }
    r.affectedMean = observed / double(r.affected);
    r.expectedMean = expected / double(r.affected);
    r.lost = expected - observed;
    const double half = 1.959964 * std::sqrt(variance);
    r.ciLow = r.lost - half;
    r.ciHigh = r.lost + half;
    return r;
}

} // namespace seam
