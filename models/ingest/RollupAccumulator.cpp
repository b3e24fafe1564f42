#include "RollupAccumulator.h"

#include "Schema.h"
#include "WriteStatements.h"

#include <algorithm>
#include <optional>
#include <sqlite3.h>
#include <vector>

namespace seam {

void RollupAccumulator::add(std::int64_t serviceId, std::int64_t operationId, TimeNs start, TimeNs duration,
                            bool error, bool entry)
{
    const std::int64_t bucket =
        start - ((start % schema::kRollupBucketNs) + schema::kRollupBucketNs) % schema::kRollupBucketNs;
    duration = std::max<TimeNs>(duration, 0);
    addTo(serviceId, operationId, bucket, duration, error);
    if (entry)
        addTo(serviceId, 0, bucket, duration, error);
}

void RollupAccumulator::addTo(std::int64_t serviceId, std::int64_t operationId, std::int64_t bucket,
                              TimeNs duration, bool error)
{
    Cell& c = m_cells[{serviceId, operationId, bucket}];
    ++c.requests;
    c.errors += error ? 1 : 0;
    c.sum += duration;
    c.max = std::max(c.max, duration);
    c.histogram.add(duration);
}

void RollupAccumulator::flush(Database& db)
{
    if (m_cells.empty())
        return;
    // Many cells a statement (the cells are distinct keys, so no row meets itself in one statement);
    // the rest one at a time.
    constexpr int kColumns = 8;
    constexpr int kRows = 32;
    auto prepare = [&](int rows) {
        return db.prepare(manyRowsSql(
            "INSERT INTO rollups(service_id, operation_id, bucket_ns, requests, errors, duration_sum_ns, "
            "duration_max_ns, histogram)",
            kColumns, rows,
            " ON CONFLICT(service_id, operation_id, bucket_ns) DO UPDATE SET "
            "requests = requests + excluded.requests, errors = errors + excluded.errors, "
            "duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns, "
            "duration_max_ns = max(duration_max_ns, excluded.duration_max_ns), "
            "histogram = seam_histogram_merge(histogram, excluded.histogram)"));
    };
    const std::size_t many = m_cells.size() / kRows * kRows;
    std::optional<Statement> manyRows;
    if (many)
        manyRows.emplace(prepare(kRows));
    Statement one = prepare(1);
    std::vector<std::string> histograms(kRows); // bound as static blobs until their statement ran
    // In key order: each (service, operation) gets its new buckets at the end of its range of the
    // table's B-tree.
    std::vector<const std::pair<const Key, Cell>*> sorted;
    sorted.reserve(m_cells.size());
    for (const auto& cell : m_cells)
        sorted.push_back(&cell);
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return a->first < b->first; });
    std::size_t i = 0;
    for (const auto* cell : sorted) {
        const auto& [key, c] = *cell;
        const bool full = i < many;
        Statement& st = full ? *manyRows : one;
        const int row = full ? int(i % kRows) : 0;
        const int o = row * kColumns;
        std::string& hist = histograms[std::size_t(row)];
        hist = c.histogram.encode();
        st.bind(o + 1, std::get<0>(key)).bind(o + 2, std::get<1>(key)).bind(o + 3, std::get<2>(key));
        st.bind(o + 4, c.requests).bind(o + 5, c.errors).bind(o + 6, c.sum).bind(o + 7, c.max);
        st.bindBlob(o + 8, hist.data(), int(hist.size()));
        if (!full || row == kRows - 1)
            st.run();
        ++i;
    }
    m_cells.clear();
}

Statement RollupAccumulator::prepareReplace(Database& db)
{
    return db.prepare("INSERT OR REPLACE INTO rollups(service_id, operation_id, bucket_ns, requests, errors, "
                      "duration_sum_ns, duration_max_ns, histogram) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
}

void RollupAccumulator::replace(Statement& st, std::int64_t serviceId, std::int64_t operationId,
                                const RollupRow& row)
{
    st.bind(1, serviceId).bind(2, operationId).bind(3, row.bucket);
    st.bind(4, row.requests).bind(5, row.errors).bind(6, row.durationSumNs).bind(7, row.durationMaxNs);
    st.bindBlob(8, row.histogram.data(), int(row.histogram.size()));
    st.run();
}

namespace {

void histogramMerge(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    LatencyHistogram h;
    for (int i = 0; i < 2; ++i) {
        const auto* p = static_cast<const char*>(sqlite3_value_blob(argv[i]));
        const int n = sqlite3_value_bytes(argv[i]);
        if (p && n > 0 && !h.mergeEncoded(std::string_view(p, std::size_t(n)))) {
            sqlite3_result_error(ctx, "corrupt latency histogram", -1);
            return;
        }
    }
    const std::string out = h.encode();
    sqlite3_result_blob(ctx, out.data(), int(out.size()), SQLITE_TRANSIENT);
}

} // namespace

void RollupAccumulator::registerFunctions(Database& db)
{
    sqlite3_create_function_v2(db.handle(), "seam_histogram_merge", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                               nullptr, histogramMerge, nullptr, nullptr, nullptr);
}

} // namespace seam
