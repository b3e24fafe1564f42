#include "AnomalyDetector.h"

#include "DenseHistogram.h"
#include "RobustStats.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace seam {
namespace {

constexpr TimeNs kSecond = 1'000'000'000;
constexpr TimeNs kBlockNs = 15 * 60 * kSecond; // the local band is computed once per block of steps
// Calm steps per band, a stride beyond (deterministic): the median of 100 is within ~0.13 sigma.
constexpr std::size_t kMaxBandSample = 100;
// The first pass only has to find the grossly out steps: coarser blocks.
constexpr std::size_t kFirstPassBlocks = 4;
constexpr int kSeasonSlack = 2; // steps either side of the same time on earlier days
constexpr int kMinSeasons = 3;  // earlier days (weeks) needed for a seasonal band
// Effect-size floors: a step far out in sigmas but not by this much is sampling noise on a very
// steady series, or not worth an incident. Latency quantiles come from histograms with ~6% buckets.
constexpr double kLatencyEffect = 1.25;
constexpr double kLatencyWindowEffect = 1.10;
constexpr double kErrorEffectAbs = 0.005;
constexpr double kErrorEffectRel = 0.5;
constexpr double kRequestNoise = 0.10;
constexpr double kRequestsRise = 1.5;
constexpr double kRequestsDrop = 0.5;
constexpr double kEdgeShare = 0.05;

bool isLatency(AnomalyMetric m)
{
    return m == AnomalyMetric::LatencyP95 || m == AnomalyMetric::LatencyP50;
}

double quantileOf(AnomalyMetric m)
{
    return m == AnomalyMetric::LatencyP95 ? 0.95 : 0.50;
}

/// Requests, errors and the latency distribution of some rollup buckets of a series.
struct Pool
{
    std::int64_t requests = 0;
    std::int64_t errors = 0;
    DenseHistogram histogram;

    void add(const SeriesInput& series, std::size_t bucket, bool withHistogram)
    {
        for (const RollupGrid* g : series.grids) {
            if (!g->requests[bucket])
                continue;
            requests += g->requests[bucket];
            errors += g->errors[bucket];
            if (withHistogram)
                histogram.addEncoded(g->histograms[bucket]);
        }
    }
};

double binomialLlr(std::int64_t k, std::int64_t n, double p0, double p1)
{
    return double(k) * std::log(p1 / p0) + double(n - k) * std::log((1 - p1) / (1 - p0));
}

} // namespace

bool AnomalyDetector::judged(const SeriesInput& series, AnomalyMetric metric, std::size_t i) const
{
    if (metric == AnomalyMetric::Requests)
        return i >= series.activeFirst && i <= series.activeLast;
    return series.steps->requests[i] >= std::max<std::int64_t>(5, m_options.minStepRequests / 2);
}

void AnomalyDetector::fillBand(AnomalyMetric metric, const Sample& sample, SeriesBand& band, std::size_t at)
{
    std::vector<double> values;
    values.reserve(sample.steps.size());
    for (const auto& [s, i] : sample.steps)
        values.push_back(s->value(metric, i));
    double centre = stats::median(values);
    if (metric == AnomalyMetric::ErrorRate && centre == 0 && sample.requests > 0)
        centre = double(sample.errors) / double(sample.requests); // rare errors: most steps have none
    band.centre[at] = centre;
    band.spread[at] = stats::kMadToSigma * stats::mad(values, centre);
    band.calmErrorRate[at] = double(sample.errors + 1) / double(sample.requests + 2);
    if (isLatency(metric)) {
        // Robust too: the median share, so that incident steps still in a first pass's calm set do
        // not inflate the normal they are judged against. Floored at half the quantile's own tail.
        std::vector<double> shares;
        shares.reserve(sample.steps.size());
        for (const auto& [s, i] : sample.steps)
            shares.push_back(double(s->slowerThan(i, centre)) /
                             double(std::max<std::int64_t>(1, s->requests[i])));
        const double share = std::max(stats::median(shares), 0.5 * (1 - quantileOf(metric)));
        band.slowShare[at] = share;
        band.slowSpread[at] = stats::kMadToSigma * stats::mad(shares, share);
    }
    band.valid[at] = 1;
}

