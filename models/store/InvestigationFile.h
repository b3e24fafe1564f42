#pragma once
// Whether a file given to open (File > Open, a file manager, `seam stats --db`) is a Seam investigation,
// decided before anything opens it: a foreign or damaged file must not be changed, nor get a -wal or
// -shm beside it, nor be taken for telemetry to import.

#include <optional>
#include <string>

namespace seam::store {

/// Why `path` is not a Seam investigation that can be opened ("not an SQLite database", "an SQLite
/// database of another program, with tables customers", "truncated: ..."), or nullopt when it is one.
/// Reads bytes and, for an SQLite file, its schema through a connection that writes nothing. Damage
/// inside an otherwise whole cache is not looked for here (CacheCheck's quick check does that).
std::optional<std::string> whyNotAnInvestigation(const std::string& path);

/// "This file is not a Seam investigation (or is damaged): <reason>", the one wording for the window
/// and the command line.
std::string notAnInvestigationMessage(const std::string& reason);

/// Does `path` claim to be an investigation: it ends in .seam or starts with the SQLite header. Such a
/// file is opened (or refused), never imported as telemetry.
bool looksLikeInvestigationFile(const std::string& path);

} // namespace seam::store
