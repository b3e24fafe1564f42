#pragma once

#include "BackgroundLoader.h"
#include "SessionJourney.h"

namespace seam {

/// Reads the session journey of a page load off the GUI thread (a page-load id; 0 cancels), within the
/// default SessionJourney::Limits.
using SessionJourneyLoader = BackgroundLoader<SessionJourney, qint64>;

} // namespace seam
