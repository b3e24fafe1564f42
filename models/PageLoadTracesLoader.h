#pragma once

#include "BackgroundLoader.h"
#include "PageLoadTraces.h"

namespace seam {

/// Resolves a page load's backend traces off the GUI thread (a page-load id; 0 cancels).
using PageLoadTracesLoader = BackgroundLoader<PageLoadTraces, qint64>;

} // namespace seam
