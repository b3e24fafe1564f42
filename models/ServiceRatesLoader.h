#pragma once

#include "BackgroundLoader.h"
#include "ServiceRatesData.h"

namespace seam {

/// Reads the service rates of a selection off the GUI thread (ServiceRatesRequest{} cancels).
using ServiceRatesLoader = BackgroundLoader<ServiceRatesData, ServiceRatesRequest>;

} // namespace seam
