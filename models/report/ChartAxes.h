#pragma once
// Axes shared by the report's charts: tick steps that read well, wall-clock and duration labels.
// Integer arithmetic only (no time zone, no locale): the same cache gives the same labels anywhere.

#include "ChartScene.h"

#include <cstdint>
#include <string>

namespace seam::report {

/// "09:14" (UTC) for a moment; "09:14:30" when `seconds`.
std::string clockLabel(std::int64_t ns, bool seconds = false);

/// A wall-clock tick step (10 s .. 1 day) giving about `ticks` ticks over `spanNs`.
std::int64_t clockStep(std::int64_t spanNs, int ticks);
/// A duration tick step (1-2-5 x 10^k ns) giving about `ticks` ticks over `spanNs`.
std::int64_t durationStep(std::int64_t spanNs, int ticks);

/// Maps [from, to] onto [left, right] of a chart.
struct TimeScale
{
    std::int64_t from = 0, to = 1;
    double left = 0, right = 1;
    double x(std::int64_t t) const
    {
        const double span = double(std::max<std::int64_t>(1, to - from));
        return left + (double(t - from) / span) * (right - left);
    }
};

/// Vertical grid lines and labels under a time axis at `y` (labels below it), wall clock.
void clockAxis(Scene& scene, const TimeScale& scale, double top, double y);
/// The same for durations relative to `scale.from` ("0", "500 ms", "1.0 s").
void durationAxis(Scene& scene, const TimeScale& scale, double top, double y);

} // namespace seam::report
