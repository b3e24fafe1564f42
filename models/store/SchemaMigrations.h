#pragma once

#include <span>

namespace seam {

class Database;

namespace schema {

/// One step of the cache's schema: brings a file at version `toVersion - 1` to `toVersion`. Steps
/// only add (tables, columns, indexes) so that readers of an older version keep working.
struct MigrationStep
{
    int toVersion;
    void (*apply)(Database& db);
};

/// Every step, oldest first; the last one's toVersion is kSchemaVersion.
std::span<const MigrationStep> migrationSteps();

} // namespace schema
} // namespace seam
