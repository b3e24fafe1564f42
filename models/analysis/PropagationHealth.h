#pragma once
// Propagation health: for each (app version, origin, route) of the browser's fetch/XHR calls, how many
// reached the backend linked by a propagated id, how many only by inference, how many not at all, and
// why the id did not link, with one sentence on the usual fix. `seam propagation` prints it; the
// details tabs show it.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace seam {

class Database;

/// Why a call has no link by id.
enum class PropagationReason
{
    NoTraceContext,         // the browser sent no trace id (propagation not enabled for this origin)
    CrossOriginBlocked,     // ... and the call is cross-origin (propagation not allowed there)
    BackendStartedNewTrace, // an id was sent, the backend recorded the call in a trace of its own
    BackendTraceMissing,    // an id was sent, nothing of the backend arrived for it
};
const char* propagationReasonName(PropagationReason reason);

struct PropagationGroup
{
    std::string appVersion, origin, route;
    std::int64_t calls = 0, linkedById = 0, linkedInferred = 0, unlinked = 0;
    /// Calls without a link by id (unlinked or inferred only), by reason.
    std::map<PropagationReason, std::int64_t> reasons;
    /// One sentence for the most frequent reason; empty when every call linked by id.
    std::string advice;
};

/// Every browser fetch/XHR call of the cache, grouped; the groups with most calls without a link by id
/// first. Reads the resources once (with their links, traces and page loads) plus one index seek per call
/// whose trace never arrived. Throws SqliteError.
std::vector<PropagationGroup> propagationHealth(Database& db);

/// The advice for one reason (one sentence).
std::string propagationAdvice(PropagationReason reason);

} // namespace seam
