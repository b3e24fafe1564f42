#pragma once

#include "QueryGuard.h"
#include "Sqlite.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <string_view>

namespace seam {

/// Runs one read-only SQL statement typed by someone else (`seam query`) and writes its result as
/// `{"columns": [name], "rows": [[value]]}` (README "JSON output") row by row, as SQLite produces
/// them: memory stays flat in the number of rows and, with a value cap, in the size of values.
///
/// Values: integers exact, reals as doubles, text as strings, blobs as hex strings, NULL as null. A
/// text or blob longer than `maxValueBytes` is written as
/// `{"truncated": true, "type": "text"|"blob", "bytes": N, "prefix": "..."}` (N the full size in
/// bytes, prefix its first maxValueBytes bytes: UTF-8 cut at a character boundary, or hex), an
/// object, which no untruncated value ever is.
///
/// Nothing is written before the statement yields its first row or finishes, so a statement that
/// is refused or fails at once leaves the output empty. One that fails later (an error, the time
/// limit) writes the rows it produced and stops there, unclosed: incomplete output never parses as
/// a whole result.
class QueryStream
{
public:
    static constexpr std::int64_t kDefaultMaxValueBytes = 1024 * 1024;

    struct Options
    {
        std::int64_t maxValueBytes = kDefaultMaxValueBytes; ///< 0: no cap
        std::chrono::milliseconds timeout{0};               ///< 0: no limit
    };

    /// Hardens `db` (a read-only connection) for as long as the stream lives. Throws SqliteError.
    explicit QueryStream(Database& db) : m_guard(db) {}

    /// Writes the result of `sql` to `sink` in chunks of about 64 KiB. Throws QueryError.
    void run(std::string_view sql, const Options& options, const std::function<void(std::string_view)>& sink);

private:
    QueryGuard m_guard;
};

} // namespace seam
