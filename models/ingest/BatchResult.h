#pragma once

#include <cstdint>

namespace seam {

/// What one written batch changed (counted when its transaction is still open: the caller knows whether
/// it committed).
struct BatchResult
{
    std::uint64_t newSpans = 0;
    std::uint64_t duplicateSpans = 0;
    std::uint64_t newPageLoads = 0;
    std::uint64_t newResources = 0;
    std::uint64_t newLinks = 0;
    std::uint64_t newRecords = 0; // everything new, all kinds
};

} // namespace seam
