#pragma once
// Clock skew at a hop between two clocks (browser -> server, service -> service). One home for the
// rule: the waterfall draws with it and the critical path measures with it, so they agree.

#include <cstdint>

namespace seam {

/// The shift that centres the entry span [entryStart, entryEnd] inside the call window
/// [callStart, callEnd], or 0 when it already lies inside: a backend clock that disagrees with the
/// browser's must not draw the server's work before the request was sent.
std::int64_t clockShiftFor(std::int64_t callStart, std::int64_t callEnd, std::int64_t entryStart,
                           std::int64_t entryEnd);

/// The shift for a hop on the critical path, where what matters is when the callee started: 0 when
/// it started inside the caller (a callee still running after its caller gave up is a timeout, not
/// skew); else clockShiftFor, except that a callee longer than its caller starts with it (the request
/// was sent at the caller's start; centring would put the callee's start before it).
std::int64_t hopShift(std::int64_t callerStart, std::int64_t callerEnd, std::int64_t calleeStart,
                      std::int64_t calleeEnd);

} // namespace seam
