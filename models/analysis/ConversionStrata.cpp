#include "ConversionStrata.h"

#include "BorrowedControls.h"
#include "WeightedMoments.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <tuple>

namespace seam {
namespace {

/// A pool of controls by where they come from.
struct Controls
{
    WeightedMoments window, before, after;

    void add(const ComparedSession& s)
    {
        (s.side < 0 ? before : s.side > 0 ? after : window).add(s.value, s.weight);
    }
    WeightedMoments all() const
    {
        WeightedMoments m = window;
        m.add(before);
        m.add(after);
        return m;
    }
    std::int64_t borrowed() const { return before.n + after.n; }
};

/// Inverse-variance mean of differences: the drift's estimate and the variance of that estimate.
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
    bool measured() const { return weights > 0; }
    double estimate() const { return weighted / weights; }
    double variance() const { return 1 / weights; }
    /// The squared drift beyond what the measurement's own noise explains (d^2 - var is unbiased for
    /// the true squared drift; never below 0).
    double excess() const { return std::max(0.0, estimate() * estimate() - variance()); }
};

/// The drift borrowing may bring in, measured two ways: the window's own controls against the borrowed
/// ones of the same strata, and half the difference between before and after (the window lies between
/// them). The larger excess of either over its own noise, plus the noise of the better-measured one: a
/// drift measured as 0 is only known to within that. With one measure this is max(d^2, variance); with
/// two, a measure on a handful of sessions (a thin stratum's 6 window controls against 5 borrowed ones,
/// variance 0.07) no longer sets a drift of 26 points for every borrowed session when the other measure
/// knows it to within 3.
double driftVariance(const std::map<Stratum, Controls>& strata, bool binary)
{
    DriftSum windowVsBorrowed, beforeVsAfter;
    WeightedMoments allWindow, allBorrowed;
    for (const auto& [stratum, c] : strata) {
        WeightedMoments borrowed = c.before;
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
    if (windowVsBorrowed.measured() || beforeVsAfter.measured()) {
        double excess = 0, noise = std::numeric_limits<double>::infinity();
        for (const DriftSum* m : {&windowVsBorrowed, &beforeVsAfter})
            if (m->measured()) {
                excess = std::max(excess, m->excess());
                noise = std::min(noise, m->variance());
            }
        return excess + noise;
    }
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
    std::map<std::tuple<int, std::string, int>, WeightedMoments> groups;
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
        const WeightedMoments all = controls.all();
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
