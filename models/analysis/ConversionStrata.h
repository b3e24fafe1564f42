#pragma once

// Lost conversions (or revenue) of an incident's affected sessions, compared like with like. Sessions
// that call a service more often are more often hit by its incident, and on a shop they are also the
// ones further down the funnel: comparing all affected sessions with all unaffected ones credits the
// incident with the busy sessions' higher conversion. So the comparison is stratified on where each
// session stood at its landmark (ConversionLandmarks.h: the route of that page load, and how many of
// its traces had reached the service by then, in classes 1, 2, 3, 4, 5-6, 7-9, 10-14, 15+), and the
// estimate is the affected sessions' loss against their own strata (direct standardisation to the
// affected group). Controls carry weights (a never-hit session of the window stands for the sessions
// not hit by then); controls borrowed from around the window (BorrowedControls.h) may differ from it in
// ways nobody measured, so the interval widens by the drift between the window and the borrowed
// periods, or between the periods before and after, as measured on the data (the larger).

#include <cstdint>
#include <string>
#include <vector>

namespace seam {

struct ComparedSession
{
    bool affected = false;
    std::string route; ///< the route of its reference page load
    int exposure = 0;  ///< its traces that reached the service in the window (0 outside it)
    double value = 0;  ///< 1/0 converted, or its revenue
    int side = 0;      ///< unaffected ones: 0 in the window, -1 borrowed from before it, +1 from after
    double weight = 1; ///< how many sessions it stands for (ConversionLandmarks.h); affected ones: 1
};

struct StratifiedLoss
{
    double affectedMean = 0; ///< per affected session
    double expectedMean = 0; ///< per affected session, had it fared as the unaffected of its stratum
    double lost = 0;         ///< affected sessions x (expectedMean - affectedMean)
    double ciLow = 0;        ///< 95%, normal approximation over the strata
    double ciHigh = 0;
    std::int64_t affected = 0;
    /// Affected sessions whose stratum had too few unaffected ones: compared with their route's, or
    /// with all unaffected sessions.
    std::int64_t pooled = 0;
    /// Controls borrowed from outside the window (side != 0) that were compared with.
    std::int64_t borrowedUsed = 0;
    /// The standard deviation of the drift between periods added for borrowing (a rate, or a value
    /// per session); 0 when nothing was borrowed.
    double driftSd = 0;
};

/// Fewer unaffected sessions than this in a stratum: its affected sessions use the route's pool.
constexpr std::int64_t kMinStratumControls = 5;
/// Fewer unaffected sessions than this in a stratum inside the window: it borrows (BusinessImpact).
constexpr std::int64_t kFullStratumControls = 20;

/// `binary`: values are 0/1 and the variance uses the Agresti-Caffo adjustment (one success and one
/// failure added per group), which keeps small strata with 0% or 100% from claiming certainty.
StratifiedLoss stratifiedLoss(const std::vector<ComparedSession>& sessions, bool binary);

} // namespace seam
