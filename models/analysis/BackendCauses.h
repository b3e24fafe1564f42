#pragma once
// Where a page load's backend time went: the "causes" of `seam pageload`. Self time (SpanTree's rule:
// a span's duration minus the union of its children) per operation over the page load's linked
// traces, largest first, each operation's mean here compared with its typical latency (the p50 of its
// rollups over the whole investigation).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace seam {

class Database;

struct BackendCause
{
    /// Empty when the operation row is missing (a cache written half-way): the cause is still ranked.
    std::string service;
    std::string operation;
    bool named = false;
    std::int64_t selfNs = 0; ///< summed over the operation's spans in the traces
    double share = 0;        ///< of all backend self time in the traces, 0..1
    std::int64_t calls = 0;
    double meanNs = 0; ///< mean duration (not self time) of the operation's spans here
    /// p50 of the operation over the whole investigation; none without rollups for it.
    std::optional<std::int64_t> typicalP50Ns;
    double slowdown = 0; ///< meanNs / typicalP50Ns; 0 without a typical latency (or a zero one)
};

/// The operations with the most self time in `traces` (traces.id; browser spans left out), at most
/// `limit` of them, those with no self time dropped. Reads the traces' spans by the spans primary key and
/// each ranked operation's rollups; throws SqliteError.
std::vector<BackendCause> backendCauses(Database& db, std::span<const std::int64_t> traces,
                                        std::size_t limit = 5);

} // namespace seam
