#pragma once
// `seam diff` as JSON and as two-column folded stacks: formats what analysis/TraceDiff and
// analysis/CohortCompare return (README "JSON output").

#include "DiffTree.h"

#include <QJsonObject>
#include <string>
#include <vector>

namespace seam {

/// {a: {kind, label, traces | page_loads, sampled}, b: {...}, weight, nodes: [{path, service,
/// operation, a_ms, b_ms, delta_ms, relative, delta_ci95, p_value, q_value, significant, a_count,
/// b_count}]}
QJsonObject diffJson(const DiffResult& result);

/// flamegraph.pl difffolded.pl's output: "frame;frame;frame A B" per node with a value on either
/// side, A and B in integer microseconds (per trace, or mean per page load), sorted by stack (bytes).
std::vector<std::string> diffFolded(const DiffResult& result);

} // namespace seam
