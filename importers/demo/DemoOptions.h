#pragma once

#include "Ids.h"

#include <cstdint>
#include <string>
#include <vector>

namespace seam {

/// What the demo generator produces. The defaults are the bundled demo investigation (`seam --demo`).
struct DemoOptions
{
    std::uint64_t seed = 1;
    int sessions = 2000;
    /// 2026-11-20T09:00:00Z: a fixed, plausible morning so screenshots and ground truth are stable.
    TimeNs start = 1795165200LL * 1000000000LL;
    int minutes = 30;
    /// Fraction of fetch calls whose traceparent is not propagated (as with third-party origins or old
    /// agents): the backend trace gets a fresh trace id and no parent. Recorded in the ground truth so
    /// inferred links can be scored.
    double stripPropagation = 0.0;
    /// Incidents (ids, as in the ground truth) that happen without harm: every random draw is the same
    /// as in the real run, but requests do not fail or wait. Generating the same seed with and without
    /// this gives the incident's true cost, session by session (a counterfactual for tests of lost
    /// conversions); sessions part only where the real run's harm changed what the user did.
    std::vector<std::string> harmlessIncidents;
};

/// What a run generated.
struct DemoStats
{
    std::uint64_t sessions = 0;
    std::uint64_t pageLoads = 0;
    std::uint64_t spans = 0;
    std::uint64_t browserSpans = 0;
    std::uint64_t backendSpans = 0;
    std::uint64_t traces = 0;
    std::uint64_t errorSpans = 0;
    std::uint64_t logs = 0;
    std::uint64_t fetches = 0;
    std::uint64_t strippedFetches = 0;
    std::uint64_t jsErrors = 0;
    std::uint64_t clicks = 0;
    std::uint64_t longTasks = 0;
    std::uint64_t chunks = 0;
};

} // namespace seam
