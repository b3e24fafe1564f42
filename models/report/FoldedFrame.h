#pragma once
// The one spelling of a frame in flamegraph.pl's folded stacks (`seam trace --folded`, `seam diff
// --folded`).

#include <string>
#include <string_view>

namespace seam {

/// One frame of a folded stack. ';' separates frames, so it becomes ','; control bytes (NUL,
/// newline, ...) are written as \xHH so that line-based tools see one stack per line.
std::string foldedFrame(std::string_view name);

} // namespace seam
