#pragma once

// Synthetic rollups written straight into a cache: RED series with a known shape (flat, spike, drift,
// seasonal) for the anomaly detector's tests and benchmark. Latencies are drawn per request from a
// log-normal distribution with a seeded generator, so every run writes the same rows.

#include "LatencyHistogram.h"
#include "Schema.h"
#include "Sqlite.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>

namespace seam::test {

class RollupFactory
{
public:
    explicit RollupFactory(Database& db, std::uint64_t seed = 42)
        : m_db(db), m_rng(seed),
          m_insert(
              db.prepare("INSERT OR REPLACE INTO rollups (service_id, operation_id, bucket_ns, requests, "
                         "errors, duration_sum_ns, duration_max_ns, histogram) VALUES (?1, 0, ?2, ?3, ?4, "
                         "?5, ?6, ?7)"))
    {}

    /// A backend service version; returns its services.id.
    std::int64_t service(const std::string& name, const std::string& version = "1.0.0")
    {
        auto st = m_db.prepare("INSERT INTO services (name, version) VALUES (?1, ?2)");
        st.bindText(1, name).bindText(2, version);
        st.run();
        return m_db.lastInsertRowId();
    }

    /// One rollup bucket: `requests` entry spans (Poisson around it when `poisson`), each an error
    /// with probability `errorRate`, latency log-normal with median `medianMs` and log-sd `sigma`.
    void bucket(std::int64_t serviceId, std::int64_t t, double requests, double errorRate, double medianMs,
                double sigma = 0.25, bool poisson = true)
    {
        std::int64_t n = std::int64_t(std::llround(requests));
        if (poisson && requests > 0)
            n = std::poisson_distribution<std::int64_t>(requests)(m_rng);
        if (n <= 0)
            return;
        std::lognormal_distribution<double> latency(std::log(medianMs * 1e6), sigma);
        std::bernoulli_distribution error(std::clamp(errorRate, 0.0, 1.0));
        LatencyHistogram h;
        std::int64_t errors = 0, sum = 0, max = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            const auto ns = std::max<std::int64_t>(1, std::int64_t(latency(m_rng)));
            h.add(ns);
            sum += ns;
            max = std::max(max, ns);
            errors += error(m_rng) ? 1 : 0;
        }
        const std::string blob = h.encode();
        m_insert.bind(1, serviceId).bind(2, t).bind(3, n).bind(4, errors).bind(5, sum).bind(6, max);
        m_insert.bindBlob(7, blob.data(), int(blob.size()));
        m_insert.run();
    }

    static constexpr std::int64_t kBucket = schema::kRollupBucketNs;

private:
    Database& m_db;
    std::mt19937_64 m_rng;
    Statement m_insert;
};

} // namespace seam::test
