#pragma once

// RED rollups of a window computed by ClickHouse (requests, errors, duration sum/max and the latency
// histogram per service, operation and 10 s bucket), so a pulled window's service charts count every
// span the store holds, not only the traces pulled. The latency buckets are LatencyHistogram's,
// computed in SQL with the same integer rule, so the cells equal what importing the spans would give.

#include <QString>
#include <cstdint>
#include <vector>

namespace seam {
struct RollupRow;
struct CoveredRange;
} // namespace seam

namespace seam::remote {

class ClickHouseClient;

/// The browser side, as OtlpMapper decides it, as a ClickHouse predicate over the row's own columns.
QString browserPredicate(bool hasResourceAttributes);

/// The aggregation query: `{from:Int64}`/`{to:Int64}` (ns, whole buckets) and `{width:Int64}`.
/// `browser` is the browser predicate, `hasResourceAttributes` whether the Map column exists.
QString rollupQuery(const QString& browser, bool hasResourceAttributes);

/// Runs it and turns its rows into rollup cells (per operation, and per service from entry spans).
/// Returns the error text, empty on success. `counted` receives the range the server counted: [from, to)
/// widened to whole buckets.
QString fetchRollups(ClickHouseClient& client, const QString& browser, bool hasResourceAttributes,
                     std::int64_t fromNs, std::int64_t toNs, std::vector<RollupRow>& out,
                     CoveredRange* counted = nullptr);

} // namespace seam::remote
