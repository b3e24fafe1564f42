#pragma once
// `seam diff --traces A B`: two traces folded into one path-keyed tree (DiffTree.h), each node's
// value from each trace, weighted by self time or by time on the trace's critical path. No test:
// one trace against another is an observation, not a sample. The path helpers are shared with
// CohortCompare, which hangs the same span paths under browser frames.

#include "CriticalPath.h"
#include "DiffTree.h"

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace seam {

class Database;

/// One trace's spans as CriticalPathReader reads them (names index `names`).
struct TraceSpans
{
    std::string label; ///< the trace id, hex
    std::vector<CriticalSpan> spans;
    std::vector<std::string> names;
};

/// The frame of a backend span: "service operation".
DiffFrame spanFrame(const std::string& service, const std::string& operation);

/// The path node of every span (index-aligned with `spans`) under `parent` (-1: spans are roots),
/// and the roots (spans without a parent in the trace; a parent cycle is broken as SpanTree does).
struct SpanNodes
{
    std::vector<std::int32_t> node;
    std::vector<std::int32_t> roots;
};
SpanNodes spanNodes(std::span<const CriticalSpan> spans, const std::vector<std::string>& names,
                    PathTable& table, std::int32_t parent);

/// Self time (ns) of every span: its duration minus the union of its children's intervals.
std::vector<std::int64_t> spanSelfTimes(std::span<const CriticalSpan> spans);

/// One trace's values per node: self time, or critical-path time across its roots' extent (gaps
/// between roots belong to no span and are left out).
NodeValues traceValues(const TraceSpans& trace, DiffWeight weight, PathTable& table);

/// Two traces compared node by node. Pure.
DiffResult diffTraces(const TraceSpans& a, const TraceSpans& b, DiffWeight weight);

/// The spans of the trace with id `hex` (32 or 16 hex digits), browser spans included (as
/// `seam trace --folded`); nullopt when the id is malformed or no such trace has spans. Throws SqliteError.
std::optional<TraceSpans> readTraceSpans(Database& db, const std::string& hex);

} // namespace seam
