#pragma once

#include "BackgroundLoader.h"
#include "WhyData.h"

namespace seam {

/// Answers "why?" off the GUI thread (WhyRequest; a request in mode None cancels).
using WhyLoader = BackgroundLoader<WhyData, WhyRequest>;

} // namespace seam
