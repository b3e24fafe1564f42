#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace seam {

class Database;

/// One span as the flamegraph needs it: structure and timing only, never attributes.
struct FlameSpan
{
    std::int64_t trace = 0; // scopes span ids: traces merged into one graph may reuse ids
    std::int64_t spanId = 0;
    std::int64_t parentSpanId = 0; // 0 = root
    std::int32_t service = -1;     // index into the service names given to build()
    std::int32_t operation = -1;   // index into the operation names given to build()
    std::int64_t start = 0;        // ns
    std::int64_t end = 0;          // ns
    bool error = false;
};

/// One box of the laid-out graph. 48 bytes: a million frames stay under 50 MB.
struct FlameFrame
{
    std::int64_t start, end; // ns
    std::int64_t spanId;
    int depth;              // row: 0 = roots (orphans included)
    std::int32_t service;   // FlameGraphData::serviceName(); -1 = unknown
    std::int32_t operation; // FlameGraphData::operationName(); -1 = unknown
    std::int32_t parent;    // frame index, -1 for roots
    bool error;
};

/// A node of a path-merged tree (FlameGraphData::fromTree): a frame whose width is its own time plus
/// its children's.
struct FlameTreeNode
{
    std::int32_t parent = -1;    // index of the parent node (before this one), -1 for roots
    std::int32_t service = -1;   // index into the service names
    std::int32_t operation = -1; // index into the operation names
    std::int64_t selfNs = 0;
    std::int64_t spanId = 0; // what frameSelected() reports for the node's frame
    bool error = false;
};

/// The precomputed layout of a time-based flamegraph (icicle: roots on top) of one trace, or of
/// several traces merged (a page load's backend traces). Built once, off the GUI thread; painting,
/// hit testing and tooltips only read it.
///
/// Frames are stored sorted by (depth, start), so each row is a contiguous index range and a row's
/// frames are found by binary search. Concurrent siblings share their row and may overlap; each row
/// therefore also keeps a running maximum of end times, which keeps both searches exact under overlap.
class FlameGraphData
{
public:
    FlameGraphData() = default;

    /// Lays out `spans`. Parents are looked up by (trace, parentSpanId); a span whose parent is
    /// missing becomes a root, and a parent cycle (hostile data) is broken where it is found.
    static FlameGraphData build(std::vector<FlameSpan> spans, QStringList serviceNames,
                                QStringList operationNames);
    /// Reads the backend spans of the given traces (`traces.id`, one indexed query each; spans of
    /// browser services are left out: they are the waterfall's) and their names.
    /// Throws SqliteError.
    static FlameGraphData load(Database& db, const std::vector<std::int64_t>& traceRowIds);

    /// The layout of a merged tree (FlameGraphTree.cpp): no time axis, a node is as wide as its self
    /// time plus its children's widths, siblings side by side in name order from 0 (flamegraph.pl's
    /// aggregated view). Parents must come before their children in `nodes`.
    static FlameGraphData fromTree(const std::vector<FlameTreeNode>& nodes, QStringList serviceNames,
                                   QStringList operationNames);
    /// This graph merged by path (service and operation from the root): a node's self time is the sum
    /// of its frames' self times, it failed when any did, and it reports the span id of its longest
    /// frame, so selecting it selects a real span.
    FlameGraphData aggregated() const;
    /// The aggregated layout, when load() built it on the loader's thread (null otherwise).
    const std::shared_ptr<const FlameGraphData>& aggregatedLayout() const { return m_aggregated; }
    /// How much of [start(), end()] the root frames cover (their union), 0..1; 1 when empty. A merged
    /// page load whose traces are spread over seconds covers little: its time axis is mostly empty.
    double busyFraction() const;
    /// True for fromTree() and aggregated() layouts: widths are time, positions are not.
    bool isAggregate() const { return m_aggregate; }

    bool isEmpty() const { return m_frames.empty(); }
    int frameCount() const { return int(m_frames.size()); }
    const FlameFrame& frame(int index) const { return m_frames[std::size_t(index)]; }
    const std::vector<FlameFrame>& frames() const { return m_frames; }

    int rowCount() const { return m_rowBegin.empty() ? 0 : int(m_rowBegin.size()) - 1; }
    /// Frame indexes [rowBegin(d), rowEnd(d)) form row d, sorted by start.
    int rowBegin(int depth) const { return m_rowBegin[std::size_t(depth)]; }
    int rowEnd(int depth) const { return m_rowBegin[std::size_t(depth) + 1]; }
    std::span<const FlameFrame> row(int depth) const;

    /// Extent of all frames (ns).
    std::int64_t start() const { return m_start; }
    std::int64_t end() const { return m_end; }

    /// Duration minus the union of the children's intervals (clipped to the frame).
    std::int64_t selfTime(int index) const { return m_selfTime[std::size_t(index)]; }

    /// The frame of row `depth` covering `time` (within `tolerance` ns), or -1. Where frames overlap
    /// the one painted last (latest start) wins, as the user sees it. O(log n) for non-overlapping rows.
    int frameAt(int depth, std::int64_t time, std::int64_t tolerance = 0) const;
    /// First frame index of row `depth` that may end at or after `time` (painting starts there).
    int firstEndingAfter(int depth, std::int64_t time) const;
    /// Latest end among the frames of `index`'s row up to and including it.
    std::int64_t maxEndUpTo(int index) const { return m_rowMaxEnd[std::size_t(index)]; }
    /// The first frame (by start) whose parent is `index`, or -1.
    int firstChild(int index) const;
    /// Frame index of a span id, or -1 (linear; for selections coming from other views).
    int indexOfSpan(std::int64_t spanId) const;

    /// Error frames among indexes [begin, end), O(1): a merged block of tiny frames shows whether
    /// any of them failed without visiting them.
    int errorCount(int begin, int end) const
    {
        return m_errorPrefix[std::size_t(end)] - m_errorPrefix[std::size_t(begin)];
    }

    /// Frames whose service or operation name contains `text` (case-insensitive), in index order.
    std::vector<int> search(QStringView text) const;

    QString serviceName(int service) const;
    QString operationName(int operation) const;
    const QStringList& serviceNames() const { return m_serviceNames; }
    const QStringList& operationNames() const { return m_operationNames; }

private:
    /// Rows, running ends, extent, error counts and self times of m_frames (sorted by depth, start).
    void finishLayout();

    std::vector<FlameFrame> m_frames;
    std::vector<std::int64_t> m_rowMaxEnd; // per frame: max end over its row up to and including it
    std::vector<std::int64_t> m_selfTime;
    std::vector<std::int32_t> m_errorPrefix{0}; // frameCount() + 1 running counts of error frames
    std::vector<int> m_rowBegin;                // rowCount() + 1 offsets into m_frames
    QStringList m_serviceNames;
    QStringList m_operationNames;
    std::int64_t m_start = 0;
    std::int64_t m_end = 0;
    bool m_aggregate = false;
    std::shared_ptr<const FlameGraphData> m_aggregated;
};

} // namespace seam