SeriesBand AnomalyDetector::localBand(const SeriesInput& series, AnomalyMetric metric,
                                      const std::vector<char>& usable, std::size_t blocksPerBand) const
{
    const StepValues& s = *series.steps;
    const std::size_t n = s.size();
    SeriesBand b;
    b.centre.assign(n, 0);
    b.spread.assign(n, 0);
    b.calmErrorRate.assign(n, 0);
    b.slowShare.assign(n, 0);
    b.slowSpread.assign(n, 0);
    b.kind.assign(n, AnomalyBand::Local);
    b.valid.assign(n, 0);
    // The usable steps in order, and prefix sums over them: a block's calm steps are a slice of the
    // list (sampled with a stride), its pooled error rate a difference of sums.
    std::vector<std::size_t> steps;
    std::vector<std::int64_t> req(1, 0), err(1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        if (!usable[i])
            continue;
        steps.push_back(i);
        req.push_back(req.back() + s.requests[i]);
        err.push_back(err.back() + s.errors[i]);
    }
    const std::size_t block = blocksPerBand * std::size_t(std::max<TimeNs>(1, kBlockNs / s.step));
    const std::size_t half = std::max(block, std::size_t(m_options.localHalfWidth / s.step));
    Sample sample;
    for (std::size_t b0 = 0; b0 < n; b0 += block) {
        const std::size_t lo = b0 > half ? b0 - half : 0;
        const std::size_t hi = std::min(n, b0 + block + half);
        const auto first = std::size_t(std::lower_bound(steps.begin(), steps.end(), lo) - steps.begin());
        const auto last = std::size_t(std::lower_bound(steps.begin(), steps.end(), hi) - steps.begin());
        const std::size_t available = last - first;
        if (available < std::size_t(m_options.minCalmSteps))
            continue;
        const std::size_t stride = (available + kMaxBandSample - 1) / kMaxBandSample;
        sample.steps.clear();
        sample.requests = req[last] - req[first];
        sample.errors = err[last] - err[first];
        for (std::size_t k = first; k < last; k += stride)
            sample.steps.emplace_back(&s, steps[k]);
        fillBand(metric, sample, b, b0);
        for (std::size_t i = b0 + 1; i < std::min(n, b0 + block); ++i) {
            b.centre[i] = b.centre[b0];
            b.spread[i] = b.spread[b0];
            b.calmErrorRate[i] = b.calmErrorRate[b0];
            b.slowShare[i] = b.slowShare[b0];
            b.slowSpread[i] = b.slowSpread[b0];
            b.valid[i] = 1;
        }
    }
    return b;
}

void AnomalyDetector::applySeasons(const SeriesInput& series, AnomalyMetric metric, SeriesBand& band) const
{
    if (series.history.empty())
        return;
    const std::size_t n = series.steps->size();
    const std::int64_t minRequests = std::max<std::int64_t>(5, m_options.minStepRequests / 2);
    Sample sample;
    for (std::size_t i = 0; i < n; ++i) {
        for (const bool weekly : {true, false}) {
            sample = {};
            int seasons = 0;
            for (const auto& [days, h] : series.history) {
                if (weekly ? days % 7 != 0 : days > 7)
                    continue;
                bool any = false;
                for (int j = -kSeasonSlack; j <= kSeasonSlack; ++j) {
                    const auto k = std::ptrdiff_t(i) + j;
                    if (k < 0 || std::size_t(k) >= n)
                        continue;
                    const auto idx = std::size_t(k);
                    if (metric != AnomalyMetric::Requests && h->requests[idx] < minRequests)
                        continue;
                    sample.steps.emplace_back(h, idx);
                    sample.requests += h->requests[idx];
                    sample.errors += h->errors[idx];
                    any = true;
                }
                seasons += any ? 1 : 0;
            }
            if (seasons < kMinSeasons)
                continue;
            fillBand(metric, sample, band, i);
            band.kind[i] = weekly ? AnomalyBand::Weekly : AnomalyBand::Daily;
            break;
        }
    }
}

