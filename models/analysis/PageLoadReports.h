#pragma once
// The sources that reported one page load (page_load_reports): after reconciliation one navigation seen
// by several instrumentations is one page load with one report each, and each report keeps the values
// its source gave. The CLI (`seam pageload ID --json`, `reports`) and the details panel read these.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam {

class Database;

struct PageLoadReport
{
    std::int64_t sourceId = 0; // sources.id; 0 when unknown
    std::string source;        // the source's path or endpoint, as in `sources`
    std::string format;        // otel, datadog, faro, har
    std::string key;           // the importer's page-load key
    std::int64_t startNs = 0;  // in this source's clock
    std::optional<std::int64_t> durationNs, ttfbNs, fcpNs, lcpNs, inpNs;
    std::optional<double> cls;
    std::string traceId;    // hex, empty when none
    std::string matchedBy;  // empty for the first report; document-trace, resource-trace, url-time
    bool canonical = false; // the report whose identity (key, URL, start) the page load shows
};

/// What one source reported of a call (a resource row; the rows of one request that several sources
/// reported are merged into one, `merged_into`).
struct CallReport
{
    std::int64_t resourceId = 0;
    std::string source;                 // the reporter: otel, datadog, faro, har; empty when unknown
    std::optional<std::int64_t> status; // HTTP status; 0 = failed without one
    std::optional<std::int64_t> durationNs;
    std::string traceId; // hex, empty when none
};

/// One call (resource) of a page load and every source's report of it.
struct PageLoadCall
{
    std::int64_t resourceId = 0; // the row the others are merged into
    std::string type, method, url;
    std::int64_t offsetNs = 0;       // from the page load's start
    std::vector<CallReport> reports; // that row's own report first, then by source
};

/// The calls of one page load in start order (at most `limit`), each with the sources that reported it:
/// the per-call half of the details' Sources tab. Throws SqliteError.
std::vector<PageLoadCall> pageLoadCalls(Database& db, std::int64_t pageLoadId, int limit = 2000);

/// The reports of one page load, the canonical one first, then by the canonical order of their formats
/// (PageLoadReconciler::canonicalOrder). Throws SqliteError.
std::vector<PageLoadReport> pageLoadReports(Database& db, std::int64_t pageLoadId);

/// Formats that reported one page load, in canonical order ("otel,har"): the table's Source(s) column.
std::string pageLoadSourcesSql(const char* pageLoadIdExpression);

} // namespace seam
