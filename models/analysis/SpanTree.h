#pragma once
// The parent/child structure of one trace's spans, and the self time of each span. One home for both:
// the flamegraph, `seam trace --folded` and the cause ranking all call these, so they agree.

#include <cstdint>
#include <span>
#include <vector>

namespace seam {

/// A span as the tree needs it. `parentId` 0 means no parent.
struct TreeSpan
{
    std::uint64_t id = 0;
    std::uint64_t parentId = 0;
    std::int64_t start = 0;
    std::int64_t end = 0;
};

struct SpanTree
{
    /// Index of each span's parent in the input, or -1 for a root (no parent, or a parent that is not
    /// in the input: an orphan is a root of its own).
    std::vector<std::int32_t> parent;
    /// Spans made roots to break a parent cycle (a span that is its own parent, A <-> B, ...): in each
    /// cycle the earliest-starting span (then the smallest id) becomes the root, so the answer does
    /// not depend on the order spans were read in. Sorted by index.
    std::vector<std::int32_t> cycleRoots;
};

/// Resolves parent ids to indexes. A span id seen twice keeps its first occurrence as the parent target.
SpanTree buildSpanTree(std::span<const TreeSpan> spans);

/// A span's interval and the index of its parent (-1 for none), for selfTimes.
struct ParentedInterval
{
    std::int64_t start = 0;
    std::int64_t end = 0;
    std::int32_t parent = -1;
};

/// Self time of every span: its duration minus the union of its children's intervals, each clipped
/// to the span. The union (not the sum) is the rule: parallel children that overlap do not count
/// twice, so a span waiting on two concurrent calls of 40 ms each has 40 ms covered, not 80.
/// O(n log n) in the number of spans.
std::vector<std::int64_t> selfTimes(std::span<const ParentedInterval> spans);
/// The same for spans resolved by buildSpanTree.
std::vector<std::int64_t> selfTimes(std::span<const TreeSpan> spans, const SpanTree& tree);

} // namespace seam
