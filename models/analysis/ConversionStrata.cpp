#include "ConversionStrata.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

namespace seam {
namespace {

constexpr int kTopExposure = 4; ///< 4 and more

struct Moments
{
    std::int64_t n = 0;
    double sum = 0;
    double sumSq = 0;

    void add(double v)
    {
        ++n;
        sum += v;
        sumSq += v * v;
    }
    double mean() const { return n ? sum / double(n) : 0.0; }
    /// Variance of the mean.
    double meanVariance(bool binary) const
    {
        if (binary) {
            const double p = (sum + 1) / double(n + 2);
            return p * (1 - p) / double(n + 2);
        }
        if (n < 2)
            return 0;
        const double m = mean();
        return std::max(0.0, (sumSq - double(n) * m * m) / double(n - 1)) / double(n);
    }
};

} // namespace

StratifiedLoss stratifiedLoss(const std::vector<ComparedSession>& sessions, bool binary)
{
    // Controls at three levels: (route, exposure), route, everyone.
    std::map<std::pair<std::string, int>, Moments> byStratum;
    std::map<std::string, Moments> byRoute;
    Moments all;
    for (const ComparedSession& s : sessions) {
        if (s.affected)
            continue;
        byStratum[{s.route, std::min(s.exposure, kTopExposure)}].add(s.value);
        byRoute[s.route].add(s.value);
        all.add(s.value);
    }
    // The affected sessions grouped by the controls they are compared with: (level, route, exposure).
    std::map<std::tuple<int, std::string, int>, Moments> groups;
    StratifiedLoss r;
    for (const ComparedSession& s : sessions) {
        if (!s.affected)
            continue;
        ++r.affected;
        const int exposure = std::min(s.exposure, kTopExposure);
        const auto stratum = byStratum.find({s.route, exposure});
        if (stratum != byStratum.end() && stratum->second.n >= kMinStratumControls) {
            groups[{2, s.route, exposure}].add(s.value);
            continue;
        }
        ++r.pooled;
        const auto route = byRoute.find(s.route);
        if (route != byRoute.end() && route->second.n >= kMinStratumControls)
            groups[{1, s.route, 0}].add(s.value);
        else
            groups[{0, std::string(), 0}].add(s.value);
    }
    if (r.affected == 0 || all.n == 0)
        return r;
    double expected = 0, observed = 0, variance = 0;
    for (const auto& [key, affected] : groups) {
        const auto& [level, route, exposure] = key;
        const Moments& controls = level == 2   ? byStratum.at({route, exposure})
                                  : level == 1 ? byRoute.at(route)
                                               : all;
        const double n = double(affected.n);
        expected += n * controls.mean();
        observed += affected.sum;
        variance += n * n * (controls.meanVariance(binary) + affected.meanVariance(binary));
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
