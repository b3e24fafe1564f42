#include "RevenueEstimate.h"

#include "WeightedMoments.h"

#include <cmath>

namespace seam {

std::string amountText(double value)
{
    return std::to_string(std::llround(value));
}

RevenueEstimate estimateRevenue(const std::vector<ComparedSession>& sessions,
                                const std::vector<double>& revenue, const std::vector<bool>& converted,
                                double lostConversions, double lostLow, double lostHigh)
{
    constexpr double kZ = 1.959964;
    WeightedMoments affected, controls;
    for (std::size_t i = 0; i < sessions.size() && i < revenue.size() && i < converted.size(); ++i) {
        if (!converted[i])
            continue;
        if (sessions[i].affected)
            affected.add(revenue[i]);
        else
            controls.add(revenue[i], sessions[i].weight);
    }
    RevenueEstimate r;
    r.affectedConverters = affected.n;
    r.controlConverters = controls.n;
    r.affectedPerConversion = affected.mean();
    r.controlPerConversion = controls.mean();
    if (affected.n >= 2 && controls.n >= 2) {
        r.spendDifference = affected.mean() - controls.mean();
        const double half = kZ * std::sqrt(affected.meanVariance(false) + controls.meanVariance(false));
        r.spendLow = r.spendDifference - half;
        r.spendHigh = r.spendDifference + half;
    }
    WeightedMoments value = affected;
    r.fromAffected = affected.n >= kMinAffectedConverters;
    if (!r.fromAffected)
        value.add(controls);
    r.valuePerConversion = value.mean();
    // The product of two independent estimates (delta method): the conversions' interval and the
    // uncertainty of the mean value both widen it; and so does the spread of the lost orders' own
    // values (a sum of |lost| values, each as variable as the converted ones): the interval is for what
    // the incident cost, not for its expectation.
    const double lostVariance = std::pow((lostHigh - lostLow) / (2 * kZ), 2);
    const double v = r.valuePerConversion;
    const double meanVariance = value.meanVariance(false);
    const double valueVariance = meanVariance * value.effectiveN(); // of one conversion's value
    const double variance = v * v * lostVariance + lostConversions * lostConversions * meanVariance +
                            std::abs(lostConversions) * valueVariance;
    r.lost = lostConversions * v;
    r.ciLow = r.lost - kZ * std::sqrt(variance);
    r.ciHigh = r.lost + kZ * std::sqrt(variance);
    return r;
}

} // namespace seam
