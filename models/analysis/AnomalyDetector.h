#pragma once

// The per-series core of anomaly detection: the robust band a RED series is judged against, and the
// windows where it leaves it, refined to the rollup bucket.

#include "Anomalies.h"
#include "AnomalySeries.h"

#include <utility>
#include <vector>

namespace seam {

/// What is normal for a series at each step.
struct SeriesBand
{
    std::vector<double> centre;        ///< median of the calm steps (metric unit)
    std::vector<double> spread;        ///< MAD x 1.4826 of the same steps
    std::vector<double> calmErrorRate; ///< (errors + 1) / (requests + 2) over them: binomial noise
    /// Latency only: the share of a calm step's requests slower than `centre`, pooled, and its
    /// spread across those steps. A latency quantile of a few dozen requests from a mixed (often
    /// bimodal) distribution jumps between modes; the share of requests beyond the normal quantile
    /// is binomial, and what the steps are judged on.
    std::vector<double> slowShare;
    std::vector<double> slowSpread;
    std::vector<AnomalyBand> kind;
    std::vector<char> valid; ///< enough calm steps (or seasons) to judge the step at all
};

/// One series: a service (all versions) or one version of it.
struct SeriesInput
{
    GridRange range;
    std::vector<const RollupGrid*> grids;
    const StepValues* steps = nullptr;
    std::string version; ///< empty for the service as a whole
    /// Steps of the service's traffic, first and last with requests: a drop in request rate is not
    /// judged near them (exports and sessions start and stop there).
    std::size_t activeFirst = 0;
    std::size_t activeLast = 0;
    /// The same series `days` earlier, on the same steps (seasonal bands), when that history exists.
    std::vector<std::pair<int, const StepValues*>> history;
};

class AnomalyDetector
{
public:
    explicit AnomalyDetector(const AnomalyOptions& options) : m_options(options) {}

    /// The band of `series` for `metric`: seasonal where at least three earlier weeks (else days)
    /// have data at that time, else local, from the calm steps (two passes: the steps out of the
    /// first pass's band do not shape the second).
    SeriesBand band(const SeriesInput& series, AnomalyMetric metric) const;

    /// Windows of `series` out of `band` (which may be the whole service's band for one version).
    std::vector<MetricAnomaly> detect(const SeriesInput& series, AnomalyMetric metric,
                                      const SeriesBand& band) const;

    /// Is step i judged at all (enough requests; for request rate, inside the traffic)?
    bool judged(const SeriesInput& series, AnomalyMetric metric, std::size_t i) const;

private:
    /// The band from the `usable` steps, one per block of `blocksPerBand` x 15 minutes.
    SeriesBand localBand(const SeriesInput& series, AnomalyMetric metric, const std::vector<char>& usable,
                         std::size_t blocksPerBand) const;
    void applySeasons(const SeriesInput& series, AnomalyMetric metric, SeriesBand& band) const;
    /// Step i's distance from the band in (robust) standard deviations, signed.
    double zScore(const SeriesInput& series, AnomalyMetric metric, const SeriesBand& band,
                  std::size_t i) const;
    /// Centre, spread and (latency) slow share of the band from some steps of `values`.
    struct Sample
    {
        std::vector<std::pair<const StepValues*, std::size_t>> steps;
        std::int64_t requests = 0; ///< over all the calm steps, sampled or not (pooled error rate)
        std::int64_t errors = 0;
    };
    static void fillBand(AnomalyMetric metric, const Sample& sample, SeriesBand& band, std::size_t at);
    /// Signed distance from the band in sigmas when step i is out of it far enough to matter (effect
    /// size floors included), else 0.
    double outScore(const SeriesInput& series, AnomalyMetric metric, const SeriesBand& band,
                    std::size_t i) const;
    bool accept(const SeriesInput& series, AnomalyMetric metric, const SeriesBand& band, MetricAnomaly& a,
                std::size_t first, std::size_t last) const;

    const AnomalyOptions& m_options;
};

} // namespace seam
