#pragma once
// `seam propagation --json`.

#include "PropagationHealth.h"

#include <QJsonArray>
#include <vector>

namespace seam {

/// [{app_version, origin, route, calls, linked_by_id, linked_inferred, unlinked,
///   reasons: {no_trace_context, cross_origin_blocked, backend_started_new_trace, backend_trace_missing},
///   advice | null}]; every reason is present (0 when none).
QJsonArray propagationJson(const std::vector<PropagationGroup>& groups);

} // namespace seam
