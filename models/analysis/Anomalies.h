#pragma once

// Incident windows from the rollups (issue 11): per backend service and per RED series (error rate,
// p50 / p95 latency, request rate), a robust band (median and MAD of the series' own calm steps) and
// the windows where the series leaves it, merged per service, with the likely origin ranked when
// several services misbehave together. Plain structs in and out: the CLI and the GUI call the same
// function and only format what it returns.

#include "Ids.h"

#include <optional>
#include <string>
#include <vector>

namespace seam {

class Database;

enum class AnomalyMetric
{
    ErrorRate,
    LatencyP95,
    LatencyP50,
    Requests,
};

/// "error_rate", "latency_p95", "latency_p50", "requests" (the CLI's stable names).
const char* anomalyMetricName(AnomalyMetric metric);

/// Which normal the window was judged against: the series' own calm steps around it, or the same
/// time of day (week) on the previous days (weeks), used only where that much history exists.
enum class AnomalyBand
{
    Local,
    Daily,
    Weekly,
};
const char* anomalyBandName(AnomalyBand band);

/// One series leaving its band. Values are in the metric's unit: a fraction for error_rate, ns for
/// latency, requests per second for requests.
struct MetricAnomaly
{
    AnomalyMetric metric = AnomalyMetric::ErrorRate;
    std::string version; ///< empty: all versions of the service together
    TimeNs start = 0;    ///< refined to the rollup bucket
    TimeNs end = 0;
    double peak = 0;     ///< the worst step in the window
    double baseline = 0; ///< the band's centre over the window (what is normal then)
    double value = 0;    ///< the whole window pooled (all its requests)
    double ciLow = 0;    ///< 95% interval of `value`
    double ciHigh = 0;
    double score = 0;          ///< the peak step's distance from the band, in robust standard deviations
    bool drop = false;         ///< requests only: a drop (else a rise)
    std::int64_t requests = 0; ///< in the window
    std::int64_t errors = 0;   ///< in the window
    AnomalyBand band = AnomalyBand::Local;
    TimeNs step = 0; ///< the series' step (whole rollup buckets)
};

/// Overlapping anomalies of one service, merged.
struct AnomalyWindow
{
    std::string service;
    /// The version that carried the window: the one version whose own series was anomalous when the
    /// service ran several, else the only version serving the window; empty when several did.
    std::string version;
    TimeNs start = 0;
    TimeNs end = 0;
    std::vector<AnomalyMetric> metrics; ///< highest score first
    /// The leading (highest-scoring) anomaly: peak, baseline and score in its metric's unit.
    MetricAnomaly lead;
    std::vector<MetricAnomaly> details; ///< every series anomaly merged in, by score
    /// 1: the likely origin among the services anomalous at the same time (the incident, `incident`);
    /// 2, 3, ...: services whose anomaly their callees explain, in order.
    int originRank = 1;
    int incident = 0; ///< windows overlapping in time (across services) share this number, from 1
    /// The anomalous callee that explains this window (empty when none does, or no traces tell).
    std::string explainedBy;
    /// Share (0..1) of this service's extra time / errors in the window that its own spans account for;
    /// < 0 when the traces could not tell (no traces, or the service alone).
    double ownShare = -1;
};

struct AnomalyOptions
{
    std::optional<TimeNs> from; ///< report windows overlapping [from, to); default: the whole cache
    std::optional<TimeNs> to;
    std::string service; ///< only this service's windows (all services are still analysed for blame)

    /// A step is judged only with this many requests in it (steps grow, 10 s to 1 h, until the
    /// typical step has it); a window needs minWindowRequests and, for error rate, minErrors.
    std::int64_t minStepRequests = 20;
    std::int64_t minWindowRequests = 50;
    std::int64_t minErrors = 5;
    /// A window needs one step this many robust standard deviations out, and extends over the
    /// neighbouring steps at least extendScore out.
    double startScore = 5.0;
    double extendScore = 3.0;
    /// The local band: calm steps within this distance of the judged step; at least minCalmSteps.
    TimeNs localHalfWidth = 2LL * 3600 * 1'000'000'000;
    int minCalmSteps = 8;
    /// Traces sampled per incident (and as many for the baseline) to rank the origin.
    int blameTraces = 1500;
    /// Off: no trace is read; every window keeps origin rank 1 and no `explainedBy` (what the service
    /// charts need, which only shade the windows and cut them out of the normal baseline).
    bool rankOrigins = true;
};

struct AnomalyResult
{
    TimeNs from = 0; ///< the range analysed
    TimeNs to = 0;
    std::vector<AnomalyWindow> windows; ///< by start, then origin rank, then service
    /// What could not be judged and why ("search: too little traffic (3 requests)").
    std::vector<std::string> notes;
};

/// Reads the rollups of every backend service (operation 0: entry spans) over the range plus the
/// band's context, and for the blame a bounded sample of traces per incident. Deterministic: the
/// same cache and options give the same windows. Throws SqliteError.
AnomalyResult detectAnomalies(Database& db, const AnomalyOptions& options = {});

} // namespace seam
