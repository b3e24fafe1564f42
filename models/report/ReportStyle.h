#pragma once
// The incident report's stylesheets and colours, one place: the browser's (CSS variables, light and
// dark by prefers-color-scheme or forced with the `dark` class, print rules), the subset Qt's rich
// text understands (QTextDocument has no variables and no media queries: the PDF is light), and the
// inks' colours for painting scenes (the PDF's charts).

#include "ChartScene.h"

#include <cstdint>
#include <string>

namespace seam::report {

/// The <style> content for a browser.
const std::string& browserStyleSheet();
/// The <style> content for QTextDocument (PDF).
const std::string& richTextStyleSheet();
/// 0xRRGGBB of an ink on the light (printed) page; Hue gives the service colour of `hue`.
std::uint32_t lightInkRgb(Ink ink, int hue = 0);
/// Alpha (0..255) an ink is painted with (the incident band is translucent).
int inkAlpha(Ink ink);

} // namespace seam::report
