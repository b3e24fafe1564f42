#pragma once

#include "Sqlite.h"

#include <QJsonArray>
#include <QJsonObject>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace seam {

/// The command line's JSON (README "JSON output": field names are a public contract). Rows are read
/// here and written as they are; what is computed (counts, causes, services reached, RED series) comes
/// from the analysis room, which the GUI calls too. Each works on a read-only connection and touches
/// only what it returns: indexes serve every lookup, nothing scans spans.
class StoreQueries
{
public:
    explicit StoreQueries(Database& db) : m_db(db) {}

    QJsonObject stats();

    struct PageLoadFilter
    {
        std::optional<std::int64_t> from, to; // ns
        std::string route;
        int slowest = 0; // >0: the N slowest, slowest first
        int limit = 0;   // >0: at most N (by start)
    };
    /// Calls `row` for each page load (streamed: a cache may hold millions).
    void pageLoads(const PageLoadFilter& filter, const std::function<void(const QJsonObject&)>& row);
    /// Full detail of one page load; empty object when it does not exist.
    QJsonObject pageLoad(std::int64_t id);
    /// A trace with all its spans; empty when unknown. trace id as 32 (or 16) hex digits.
    QJsonObject trace(const std::string& traceIdHex);
    /// flamegraph.pl folded stacks ("svc:op;svc:op self_us") of a trace; false when unknown.
    bool foldedStacks(const std::string& traceIdHex, const std::function<void(const std::string&)>& line);
    /// RED series per service from the rollups. step 0 = automatic (<= ~120 points).
    QJsonObject services(std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                         std::int64_t stepNs);

private:
    QJsonObject pageLoadRow(Statement& st);
    QJsonArray causes(const std::vector<std::int64_t>& traces);

    Database& m_db;
};

} // namespace seam
