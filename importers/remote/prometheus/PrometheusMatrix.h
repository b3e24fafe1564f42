#pragma once

// The reading half of the Prometheus RED pull: query_range matrices (calls, duration buckets, duration
// sums, each summed by service, operation and kind) into rollup cells per 10 s bucket. Kept apart from
// the HTTP so what a server answers can be tested and fuzzed on its own (tests/fuzz fuzz_remote).

#include "PrometheusSource.h"

#include <QByteArray>
#include <QJsonArray>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <utility>

namespace seam {
class BatchSink;
}

namespace seam::remote {

class PrometheusMatrix
{
public:
    explicit PrometheusMatrix(PrometheusSource source);

    /// data.result of a query_range answer, or an empty array when it is not a successful one.
    static QJsonArray resultOf(const QByteArray& body);

    /// A value at t is the increase over (t - step, t]: it goes to the bucket starting at t - step.
    void addCalls(const QJsonArray& matrix);
    void addBuckets(const QJsonArray& matrix);
    void addSums(const QJsonArray& matrix);
    /// Body-taking forms, for the fuzzer.
    void addCalls(const QByteArray& body) { addCalls(resultOf(body)); }
    void addBuckets(const QByteArray& body) { addBuckets(resultOf(body)); }
    void addSums(const QByteArray& body) { addSums(resultOf(body)); }

    /// Writes the cells with requests as rollups (one batch) and returns how many.
    std::int64_t submit(BatchSink& sink);
    std::int64_t series() const { return std::int64_t(m_series.size()); }
    std::int64_t requests() const { return m_requests; } ///< calls counted per operation

private:
    struct Cell
    {
        double requests = 0, errors = 0, sumNs = 0;
        std::map<double, double> cumulative; ///< le (ns) -> cumulative count
    };
    using Key =
        std::tuple<std::string, std::string, std::int64_t>; // service, operation ("" = service), bucket
    template<typename F> void forEachPoint(const QJsonArray& matrix, F&& fn);

    PrometheusSource m_source;
    std::int64_t m_stepSeconds;
    std::map<Key, Cell> m_cells;
    std::map<std::pair<std::string, std::string>, bool> m_series;
    std::int64_t m_requests = 0;
};

} // namespace seam::remote
