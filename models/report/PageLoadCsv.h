#pragma once
// `seam export --pageloads --format csv`: the page loads matching a filter-language query in a range,
// one CSV record each (Csv.h quoting), streamed row by row as SQLite produces them: memory stays flat
// in the number of page loads.

#include "PageLoadFilter.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace seam {

class Database;

namespace report {

/// Writes the header record, then one record per page load by start (then id); returns the rows.
/// Throws SqliteError.
std::int64_t writePageLoadsCsv(Database& db, const PageLoadFilter& filter, std::optional<std::int64_t> from,
                               std::optional<std::int64_t> to,
                               const std::function<void(const std::string&)>& out);

} // namespace report
} // namespace seam
