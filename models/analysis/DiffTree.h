#pragma once
// The shared shape of `seam diff`: a tree of frames keyed by their path from the root (service and
// operation of each span on the way down; for page loads, browser frames above the backend's), one
// value per node for each side, and the node rows a diff reports. TraceDiff fills it from two
// traces, CohortCompare from two cohorts of page loads (mean per load, tested per node).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace seam {

/// What a node's value measures.
enum class DiffWeight
{
    Self,     ///< time in the frame itself, outside its children (SpanTree's union rule)
    Critical, ///< time the frame spent on the critical path (what the trace or page load waited for)
};
const char* diffWeightName(DiffWeight weight);
std::optional<DiffWeight> parseDiffWeight(std::string_view name);

/// One frame: `label` is what the path shows ("payments SELECT payment_accounts", "fetch /api/cart",
/// "browser"); service and operation are kept apart for the views ("browser" frames have service
/// "browser" and their label as operation).
struct DiffFrame
{
    std::string label, service, operation;
};

/// Interns paths: a node is (parent node, frame label). Node ids depend on the order paths are first
/// seen, never on output order: results are sorted by path before anything leaves.
class PathTable
{
public:
    /// The node for `frame` under `parent` (-1: a root), created when new.
    std::int32_t child(std::int32_t parent, const DiffFrame& frame);
    std::int32_t parent(std::int32_t node) const { return m_parents[std::size_t(node)]; }
    const DiffFrame& frame(std::int32_t node) const { return m_frames[std::size_t(node)]; }
    std::int32_t size() const { return std::int32_t(m_frames.size()); }
    /// Labels from the root down to `node`.
    std::vector<std::string> path(std::int32_t node) const;

private:
    std::map<std::pair<std::int32_t, std::string>, std::int32_t> m_ids;
    std::vector<std::int32_t> m_parents;
    std::vector<DiffFrame> m_frames;
};

/// The value of each node one trace or one page load gave: node -> ns, sorted by node, one entry per node.
using NodeValues = std::vector<std::pair<std::int32_t, std::int64_t>>;
/// Sorts by node and adds up repeated nodes.
void mergeNodeValues(NodeValues& values);

struct DiffNode
{
    std::int32_t node = -1;        ///< in the PathTable the values were interned in
    std::vector<std::string> path; ///< frame labels from the root
    std::string service, operation;
    double aMs = 0, bMs = 0;              ///< per trace, or mean per page load of each cohort
    double deltaMs = 0;                   ///< b - a
    std::optional<double> relative;       ///< delta / a; none when a is 0
    std::optional<double> pValue, qValue; ///< cohorts, nodes that passed the volume guard
    /// Cohorts, tested nodes: 95% interval of delta_ms (normal approximation of the difference of
    /// the per-load means, Welch's standard error).
    std::optional<std::pair<double, double>> deltaCi95;
    bool significant = false;
    std::int64_t loadsA = 0, loadsB = 0; ///< traces or page loads carrying the node
};

struct DiffSide
{
    std::string kind;                ///< "trace" or "cohort"
    std::string label;               ///< the trace id (hex) or the cohort's filter
    std::vector<std::string> traces; ///< trace sides: the trace id
    std::int64_t pageLoads = 0;      ///< cohort sides: loads matching the filter
    std::int64_t sampled = 0;        ///< cohort sides: loads whose traces were read
};

struct DiffResult
{
    DiffSide a, b;
    DiffWeight weight = DiffWeight::Critical;
    std::vector<DiffNode> nodes; ///< by |delta_ms| (largest first), then path
};

/// Rows for every node present in either side, given the per-unit (trace or load) values of each
/// side; values are averaged over the units of the side (absent = 0). No test here.
std::vector<DiffNode> diffNodes(const PathTable& table, const std::vector<NodeValues>& a,
                                const std::vector<NodeValues>& b);
/// The order results leave in: |delta| descending, then path; deterministic.
void sortDiffNodes(std::vector<DiffNode>& nodes);

} // namespace seam
