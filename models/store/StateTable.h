#pragma once

// The `investigation_state` key/value table (schema v2): the window's saved state, in the file so that
// an investigation reopens the same on any machine. What the keys mean is models/InvestigationState's
// business; this only reads and writes them.

#include <map>
#include <string>

namespace seam {

class Database;

namespace store {

/// Every key and value; empty for a v1 cache (which has no such table).
std::map<std::string, std::string> readInvestigationState(Database& db);
/// Replaces the whole state with `values` in one transaction (keys not given are removed, so a state
/// never mixes two saves). Needs a writable v2 connection.
void writeInvestigationState(Database& db, const std::map<std::string, std::string>& values);

} // namespace store
} // namespace seam
