#pragma once
// A Scene as inline SVG for the HTML report: shapes carry CSS classes for their inks (the page's
// stylesheet gives them light and dark colours), service hues are fixed fills, tooltips are <title>s.

#include "ChartScene.h"

#include <string>

namespace seam::report {

/// An <svg> element scaled to the width of its container (viewBox), with role="img" and the
/// scene's label as aria-label. Deterministic: the same scene gives the same bytes.
std::string sceneToSvg(const Scene& scene);

/// The CSS class of an ink ("ink-text"); empty for None and Hue.
const char* inkClass(Ink ink);

} // namespace seam::report
