#pragma once

#include "InvestigationState.h"

#include <QString>
#include <optional>

namespace seam {

/// The saved state of the investigation in `cachePath` (its `investigation_state` table); nullopt when
/// none was saved (a v1 cache, a new one) or the file cannot be read. Reads a few rows: cheap enough
/// for the moment the window opens an investigation.
std::optional<InvestigationState> loadInvestigationState(const QString& cachePath);
/// Writes `state` into the file (migrating a v1 cache). Returns the error, empty when saved; a cache
/// on read-only media cannot keep it, and the caller falls back to per-machine settings.
QString saveInvestigationState(const QString& cachePath, const InvestigationState& state);

} // namespace seam
