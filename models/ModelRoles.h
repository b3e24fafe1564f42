#pragma once
// Item-data roles shared by the window's models and tree/table widgets.

#include <Qt>

namespace seam {

/// A cell's raw value where it shows a formatted one: a duration in ns where it shows "1.2 s", a
/// count where it shows "1.2k", a whole message where it shows its first line. The CSV export of any
/// table writes this when a cell answers it (numbers stay numbers), else the displayed text.
inline constexpr int RawValueRole = Qt::UserRole + 0x100;

} // namespace seam
