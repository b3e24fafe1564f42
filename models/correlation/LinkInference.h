#pragma once

#include "Records.h"
#include "Sqlite.h"

#include <cstdint>
#include <unordered_map>
#include <utility>

namespace seam {

class Correlator;

/// Links browser calls that carry no usable trace id to the backend trace that served them, by what
/// both sides recorded about the request (DESIGN.md §4, "inferred"). This is for calls whose
/// propagation headers were dropped: third-party origins without CORS allowance, old agents, proxies.
///
/// Calls that carried an explicit id (a traceparent/b3 header, server-timing, a Datadog id) are left
/// alone: their backend trace is known by id, and a missing one was sampled out or has not arrived;
/// a time match would be another request. Eligible are calls with no id at all and OpenTelemetry
/// fetch spans whose own trace never reached a backend (propagation stripped).
///
/// For each eligible fetch/XHR resource without a link, candidates are backend traces whose root span is a
/// server span that (a) starts and ends inside the browser's request window once the session's clock
/// skew is applied, and (b) agrees on everything both sides know: HTTP method, path (exact `url.path`
/// / `http.target`, else the `http.route` template), query, status and user agent when present. The
/// skew is learned per session from its id-confirmed links: each says the backend span sat inside its
/// call, which bounds the browser-minus-backend clock offset; the bounds of all of a session's links
/// intersect to a narrow interval. Without confirmed links the window is ±kUnlearnedSkew and the
/// confidence lower.
///
/// Only a unique candidate is linked, and only when no other call of the same run also wants that
/// trace; a trace that is already linked is not offered again. Confidence stays below every id-based
/// method (at most kMaxConfidence), so a propagated id arriving later replaces the guess, never the
/// other way round.
///
/// It runs on the writer's connection inside its transaction, over the page loads that started in a
/// time range (the range an import touched), through the page_loads_by_start, resources_by_page_load,
/// traces_by_start and resources_by_session indexes: cost follows what was imported, not the cache.
class LinkInference
{
public:
    static constexpr double kMaxConfidence = 0.85;
    /// Clock skew assumed possible when a session has no confirmed link to learn it from.
    static constexpr TimeNs kUnlearnedSkew = 5'000'000'000;
    /// Slack for timer resolution and rounding at either end of the window.
    static constexpr TimeNs kTolerance = 2'000'000;

    struct Stats
    {
        int examined = 0;  ///< unlinked fetch/XHR calls looked at
        int linked = 0;    ///< links written
        int ambiguous = 0; ///< more than one candidate, or a candidate wanted by two calls
        int unmatched = 0; ///< no candidate
    };

    /// What may be compared. All of it by default; less to measure how the matcher does against
    /// backends that record less (e.g. only the route), see tests/tst_linkinference.cpp.
    struct Evidence
    {
        bool path = true;      ///< url.path / http.target (else only the route template)
        bool query = true;     ///< url.query
        bool status = true;    ///< response status code
        bool userAgent = true; ///< user_agent.original
    };

    LinkInference(Database& db, Correlator& correlator);
    LinkInference(Database& db, Correlator& correlator, Evidence evidence);

    /// Infers links for the calls of page loads that started in [from, to]; refreshes the page loads
    /// that gained links.
    Stats run(TimeNs from, TimeNs to);

private:
    struct Call;
    struct Candidate;
    struct SkewBounds
    {
        TimeNs lo = -kUnlearnedSkew, hi = kUnlearnedSkew;
        bool learned = false;
    };

    SkewBounds skewOf(std::int64_t session);
    /// 0 when `c` cannot be the call's server side; else a confidence.
    double match(const Call& call, const SkewBounds& skew, const Candidate& c) const;

    Correlator& m_correlator;
    Evidence m_evidence;
    Statement m_calls;
    Statement m_callAgent;
    Statement m_confirmed;
    Statement m_candidates;
    std::unordered_map<std::int64_t, SkewBounds> m_skews; // per session, within one run
};

} // namespace seam
