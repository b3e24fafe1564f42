#include "RemoteRollupGaps.h"

#include "RollupGaps.h"
#include "Schema.h"
#include "ServiceRatesData.h"
#include "Sqlite.h"

#include <algorithm>

namespace seam {
namespace {

qint64 floorTo(qint64 v, qint64 step)
{
    return v - ((v % step) + step) % step;
}

} // namespace

CoveredRange RemoteRollupGaps::chartRange(qint64 loadStart, qint64 windowNs)
{
    const qint64 grid = ServiceRatesData::kBaselineGridNs, margin = ServiceRatesData::kBaselineMarginNs;
    const qint64 baselineFrom = floorTo(loadStart, grid) - margin;
    const qint64 baselineTo = floorTo(loadStart + grid, grid) + margin;
    return {std::min(loadStart - windowNs, baselineFrom), std::max(loadStart + windowNs, baselineTo)};
}

RemoteRollupGaps RemoteRollupGaps::load(Database& db, const RemoteRollupGapsRequest& request)
{
    RemoteRollupGaps out;
    out.pageLoadId = request.pageLoadId;
    Statement load = db.prepare("SELECT start_ns FROM page_loads WHERE id = ?1");
    load.bind(1, request.pageLoadId);
    if (!load.step())
        return out;
    out.wanted = chartRange(load.int64(0), request.windowNs);
    // Only finished pulls name a store worth asking (a failed one may name a mistyped server).
    Statement sources = db.prepare("SELECT DISTINCT path FROM sources WHERE kind = 'clickhouse' AND status "
                                   "IN ('done', 'cancelled') ORDER BY path");
    while (sources.step()) {
        Store store{std::string(sources.text(0)), {}};
        store.gaps =
            uncoveredRanges(store::rollupCoverage(db, store.source), out.wanted, schema::kRollupBucketNs);
        if (!store.gaps.empty())
            out.stores.push_back(std::move(store));
    }
    return out;
}

} // namespace seam
