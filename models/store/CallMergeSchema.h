#pragma once

#include <string>

namespace seam {

class Database;

namespace schema {

/// Schema step (one navigation, one call, one visit): resources gain the instrumentation that reported
/// them and the call they were merged into; sessions gain the visit they were merged into. Self-contained
/// (it only adds), so it can take any place at the end of the migration list.
void migrateToCallMerging(Database& db);

/// A page load's counters on a cache with the step, as they should be and as stored: SELECT network,
/// js, calls, network_error_count, error_count, resource_count of the page load `id` (an SQL expression;
/// no row when there is no such page load). resource_count counts calls (a call reported by several
/// sources once), network_error_count the failed calls (HTTP >= 500 or no response) and the SDKs'
/// network error events naming no such call, error_count JS + network.
std::string pageLoadCountersSelect(const std::string& id);

/// Whether the cache has the step's columns (readers open older files read-only as they are).
bool hasCallMerging(Database& db);

/// For readers that list calls: " AND <alias>.merged_into IS NULL" (one row per call) on a cache with
/// the step, "" on an older one.
std::string oneRowPerCall(Database& db, const std::string& alias);
/// For readers that show a call's link: "LEFT JOIN links <link> ON <link>.resource_id = ..." naming the
/// best link among the call's reports (any source's report may be the one that reached the backend).
std::string callLinkJoin(Database& db, const std::string& alias, const std::string& link);

} // namespace schema
} // namespace seam
