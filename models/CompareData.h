#pragma once
// What ComparePanel shows: two cohorts of page loads compared node by node (analysis/CohortCompare)
// and the diff flamegraph's layout, both computed off the GUI thread by CompareLoader.

#include "DiffTree.h"
#include "FlameGraphData.h"

#include <QString>
#include <memory>
#include <optional>

namespace seam {

class Database;

struct CompareRequest
{
    /// What the two sides are: cohorts of page loads, two page loads, or two traces.
    enum class Kind
    {
        Cohorts,
        PageLoads,
        Traces
    };
    Kind kind = Kind::Cohorts;
    QString filterA, filterB; ///< Cohorts: filter-language queries (PageLoadFilter)
    /// Cohorts: each side's own [from, to) (two noted cohorts of different windows); unset: all time.
    std::optional<qint64> fromA, toA, fromB, toB;
    qint64 pageLoadA = 0, pageLoadB = 0; ///< PageLoads
    QString traceA, traceB;              ///< Traces: 32 hex digits
    QString labelA, labelB;              ///< how the sides are named; empty: the filters, ids
    DiffWeight weight = DiffWeight::Critical;

    /// The side's name for messages: its label, else its filter, page load or trace.
    QString sideName(bool b) const;

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
