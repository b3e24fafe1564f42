#pragma once

#include "Anomalies.h"
#include "SavedConversion.h"

#include <QString>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace seam {

class Database;

/// What the incidents panel asks for. `generation` changes when the cache or the saved conversion
/// changed (a new request must differ from the last); `withImpact` adds the business impact of every
/// window, the slow part, asked for once the windows are on screen.
struct IncidentsData;

struct IncidentsRequest
{
    int generation = 0; ///< 0 with withImpact false is "nothing" (cancels)
    bool withImpact = false;
    /// The last data shown: the impact of a window (same service, start and end, same conversion)
    /// whose data did not change since (IncidentRow::dataStamp) is taken from it, not read again.
    std::shared_ptr<const IncidentsData> previous;
    friend bool operator==(const IncidentsRequest&, const IncidentsRequest&) = default;
};

/// One incident window of one service, with what it cost when impact was asked for.
struct IncidentRow
{
    AnomalyWindow window;
    bool impactKnown = false;
    std::int64_t affectedSessions = 0;
    std::int64_t reachedSessions = 0;
    std::int64_t affectedPageLoads = 0;
    /// Lost conversions with their 95% interval, when a conversion is defined and both groups had
    /// sessions enough.
    std::optional<double> lostConversions;
    double lostLow = 0;
    double lostHigh = 0;
    std::vector<std::string> impactNotes; ///< why a figure is missing
    /// What the impact was read from: page loads of the window and the service's entry spans reached
    /// from the window's start minus to its end plus the normal baseline's margin (2 h). Live data
    /// landing there changes it; data landing elsewhere does not.
    std::array<std::int64_t, 3> dataStamp{};

    /// "latency p95", "error rate", "requests", "latency p50".
    QString whatText() const;
    /// The lead metric's peak against its normal: "p95 3.9 s vs 285 ms", "errors 24.0% vs 0.1%",
    /// "requests ×3.2 (41/s vs 13/s)".
    QString howBadText() const;
    /// The PageLoadFilter term selecting the page loads that reached the service: `service:payments`.
    QString filterTerm() const;
};

/// The incident windows of the whole investigation (detectAnomalies, origins ranked), by incident then
/// origin rank, and, with `withImpact`, each window's business impact (businessImpact over its
/// window, with the saved conversion definition when there is one). Built off the GUI thread
/// (IncidentsLoader).
struct IncidentsData
{
    int generation = 0;
    bool withImpact = false;
    TimeNs from = 0; ///< the range analysed (the cache's extent)
    TimeNs to = 0;
    std::vector<IncidentRow> rows;
    std::vector<std::string> notes;            ///< what detectAnomalies could not judge
    std::optional<SavedConversion> conversion; ///< saved in the investigation file
    /// A guess offered when none is saved (only computed without impact: it does not change).
    std::optional<ConversionSuggestion> suggestion;
    double anomaliesMs = 0; ///< time to find the windows
    double impactMs = 0;    ///< time for the impact of all of them
    int impactsRead = 0;    ///< windows whose impact was read (the others came from the previous data)

    /// Reads the rollups (and, with impact, the windows' page loads and traces). Throws SqliteError.
    static IncidentsData load(Database& db, const IncidentsRequest& request);
};

} // namespace seam
