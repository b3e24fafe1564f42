#pragma once
// `seam critical-path` as JSON: formats what analysis/CriticalPath returns (README "JSON output").

#include "CriticalPath.h"

#include <QJsonObject>
#include <cstdint>

namespace seam {

class Database;

/// {page_load, duration_ms, by_side: {frontend, network, backend}, segments: [{side, label, service,
/// operation, start_ns, end_ns, ms}]}; an empty object when there is no such page load.
QJsonObject criticalPathJson(Database& db, std::int64_t pageLoadId);

} // namespace seam
