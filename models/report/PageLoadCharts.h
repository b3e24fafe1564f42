#pragma once
// A bookmarked page load drawn for the report, from the analysis room's structs (CriticalPathInput
// and its CriticalPath; the GUI's WaterfallData / FlameGraphData live in models/, which the report
// may not include): the waterfall of its resources with their phases, long tasks and the critical
// path by side, and the icicle flamegraph of its linked backend traces coloured by service.

#include "ChartScene.h"
#include "IncidentReportData.h"

namespace seam::report {

/// At most `maxRows` resources (the document, linked calls, then the longest; in start order).
Scene waterfallScene(const BookmarkedLoad& load, double width, int maxRows = 40);
/// Every linked trace one above the other, root at the top, at most `maxDepth` levels each.
Scene flamegraphScene(const BookmarkedLoad& load, double width, int maxDepth = 24);

} // namespace seam::report
