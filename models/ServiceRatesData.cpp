#include "ServiceRatesData.h"

#include "Anomalies.h"
#include "Format.h"
#include "NormalBaseline.h"
#include "QtText.h"
#include "RedTotals.h"
#include "Schema.h"
#include "ServiceBaselineCache.h"
#include "ServiceSeries.h"
#include "Sqlite.h"

#include <QCoreApplication>
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
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

qint64 ceilTo(qint64 v, qint64 step)
{
    return floorTo(v + step - 1, step);
}

ServiceRateStats statsOf(const RedTotals& t)
{
    return {t.requests, t.errors, t.latency.quantile(0.95)};
}

/// One version's rollups summed per step and around the load.
struct VersionAcc
{
    std::vector<RedTotals> steps;
    RedTotals around;
};

struct Verdict
{
    double score = 0;
    QString reason;
};

/// Compares the minutes around the load with what is normal for the service. Both an error-rate
/// increase (absolute, and relative for rare errors) and a p95 ratio count, behind the volume guards
/// of detectAnomalies: too few requests around the load, too few errors, or too little normal traffic
/// give no verdict, only the figures.
Verdict judge(const ServiceRateStats& around, const ServiceRateStats& normal, bool normalEnough)
{
    Verdict v;
    if (around.requests == 0 && normal.requests == 0) {
        v.reason = tr("no requests in the window");
        return v;
    }
    if (around.requests < ServiceRatesData::kMinAroundRequests) {
        v.reason =
            around.requests == 0 ? tr("no requests around the load")
            : around.requests == 1
                ? tr("only 1 request around the load: too little traffic to judge")
                : tr("only %1 requests around the load: too little traffic to judge").arg(around.requests);
        return v;
    }
    const double a = around.errorRate();
    if (!normalEnough) {
        v.reason = tr("error rate %1, p95 %2 (too little traffic outside incidents to compare)")
                       .arg(formatPercent(a), formatDuration(around.p95));
        return v;
    }
    const double b = normal.errorRate();
    double errScore = 0;
    if (a > b && around.errors >= ServiceRatesData::kMinErrors)
        errScore = std::max(20.0 * (a - b), 0.5 * std::log2((a + 0.001) / (b + 0.001)));
    double latScore = 0;
    if (normal.p95 > 0 && around.p95 > normal.p95)
        latScore = 2.0 * std::log2(double(around.p95) / double(normal.p95));
    v.score = std::max(errScore, latScore);
    const QString errText = tr("error rate %1 vs %2 normally").arg(formatPercent(a), formatPercent(b));
    const QString latText =
        tr("p95 %1 vs %2 normally").arg(formatDuration(around.p95), formatDuration(normal.p95));
    if (v.score < ServiceRatesData::kMisbehaving)
        v.reason = tr("steady: error rate %1, p95 %2").arg(formatPercent(a), formatDuration(around.p95));
    else if (errScore >= latScore)
        v.reason =
            latScore >= ServiceRatesData::kMisbehaving ? errText + QStringLiteral("; ") + latText : errText;
    else
        v.reason =
            errScore >= ServiceRatesData::kMisbehaving ? latText + QStringLiteral("; ") + errText : latText;
    return v;
}

/// The first and last rollup bucket of the services' entry spans (the rollups' primary key, two seeks
/// per version): the data's extent, which the window must not exceed.
std::pair<qint64, qint64> rollupExtent(Database& db, const std::vector<qint64>& serviceIds)
{
    auto first = db.prepare("SELECT bucket_ns FROM rollups WHERE service_id = ?1 AND operation_id = 0 ORDER "
                            "BY bucket_ns LIMIT 1");
    auto last = db.prepare("SELECT bucket_ns FROM rollups WHERE service_id = ?1 AND operation_id = 0 "
                           "ORDER BY bucket_ns DESC LIMIT 1");
    qint64 lo = std::numeric_limits<qint64>::max(), hi = std::numeric_limits<qint64>::min();
    for (const qint64 id : serviceIds) {
        first.reset();
        first.bind(1, id);
        if (first.step())
            lo = std::min<qint64>(lo, first.int64(0));
        last.reset();
        last.bind(1, id);
        if (last.step())
            hi = std::max<qint64>(hi, last.int64(0) + schema::kRollupBucketNs);
    }
    return {lo, hi};
}

} // namespace

