#pragma once

#include "BackgroundLoader.h"
#include "IncidentsData.h"

namespace seam {

/// Finds the investigation's incidents (and then their impact) off the GUI thread.
using IncidentsLoader = BackgroundLoader<IncidentsData, IncidentsRequest>;

} // namespace seam
