#pragma once

// Push-down of the "Why?" page-load counts: the store's documentLoad spans of given ranges grouped by
// what makes a page load's terms (URL, user agent, app version, country) and by slow or not (duration
// as the OTLP mapper computes it: loadEventEnd - fetchStart from the span's events, else the span's
// own), so only one row per distinct group travels, never the spans. The terms are then derived with
// Seam's own rules (routeFromUrl, parseUserAgent) so they equal what a pull would store.

#include "ClickHouseSource.h"
#include "RollupCoverage.h"

#include <QString>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace seam::remote {

struct RemoteLoadGroup
{
    std::string route, browser, appVersion, country;
    bool slow = false;
    std::int64_t loads = 0;
};

struct CohortCountsReport
{
    std::vector<RemoteLoadGroup> groups;
    std::int64_t requests = 0;
    std::int64_t bytes = 0;     ///< response bodies, decoded
    std::int64_t wireBytes = 0; ///< responses as they travelled (gzip bodies + headers)
    std::int64_t bytesSent = 0;
    QString error;
    bool cancelled = false;
    double seconds = 0;
};

/// The page-load groups of the store's browser side started in `ranges`, slow when longer than
/// `slowNs`. Needs the exporter's Map columns (ResourceAttributes, SpanAttributes) and Events.
CohortCountsReport fetchCohortCounts(const ClickHouseSource& source, const std::vector<CoveredRange>& ranges,
                                     std::int64_t slowNs, const std::atomic<bool>* cancel = nullptr,
                                     int timeoutSeconds = 60);

} // namespace seam::remote
