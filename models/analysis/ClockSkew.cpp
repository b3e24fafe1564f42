#include "ClockSkew.h"

namespace seam {

std::int64_t clockShiftFor(std::int64_t callStart, std::int64_t callEnd, std::int64_t entryStart,
                           std::int64_t entryEnd)
{
    if (entryStart >= callStart && entryEnd <= callEnd)
        return 0;
    // Centred: the request and the response legs are assumed to take the same time.
    const std::int64_t slack = (callEnd - callStart) - (entryEnd - entryStart);
    return callStart + slack / 2 - entryStart;
}

std::int64_t hopShift(std::int64_t callerStart, std::int64_t callerEnd, std::int64_t calleeStart,
                      std::int64_t calleeEnd)
{
    if (calleeStart >= callerStart && calleeStart <= callerEnd)
        return 0;
    if (calleeEnd - calleeStart > callerEnd - callerStart)
        return callerStart - calleeStart;
    return clockShiftFor(callerStart, callerEnd, calleeStart, calleeEnd);
}

} // namespace seam
