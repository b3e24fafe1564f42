#pragma once

#include "PageLoadFilter.h"

#include <QString>
#include <string>
#include <vector>

namespace seam {

class Database;

/// One page load as the scatter chart draws it.
struct PageLoadScatterPoint
{
    qint64 id = 0;       ///< page_loads.id
    qint64 start = 0;    ///< ns since the epoch
    qint64 duration = 0; ///< load time, ns
    bool error = false;  ///< error_count > 0
    QString route;       ///< filled for the points shown (tooltips), empty in the decimation input

    /// Page load `pageLoadId` alone (a primary-key lookup), for a selection the decimation left out;
    /// id 0 when it is not in the cache or has no load time (nothing to draw). Throws SqliteError.
    static PageLoadScatterPoint load(Database& db, qint64 pageLoadId);
};

struct PageLoadScatterRequest;

/// The points of the page-load scatter chart: load time over wall time for the page loads matching a
/// filter, decimated so that an overview of a million page loads stays a few thousand markers.
///
/// Decimation works per time column (kColumns across the matched time span), separately for page loads
/// with and without errors: a column keeps all its points when they fit, otherwise its slowest ones and
/// an even sample of the rest. The per-column quota is the largest that keeps the class within its
/// budget (columns with few points give their share to busy ones). Errors get their own budget first,
/// so every error is kept unless there are more than half the cap of them.
struct PageLoadScatterData
{
    static constexpr int kDefaultMaxPoints = 20'000;
    static constexpr int kColumns = 500;

    /// The points shown, by start time (then id).
    std::vector<PageLoadScatterPoint> points;
    /// Page loads matching the filter with a known load time (all of them, before decimation).
    qint64 matched = 0;
    /// Matching page loads without a load time (not drawn).
    qint64 withoutDuration = 0;
    /// Matching page loads with errors, and how many of them are shown.
    qint64 errors = 0;
    qint64 errorsShown = 0;
    /// The 95th percentile of the matched load times (ns): loads above it are "slow". 0 when empty.
    qint64 slowThreshold = 0;
    /// The matched page loads' start span and the largest load time (ns); 0 when empty.
    qint64 firstStart = 0, lastStart = 0, maxDuration = 0;
    /// The start times of every matched page load (not only those shown), sorted: the brushed range's
    /// count is exact however the points are decimated.
    std::vector<qint64> starts;
    /// The start span of all the cache's page loads, filter or not; 0 when there are none.
    qint64 cacheFirstStart = 0, cacheLastStart = 0;

    bool isDecimated() const { return qint64(points.size()) < matched; }
    bool isSlow(const PageLoadScatterPoint& p) const
    {
        return slowThreshold > 0 && p.duration > slowThreshold;
    }
    /// Matched page loads starting in [fromNs, toNs].
    qint64 countStartingIn(qint64 fromNs, qint64 toNs) const;
    /// Index into points of the first point starting at or after `startNs`.
    std::size_t lowerBound(qint64 startNs) const;
    /// Index into points of page load `id`, or -1.
    int indexOf(qint64 id) const;

    /// Reads the points of the page loads matching `where` (a PageLoadFilter's sql() and values(),
    /// over `page_loads p LEFT JOIN sessions s ON s.id = p.session_id`), decimates them and reads the
    /// routes of those kept. One scan of the matching page loads. Throws SqliteError.
    static PageLoadScatterData load(Database& db, const std::string& where,
                                    const std::vector<PageLoadFilter::Value>& values,
                                    int maxPoints = kDefaultMaxPoints);
    static PageLoadScatterData load(Database& db, const PageLoadScatterRequest& request);
    /// The statistics and decimation of `all` (any order; routes are left as they are).
    static PageLoadScatterData fromPoints(std::vector<PageLoadScatterPoint> all,
                                          int maxPoints = kDefaultMaxPoints);
};

/// What a scatter is read for: a filter as SQL and values (nothing implicitly shared, so it can cross
/// to a worker thread) and the cap on the points shown.
struct PageLoadScatterRequest
{
    std::string where;
    std::vector<PageLoadFilter::Value> values;
    int maxPoints = PageLoadScatterData::kDefaultMaxPoints;

    PageLoadScatterRequest() = default;
    /// The page loads matching `filter` (an invalid one matches nothing).
    PageLoadScatterRequest(const PageLoadFilter& filter,
                           int maxPoints = PageLoadScatterData::kDefaultMaxPoints)
        : where(filter.sql()), values(filter.values()), maxPoints(maxPoints)
    {}
    friend bool operator==(const PageLoadScatterRequest&, const PageLoadScatterRequest&) = default;
};

} // namespace seam
