#include "Anomalies.h"

#include "AnomalyBlame.h"
#include "AnomalyDetector.h"
#include "AnomalySeries.h"
#include "Schema.h"
#include "Sqlite.h"

#include <algorithm>
#include <map>
#include <set>

namespace seam {
namespace {

constexpr TimeNs kHour = 3600LL * 1'000'000'000;
constexpr TimeNs kDay = 24 * kHour;
/// Windows of one service this close are one incident flickering around the band's edge, not two.
constexpr TimeNs kMergeGap = 60LL * 1'000'000'000;
/// Step sizes tried, in rollup buckets (10 s .. 1 h); each divides an hour, so steps stay aligned.
constexpr int kStepChoices[] = {1, 2, 3, 6, 12, 30, 60, 180, 360};
constexpr AnomalyMetric kMetrics[] = {AnomalyMetric::ErrorRate, AnomalyMetric::LatencyP95,
                                      AnomalyMetric::LatencyP50, AnomalyMetric::Requests};

TimeNs floorTo(TimeNs v, TimeNs step)
{
    return v - ((v % step) + step) % step;
}

TimeNs ceilTo(TimeNs v, TimeNs step)
{
    return floorTo(v + step - 1, step);
}

/// One `services` row of a backend service.
struct ServiceRow
{
    std::int64_t id = 0;
    std::string version;
    RollupGrid grid;
    std::vector<RollupGrid> history; ///< parallel to ServiceData::historyDays
};

struct ServiceData
{
    std::string name;
    std::vector<ServiceRow> rows;
    std::vector<int> historyDays;
};

/// The smallest step whose typical (median) non-empty step in [from, to) has `minRequests`; 0 when
/// even an hour is too little.
int chooseStep(const std::vector<const RollupGrid*>& grids, const GridRange& range, std::size_t first,
               std::size_t last, std::int64_t minRequests)
{
    for (const int k : kStepChoices) {
        std::vector<std::int64_t> perStep;
        for (std::size_t b0 = first - first % std::size_t(k); b0 < last; b0 += std::size_t(k)) {
            std::int64_t sum = 0;
            for (std::size_t b = b0; b < std::min(range.count, b0 + std::size_t(k)); ++b)
                for (const RollupGrid* g : grids)
                    sum += g->requests[b];
            if (sum > 0)
                perStep.push_back(sum);
        }
        if (perStep.empty())
            return 0;
        const auto mid = perStep.begin() + std::ptrdiff_t(perStep.size() / 2);
        std::nth_element(perStep.begin(), mid, perStep.end());
        if (*mid >= minRequests)
            return k;
    }
    return 0;
}

/// `band` (on `from`'s steps) on `to`'s steps: each step takes the band at its start.
SeriesBand resampleBand(const SeriesBand& band, const StepValues& from, const StepValues& to)
{
    SeriesBand out;
    const std::size_t n = to.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto j =
            std::min(from.size() - 1, std::size_t((to.from + TimeNs(i) * to.step - from.from) / from.step));
        out.centre.push_back(band.centre[j]);
        out.spread.push_back(band.spread[j]);
        out.calmErrorRate.push_back(band.calmErrorRate[j]);
        out.slowShare.push_back(band.slowShare[j]);
        out.slowSpread.push_back(band.slowSpread[j]);
        out.kind.push_back(band.kind[j]);
        out.valid.push_back(band.valid[j]);
    }
    return out;
}

/// Overlapping (or nearly touching: kMergeGap) anomalies of one service become one window.
std::vector<AnomalyWindow> mergeWindows(const ServiceData& service, std::vector<MetricAnomaly> found,
                                        const GridRange& range)
{
    std::sort(found.begin(), found.end(), [](const MetricAnomaly& a, const MetricAnomaly& b) {
        return a.start != b.start ? a.start < b.start : a.end < b.end;
    });
    std::vector<AnomalyWindow> out;
    for (MetricAnomaly& a : found) {
        if (out.empty() || a.start > out.back().end + kMergeGap) {
            AnomalyWindow w;
            w.service = service.name;
            w.start = a.start;
            w.end = a.end;
            out.push_back(std::move(w));
        }
        out.back().end = std::max(out.back().end, a.end);
        out.back().details.push_back(std::move(a));
    }
    for (AnomalyWindow& w : out) {
        std::stable_sort(w.details.begin(), w.details.end(),
                         [](const MetricAnomaly& a, const MetricAnomaly& b) { return a.score > b.score; });
        for (const MetricAnomaly& a : w.details)
            if (std::find(w.metrics.begin(), w.metrics.end(), a.metric) == w.metrics.end())
                w.metrics.push_back(a.metric);
        w.lead = w.details.front();
        std::set<std::string> flagged;
        for (const MetricAnomaly& a : w.details)
            if (!a.version.empty())
                flagged.insert(a.version);
        if (flagged.size() == 1) {
            w.version = *flagged.begin();
            continue;
        }
        // Else the version that served the window, if only one did.
        std::set<std::string> serving;
        const auto b0 = std::size_t((w.start - range.from) / range.bucket);
        const auto b1 = std::min(range.count, std::size_t((w.end - range.from) / range.bucket));
        for (const ServiceRow& row : service.rows)
            for (std::size_t b = b0; b < b1; ++b)
                if (row.grid.requests[b] > 0) {
                    serving.insert(row.version);
                    break;
                }
        if (serving.size() == 1)
            w.version = *serving.begin();
    }
    return out;
}

} // namespace

