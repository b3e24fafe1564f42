#pragma once

// The business impact of a backend incident window (issue 11): exact counts of the page loads,
// sessions and users whose linked backend traces reached a service (operation, version) in a time
// window and of those it affected, failed user actions, and, given a conversion definition (and a
// numeric attribute carrying a conversion's value), lost conversions and revenue with 95% intervals.

#include "ConversionDefinition.h"
#include "Ids.h"
#include "RevenueEstimate.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam {

class Database;

struct ImpactQuery
{
    std::string service;
    std::string operation; ///< empty: the service's entry spans
    std::string version;   ///< empty: every version
    /// The window; when unset, the service's strongest anomaly window (detectAnomalies).
    std::optional<TimeNs> from;
    std::optional<TimeNs> to;
    std::optional<ConversionDefinition> conversion;
    std::string revenueAttribute; ///< e.g. "order.value"; empty: no revenue
    /// A conversion counts within this after a session's landmark (ConversionLandmarks.h); 0: learnt
    /// from the data (ConversionDelays.h).
    TimeNs conversionHorizon = 0;
    /// Fewer sessions than this in either group (affected, unaffected) give no conversion verdict.
    std::int64_t minGroupSessions = 10;
};

struct ImpactCounts
{
    std::int64_t affected = 0; ///< reached, and hit an error or a latency above the normal p99 there
    std::int64_t reached = 0;  ///< their linked traces reached the service in the window
    std::int64_t total = 0;    ///< all in the window
};

/// Where the unaffected sessions compared with came from (BorrowedControls.h).
struct ConversionControl
{
    std::int64_t inWindow = 0; ///< control landmarks of the window (ConversionLandmarks.h)
    std::int64_t borrowed = 0; ///< from before and after it, for thin strata
    std::int64_t borrowedBefore = 0;
    std::int64_t borrowedAfter = 0;
    TimeNs borrowedFrom = 0; ///< the borrowed sessions' reference page loads lie in [from, to]
    TimeNs borrowedTo = 0;
    std::int64_t thinStrata = 0; ///< strata with affected sessions and too few unaffected in the window
    double driftSd = 0;          ///< the drift between periods added to the interval (a rate)
};

struct ConversionImpact
{
    std::string definition;
    /// Sessions the window affected, compared from their first harm (ConversionLandmarks.h).
    std::int64_t affectedSessions = 0;
    std::int64_t affectedConverted = 0; ///< converted after their first harm
    /// Affected sessions that had converted before their first harm: not compared.
    std::int64_t alreadyConverted = 0;
    /// Control landmarks: sessions not hit yet at their k-th reach of the service, one per class of k
    /// they entered (a session may count in several), in the window and borrowed.
    std::int64_t unaffectedSessions = 0;
    std::int64_t unaffectedConverted = 0; ///< converted after their landmark
    std::int64_t distinctControlSessions = 0;
    TimeNs horizon = 0; ///< conversions counted within this after each landmark
    double affectedRate = 0;
    /// The rate the affected sessions would have had, as the unaffected sessions of their strata (route,
    /// traces that reached the service: ConversionStrata.h) converted.
    double unaffectedRate = 0;
    /// affectedSessions x (unaffectedRate - affectedRate), with a 95% interval (normal, summed over the
    /// strata, Agresti-Caffo variances). Negative: no loss seen.
    double lost = 0;
    double ciLow = 0;
    double ciHigh = 0;
    ConversionControl control;
};

struct RevenueImpact
{
    std::string attribute;
    std::int64_t valuedSessions = 0; ///< converted sessions whose spans carried the attribute
    double affectedPerSession = 0;   ///< mean value per session, affected
    double unaffectedPerSession = 0; ///< standardised to the affected sessions' strata
    /// Lost conversions x the value of a conversion (RevenueEstimate.h); 95% interval from both.
    double lost = 0;
    double ciLow = 0;
    double ciHigh = 0;
    RevenueEstimate estimate; ///< how `lost` was reached: value per conversion, spend difference
};

struct ImpactResult
{
    bool serviceFound = false;
    std::string service, operation, version;
    TimeNs from = 0;
    TimeNs to = 0;
    std::int64_t normalP99 = 0; ///< ns; 0 when unknown (then only errors make "affected")
    /// The normal p99 comes from the calm periods inside the window (nothing outside it to take it from).
    bool normalFromInside = false;
    ImpactCounts pageLoads;
    ImpactCounts sessions;
    std::optional<ImpactCounts> users; ///< unset when no session in the window has a user id
    std::int64_t failedActions = 0;    ///< user actions that started a call the window affected
    std::int64_t actions = 0;          ///< user actions on the window's reached page loads
    std::optional<ConversionImpact> conversions;
    std::optional<RevenueImpact> revenue;
    std::vector<std::string> notes; ///< what could not be computed, and why
};

/// Reads page loads of the window by start, their linked traces' spans by the spans' primary key
/// and sessions' later page loads or actions by their session indexes: cost grows with the window's
/// traffic, not with the cache. Throws SqliteError.
ImpactResult businessImpact(Database& db, const ImpactQuery& query);

} // namespace seam
