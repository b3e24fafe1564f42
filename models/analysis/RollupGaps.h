#pragma once

// The parts of a chart's range that no recorded server-side rollup range covers: what the service
// charts of a pulled investigation must still ask the remote store for (and nothing else, so a second
// look at the same range asks nothing).

#include "RollupCoverage.h"

#include <cstdint>
#include <vector>

namespace seam {

/// [wanted.from, wanted.to) widened to whole buckets of `bucketNs`, minus the union of `covered` (any
/// order, overlapping or not): the gaps, by start, adjacent ones merged, each whole buckets. Empty when
/// the range is empty or fully covered.
std::vector<CoveredRange> uncoveredRanges(std::vector<CoveredRange> covered, CoveredRange wanted,
                                          std::int64_t bucketNs);

} // namespace seam
