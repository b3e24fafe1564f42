#pragma once

#include "BusinessImpact.h"

#include <QJsonObject>

namespace seam {

/// `seam impact --json` (README "JSON output"): what cannot be computed is left out and said in `notes`.
QJsonObject impactJson(const ImpactResult& impact);

} // namespace seam
