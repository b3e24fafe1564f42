#pragma once
// What the incident report says, gathered from a cache by the analysis room: the incidents (anomaly
// windows grouped, with their business impact, the root-cause ranking and verdict of the page loads
// they touched and the RED series of the services involved), the notes in time order, and each
// bookmarked page load's critical path and backend spans. Plain data: IncidentReport writes it as
// HTML, pdf/ReportPdf as PDF; both format only.

#include "Anomalies.h"
#include "BusinessImpact.h"
#include "CriticalPath.h"
#include "RootCause.h"
#include "ServiceSeries.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam {

class Database;

namespace report {

struct ReportOptions
{
    std::string title; ///< empty: "Incident review"
    std::optional<std::int64_t> from, to;
    int maxBookmarks = 20; ///< bookmarked page loads drawn (the first, in time order)
};

struct ReportIncident
{
    int number = 0;
    std::int64_t start = 0, end = 0;
    std::vector<AnomalyWindow> windows; ///< origin first
    std::optional<ImpactResult> impact; ///< of the origin window
    std::string whyScope;               ///< which loads were compared, in words
    WhyResult why;                      ///< the loads that reached the origin, around the window
    ServiceSeriesSet series;            ///< the involved services around the window
};

struct ReportNote
{
    std::int64_t id = 0;
    std::int64_t time = 0; ///< from_ns, else the target page load's start, else created_ns
    std::string kind, targetType, targetId, title, text;
    std::optional<std::int64_t> from, to;
};

struct BookmarkedLoad
{
    std::int64_t id = 0;
    std::string title; ///< the bookmark's title
    std::string url, route;
    std::int64_t start = 0;
    std::int64_t duration = -1;
    CriticalPathInput input; ///< resources, long tasks, backend spans (names indexed)
    CriticalPath path;
};

struct IncidentReportData
{
    std::string title;
    std::int64_t from = 0, to = 0;
    std::int64_t pageLoads = 0, sessions = 0, spans = 0; ///< in the range
    std::string conversion, revenueAttribute;            ///< from meta, when defined
    std::vector<ReportIncident> incidents;
    std::vector<std::string> analysisNotes; ///< what anomalies could not judge
    std::vector<ReportNote> notes;          ///< by time, then id
    std::vector<BookmarkedLoad> bookmarks;  ///< by start, then id
};

/// Reads everything the report shows. Deterministic: the analysis is, and every list is ordered by
/// time then id. Throws SqliteError.
IncidentReportData gatherIncidentReport(Database& db, const ReportOptions& options);

} // namespace report
} // namespace seam
