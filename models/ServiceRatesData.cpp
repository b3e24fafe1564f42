#include "ServiceRatesData.h"

#include "LatencyHistogram.h"
#include "Schema.h"
#include "Sqlite.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <string>

namespace seam {
namespace {

constexpr int kKindServer = 2;
constexpr int kKindConsumer = 5;
constexpr int kStatusError = 2;

QString tr(const char* text, const char* disambiguation = nullptr, int n = -1)
{
    return QCoreApplication::translate("seam::ServiceRatesData", text, disambiguation, n);
}

qint64 floorTo(qint64 v, qint64 step)
{
    return v - ((v % step) + step) % step;
}

/// Requests, errors and a latency distribution being summed up.
struct Acc
{
    qint64 requests = 0;
    qint64 errors = 0;
    LatencyHistogram h;

    void add(qint64 r, qint64 e, std::string_view histogram)
    {
        requests += r;
        errors += e;
        h.mergeEncoded(histogram);
    }
    void add(const Acc& o)
    {
        requests += o.requests;
        errors += o.errors;
        h.merge(o.h);
    }
    ServiceRateStats stats() const { return {requests, errors, h.quantile(0.95)}; }
};

struct VersionAcc
{
    std::vector<Acc> steps;
    Acc around, before, after;
};

struct Verdict
{
    double score = 0;
    QString reason;
};

/// Compares the minutes around the load with the baseline. Both an error-rate increase (absolute, and
/// relative for rare errors) and a p95 ratio count; too few requests around the load count for nothing,
/// and the score is damped until there are twice the minimum.
Verdict judge(const ServiceRateStats& around, const ServiceRateStats& base, bool baseIsBefore)
{
    Verdict v;
    const QString baseWord = baseIsBefore ? tr("before") : tr("in the rest of the window");
    if (around.requests == 0 && base.requests == 0) {
        v.reason = tr("no requests in the window");
        return v;
    }
    if (around.requests < ServiceRatesData::kMinRequests) {
        v.reason = around.requests == 0
                       ? tr("no requests around the load")
                       : tr("only %n request(s) around the load", nullptr, int(around.requests));
        return v;
    }
    const bool hasBase = base.requests >= ServiceRatesData::kMinRequests;
    const double a = around.errorRate();
    const double b = hasBase ? base.errorRate() : 0.0;
    double errScore = 0;
    if (a > b && around.errors >= 3) {
        errScore = 20.0 * (a - b);
        if (around.errors >= 5)
            errScore = std::max(errScore, 0.5 * std::log2((a + 0.001) / (b + 0.001)));
    }
    double latScore = 0;
    if (hasBase && base.p95 > 0 && around.p95 > base.p95)
        latScore = 2.0 * std::log2(double(around.p95) / double(base.p95));
    const double confidence =
        std::min(1.0, double(around.requests) / double(2 * ServiceRatesData::kMinRequests));
    v.score = std::max(errScore, latScore) * confidence;
    if (v.score < ServiceRatesData::kMisbehaving) {
        v.reason = tr("steady: error rate %1, p95 %2")
                       .arg(ServiceRatesData::formatRate(a), ServiceRatesData::formatLatency(around.p95));
    } else if (errScore >= latScore) {
        v.reason = hasBase
                       ? tr("error rate %1 vs %2 %3")
                             .arg(ServiceRatesData::formatRate(a), ServiceRatesData::formatRate(b), baseWord)
                       : tr("error rate %1 (too little traffic %2 to compare)")
                             .arg(ServiceRatesData::formatRate(a), baseWord);
    } else {
        v.reason = tr("p95 %1 vs %2 %3")
                       .arg(ServiceRatesData::formatLatency(around.p95),
                            ServiceRatesData::formatLatency(base.p95), baseWord);
    }
    return v;
}

} // namespace

QString ServiceRatesData::formatLatency(qint64 ns)
{
    if (ns < 1'000'000)
        return QString::number(double(ns) / 1e6, 'f', 1) + QLatin1String(" ms");
    if (qRound64(double(ns) / 1e6) < 1000)
        return QString::number(qRound64(double(ns) / 1e6)) + QLatin1String(" ms");
    return QString::number(double(ns) / 1e9, 'f', 1) + QLatin1String(" s");
}

QString ServiceRatesData::formatRate(double rate)
{
    const double pct = rate * 100.0;
    if (pct == 0)
        return QStringLiteral("0%");
    if (pct < 10)
        return QString::number(pct, 'f', 1) + QLatin1Char('%');
    return QString::number(qRound(pct)) + QLatin1Char('%');
}

ServiceRatesData ServiceRatesData::load(Database& db, const ServiceRatesRequest& request)
{
    ServiceRatesData d;
    d.pageLoadId = request.pageLoadId;
    d.windowNs = std::max<qint64>(request.windowNs, schema::kRollupBucketNs);
    {
        auto st = db.prepare("SELECT start_ns, coalesce(duration_ns, 0), coalesce(route, '') FROM page_loads "
                             "WHERE id = ?1");
        st.bind(1, request.pageLoadId);
        if (!st.step())
            return d;
        d.pageLoadFound = true;
        d.loadStart = st.int64(0);
        d.loadDuration = std::max<qint64>(0, st.int64(1));
        const auto route = st.text(2);
        d.route = QString::fromUtf8(route.data(), qsizetype(route.size()));
    }

    // The window: ~kTargetSteps steps of whole rollup buckets, aligned so every bucket falls in one step.
    const qint64 bucket = schema::kRollupBucketNs;
    d.step = std::max(bucket, ((2 * d.windowNs / kTargetSteps + bucket - 1) / bucket) * bucket);
    d.from = floorTo(d.loadStart - d.windowNs, d.step);
    const qint64 end = d.loadStart + d.windowNs;
    const qint64 stepCount = (end - d.from + d.step - 1) / d.step;
    d.to = d.from + stepCount * d.step;
    d.aroundFrom = std::max(d.from, floorTo(d.loadStart - kAroundNs, bucket));
    d.aroundTo = std::min(d.to, floorTo(d.loadStart + d.loadDuration + kAroundNs + bucket - 1, bucket));

    // The services of the selected traces, from their own spans only (the spans primary key).
    std::map<qint64, std::pair<std::string, bool>> serviceRows; // id -> name, is_browser
    std::map<std::string, std::vector<ServiceRateSpan>> spansByName;
    std::set<std::string> names;
    {
        auto svc = db.prepare("SELECT name, is_browser FROM services WHERE id = ?1");
        auto st = db.prepare("SELECT service_id, start_ns, end_ns, status_code, kind, parent_span_id FROM "
                             "spans WHERE trace = ?1");
        for (const qint64 trace : request.traces) {
            st.reset();
            st.bind(1, trace);
            while (st.step()) {
                const qint64 serviceId = st.int64(0);
                auto it = serviceRows.find(serviceId);
                if (it == serviceRows.end()) {
                    svc.reset();
                    svc.bind(1, serviceId);
                    std::pair<std::string, bool> row{std::string(), true};
                    if (svc.step())
                        row = {std::string(svc.text(0)), svc.int64(1) != 0};
                    it = serviceRows.emplace(serviceId, std::move(row)).first;
                }
                if (it->second.second)
                    continue; // a browser app: not a backend service
                names.insert(it->second.first);
                const int kind = int(st.int64(4));
                if (kind == kKindServer || kind == kKindConsumer || st.int64(5) == 0)
                    spansByName[it->second.first].push_back(
                        {st.int64(1), st.int64(2) - st.int64(1), st.int64(3) == kStatusError});
            }
        }
    }

    auto versions = db.prepare("SELECT id, version FROM services WHERE name = ?1 AND is_browser = 0");
    // The rollups primary key: (service_id, operation_id = 0, bucket_ns range).
    auto rollups =
        db.prepare("SELECT bucket_ns, requests, errors, histogram FROM rollups "
                   "WHERE service_id = ?1 AND operation_id = 0 AND bucket_ns >= ?2 AND bucket_ns < ?3");
    for (const std::string& name : names) {
        std::map<std::string, VersionAcc> perVersion;
        versions.reset();
        versions.bindText(1, name);
        std::vector<std::pair<qint64, std::string>> ids;
        while (versions.step())
            ids.emplace_back(versions.int64(0), std::string(versions.text(1)));
        for (const auto& [id, version] : ids) {
            rollups.reset();
            rollups.bind(1, id).bind(2, d.from).bind(3, d.to);
            VersionAcc* acc = nullptr;
            while (rollups.step()) {
                if (rollups.int64(1) <= 0)
                    continue;
                if (!acc) {
                    acc = &perVersion[version]; // versions sharing a string (other namespace) merge
                    acc->steps.resize(size_t(stepCount));
                }
                const qint64 b = rollups.int64(0);
                const auto hist = rollups.blob(3);
                acc->steps[size_t((b - d.from) / d.step)].add(rollups.int64(1), rollups.int64(2), hist);
                Acc& part = b < d.aroundFrom ? acc->before : b < d.aroundTo ? acc->around : acc->after;
                part.add(rollups.int64(1), rollups.int64(2), hist);
            }
        }

        ServiceRateSeries s;
        s.name = QString::fromStdString(name);
        auto found = spansByName.find(name);
        if (found != spansByName.end()) {
            s.spans = std::move(found->second);
            std::sort(s.spans.begin(), s.spans.end(),
                      [](const ServiceRateSpan& a, const ServiceRateSpan& b) { return a.start < b.start; });
        }
        std::vector<Acc> steps(static_cast<size_t>(stepCount));
        Acc around, before, after;
        for (const auto& [version, acc] : perVersion) {
            s.versions << QString::fromStdString(version);
            for (size_t i = 0; i < steps.size(); ++i)
                steps[i].add(acc.steps[i]);
            around.add(acc.around);
            before.add(acc.before);
            after.add(acc.after);
        }
        s.points.reserve(steps.size());
        for (size_t i = 0; i < steps.size(); ++i) {
            const Acc& a = steps[i];
            ServiceRatePoint p;
            p.t = d.from + qint64(i) * d.step;
            p.requests = a.requests;
            p.errors = a.errors;
            p.errorRate = a.requests ? double(a.errors) / double(a.requests) : 0.0;
            p.p50 = a.h.quantile(0.50);
            p.p95 = a.h.quantile(0.95);
            s.points.push_back(p);
        }

        // The baseline: before the minutes around the load when there is enough of it, else the rest.
        s.around = around.stats();
        s.baselineIsBefore = before.requests >= kMinRequests;
        if (!s.baselineIsBefore)
            before.add(after);
        s.baseline = before.stats();
        Verdict verdict = judge(s.around, s.baseline, s.baselineIsBefore);

        // A version alone misbehaving (a bad deploy) is judged against the whole service's baseline:
        // a new version has no "before" of its own.
        if (perVersion.size() > 1) {
            for (const auto& [version, acc] : perVersion) {
                ServiceRateVersion v;
                v.version = QString::fromStdString(version);
                v.requests = acc.around.requests + acc.before.requests + acc.after.requests;
                v.errors = acc.around.errors + acc.before.errors + acc.after.errors;
                v.errorRate.reserve(acc.steps.size());
                for (const Acc& a : acc.steps)
                    v.errorRate.push_back(a.requests ? double(a.errors) / double(a.requests) : -1.0);
                const Verdict vv = judge(acc.around.stats(), s.baseline, s.baselineIsBefore);
                v.score = vv.score;
                if (vv.score >= kMisbehaving && vv.score > verdict.score + 0.5)
                    verdict = {vv.score, tr("version %1: %2").arg(v.version, vv.reason)};
                s.perVersion.push_back(std::move(v));
            }
        }
        s.score = verdict.score;
        s.misbehaving = verdict.score >= kMisbehaving;
        s.reason = verdict.reason;
        d.services.push_back(std::move(s));
    }
    std::stable_sort(d.services.begin(), d.services.end(),
                     [](const ServiceRateSeries& a, const ServiceRateSeries& b) {
                         if (a.score != b.score)
                             return a.score > b.score;
                         return a.around.requests > b.around.requests;
                     });
    return d;
}

} // namespace seam
