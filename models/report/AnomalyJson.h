#pragma once

#include "Anomalies.h"

#include <QJsonArray>
#include <QJsonObject>

namespace seam {

/// `seam anomalies --json`: one object per window (README "JSON output"). Latency values in ms, error
/// rates as fractions, request rates per second.
QJsonArray anomaliesJson(const AnomalyResult& result);
QJsonObject anomalyWindowJson(const AnomalyWindow& window);

} // namespace seam
