#pragma once
// The demo investigation written into a cache: what `seam demo` and the GUI's "Open Demo
// Investigation" (and `seam --demo`) both do, in one place so both make the same cache.

#include "DemoOptions.h"
#include "ImportReport.h"

#include <atomic>
#include <functional>
#include <string>

namespace seam {

struct DemoInvestigationResult
{
    /// The generator's records as the OTLP mapper counted them; `cancelled` when stopped part-way.
    ImportReport report;
    /// DemoGenerator::groundTruthJson(): the planted incidents and the stripped calls (also when
    /// cancelled: then it covers what was generated).
    std::string groundTruthJson;
    bool finished = false;
};

/// Generates the demo (`options`) into the cache at `path` (created when missing) as one source of
/// kind "demo", through the mapper real OTLP takes; rollups and links follow as for any import. A
/// finished run stores the ground truth in meta.demo_ground_truth: that marks a whole demo, which
/// isCompleteDemoInvestigation() looks for; a cancelled one keeps the committed batches and no marker.
/// `progress` gets 0..1 on the calling thread; `cancel` stops at the next batch. On return the cache is
/// committed and closed. Throws (SqliteError, std::runtime_error) when it cannot be opened or written.
DemoInvestigationResult writeDemoInvestigation(const std::string& path, const DemoOptions& options,
                                               const std::function<void(double fraction)>& progress = {},
                                               const std::atomic<bool>* cancel = nullptr);

/// True when `path` is a cache that holds a whole demo investigation (one writeDemoInvestigation
/// finished); false for anything else, including files that cannot be read.
bool isCompleteDemoInvestigation(const std::string& path);

} // namespace seam
