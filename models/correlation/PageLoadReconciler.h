#pragma once

#include "CallReconciler.h"
#include "SessionMerger.h"
#include "Sqlite.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace seam {

class Correlator;

/// One navigation, one page load (issue 17). The same page load can be reported by several
/// instrumentations of one page (an OpenTelemetry documentLoad span, a Datadog view, a Faro navigation,
/// a HAR page); each arrives as its own page load with its own key. This folds those that describe the
/// same navigation into one page_loads row that keeps every source's report (page_load_reports).
///
/// Evidence, strongest first:
///  1. shared trace ids: the document's trace (`<meta name="traceparent">`, documentLoad's trace) or
///     resources' propagated / own trace ids (traceparent, server-timing, Datadog `_dd` ids once
///     resolved to the full trace) that both page loads carry;
///  2. the same URL, a start within kTolerance after the clock difference between the two sessions
///     (estimated from their page loads already matched) is taken off, compatible browsers and
///     overlapping sessions.
/// Only page loads whose reporters differ are folded (two reports of one instrumentation are two
/// navigations), only a unique best candidate is taken (a tie is left alone), and for the time rule the
/// choice must be mutual. The survivor is the older row; its values are then the canonical ones by
/// canonicalOrder(); its children (resources, errors, actions, long tasks) include the folded one's.
///
/// Runs in the writer's transaction after each batch, over the page loads the batch touched, and only
/// once the cache holds page loads of two reporters: single-source data pays one check per batch.
class PageLoadReconciler
{
public:
    /// How far apart two sources' clocks may be: candidates are looked for this far around.
    static constexpr std::int64_t kMaxClockDifference = 60'000'000'000LL;
    /// How close two reports' starts must be once the clock difference is taken off.
    static constexpr std::int64_t kTolerance = 2'000'000'000LL;
    /// Two time candidates whose distances differ by less than this are equally good.
    static constexpr std::int64_t kTie = 200'000'000LL;

    PageLoadReconciler(Database& db, Correlator& correlator);
    ~PageLoadReconciler();

    /// Which value wins when reports disagree: the in-page SDKs' navigation timing before a HAR's page
    /// timings (onLoad is not loadEventEnd, startedDateTime is the first request), and among the SDKs
    /// OpenTelemetry, then Datadog, then Faro (the order in which their navigation timings are complete:
    /// documentLoad carries the PerformanceNavigationTiming marks, a Datadog view its loading time, Faro
    /// its navigation event). Lower is preferred; unknown reporters come before HAR.
    static int canonicalOrder(std::string_view reporter);

    struct Result
    {
        std::uint64_t merged = 0;            // page loads folded into another
        std::vector<std::int64_t> survivors; // page loads that gained reports
        std::vector<std::int64_t> sessions;  // sessions whose page-load counts changed
        bool sessionsMerged = false;         // session keys may now name another visit
    };

    /// Matches and folds the given page loads (those a batch touched). `reporters` are the reporters
    /// seen by this writer; nothing is looked at while the cache holds one reporter only.
    Result reconcile(const std::unordered_set<std::int64_t>& pageLoads,
                     const std::set<std::string, std::less<>>& reporters);

    /// Another connection may have written: the reporters in the cache are read again.
    void forget() { m_cacheReporters.reset(); }

private:
    struct PageLoadFacts
    {
        std::int64_t id = 0, session = 0, start = 0;
        std::int64_t reportSession = 0; // the session as the page load's first report's source named it
        std::string url;
        std::set<std::string> reporters;
    };
    struct Choice
    {
        std::int64_t id = 0;
        const char* method = "";
    };

    bool active(const std::set<std::string, std::less<>>& reporters);
    std::optional<PageLoadFacts> facts(std::int64_t pageLoad);
    Choice byTraces(const PageLoadFacts& p);
    Choice byUrlAndTime(const PageLoadFacts& p);
    /// The unique best time candidate of `p` (0 when none or a tie).
    std::int64_t bestByTime(const PageLoadFacts& p);
    bool browsersAgree(std::int64_t sessionA, std::int64_t sessionB);
    /// Median start difference (b - a) of the reports of sessions a and b already matched, if any.
    std::optional<std::int64_t> clockDifference(const PageLoadFacts& a, std::int64_t visitB,
                                                std::int64_t sessionB);
    void fold(std::int64_t from, std::int64_t into, const char* method, Result& result);
    void recomputeCanonical(std::int64_t pageLoad);

    Database& m_db;
    Correlator& m_correlator;
    /// The first and last reporter (by name) the file held when last read; unset until read.
    std::optional<std::set<std::string>> m_cacheReporters;
    Statement m_reporterRange, m_facts, m_reportersOf, m_sharedTraces, m_byUrlTime, m_sessionInfo,
        m_clockDifference, m_reportCount, m_moveReports, m_moveValues, m_deletePageLoad, m_canonical;
    Statement m_moveChildren[4];
    CallReconciler m_calls;
    SessionMerger m_sessions;
};

} // namespace seam
