#pragma once

#include "BackgroundLoader.h"
#include "SpanDetails.h"

namespace seam {

/// Reads the details of a span or resource off the GUI thread (SpanDetailsRequest{} cancels).
using SpanDetailsLoader = BackgroundLoader<SpanDetails, SpanDetailsRequest>;

} // namespace seam
