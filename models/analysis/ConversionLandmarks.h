#pragma once

// Where each session of an impact window enters the conversion comparison (BusinessImpact): at a
// landmark, not at its first page load. A session's chances to be hit are its traces that reached the
// service (ReachEvent), in time order. An affected session enters at its first harmful one, the k-th;
// it is compared with sessions that had also reached the service k times by then and were not hit yet,
// entering at their own k-th reach. Conversion counts from the landmark on, and a session that had
// already converted by its landmark is left out: nothing after it could be lost.
//
// Why: counting activity over the whole window lets the harm shape the comparison. A user who meets a
// failed page leaves (fewer calls: compared with idle sessions that rarely convert) or retries (more
// calls: compared with busy ones); and the sessions never hit in the whole window are mostly those that
// left early, because every further call was another chance to be hit, so they convert less than the
// affected sessions would have. Both hid the demo's catalog deploy loss (it showed as a gain).
//
// Controls inside the window are the sessions it never hit, at each class of reach count they entered,
// weighted by the inverse chance of staying unhit through the reaches they made after their landmark
// (each reach of a route is hit at that route's rate in the window). Without the weight the never-hit
// are mostly sessions that left early (every further call was another chance to be hit); sessions not
// hit *yet* instead would carry later hits that hide part of the loss. The weight rebuilds the
// sessions not yet hit at the landmark as if nothing had hit them later (inverse probability of
// censoring). BusinessImpact still prefers controls borrowed from healthy periods around the window
// (BorrowedControls.h), which need no weight, and uses these where borrowing falls short.

#include "Ids.h"
#include "ImpactReach.h"

#include <cstdint>
#include <string>
#include <vector>

namespace seam {

struct Landmark
{
    std::int64_t session = 0;
    TimeNs at = 0;        ///< the reach that places it
    TimeNs loadStart = 0; ///< the start of that reach's page load
    std::string route;    ///< the route of that reach's page load
    int reaches = 0;      ///< its reaches of the service up to and including this one
    bool affected = false;
    double weight = 1; ///< controls: 1 / P(not hit after the landmark in the window); capped
};

/// Above this a control's weight is capped: one session never stands for more than this many.
constexpr double kMaxControlWeight = 20;

/// `loads`: the window's page loads, judged (ImpactReach.h). One affected landmark per affected session
/// (its first harmful reach) and, for every session never hit, a control landmark at the first reach of
/// every class it entered, weighted by its reaches within `horizon` after it.
std::vector<Landmark> conversionLandmarks(const std::vector<ImpactLoad>& loads, TimeNs horizon);

} // namespace seam
