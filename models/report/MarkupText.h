#pragma once
// Writing numbers and text into HTML and SVG: escaping, and numbers spelled the same whatever the
// process locale (QCoreApplication calls setlocale(LC_ALL, "") on Unix, so printf's "%.1f" could
// write "1,5" in a German session and break the SVG; std::to_chars never looks at the locale).

#include <string>
#include <string_view>

namespace seam::report {

/// `text` with &, <, >, " and ' escaped (safe in element content and quoted attributes).
std::string escapeMarkup(std::string_view text);
/// A coordinate or size with at most `decimals` decimals, trailing zeros dropped ("12.5", "3", "-0.25").
std::string number(double value, int decimals = 1);

} // namespace seam::report
