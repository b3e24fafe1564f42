#pragma once

#include "BackgroundLoader.h"
#include "FlameGraphData.h"

#include <cstdint>
#include <vector>

namespace seam {

/// Reads and lays out the merged flamegraph of some traces (traces.id) off the GUI thread; no traces
/// cancels.
using FlameGraphLoader = BackgroundLoader<FlameGraphData, std::vector<std::int64_t>>;

} // namespace seam
