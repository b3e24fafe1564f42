#include "NormalBaseline.h"

#include "Anomalies.h"
#include "DenseHistogram.h"
#include "Schema.h"
#include "Sqlite.h"

#include <algorithm>

namespace seam {

NormalBaseline normalBaseline(Database& db, const BaselineQuery& query,
                              const std::vector<std::pair<TimeNs, TimeNs>>& exclude)
{
    NormalBaseline b;
    b.from = query.from;
    b.to = query.to;
    std::vector<std::pair<TimeNs, TimeNs>> cut = exclude;
    std::sort(cut.begin(), cut.end());
    std::vector<std::pair<TimeNs, TimeNs>> merged;
    for (const auto& [s, e] : cut) {
        const TimeNs s2 = std::max(s, query.from), e2 = std::min(e, query.to);
        if (e2 <= s2)
            continue;
        if (!merged.empty() && s2 <= merged.back().second)
            merged.back().second = std::max(merged.back().second, e2);
        else
            merged.emplace_back(s2, e2);
    }
    for (const auto& [s, e] : merged)
        b.excludedNs += e - s;
    const auto excluded = [&](TimeNs bucketStart) {
        // A rollup bucket belongs to a window when it overlaps it at all: the edges are incident too.
        const TimeNs bucketEnd = bucketStart + schema::kRollupBucketNs;
        const auto it = std::upper_bound(merged.begin(), merged.end(), std::pair{bucketEnd, TimeNs(0)});
        return it != merged.begin() && std::prev(it)->second > bucketStart;
    };

    auto ids =
        db.prepare(query.operation.empty()
                       ? "SELECT v.id, 0 FROM services v WHERE v.name = ?1 AND (?2 = '' OR v.version = ?2)"
                       : "SELECT v.id, o.id FROM services v JOIN operations o ON o.service_id = v.id "
                         "WHERE v.name = ?1 AND (?2 = '' OR v.version = ?2) AND o.name = ?3");
    ids.bindText(1, query.service).bindText(2, query.version);
    if (!query.operation.empty())
        ids.bindText(3, query.operation);
    std::vector<std::pair<std::int64_t, std::int64_t>> keys;
    while (ids.step())
        keys.emplace_back(ids.int64(0), ids.int64(1));
    auto rollups =
        db.prepare("SELECT bucket_ns, requests, errors, histogram FROM rollups WHERE service_id = ?1 "
                   "AND operation_id = ?2 AND bucket_ns >= ?3 AND bucket_ns < ?4");
    DenseHistogram h;
    for (const auto& [serviceId, operationId] : keys) {
        rollups.reset();
        rollups.bind(1, serviceId).bind(2, operationId).bind(3, query.from).bind(4, query.to);
        while (rollups.step()) {
            if (excluded(rollups.int64(0)))
                continue;
            b.requests += rollups.int64(1);
            b.errors += rollups.int64(2);
            h.addEncoded(rollups.blob(3));
        }
    }
    b.errorRate = b.requests ? double(b.errors) / double(b.requests) : 0.0;
    b.p50 = h.quantile(0.50);
    b.p95 = h.quantile(0.95);
    b.p99 = h.quantile(0.99);
    b.enough = b.requests >= query.minRequests;
    return b;
}

NormalBaseline normalBaselineOutsideIncidents(Database& db, const BaselineQuery& query)
{
    AnomalyOptions options;
    options.from = query.from;
    options.to = query.to;
    options.service = query.service;
    std::vector<std::pair<TimeNs, TimeNs>> windows;
    for (const AnomalyWindow& w : detectAnomalies(db, options).windows)
        windows.emplace_back(w.start, w.end);
    return normalBaseline(db, query, windows);
}

} // namespace seam
