#pragma once

// What the service charts of a selected page load would read that the investigation's rollups do not
// hold from the remote stores it was pulled from (sources of kind clickhouse): the gaps the window
// then asks the store for as server-side rollups (app/gui RemoteChartPushDown).

#include "BackgroundLoader.h"
#include "RollupCoverage.h"

#include <string>
#include <vector>

namespace seam {

struct RemoteRollupGapsRequest
{
    qint64 pageLoadId = 0;
    qint64 windowNs = 15LL * 60 * 1'000'000'000; ///< the charts' half-width (ServiceRatesRequest)

    friend bool operator==(const RemoteRollupGapsRequest&, const RemoteRollupGapsRequest&) = default;
};

struct RemoteRollupGaps
{
    struct Store
    {
        std::string source;             ///< sources.path: the store's URL without secrets
        std::vector<CoveredRange> gaps; ///< whole buckets, by start
    };

    qint64 pageLoadId = 0;
    CoveredRange wanted;       ///< what the charts read around the load (window and normal baseline)
    std::vector<Store> stores; ///< only the stores with gaps

    /// The range ServiceRatesData reads around a load starting at `loadStart`: its chart window and the
    /// normal baseline (the hour grid cell widened by the margins), whichever reaches further.
    static CoveredRange chartRange(qint64 loadStart, qint64 windowNs);
    static RemoteRollupGaps load(Database& db, const RemoteRollupGapsRequest& request);
};

using RemoteRollupGapsLoader = BackgroundLoader<RemoteRollupGaps, RemoteRollupGapsRequest>;

} // namespace seam
