#pragma once

// Lost revenue of an incident: its lost conversions (ConversionStrata) times what a conversion of the
// affected sessions is worth. Comparing revenue per session directly (affected against controls) puts
// the spread of basket sizes on top of the conversion difference: a basket varies more than a
// conversion rate does, and controls come from other sessions, whose baskets the affected sessions'
// lost orders never had. The affected sessions' own converted landmarks are the best sample of what
// their lost ones were worth (the same sessions, the same moment); with too few of them, every compared
// converted landmark is. Whether converting affected sessions spent differently from the controls is
// measured and reported apart (`spendDifference`), not added: on seeded and demo data that difference
// is mostly who happened to be affected, and an incident that changes what people spend, not whether
// they buy, shows there.

#include "ConversionStrata.h"

#include <cstdint>
#include <string>
#include <vector>

namespace seam {

/// Fewer converted affected landmarks than this: the value per conversion comes from all of them.
constexpr std::int64_t kMinAffectedConverters = 20;

struct RevenueEstimate
{
    double valuePerConversion = 0; ///< what a lost conversion is counted at
    bool fromAffected = false;     ///< from the affected converters alone (else all compared ones)
    std::int64_t affectedConverters = 0;
    std::int64_t controlConverters = 0;
    double affectedPerConversion = 0; ///< mean value of the affected converted landmarks
    double controlPerConversion = 0;  ///< weighted mean of the controls' converted landmarks
    /// affected - control per conversion, 95% Welch interval; not part of `lost`.
    double spendDifference = 0;
    double spendLow = 0;
    double spendHigh = 0;
    double lost = 0; ///< lost conversions x valuePerConversion
    /// 95%: the lost conversions' interval, the mean value's, and the spread of the lost orders' values.
    double ciLow = 0;
    double ciHigh = 0;
};

/// `revenue[i]` is landmark i's value (0 unless it converted), `converted[i]` whether it did; `sessions`
/// gives group and weight. The lost conversions and their 95% interval come from stratifiedLoss.
RevenueEstimate estimateRevenue(const std::vector<ComparedSession>& sessions,
                                const std::vector<double>& revenue, const std::vector<bool>& converted,
                                double lostConversions, double lostLow, double lostHigh);

/// A value in whole units, for sentences ("1947", "-41").
std::string amountText(double value);

} // namespace seam
