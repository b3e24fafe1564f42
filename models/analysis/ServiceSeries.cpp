#include "ServiceSeries.h"

#include "RedTotals.h"
#include "Schema.h"
#include "Sqlite.h"

#include <algorithm>
#include <map>
#include <set>

namespace seam {

RedPoint RedPoint::of(std::int64_t t, const RedTotals& totals)
{
    RedPoint p;
    p.t = t;
    p.requests = totals.requests;
    p.errors = totals.errors;
    p.errorRate = totals.errorRate();
    p.p50 = totals.latency.quantile(0.50);
    p.p95 = totals.latency.quantile(0.95);
    p.p99 = totals.latency.quantile(0.99);
    return p;
}

std::int64_t rollupStep(std::int64_t spanNs, std::int64_t targetSteps)
{
    const std::int64_t bucket = schema::kRollupBucketNs;
    return std::max(bucket,
                    ((spanNs / std::max<std::int64_t>(1, targetSteps) + bucket - 1) / bucket) * bucket);
}

ServiceSeriesSet serviceSeries(Database& db, std::optional<std::int64_t> from, std::optional<std::int64_t> to,
                               std::int64_t stepNs)
{
    const std::int64_t bucket = schema::kRollupBucketNs;
    if (!from || !to) {
        auto r = db.prepare("SELECT min(bucket_ns), max(bucket_ns) FROM rollups");
        if (r.step() && !r.isNull(0)) {
            if (!from)
                from = r.int64(0);
            if (!to)
                to = r.int64(1) + bucket;
        }
    }
    ServiceSeriesSet out;
    if (!from || !to || *to <= *from)
        return out;
    if (stepNs <= 0)
        stepNs = rollupStep(*to - *from, 120);
    stepNs = std::max<std::int64_t>(bucket, (stepNs / bucket) * bucket);
    out.hasWindow = true;
    out.from = *from;
    out.to = *to;
    out.step = stepNs;

    struct Service
    {
        std::set<std::string> versions;
        std::map<std::int64_t, RedTotals> steps;
        RedTotals total;
    };
    std::map<std::string, Service> services;
    // Uses rollups_by_bucket for the range, joins the small services table.
    auto st =
        db.prepare("SELECT v.name, v.version, r.bucket_ns, r.requests, r.errors, r.histogram FROM rollups r "
                   "JOIN services v ON v.id = r.service_id WHERE r.operation_id = 0 AND v.is_browser = 0 "
                   "AND r.bucket_ns >= ?1 AND r.bucket_ns < ?2");
    st.bind(1, *from).bind(2, *to);
    while (st.step()) {
        Service& s = services[std::string(st.text(0))];
        s.versions.emplace(st.text(1));
        const std::int64_t t = *from + ((st.int64(2) - *from) / stepNs) * stepNs;
        s.steps[t].add(st.int64(3), st.int64(4), st.blob(5));
        s.total.add(st.int64(3), st.int64(4), st.blob(5));
    }
    out.services.reserve(services.size());
    for (const auto& [name, s] : services) {
        ServiceSeries series;
        series.name = name;
        series.versions.assign(s.versions.begin(), s.versions.end());
        series.total = RedPoint::of(0, s.total);
        series.series.reserve(s.steps.size());
        for (const auto& [t, totals] : s.steps)
            series.series.push_back(RedPoint::of(t, totals));
        out.services.push_back(std::move(series));
    }
    return out;
}

} // namespace seam
