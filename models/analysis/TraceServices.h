#pragma once
// The backend services a set of traces reached (a page load's linked traces), with their span and
// error-span counts: the "services" of `seam pageload`.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace seam {

class Database;

struct TraceServiceCount
{
    std::string name; ///< all versions of a service name together
    std::int64_t spans = 0;
    std::int64_t errorSpans = 0;
};

/// By name (byte order). Browser apps are not backend services and are left out. Throws SqliteError.
std::vector<TraceServiceCount> traceServiceCounts(Database& db, std::span<const std::int64_t> traces);

} // namespace seam
