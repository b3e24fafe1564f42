#pragma once
// `seam extract`: a smaller, self-contained investigation holding the selected page loads and all
// that explains them: their sessions, resources, errors, actions and long tasks, the linked traces in
// full (spans, payloads, logs), the services and operations referenced, the rollups of the window
// (and, whole, those of every operation the extracted spans ran, so `seam pageload`'s typical
// latencies read the same in both files), meta, sources and the notes about what was kept. Rows keep
// their ids: `seam pageload ID` and `seam trace ID` answer the same in both files.
//
// The target is created with the real schema (schema::migrate), the source attached to it, and every
// table filled by INSERT ... SELECT with bound parameters in one transaction: an interrupted extract
// leaves an empty investigation, never half of one.

#include "PageLoadFilter.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace seam::report {

struct ExtractOptions
{
    PageLoadFilter filter; ///< empty: every page load of the range
    std::optional<std::int64_t> from, to;
    /// Called after each table with its name, the tables done and the tables in all.
    std::function<void(const std::string& table, int done, int total)> progress;
};

struct ExtractResult
{
    std::vector<std::pair<std::string, std::int64_t>> rows; ///< per table, in copy order
    std::int64_t windowFrom = 0, windowTo = 0;              ///< the rollups' window
    std::int64_t count(const std::string& table) const;
};

/// Copies into `targetPath`, which must not exist (the caller removes it for --force). Throws
/// SqliteError or CacheError (e.g. the source is not a cache).
ExtractResult extractInvestigation(const std::string& sourcePath, const std::string& targetPath,
                                   const ExtractOptions& options);

} // namespace seam::report
