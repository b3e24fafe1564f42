#pragma once

// RED series of services from a Prometheus-compatible server (PrometheusSource) into the
// investigation's rollups, so the service charts cover services and ranges that no imported span
// does, and the investigation reopens offline. query_range at a 10 s step (the rollup bucket), in
// chunks of at most 10,000 steps; per bucket: requests and errors from increase() of the calls
// counter, the latency histogram from increase() of the duration buckets (each Prometheus bucket's
// count placed at its midpoint: quantiles are as coarse as the server's buckets), the duration sum,
// and as maximum the upper bound of the highest non-empty bucket. Cells replace what the cache held.

#include "PrometheusSource.h"

#include <QString>
#include <atomic>
#include <cstdint>

namespace seam {
class BatchSink;
}

namespace seam::remote {

struct PrometheusPullReport
{
    std::int64_t series = 0;   ///< (service, operation) pairs seen
    std::int64_t cells = 0;    ///< rollup cells written
    std::int64_t requests = 0; ///< calls counted
    std::int64_t queries = 0;
    std::int64_t bytes = 0;
    QString error;
    bool cancelled = false;
    double seconds = 0;
};

PrometheusPullReport pullPrometheusRed(const PrometheusSource& source, std::int64_t fromNs, std::int64_t toNs,
                                       BatchSink& sink, const std::atomic<bool>* cancel = nullptr,
                                       int timeoutSeconds = 60);

} // namespace seam::remote
