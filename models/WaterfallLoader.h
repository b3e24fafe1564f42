#pragma once

#include "BackgroundLoader.h"
#include "WaterfallData.h"

namespace seam {

/// Reads a page load's waterfall off the GUI thread (a page-load id; 0 cancels).
using WaterfallLoader = BackgroundLoader<WaterfallData, qint64>;

} // namespace seam
