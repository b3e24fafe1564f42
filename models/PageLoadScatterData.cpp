#include "PageLoadScatterData.h"

#include "QtText.h"
#include "Sqlite.h"

#include <algorithm>
#include <cstdint>
#include <unordered_map>

namespace seam {
namespace {

/// What decimation needs of a page load: 32 bytes, so a million of them stay small.
struct Raw
{
    qint64 id = 0;
    qint64 start = 0;
    qint64 duration = 0;
    bool error = false;
};

bool byStart(const Raw& a, const Raw& b)
{
    return a.start != b.start ? a.start < b.start : a.id < b.id;
}

/// Fills the statistics of `data` from `all` (sorted by start) and returns the indexes of the points to
/// show, in order.
std::vector<std::uint32_t> decimate(const std::vector<Raw>& all, int maxPoints, PageLoadScatterData& data)
{
    const std::size_t n = all.size();
    data.matched = qint64(n);
    std::vector<std::uint32_t> kept;
    if (n == 0)
        return kept;
    data.firstStart = all.front().start;
    data.lastStart = all.back().start;
    data.starts.reserve(n);
    for (const Raw& r : all)
        data.starts.push_back(r.start);

    std::vector<qint64> durations;
    durations.reserve(n);
    std::size_t errors = 0;
    for (const Raw& r : all) {
        durations.push_back(r.duration);
        errors += r.error ? 1 : 0;
    }
    data.errors = qint64(errors);
    data.maxDuration = *std::max_element(durations.begin(), durations.end());
    // The nearest-rank 95th percentile.
    const std::size_t rank = std::max<std::size_t>(1, (n * 95 + 99) / 100) - 1;
    std::nth_element(durations.begin(), durations.begin() + qsizetype(rank), durations.end());
    data.slowThreshold = durations[rank];
    durations = {};

    const std::size_t cap = std::size_t(std::max(1, maxPoints));
    if (n <= cap) {
        kept.resize(n);
        for (std::size_t i = 0; i < n; ++i)
            kept[i] = std::uint32_t(i);
        data.errorsShown = data.errors;
        return kept;
    }

    // Errors first: all of them unless they would take more than half the cap; what the loads without
    // errors leave unused goes to them too.
    const std::size_t okCount = n - errors;
    std::size_t errorBudget = std::min(errors, cap / 2);
    std::size_t okBudget = std::min(okCount, cap - errorBudget);
    errorBudget = std::min(errors, cap - okBudget);

    // Enough columns for the shape over time, few enough that each keeps several points.
    const int columns = std::clamp(int(cap / 8), 1, PageLoadScatterData::kColumns);
    const double span = double(data.lastStart - data.firstStart) + 1.0;
    const auto columnOf = [&](const Raw& r) {
        return std::min(columns - 1, int(double(r.start - data.firstStart) / span * columns));
    };

    std::vector<char> keep(n, 0);
    std::vector<std::vector<std::uint32_t>> byColumn{std::size_t(columns)};
    for (const bool errorClass : {true, false}) {
        const std::size_t budget = errorClass ? errorBudget : okBudget;
        const std::size_t classSize = errorClass ? errors : okCount;
        if (budget == 0)
            continue;
        for (auto& c : byColumn)
            c.clear();
        for (std::size_t i = 0; i < n; ++i)
            if (all[i].error == errorClass)
                byColumn[std::size_t(columnOf(all[i]))].push_back(std::uint32_t(i));
        if (budget >= classSize) {
            for (const auto& c : byColumn)
                for (const std::uint32_t i : c)
                    keep[i] = 1;
            continue;
        }
        // The largest per-column quota within the budget; the rest of the budget adds one point to
        // the first columns that have more than the quota.
        std::size_t lo = 0, hi = 0;
        for (const auto& c : byColumn)
            hi = std::max(hi, c.size());
        const auto used = [&](std::size_t quota) {
            std::size_t sum = 0;
            for (const auto& c : byColumn)
                sum += std::min(c.size(), quota);
            return sum;
        };
        while (lo < hi) {
            const std::size_t mid = (lo + hi + 1) / 2;
            if (used(mid) <= budget)
                lo = mid;
            else
                hi = mid - 1;
        }
        std::size_t extra = budget - used(lo);
        for (auto& c : byColumn) {
            std::size_t quota = lo;
            if (c.size() > quota && extra > 0) {
                ++quota;
                --extra;
            }
            if (c.size() <= quota) {
                for (const std::uint32_t i : c)
                    keep[i] = 1;
                continue;
            }
            if (quota == 0)
                continue;
            // The slowest quarter of the quota (at least the slowest one), then an even sample in time
            // of the others.
            const std::size_t slowest = std::max<std::size_t>(1, quota / 4);
            std::vector<std::uint32_t> bySpeed = c;
            std::nth_element(bySpeed.begin(), bySpeed.begin() + qsizetype(slowest - 1), bySpeed.end(),
                             [&](std::uint32_t a, std::uint32_t b) {
                                 return all[a].duration != all[b].duration ? all[a].duration > all[b].duration
                                                                           : a < b;
                             });
            for (std::size_t k = 0; k < slowest; ++k)
                keep[bySpeed[k]] = 1;
            const std::size_t sample = quota - slowest;
            if (sample == 0)
                continue;
            std::vector<std::uint32_t> rest;
            rest.reserve(c.size() - slowest);
            for (const std::uint32_t i : c)
                if (!keep[i])
                    rest.push_back(i);
            for (std::size_t k = 0; k < sample; ++k)
                keep[rest[std::size_t((double(k) + 0.5) * double(rest.size()) / double(sample))]] = 1;
        }
    }
    for (std::size_t i = 0; i < n; ++i)
        if (keep[i]) {
            kept.push_back(std::uint32_t(i));
            data.errorsShown += all[i].error ? 1 : 0;
        }
    return kept;
}

} // namespace

qint64 PageLoadScatterData::countStartingIn(qint64 fromNs, qint64 toNs) const
{
    const auto from = std::lower_bound(starts.begin(), starts.end(), fromNs);
    const auto to = std::upper_bound(from, starts.end(), toNs);
    return qint64(to - from);
}

std::size_t PageLoadScatterData::lowerBound(qint64 startNs) const
{
    return std::size_t(std::lower_bound(points.begin(), points.end(), startNs,
                                        [](const PageLoadScatterPoint& p, qint64 t) { return p.start < t; }) -
                       points.begin());
}

int PageLoadScatterData::indexOf(qint64 id) const
{
    const auto it = std::find_if(points.begin(), points.end(),
                                 [id](const PageLoadScatterPoint& p) { return p.id == id; });
    return it == points.end() ? -1 : int(it - points.begin());
}

PageLoadScatterData PageLoadScatterData::fromPoints(std::vector<PageLoadScatterPoint> all, int maxPoints)
{
    std::sort(all.begin(), all.end(), [](const PageLoadScatterPoint& a, const PageLoadScatterPoint& b) {
        return a.start != b.start ? a.start < b.start : a.id < b.id;
    });
    std::vector<Raw> raw;
    raw.reserve(all.size());
    for (const PageLoadScatterPoint& p : all)
        raw.push_back(Raw{p.id, p.start, p.duration, p.error});
    PageLoadScatterData data;
    const std::vector<std::uint32_t> kept = decimate(raw, maxPoints, data);
    data.points.reserve(kept.size());
    for (const std::uint32_t i : kept)
        data.points.push_back(std::move(all[i]));
    return data;
}

PageLoadScatterData PageLoadScatterData::load(Database& db, const std::string& where,
                                              const std::vector<PageLoadFilter::Value>& values, int maxPoints)
{
    // No ORDER BY: a table scan and a sort in memory beat a million lookups in start order.
    Statement st = db.prepare("SELECT p.id, p.start_ns, p.duration_ns, p.error_count > 0"
                              " FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id WHERE " +
                              where);
    PageLoadFilter::bind(st, values);
    std::vector<Raw> raw;
    qint64 withoutDuration = 0;
    while (st.step()) {
        if (st.isNull(2)) {
            ++withoutDuration;
            continue;
        }
        raw.push_back(Raw{st.int64(0), st.int64(1), st.int64(2), st.int64(3) != 0});
    }
    std::sort(raw.begin(), raw.end(), byStart);

    PageLoadScatterData data;
    data.withoutDuration = withoutDuration;
    const std::vector<std::uint32_t> kept = decimate(raw, maxPoints, data);
    // The whole cache's span (two index seeks), so that a filter matching nothing keeps the chart on
    // the data's time rather than on today's clock.
    Statement span = db.prepare("SELECT min(start_ns), max(start_ns) FROM page_loads");
    if (span.step() && !span.isNull(0)) {
        data.cacheFirstStart = span.int64(0);
        data.cacheLastStart = span.int64(1);
    }

    // Routes for the tooltips, of the points shown only: primary-key lookups, one QString per route.
    Statement route = db.prepare("SELECT route FROM page_loads WHERE id = ?1");
    std::unordered_map<std::string, QString> routes;
    data.points.reserve(kept.size());
    for (const std::uint32_t i : kept) {
        const Raw& r = raw[i];
        PageLoadScatterPoint p{r.id, r.start, r.duration, r.error, {}};
        route.reset();
        route.bindInt64(1, r.id);
        if (route.step() && !route.isNull(0)) {
            const std::string_view text = route.text(0);
            auto it = routes.find(std::string(text));
            if (it == routes.end())
                it = routes.emplace(std::string(text), qs(text)).first;
            p.route = it->second;
        }
        data.points.push_back(std::move(p));
    }
    return data;
}

PageLoadScatterData PageLoadScatterData::load(Database& db, const PageLoadScatterRequest& request)
{
    return load(db, request.where, request.values, request.maxPoints);
}

PageLoadScatterPoint PageLoadScatterPoint::load(Database& db, qint64 pageLoadId)
{
    Statement st =
        db.prepare("SELECT start_ns, duration_ns, error_count > 0, route FROM page_loads WHERE id = ?1");
    st.bindInt64(1, pageLoadId);
    if (!st.step() || st.isNull(1))
        return {};
    const std::string_view route = st.text(3);
    return PageLoadScatterPoint{pageLoadId, st.int64(0), st.int64(1), st.int64(2) != 0,
                                QString::fromUtf8(route.data(), qsizetype(route.size()))};
}

} // namespace seam
