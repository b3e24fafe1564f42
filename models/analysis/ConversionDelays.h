#pragma once

// How long a shop's sessions take to convert, for the follow-up of the conversion comparison
// (BusinessImpact, ConversionLandmarks.h). Every compared session gets the same stretch after its
// landmark to convert; too short and late conversions are missed on both sides, too long and the
// controls borrowed around the window run into other incidents or the end of the data. So it is
// learnt from the data: the 95th percentile of the time from a session's start to its conversion.

#include "ConversionDefinition.h"
#include "Ids.h"

#include <cstdint>
#include <string>

namespace seam {

class Database;

struct ConversionDelays
{
    TimeNs horizon = 0;      ///< the 95th percentile, within [2 min, 2 h]; 10 min when nothing is known
    std::int64_t sample = 0; ///< conversions measured
};

/// Conversions (by `definition`) of sessions that started in [from, to), at most 1,000 of them, read by
/// the sessions' start index: cost grows with the range's traffic, not with the cache.
ConversionDelays conversionDelays(Database& db, const ConversionDefinition& definition, TimeNs from,
                                  TimeNs to);

/// Whole minutes, for sentences ("5").
std::string minutesText(TimeNs ns);

} // namespace seam
