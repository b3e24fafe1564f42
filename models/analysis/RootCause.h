#pragma once
// "Why is this slow?" for a cohort: the page loads of a selection (slow ones by default) against a
// baseline, one ranked list of causes mixing browser attributes, backend attributes of the traces
// the loads caused and critical-path time per service/operation and per browser phase, and a
// verdict: backend, frontend, network, mixed or inconclusive. Plain structs in and out.
//
// Method (README "seam why"):
//   - selection and baseline: loads in [from, to) matching `filter`; the selection is the slow ones
//     (above quantile q of their own route; routes with fewer than minRouteLoads loads are left
//     out) or the failed ones (error_count > 0), the baseline the other loads of the selection's
//     routes; with `baseline` given and no criterion, the selection is every load matching `filter`
//     and the baseline every load matching `baseline` (the selection taken out of it);
//   - trace-level evidence (critical paths, backend attributes) is read for a deterministic sample
//     of each group (at most sampleCap loads, chosen by a hash of the page load's key: the same
//     cache gives the same sample whatever order it was written in);
//   - each candidate row is tested: categories (attribute values; critical-path rows as "this load
//     spent more than the baseline's p90 there") by Fisher's exact test (chi-squared for huge
//     tables), critical-path ms per load by Mann-Whitney U; Benjamini-Hochberg over all rows;
//   - delta_ms is the part of the p75 gap (selection p75 - baseline p75) that goes away without the
//     row: without the loads that carry an attribute value, or without a segment's time in every load;
//   - a row whose association disappears among the loads without a stronger row (and most of whose
//     selected loads carry that row) is that row's consequence, listed under it.

#include "PageLoadFilter.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam {

class Database;

struct WhyOptions
{
    std::optional<std::int64_t> from, to; ///< ns since the epoch; [from, to)
    PageLoadFilter filter;                ///< scope of the selection (empty: every load)
    enum class Criterion
    {
        Slow,   ///< above `quantile` of their route
        Errors, ///< error_count > 0
        None,   ///< every load of `filter` (only with `baseline`)
    };
    Criterion criterion = Criterion::Slow;
    double quantile = 0.9;
    std::optional<PageLoadFilter> baseline;

    int sampleCap = 1500;   ///< loads per group whose traces are read
    int minGroupLoads = 20; ///< below this in either group: no rows, verdict inconclusive
    int minRowLoads = 8;    ///< a row needs this many selected loads carrying it
    int minRouteLoads = 20; ///< a route needs this many loads for its own quantile
    double alpha = 0.05;    ///< q-value at which a row is reported
    int maxCauses = 20;
    int maxConsequences = 10;
};

struct WhyGroup
{
    std::int64_t pageLoads = 0; ///< the whole group (not just the sample)
    double p50Ms = 0;
    double p75Ms = 0;
    std::int64_t sampled = 0; ///< loads whose traces were read
};

struct WhyCause
{
    enum class Kind
    {
        Attribute,
        Operation,
        Phase
    };
    Kind kind = Kind::Attribute;
    std::string field;     ///< attribute: its name; operation: "critical_path"; phase: the side
    std::string value;     ///< attribute value; operation name; phase label ("download /img/hero.webp")
    std::string service;   ///< backend rows: the service they belong to ("" for browser rows)
    std::string operation; ///< operation rows
    double selectionShare = 0;
    double baselineShare = 0;
    double deltaMs = 0;
    double pValue = 1;
    double qValue = 1;
    /// Critical-path rows: mean ms per load on the path in each group.
    double selectionMeanMs = 0;
    double baselineMeanMs = 0;
    std::string text;
    std::vector<WhyCause> consequences;
};

struct WhyVerdict
{
    std::string side = "inconclusive"; ///< backend, frontend, network, mixed, inconclusive
    double backendMsDelta = 0;
    double frontendMsDelta = 0;
    double networkMsDelta = 0;
    /// Median critical-path ms per load of each side (frontend, network, backend) in each group.
    double selectionMedianMs[3] = {0, 0, 0};
    double baselineMedianMs[3] = {0, 0, 0};
    std::string text;
};

struct WhyResult
{
    WhyGroup selection, baseline;
    WhyVerdict verdict;
    std::vector<WhyCause> causes; ///< ranked
};

/// Throws SqliteError.
WhyResult explainCohort(Database& db, const WhyOptions& options);

const char* whyCauseKindName(WhyCause::Kind kind);

} // namespace seam
