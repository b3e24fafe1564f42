#pragma once
// What the "Why?" pane shows, read off the GUI thread by WhyLoader: for a selected page load, its own
// critical path by side against the normal loads of its route (analysis/LoadVerdict) and the cohort
// answer for the route's slow loads; without one, the cohort answer for the slow (or failed) loads of
// the brushed range and filter against the others (analysis/RootCause).

#include "LoadVerdict.h"
#include "RootCause.h"

#include <QString>
#include <optional>

namespace seam {

class Database;

struct WhyRequest
{
    enum class Mode
    {
        None,     ///< nothing to explain (cancels)
        PageLoad, ///< one page load against its route
        Cohort,   ///< the slow or failed loads of a range and filter against the others
    };
    Mode mode = Mode::None;
    qint64 pageLoadId = 0;
    std::optional<qint64> from, to; ///< ns since the epoch; [from, to)
    QString filter;                 ///< the filter language (cohort mode)
    bool failed = false;            ///< cohort mode: failed loads rather than slow ones
    friend bool operator==(const WhyRequest&, const WhyRequest&) = default;
};

struct WhyData
{
    /// Groups below this many loads get no verdict (WhyOptions::minGroupLoads).
    static constexpr int kMinGroupLoads = 20;
    /// Loads per group whose traces are read (WhyOptions::sampleCap; `seam why` reads 1,500): the
    /// pane answers within a second at 250k page loads, where 1,500 per group took 1-1.5 s of CPU
    /// (bench_why). The whole cohorts still set the groups' sizes, quantiles and the slow threshold.
    static constexpr int kSampleCap = 600;

    WhyRequest request;
    QString error; ///< a request that cannot be answered (an invalid filter): said, not thrown

    // PageLoad mode.
    bool pageLoadFound = false;
    QString route;
    LoadVerdict loadVerdict; ///< this load against the route's normal loads

    // Both modes: the cohort answer (PageLoad mode: the route's slow loads against its normal ones).
    QString cohortFilter; ///< the filter the cohort was selected with
    bool cohortFailed = false;
    WhyResult cohort;
    /// Two filters (the selection, the baseline) for the comparison panel; a slow selection is
    /// approximated by one load-time threshold (the cohort's quantile), as the filter language has no
    /// per-route quantile.
    QString compareSelection, compareBaseline;
    /// The load time that stands for "slow" in those filters (ns), -1 when none (failed loads, no
    /// loads): the threshold the store-wide check counts with (WhyStoreSection).
    qint64 slowThresholdNs = -1;

    bool tooLittleData() const
    {
        return cohort.selection.pageLoads < kMinGroupLoads || cohort.baseline.pageLoads < kMinGroupLoads;
    }

    /// Throws SqliteError.
    static WhyData load(Database& db, const WhyRequest& request);
};

} // namespace seam
