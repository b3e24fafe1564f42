#pragma once

#include <string>

namespace seam {

class Database;

/// The investigation cache's schema, documented in docs/SCHEMA.md. Every change bumps kSchemaVersion
/// and adds a step to SchemaMigrations.cpp. The version lives in PRAGMA user_version.
namespace schema {

constexpr int kSchemaVersion = 17;
/// Readers (store::openForReading) accept every version from this one up to kSchemaVersion: a step only
/// ever adds tables and columns, so what a reader of the old tables reads is still there. Readers of
/// the added ones (notes' author and tags, investigation_state) ask schemaVersion() first.
constexpr int kOldestReadableVersion = 1;
/// PRAGMA application_id of caches ("Seam"): tells a cache from other programs' SQLite files by its
/// header alone. Caches made before it have 0 there and are known by meta.created_by.
constexpr int kApplicationId = 0x5365616D;
/// Width of a rollup bucket. Charts merge buckets into coarser steps.
constexpr long long kRollupBucketNs = 10'000'000'000LL;

/// Brings a database to kSchemaVersion (creating it when empty) inside one transaction: a new file
/// gets the v1 tables and then every step, an old one the steps it lacks, one version after the other,
/// so a migrated file and a new one are the same by construction. Throws SqliteError (and rolls back
/// whole); a database newer than this build is refused rather than damaged.
void migrate(Database& db);

/// PRAGMA user_version of an open cache.
int schemaVersion(Database& db);
/// Schema step: adds page_load_reports (one row per source's report of a page load) and an index of
/// page loads by document trace, and gives every existing page load its own report. Idempotent on a
/// fresh v1 file only; called inside migrate()'s transaction.
void migrateToReconciliation(Database& db);

/// The SET clause ("network_error_count = ..., error_count = ...") that counts a page load's errors:
/// failed calls (HTTP >= 500) and network error events as network errors, the other browser errors as JS
/// errors, error_count their total. `id` is the SQL expression of the page load's id ("?1", "page_loads.id").
std::string pageLoadErrorCountsSet(const std::string& id);

/// The connection settings every Seam connection uses (WAL, foreign keys off for speed, ...).
void configureConnection(Database& db, bool writer);

} // namespace schema
} // namespace seam
