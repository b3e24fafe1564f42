#pragma once
// `seam why` as JSON: formats what analysis/RootCause returns (README "JSON output").

#include "RootCause.h"

#include <QJsonObject>

namespace seam {

/// {selection: {page_loads, p50_ms, p75_ms, sampled}, baseline: {...}, verdict: {side, backend_ms_delta,
/// frontend_ms_delta, network_ms_delta, text}, causes: [{rank, kind, field, value, service, operation,
/// selection_share, baseline_share, delta_ms, p_value, q_value, text, consequences: [...]}]}
QJsonObject whyJson(const WhyResult& result);

} // namespace seam
