#pragma once

#include "BackgroundLoader.h"
#include "CompareData.h"

namespace seam {

/// Compares two cohorts off the GUI thread; a request without queries cancels.
using CompareLoader = BackgroundLoader<CompareData, CompareRequest>;

} // namespace seam
