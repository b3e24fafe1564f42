#include "AnomalySeries.h"

#include "DenseHistogram.h"
#include "LatencyHistogram.h"
#include "Sqlite.h"

namespace seam {

RollupGrid RollupGrid::load(Statement& rollups, std::int64_t serviceId, const GridRange& range)
{
    RollupGrid g;
    g.requests.assign(range.count, 0);
    g.errors.assign(range.count, 0);
    g.histograms.assign(range.count, std::string());
    rollups.reset();
    rollups.bind(1, serviceId).bind(2, range.from).bind(3, range.to());
    while (rollups.step()) {
        const TimeNs t = rollups.int64(0);
        if (t < range.from)
            continue;
        const auto i = std::size_t((t - range.from) / range.bucket);
        if (i >= range.count || rollups.int64(1) <= 0)
            continue;
        g.requests[i] = rollups.int64(1);
        g.errors[i] = rollups.int64(2);
        g.histograms[i] = std::string(rollups.blob(3));
    }
    return g;
}

bool RollupGrid::empty() const
{
    for (const auto r : requests)
        if (r > 0)
            return false;
    return true;
}

double StepValues::value(AnomalyMetric metric, std::size_t i) const
{
    switch (metric) {
    case AnomalyMetric::ErrorRate:
        return requests[i] ? double(errors[i]) / double(requests[i]) : 0.0;
    case AnomalyMetric::LatencyP95:
        return p95[i];
    case AnomalyMetric::LatencyP50:
        return p50[i];
    case AnomalyMetric::Requests:
        return double(requests[i]) / (double(step) / 1e9);
    }
    return 0;
}

std::int64_t StepValues::slowerThan(std::size_t i, double ns) const
{
    // Bucket ids grow with their values: compare ids, and the threshold's own bucket by its value.
    const auto limit = std::int64_t(ns);
    const int own = LatencyHistogram::bucketOf(limit);
    const int first = LatencyHistogram::bucketValue(own) > limit ? own : own + 1;
    std::int64_t n = 0;
    const auto& entries = latency[i];
    for (auto it = entries.rbegin(); it != entries.rend() && it->first >= first; ++it)
        n += it->second;
    return n;
}

StepValues StepValues::compute(const std::vector<const RollupGrid*>& grids, const GridRange& range,
                               int bucketsPerStep)
{
    StepValues s;
    s.from = range.from;
    s.bucketsPerStep = bucketsPerStep;
    s.step = range.bucket * bucketsPerStep;
    const std::size_t n = (range.count + std::size_t(bucketsPerStep) - 1) / std::size_t(bucketsPerStep);
    s.requests.assign(n, 0);
    s.errors.assign(n, 0);
    s.p50.assign(n, 0);
    s.p95.assign(n, 0);
    s.latency.resize(n);
    DenseHistogram h;
    for (std::size_t i = 0; i < n; ++i) {
        h.clear();
        const std::size_t b0 = i * std::size_t(bucketsPerStep);
        const std::size_t b1 = std::min(range.count, b0 + std::size_t(bucketsPerStep));
        for (const RollupGrid* g : grids) {
            for (std::size_t b = b0; b < b1; ++b) {
                if (!g->requests[b])
                    continue;
                s.requests[i] += g->requests[b];
                s.errors[i] += g->errors[b];
                h.addEncoded(g->histograms[b]);
            }
        }
        if (h.total()) {
            s.p50[i] = double(h.quantile(0.50));
            s.p95[i] = double(h.quantile(0.95));
            s.latency[i] = h.entries();
        }
    }
    return s;
}

} // namespace seam