const qint64 ServiceRatesData::kMinAroundRequests = AnomalyOptions{}.minWindowRequests;
const qint64 ServiceRatesData::kMinErrors = AnomalyOptions{}.minErrors;
const qint64 ServiceRatesData::kMinNormalRequests = BaselineQuery{}.minRequests;

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
        d.route = qs(st.text(2));
    }

    // The services of the selected traces, from their own spans only (the spans primary key).
    std::map<qint64, std::pair<std::string, bool>> serviceRows; // id -> name, is_browser
    std::map<std::string, std::vector<ServiceRateSpan>> spansByName;
    std::set<std::string> names;
    std::map<std::string, std::set<std::string>> callees; // caller -> backend services it calls
    {
        auto svc = db.prepare("SELECT name, is_browser FROM services WHERE id = ?1");
        auto st =
            db.prepare("SELECT service_id, start_ns, end_ns, status_code, kind, parent_span_id, span_id "
                       "FROM spans WHERE trace = ?1");
        for (const qint64 trace : request.traces) {
            std::map<qint64, const std::string*> serviceOfSpan; // backend spans of this trace
            std::vector<std::pair<qint64, const std::string*>> parentOf;
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
                const std::string* name = &*names.insert(it->second.first).first;
                serviceOfSpan[st.int64(6)] = name;
                parentOf.emplace_back(st.int64(5), name);
                const int kind = int(st.int64(4));
                if (kind == kKindServer || kind == kKindConsumer || st.int64(5) == 0)
                    spansByName[*name].push_back(
                        {st.int64(1), st.int64(2) - st.int64(1), st.int64(3) == kStatusError});
            }
            for (const auto& [parent, name] : parentOf) {
                const auto p = serviceOfSpan.find(parent);
                if (p != serviceOfSpan.end() && *p->second != *name)
                    callees[*p->second].insert(*name);
            }
        }
    }

    // Every version of each service (its rows in `services`).
    std::map<std::string, std::vector<std::pair<qint64, std::string>>> versionIds;
    std::vector<qint64> allIds;
    {
        auto versions = db.prepare("SELECT id, version FROM services WHERE name = ?1 AND is_browser = 0");
        for (const std::string& name : names) {
            versions.reset();
            versions.bindText(1, name);
            while (versions.step()) {
                versionIds[name].emplace_back(versions.int64(0), std::string(versions.text(1)));
                allIds.push_back(versions.int64(0));
            }
        }
    }

    // The window: the asked half-width around the load, within the data's extent (a 45 s capture is
    // not drawn as a stroke in the middle of 30 minutes), at least kMinSpanNs; ~kTargetSteps steps of
    // whole rollup buckets, aligned so every bucket falls in one step.
    const qint64 loadEnd = d.loadStart + d.loadDuration;
    const auto [rollupFrom, rollupTo] = rollupExtent(db, allIds);
    d.extentFrom = std::min(d.loadStart, rollupFrom);
    d.extentTo = std::max(loadEnd + 1, rollupTo);
    qint64 from0 = std::max(d.loadStart - d.windowNs, d.extentFrom);
    qint64 to0 = std::min(d.loadStart + d.windowNs, d.extentTo);
    if (to0 - from0 < kMinSpanNs) {
        const qint64 mid = from0 + (to0 - from0) / 2;
        from0 = mid - kMinSpanNs / 2;
        to0 = from0 + kMinSpanNs;
    }
    const qint64 bucket = schema::kRollupBucketNs;
    d.step = rollupStep(to0 - from0, kTargetSteps);
    d.from = floorTo(from0, d.step);
    const qint64 stepCount = std::max<qint64>(1, (to0 - d.from + d.step - 1) / d.step);
    d.to = d.from + stepCount * d.step;
    d.aroundFrom = std::max(d.from, floorTo(d.loadStart - kAroundNs, bucket));
    d.aroundTo = std::min(d.to, floorTo(loadEnd + kAroundNs + bucket - 1, bucket));

    // What is normal: the baseline range is a fixed grid cell around the load plus margins, so that two
    // loads a few seconds apart compare with the same normal; its incident windows are cut out.
    d.baselineFrom = floorTo(d.loadStart, kBaselineGridNs) - kBaselineMarginNs;
    d.baselineTo = ceilTo(d.loadStart + 1, kBaselineGridNs) + kBaselineMarginNs;
    // Every service's windows (not only the charted ones): the cache serves the next click's services.
    const auto detect = [&] {
        ServiceBaselineCache::IncidentsByService byName;
        AnomalyOptions options;
        options.from = d.baselineFrom;
        options.to = d.baselineTo;
        options.rankOrigins = false; // the charts shade windows; the incidents panel ranks origins
        for (const AnomalyWindow& w : detectAnomalies(db, options).windows)
            byName[w.service].emplace_back(w.start, w.end);
        return byName;
    };
    ServiceBaselineCache::IncidentsByService incidentsByName;
    if (!names.empty())
        incidentsByName =
            request.baselines ? request.baselines->incidents(d.baselineFrom, d.baselineTo, detect) : detect();

    // The rollups primary key: (service_id, operation_id = 0, bucket_ns range).
    auto rollups =
        db.prepare("SELECT bucket_ns, requests, errors, histogram FROM rollups "
                   "WHERE service_id = ?1 AND operation_id = 0 AND bucket_ns >= ?2 AND bucket_ns < ?3");
    for (const std::string& name : names) {
        std::map<std::string, VersionAcc> perVersion;
        for (const auto& [id, version] : versionIds[name]) {
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
                if (b >= d.aroundFrom && b < d.aroundTo)
                    acc->around.add(rollups.int64(1), rollups.int64(2), hist);
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
        std::vector<RedTotals> steps(static_cast<size_t>(stepCount));
        RedTotals around;
        for (const auto& [version, acc] : perVersion) {
            s.versions << QString::fromStdString(version);
            for (size_t i = 0; i < steps.size(); ++i)
                steps[i].add(acc.steps[i]);
            around.add(acc.around);
        }
        s.points.reserve(steps.size());
        for (size_t i = 0; i < steps.size(); ++i) {
            const RedPoint red = RedPoint::of(d.from + qint64(i) * d.step, steps[i]);
            s.points.push_back({red.t, red.requests, red.errors, red.errorRate, red.p50, red.p95});
        }
        const auto& windows = incidentsByName[name];
        for (const auto& [start, end] : windows)
            if (end > d.from && start < d.to)
                s.incidents.push_back({start, end});

        BaselineQuery bq;
        bq.service = name;
        bq.from = d.baselineFrom;
        bq.to = d.baselineTo;
        bq.minRequests = kMinNormalRequests;
        const auto computeNormal = [&] { return normalBaseline(db, bq, windows); };
        const NormalBaseline normal = request.baselines
                                          ? request.baselines->baseline(bq.from, bq.to, name, computeNormal)
                                          : computeNormal();
        s.around = statsOf(around);
        s.normal = {normal.requests, normal.errors, normal.p95};
        s.normalEnough = normal.enough;
        Verdict verdict = judge(s.around, s.normal, s.normalEnough);

        // A version alone misbehaving (a bad deploy) is judged against the whole service's normal: a
        // new version has no normal of its own.
        if (perVersion.size() > 1) {
            for (const auto& [version, acc] : perVersion) {
                ServiceRateVersion v;
                v.version = QString::fromStdString(version);
                for (const RedTotals& a : acc.steps) {
                    v.requests += a.requests;
                    v.errors += a.errors;
                }
                v.errorRate.reserve(acc.steps.size());
                for (const RedTotals& a : acc.steps)
                    v.errorRate.push_back(a.requests ? a.errorRate() : -1.0);
                const Verdict vv = judge(statsOf(acc.around), s.normal, s.normalEnough);
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
    orderDownstreamFirst(d.services, callees);
    return d;
}

void ServiceRatesData::orderDownstreamFirst(std::vector<ServiceRateSeries>& services,
                                            const std::map<std::string, std::set<std::string>>& callees)
{
    // Misbehaving services whose misbehaving callees (in these traces, transitively) explain them: a
    // caller waiting on a locked callee is as slow as it, often slower with its own retries and time-outs,
    // and fails when it times out. Blame goes downstream: the worst remaining misbehaving service is
    // shown after the worst misbehaving service it calls, recursively; the rest keep their order.
    std::map<std::string, size_t> index;
    for (size_t i = 0; i < services.size(); ++i)
        index[services[i].name.toStdString()] = i;
    auto misbehavingBelow = [&](const std::string& from, const std::vector<bool>& taken) {
        // The best-scored misbehaving service reachable from `from`, not yet placed.
        std::set<std::string> seen{from};
        std::vector<std::string> todo{from};
        std::optional<size_t> best;
        while (!todo.empty()) {
            const std::string n = todo.back();
            todo.pop_back();
            const auto c = callees.find(n);
            if (c == callees.end())
                continue;
            for (const std::string& callee : c->second) {
                if (!seen.insert(callee).second)
                    continue;
                todo.push_back(callee);
                const auto i = index.find(callee);
                if (i != index.end() && !taken[i->second] && services[i->second].misbehaving &&
                    (!best || services[i->second].score > services[*best].score))
                    best = i->second;
            }
        }
        return best;
    };
    std::vector<bool> taken(services.size(), false);
    std::vector<size_t> order;
    order.reserve(services.size());
    for (size_t i = 0; i < services.size(); ++i) {
        if (!services[i].misbehaving)
            break; // sorted: the rest are not misbehaving
        while (!taken[i]) {
            size_t pick = i;
            std::set<size_t> visited{pick};
            while (const auto below = misbehavingBelow(services[pick].name.toStdString(), taken)) {
                if (!visited.insert(*below).second)
                    break; // a cycle
                pick = *below;
            }
            taken[pick] = true;
            order.push_back(pick);
        }
    }
    for (size_t i = 0; i < services.size(); ++i)
        if (!taken[i])
            order.push_back(i);
    // Callers shown after a misbehaving callee say so.
    for (size_t i = 0; i < services.size(); ++i) {
        ServiceRateSeries& s = services[i];
        if (!s.misbehaving)
            continue;
        const auto c = callees.find(s.name.toStdString());
        if (c == callees.end())
            continue;
        for (const std::string& callee : c->second) {
            const auto j = index.find(callee);
            if (j != index.end() && services[j->second].misbehaving) {
                s.blamedOn = services[j->second].name;
                s.reason += tr(" (calls %1)").arg(s.blamedOn);
                break;
            }
        }
    }
    std::vector<ServiceRateSeries> sorted;
    sorted.reserve(services.size());
    for (const size_t i : order)
        sorted.push_back(std::move(services[i]));
    services = std::move(sorted);
}

} // namespace seam
