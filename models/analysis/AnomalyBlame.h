#pragma once

#include "Anomalies.h"

#include <vector>

namespace seam {

class Database;

/// Groups windows that overlap in time (across services) into incidents, numbered from 1 by start,
/// and ranks each incident's services by how likely they are its origin, from a bounded, evenly
/// strided sample of the traces in the incident and as many calm traces around it: a service whose
/// extra time (or whose extra errors) its own spans do not account for, while an anomalous service it
/// calls does, follows that callee (`explainedBy`); among the rest, callees come before their callers.
/// Without traces that tell, the ranking falls back to the call order, then the score.
void rankOrigins(Database& db, std::vector<AnomalyWindow>& windows, const AnomalyOptions& options);

} // namespace seam
