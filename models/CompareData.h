#pragma once
// What ComparePanel shows: two cohorts of page loads compared node by node (analysis/CohortCompare)
// and the diff flamegraph's layout, both computed off the GUI thread by CompareLoader.

#include "DiffTree.h"
#include "FlameGraphData.h"

#include <QString>
#include <memory>

namespace seam {

class Database;

struct CompareRequest
{
    QString filterA, filterB; ///< filter-language queries (PageLoadFilter)
    DiffWeight weight = DiffWeight::Critical;

    friend bool operator==(const CompareRequest&, const CompareRequest&) = default;
};

struct CompareData
{
    DiffResult result;
    /// The merged tree, a node as wide as the larger of its two values (so what vanished in B still
    /// shows); frame span ids are 1 + the index of the node in result.nodes, 0 for frames without a
    /// value of their own (the browser root, a resource seen only through its phases and spans).
    std::shared_ptr<const FlameGraphData> graph;
    QString error; ///< a query that does not parse, or a cohort without page loads; then nothing else

    /// The node a frame of `graph` stands for, or nullptr.
    const DiffNode* nodeOfSpan(qint64 spanId) const;

    /// Throws SqliteError.
    static CompareData load(Database& db, const CompareRequest& request);
};

/// The flamegraph layout of a diff: each node's width is max(a, b) of its own value (ns) plus its
/// children's widths. Pure.
FlameGraphData diffLayout(const DiffResult& result);

} // namespace seam
