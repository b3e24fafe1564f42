#pragma once
// `seam diff --cohorts A B`: two cohorts of page loads (filter-language queries) compared on one
// path-keyed tree (DiffTree.h). Each page load gives a value per node: the browser frame on top
// ("browser"), under it the page's resources ("fetch /api/checkout", "document /checkout") and the
// browser phases ("main thread", "long task"), under a resource its phases ("download", "request")
// and the backend spans of its linked trace by service/operation path. Weighted by self time (the
// union rule of SpanTree, the page load itself as the top frame) or by critical-path time
// (CriticalPath: what the load waited for).
//
// Values are means per page load, so cohorts of different sizes compare. Each node is tested with
// Mann-Whitney U over the per-load values (a load without the node counts 0) when both cohorts have
// minCohortLoads loads and minNodeLoads loads carry the node; Benjamini-Hochberg across the tested
// nodes; significant at q <= alpha; the delta's 95% interval from the per-load values (Welch's
// standard error, normal approximation: cohorts are many loads). Traces are read for at most sampleCap loads
// of each cohort, chosen by a hash of the page load's key (CohortReader sampleLoads): the cost follows the
// cohorts, not the cache, and the answer does not depend on row order.

#include "CriticalPath.h"
#include "DiffTree.h"
#include "PageLoadFilter.h"

#include <cstdint>
#include <optional>

namespace seam {

class Database;

struct CompareOptions
{
    std::optional<std::int64_t> from, to; ///< ns since the epoch; loads started in [from, to)
    /// B's own window instead of [from, to) (two noted cohorts of different times); from/to is A's.
    bool ownRangeB = false;
    std::optional<std::int64_t> fromB, toB;
    PageLoadFilter a, b;
    std::string labelA, labelB; ///< the queries as the user wrote them
    DiffWeight weight = DiffWeight::Critical;
    int sampleCap = 1500;
    int minCohortLoads = 8; ///< fewer in either cohort: no node is tested
    int minNodeLoads = 5;   ///< loads (both cohorts) that must carry a node for it to be tested
    double alpha = 0.05;
};

/// The values of one page load per node (its input as CriticalPathReader reads it). Pure.
NodeValues pageLoadValues(const CriticalPathInput& input, DiffWeight weight, PathTable& table);

/// Reads both cohorts and compares them. A side with no loads has pageLoads 0 and contributes no
/// values (the CLI refuses it). Throws SqliteError.
DiffResult compareCohorts(Database& db, const CompareOptions& options);

/// Two page loads compared node by node (cohorts of one: no test). Sides are labelled "page load ID";
/// a load that does not exist has pageLoads 0. Throws SqliteError.
DiffResult comparePageLoads(Database& db, std::int64_t a, std::int64_t b, DiffWeight weight);

/// Tests every node of `nodes` (per-load values of each cohort in `a` and `b`, interned in the table
/// the nodes came from), filling p, q and significant. Pure; exposed for tests.
void testNodes(std::vector<DiffNode>& nodes, const std::vector<NodeValues>& a,
               const std::vector<NodeValues>& b, const CompareOptions& options);

} // namespace seam
