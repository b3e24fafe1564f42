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

/// The reports of one page load, the canonical one first, then by the canonical order of their formats
/// (PageLoadReconciler::canonicalOrder). Throws SqliteError.
std::vector<PageLoadReport> pageLoadReports(Database& db, std::int64_t pageLoadId);

/// Formats that reported one page load, in canonical order ("otel,har"): the table's Source(s) column.
std::string pageLoadSourcesSql(const char* pageLoadIdExpression);

} // namespace seam