const char* anomalyMetricName(AnomalyMetric metric)
{
    switch (metric) {
    case AnomalyMetric::ErrorRate:
        return "error_rate";
    case AnomalyMetric::LatencyP95:
        return "latency_p95";
    case AnomalyMetric::LatencyP50:
        return "latency_p50";
    case AnomalyMetric::Requests:
        return "requests";
    }
    return "";
}

const char* anomalyBandName(AnomalyBand band)
{
    switch (band) {
    case AnomalyBand::Local:
        return "local";
    case AnomalyBand::Daily:
        return "daily";
    case AnomalyBand::Weekly:
        return "weekly";
    }
    return "";
}

AnomalyResult detectAnomalies(Database& db, const AnomalyOptions& options)
{
    AnomalyResult result;
    const TimeNs bucket = schema::kRollupBucketNs;
    TimeNs dataFrom = 0, dataTo = 0;
    {
        auto st = db.prepare("SELECT min(bucket_ns), max(bucket_ns) FROM rollups");
        if (!st.step() || st.isNull(0))
            return result;
        dataFrom = st.int64(0);
        dataTo = st.int64(1) + bucket;
    }
    result.from = floorTo(options.from.value_or(dataFrom), bucket);
    result.to = ceilTo(options.to.value_or(dataTo), bucket);
    if (result.to <= result.from)
        return result;
    // The range read: the analysed range plus the local band's context either side, within the data,
    // aligned to the hour so that every step size lines up the same way whatever the range asked.
    GridRange range;
    range.bucket = bucket;
    range.from = floorTo(std::max(result.from - options.localHalfWidth, dataFrom), kHour);
    const TimeNs rangeTo = ceilTo(std::min(result.to + options.localHalfWidth, dataTo), kHour);
    range.count = std::size_t(std::max<TimeNs>(0, rangeTo - range.from) / bucket);
    if (range.count == 0)
        return result;
    const auto reportFirst = std::size_t(std::max<TimeNs>(0, result.from - range.from) / bucket);
    const auto reportLast = std::min(range.count, std::size_t((result.to - range.from) / bucket));

    std::map<std::string, ServiceData> services;
    {
        auto st = db.prepare("SELECT id, name, version FROM services WHERE is_browser = 0 ORDER BY id");
        while (st.step()) {
            ServiceData& s = services[std::string(st.text(1))];
            s.name = std::string(st.text(1));
            ServiceRow row;
            row.id = st.int64(0);
            row.version = std::string(st.text(2));
            s.rows.push_back(std::move(row));
        }
    }
    auto rollups =
        db.prepare("SELECT bucket_ns, requests, errors, histogram FROM rollups "
                   "WHERE service_id = ?1 AND operation_id = 0 AND bucket_ns >= ?2 AND bucket_ns < ?3");
    auto earliest =
        db.prepare("SELECT min(bucket_ns) FROM rollups WHERE service_id = ?1 AND operation_id = 0");
    const AnomalyDetector detector(options);
    std::vector<AnomalyWindow> windows;
    for (auto& [name, service] : services) {
        TimeNs first = range.to();
        for (ServiceRow& row : service.rows) {
            row.grid = RollupGrid::load(rollups, row.id, range);
            earliest.reset();
            earliest.bind(1, row.id);
            if (earliest.step() && !earliest.isNull(0))
                first = std::min(first, earliest.int64(0));
        }
        // Seasonal history, only where it exists: the same range 1..7 days earlier once three days
        // precede it, and 14..28 days earlier once three weeks do.
        if (first <= result.from - 3 * kDay) {
            for (int d = 1; d <= 7; ++d)
                service.historyDays.push_back(d);
            if (first <= result.from - 21 * kDay)
                for (const int d : {14, 21, 28})
                    service.historyDays.push_back(d);
        }
        std::vector<const RollupGrid*> grids;
        for (const ServiceRow& row : service.rows)
            if (!row.grid.empty())
                grids.push_back(&row.grid);
        if (grids.empty())
            continue;
        const int perStep = chooseStep(grids, range, reportFirst, reportLast, options.minStepRequests);
        if (perStep == 0) {
            std::int64_t total = 0;
            for (const RollupGrid* g : grids)
                for (std::size_t b = reportFirst; b < reportLast; ++b)
                    total += g->requests[b];
            result.notes.push_back(name + ": too little traffic to judge (" + std::to_string(total) +
                                   " requests)");
            continue;
        }
        const StepValues steps = StepValues::compute(grids, range, perStep);
        SeriesInput total;
        total.range = range;
        total.grids = grids;
        total.steps = &steps;
        total.activeFirst = steps.size();
        for (std::size_t i = 0; i < steps.size(); ++i) {
            if (steps.requests[i] > 0) {
                total.activeFirst = std::min(total.activeFirst, i);
                total.activeLast = i;
            }
        }
        std::vector<StepValues> historySteps;
        historySteps.reserve(service.historyDays.size());
        for (std::size_t h = 0; h < service.historyDays.size(); ++h) {
            GridRange past = range;
            past.from -= service.historyDays[h] * kDay;
            std::vector<RollupGrid> pastGrids;
            std::vector<const RollupGrid*> pastPtrs;
            for (const ServiceRow& row : service.rows)
                pastGrids.push_back(RollupGrid::load(rollups, row.id, past));
            for (const RollupGrid& g : pastGrids)
                if (!g.empty())
                    pastPtrs.push_back(&g);
            if (pastPtrs.empty())
                continue;
            historySteps.push_back(StepValues::compute(pastPtrs, past, perStep));
            total.history.emplace_back(service.historyDays[h], &historySteps.back());
        }

        std::vector<MetricAnomaly> found;
        std::map<AnomalyMetric, SeriesBand> bands;
        for (const AnomalyMetric m : kMetrics) {
            SeriesBand band = detector.band(total, m);
            for (MetricAnomaly& a : detector.detect(total, m, band))
                found.push_back(std::move(a));
            bands.emplace(m, std::move(band));
        }
        // Several versions in the range: each version's error rate and latency against the whole
        // service's band (a new version has no history of its own), so a canary or a bad deploy
        // shows even when the rest of the fleet dilutes it.
        std::map<std::string, std::vector<const RollupGrid*>> byVersion;
        for (const ServiceRow& row : service.rows) {
            for (std::size_t b = reportFirst; b < reportLast; ++b) {
                if (row.grid.requests[b] > 0) {
                    byVersion[row.version].push_back(&row.grid);
                    break;
                }
            }
        }
        if (byVersion.size() > 1) {
            for (const auto& [version, versionGrids] : byVersion) {
                // A version may carry little of the traffic (a canary): its own, coarser step, judged
                // against the service's band at the same time.
                const int versionStep = std::max(perStep, chooseStep(versionGrids, range, reportFirst,
                                                                     reportLast, options.minStepRequests));
                const StepValues vsteps = StepValues::compute(versionGrids, range, versionStep);
                SeriesInput v = total;
                v.grids = versionGrids;
                v.steps = &vsteps;
                v.version = version;
                v.history.clear();
                for (const AnomalyMetric m :
                     {AnomalyMetric::ErrorRate, AnomalyMetric::LatencyP95, AnomalyMetric::LatencyP50}) {
                    const SeriesBand& serviceBand = bands.at(m);
                    if (versionStep == perStep) {
                        for (MetricAnomaly& a : detector.detect(v, m, serviceBand))
                            found.push_back(std::move(a));
                        continue;
                    }
                    const SeriesBand band = resampleBand(serviceBand, steps, vsteps);
                    for (MetricAnomaly& a : detector.detect(v, m, band))
                        found.push_back(std::move(a));
                }
            }
        }
        for (AnomalyWindow& w : mergeWindows(service, std::move(found), range))
            if (w.end > result.from && w.start < result.to)
                windows.push_back(std::move(w));
    }

    if (options.rankOrigins)
        rankOrigins(db, windows, options);
    if (!options.service.empty())
        std::erase_if(windows, [&](const AnomalyWindow& w) { return w.service != options.service; });
    std::sort(windows.begin(), windows.end(), [](const AnomalyWindow& a, const AnomalyWindow& b) {
        if (a.incident != b.incident)
            return a.incident < b.incident;
        if (a.originRank != b.originRank)
            return a.originRank < b.originRank;
        return a.service < b.service;
    });
    result.windows = std::move(windows);
    return result;
}

} // namespace seam