SeriesBand AnomalyDetector::band(const SeriesInput& series, AnomalyMetric metric) const
{
    const std::size_t n = series.steps->size();
    std::vector<char> usable(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        usable[i] = judged(series, metric, i) ? 1 : 0;
    SeriesBand first = localBand(series, metric, usable, kFirstPassBlocks);
    // Second pass: the calm steps only, so that an incident does not widen the band that judges it.
    for (std::size_t i = 0; i < n; ++i)
        if (usable[i] && outScore(series, metric, first, i) != 0)
            usable[i] = 0;
    SeriesBand b = localBand(series, metric, usable, 1);
    applySeasons(series, metric, b);
    return b;
}

double AnomalyDetector::zScore(const SeriesInput& series, AnomalyMetric metric, const SeriesBand& band,
                               std::size_t i) const
{
    // Two views of "how far out", the smaller wins: the sampling noise of this step's own volume (an
    // exact binomial / Poisson tail, never zero: a service with no errors so far does not turn its
    // first error into an infinite score), and the spread the calm steps really show (MAD), which
    // also holds what sampling does not explain (traffic mix, cache warmth, ...).
    const StepValues& s = *series.steps;
    const double c = band.centre[i];
    const std::int64_t n = s.requests[i];
    const double v = s.value(metric, i);
    const auto smaller = [](double sampling, double deviation, double spread) {
        if (spread <= 0)
            return sampling;
        const double robust = deviation / spread;
        if ((sampling > 0) != (robust > 0))
            return 0.0;
        return std::fabs(sampling) < std::fabs(robust) ? sampling : robust;
    };
    switch (metric) {
    case AnomalyMetric::ErrorRate: {
        const double p = std::min(0.5, std::max(c, band.calmErrorRate[i]));
        return smaller(stats::binomialUpperZ(s.errors[i], n, p), v - c, band.spread[i]);
    }
    case AnomalyMetric::LatencyP95:
    case AnomalyMetric::LatencyP50: {
        const double p = std::clamp(band.slowShare[i], 0.01, 0.99);
        const std::int64_t slow = s.slowerThan(i, c);
        const double share = double(slow) / double(std::max<std::int64_t>(1, n));
        return smaller(stats::binomialUpperZ(slow, n, p), share - p, band.slowSpread[i]);
    }
    case AnomalyMetric::Requests: {
        const double seconds = double(s.step) / double(kSecond);
        return smaller(stats::poissonZ(n, c * seconds), v - c, std::max(band.spread[i], kRequestNoise * c));
    }
    }
    return 0;
}

double AnomalyDetector::outScore(const SeriesInput& series, AnomalyMetric metric, const SeriesBand& band,
                                 std::size_t i) const
{
    if (!band.valid[i] || !judged(series, metric, i))
        return 0;
    const double v = series.steps->value(metric, i);
    const double c = band.centre[i];
    const double z = zScore(series, metric, band, i);
    const double extend = m_options.extendScore;
    switch (metric) {
    case AnomalyMetric::ErrorRate:
        return z >= extend && v - c >= std::max(kErrorEffectAbs, kErrorEffectRel * c) ? z : 0;
    case AnomalyMetric::LatencyP95:
    case AnomalyMetric::LatencyP50:
        return z >= extend && v >= kLatencyEffect * c ? z : 0;
    case AnomalyMetric::Requests: {
        if (z >= extend && v >= kRequestsRise * c)
            return z;
        if (z > -extend || v > kRequestsDrop * c)
            return 0;
        const std::size_t active = series.activeLast - series.activeFirst + 1;
        const auto edge = std::max<std::size_t>(2, std::size_t(std::ceil(kEdgeShare * double(active))));
        if (i < series.activeFirst + edge || i + edge > series.activeLast)
            return 0;
        return z;
    }
    }
    return 0;
}

std::vector<MetricAnomaly> AnomalyDetector::detect(const SeriesInput& series, AnomalyMetric metric,
                                                   const SeriesBand& band) const
{
    const std::size_t n = series.steps->size();
    std::vector<double> score(n, 0);
    for (std::size_t i = 0; i < n; ++i)
        score[i] = outScore(series, metric, band, i);
    std::vector<MetricAnomaly> out;
    for (std::size_t i = 0; i < n;) {
        if (score[i] == 0) {
            ++i;
            continue;
        }
        // A run of steps out of the band on the same side, bridging single quiet steps.
        const bool up = score[i] > 0;
        const auto same = [&](std::size_t k) { return k < n && score[k] != 0 && (score[k] > 0) == up; };
        const std::size_t first = i;
        std::size_t last = i;
        for (std::size_t k = i + 1; k < n;) {
            if (same(k)) {
                last = k++;
            } else if (same(k + 1)) {
                last = k + 1;
                k += 2;
            } else {
                break;
            }
        }
        i = last + 1;
        double peakScore = 0;
        for (std::size_t k = first; k <= last; ++k)
            peakScore = std::max(peakScore, std::fabs(score[k]));
        if (peakScore < m_options.startScore)
            continue;
        MetricAnomaly a;
        a.metric = metric;
        a.version = series.version;
        a.drop = !up;
        a.score = peakScore;
        if (accept(series, metric, band, a, first, last))
            out.push_back(std::move(a));
    }
    return out;
}

bool AnomalyDetector::accept(const SeriesInput& series, AnomalyMetric metric, const SeriesBand& band,
                             MetricAnomaly& a, std::size_t first, std::size_t last) const
{
    const StepValues& s = *series.steps;
    const GridRange& range = series.range;
    const auto perStep = std::size_t(s.bucketsPerStep);
    const bool latency = isLatency(metric);

    double centreSum = 0;
    int centreCount = 0;
    a.peak = s.value(metric, first);
    std::size_t peakStep = first;
    for (std::size_t k = first; k <= last; ++k) {
        if (band.valid[k]) {
            centreSum += band.centre[k];
            ++centreCount;
        }
        if (!judged(series, metric, k))
            continue;
        const double v = s.value(metric, k);
        if (a.drop ? v < a.peak : v > a.peak) {
            a.peak = v;
            peakStep = k;
        }
    }
    if (!centreCount)
        return false;
    const double base = centreSum / centreCount;
    a.baseline = base;
    a.band = band.kind[peakStep];
    a.step = s.step;

    // Refine both edges to the rollup bucket: the boundary within a step either side that best splits
    // "normal" from "as in the window" (a log-likelihood ratio per bucket, summed from the boundary).
    std::size_t from = first * perStep;
    std::size_t to = std::min(range.count, (last + 1) * perStep);
    Pool window;
    for (std::size_t b = from; b < to; ++b)
        window.add(series, b, latency);
    if (window.requests == 0)
        return false;
    const double bucketSeconds = double(range.bucket) / double(kSecond);
    std::vector<double> llr(range.count, 0.0);
    const std::size_t lo = from > perStep ? from - perStep : 0;
    const std::size_t hi = std::min(range.count, to + perStep);
    if (metric == AnomalyMetric::ErrorRate) {
        const double p0 = std::clamp(std::max(base, band.calmErrorRate[first]), 1e-4, 0.99);
        const double p1 = std::clamp(double(window.errors) / double(window.requests), p0 + 1e-9, 0.9999);
        for (std::size_t b = lo; b < hi; ++b) {
            Pool p;
            p.add(series, b, false);
            llr[b] = binomialLlr(p.errors, p.requests, p0, p1);
        }
    } else if (latency) {
        // Requests slower than the geometric middle of normal and the window's value: rare before,
        // common in the window. Their normal share comes from the calm steps around the window.
        const double value = double(window.histogram.quantile(quantileOf(metric)));
        const auto threshold = std::int64_t(std::sqrt(std::max(1.0, base) * std::max(1.0, value)));
        const std::size_t half = std::size_t(m_options.localHalfWidth / s.step);
        DenseHistogram calm;
        Pool scratch;
        for (std::size_t k = first > half ? first - half : 0; k < std::min(s.size(), last + half + 1); ++k) {
            if (k >= first && k <= last)
                continue;
            if (!judged(series, metric, k) || outScore(series, metric, band, k) != 0)
                continue;
            for (std::size_t b = k * perStep; b < std::min(range.count, (k + 1) * perStep); ++b)
                scratch.add(series, b, true);
        }
        calm.add(scratch.histogram);
        if (calm.total() && window.histogram.total()) {
            const double q0 =
                std::clamp(double(calm.countAbove(threshold)) / double(calm.total()), 1e-4, 0.99);
            const double q1 =
                std::clamp(double(window.histogram.countAbove(threshold)) / double(window.histogram.total()),
                           q0 + 1e-9, 0.9999);
            for (std::size_t b = lo; b < hi; ++b) {
                Pool p;
                p.add(series, b, true);
                llr[b] = binomialLlr(std::int64_t(p.histogram.countAbove(threshold)), p.requests, q0, q1);
            }
        }
    } else {
        const double l0 = std::max(1e-6, base * bucketSeconds);
        const double seconds = double(to - from) * bucketSeconds;
        const double l1 = std::max(1e-6, double(window.requests) / seconds * bucketSeconds);
        for (std::size_t b = lo; b < hi; ++b) {
            Pool p;
            p.add(series, b, false);
            llr[b] = double(p.requests) * std::log(l1 / l0) - (l1 - l0);
        }
    }
    {
        // Start: maximise the sum of llr from the boundary up to a fixed anchor inside the window;
        // ties go to the boundary nearest the step's own edge, then the earlier one.
        const std::size_t anchor = std::min(from + perStep, to);
        const std::size_t cLo = lo, cHi = std::min(from + perStep, to - 1);
        double best = -1e300;
        std::size_t pick = from;
        for (std::size_t c = cLo; c <= cHi; ++c) {
            double sum = 0;
            for (std::size_t b = c; b < anchor; ++b)
                sum += llr[b];
            const auto dist = [&](std::size_t x) { return x > from ? x - from : from - x; };
            if (sum > best + 1e-9 || (std::fabs(sum - best) <= 1e-9 && dist(c) < dist(pick))) {
                best = sum;
                pick = c;
            }
        }
        from = pick;
    }
    {
        const std::size_t anchor = std::max(to > perStep ? to - perStep : 0, from);
        const std::size_t cLo = std::max(from + 1, anchor), cHi = hi;
        double best = -1e300;
        std::size_t pick = to;
        for (std::size_t c = cLo; c <= cHi; ++c) {
            double sum = 0;
            for (std::size_t b = anchor; b < c; ++b)
                sum += llr[b];
            const auto dist = [&](std::size_t x) { return x > to ? x - to : to - x; };
            if (sum > best + 1e-9 || (std::fabs(sum - best) <= 1e-9 && dist(c) < dist(pick))) {
                best = sum;
                pick = c;
            }
        }
        to = pick;
    }

    // The refined window pooled: volume guards, then the value with its 95% interval, which must lie
    // beyond normal as a whole (a few bad steps in a big window are not an incident of that window).
    Pool pooled;
    for (std::size_t b = from; b < to; ++b)
        pooled.add(series, b, latency);
    a.start = range.from + TimeNs(from) * range.bucket;
    a.end = range.from + TimeNs(to) * range.bucket;
    a.requests = pooled.requests;
    a.errors = pooled.errors;
    const double seconds = double(to - from) * bucketSeconds;
    switch (metric) {
    case AnomalyMetric::ErrorRate: {
        if (pooled.requests < m_options.minWindowRequests || pooled.errors < m_options.minErrors)
            return false;
        a.value = double(pooled.errors) / double(pooled.requests);
        std::tie(a.ciLow, a.ciHigh) = stats::wilson(pooled.errors, pooled.requests);
        return a.ciLow > base;
    }
    case AnomalyMetric::LatencyP95:
    case AnomalyMetric::LatencyP50: {
        if (pooled.requests < m_options.minWindowRequests)
            return false;
        const double q = quantileOf(metric);
        a.value = double(pooled.histogram.quantile(q));
        const auto [rLo, rHi] = stats::quantileRanks(pooled.histogram.total(), q);
        a.ciLow = double(pooled.histogram.valueAtRank(rLo));
        a.ciHigh = double(pooled.histogram.valueAtRank(rHi));
        return a.ciLow > kLatencyWindowEffect * base;
    }
    case AnomalyMetric::Requests: {
        const double expected = base * seconds;
        if (std::max(expected, double(pooled.requests)) < double(m_options.minWindowRequests))
            return false;
        a.value = double(pooled.requests) / seconds;
        const auto [cLo, cHi] = stats::poisson(pooled.requests);
        a.ciLow = cLo / seconds;
        a.ciHigh = cHi / seconds;
        return a.drop ? a.ciHigh < base : a.ciLow > base;
    }
    }
    return false;
}

} // namespace seam
