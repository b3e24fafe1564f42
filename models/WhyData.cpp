#include "WhyData.h"

#include "CriticalPathReader.h"
#include "PageLoadFilter.h"
#include "Sqlite.h"
#include "WhyCauseTerm.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace seam {
namespace {

WhyOptions cohortOptions(const WhyRequest& request, const PageLoadFilter& filter, bool failed)
{
    WhyOptions o;
    o.from = request.from;
    o.to = request.to;
    o.filter = filter;
    o.criterion = failed ? WhyOptions::Criterion::Errors : WhyOptions::Criterion::Slow;
    o.minGroupLoads = WhyData::kMinGroupLoads;
    o.sampleCap = WhyData::kSampleCap;
    return o;
}

/// The load time at quantile `q` of the loads matching `o` (ns), or -1 when none: the threshold that
/// stands for "slow" in the comparison filters. One pass over the matching loads' durations (as
/// selectCohorts makes), not an ORDER BY: walking the duration index to an offset costs a table seek
/// per load for the range and filter, a third of the pane's time at 250k page loads.
qint64 durationQuantile(Database& db, const WhyOptions& o)
{
    Statement q =
        db.prepare("SELECT p.duration_ns FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
                   "WHERE p.duration_ns IS NOT NULL AND p.start_ns >= ?1 AND p.start_ns < ?2 AND (" +
                   o.filter.sql() + ")");
    q.bindInt64(1, o.from.value_or(std::numeric_limits<std::int64_t>::min()));
    q.bindInt64(2, o.to.value_or(std::numeric_limits<std::int64_t>::max()));
    o.filter.bind(q, 3);
    std::vector<qint64> durations;
    while (q.step())
        durations.push_back(q.int64(0));
    if (durations.empty())
        return -1;
    const auto at =
        durations.begin() +
        std::ptrdiff_t(std::min(durations.size() - 1, std::size_t(double(durations.size()) * o.quantile)));
    std::nth_element(durations.begin(), at, durations.end());
    return *at;
}

void setComparison(Database& db, WhyData& data, const WhyOptions& o)
{
    const QString base = data.cohortFilter;
    if (data.cohortFailed) {
        data.compareSelection = withFilterTerm(base, QStringLiteral("errors>0"));
        data.compareBaseline = withFilterTerm(base, QStringLiteral("errors=0"));
        return;
    }
    const qint64 threshold = durationQuantile(db, o);
    if (threshold < 0)
        return;
    data.slowThresholdNs = threshold;
    const QString ms = QString::number((threshold + 999'999) / 1'000'000);
    data.compareSelection = withFilterTerm(base, QStringLiteral("duration>%1ms").arg(ms));
    data.compareBaseline = withFilterTerm(base, QStringLiteral("duration<=%1ms").arg(ms));
}

void explainPageLoad(Database& db, WhyData& data)
{
    const WhyRequest& request = data.request;
    Statement q = db.prepare("SELECT route FROM page_loads WHERE id = ?1");
    q.bind(1, std::int64_t(request.pageLoadId));
    if (!q.step())
        return;
    {
        const std::string_view route = q.text(0);
        data.route = QString::fromUtf8(route.data(), qsizetype(route.size()));
    }
    CriticalPathReader reader(db);
    const auto input = reader.read(request.pageLoadId);
    if (!input)
        return;
    data.pageLoadFound = true;
    data.cohortFilter = filterTerm(QStringLiteral("route"), data.route);
    const WhyOptions o = cohortOptions(request, PageLoadFilter::parse(data.cohortFilter), false);
    data.cohort = explainCohort(db, o);
    data.loadVerdict = explainLoad(*input, criticalPath(*input), data.cohort, WhyData::kMinGroupLoads);
    setComparison(db, data, o);
}

} // namespace

WhyData WhyData::load(Database& db, const WhyRequest& request)
{
    WhyData data;
    data.request = request;
    if (request.mode == WhyRequest::Mode::PageLoad) {
        explainPageLoad(db, data);
        return data;
    }
    if (request.mode != WhyRequest::Mode::Cohort)
        return data;
    const PageLoadFilter filter = PageLoadFilter::parse(request.filter);
    if (!filter.isValid()) {
        data.error = filter.error().message;
        return data;
    }
    data.cohortFilter = request.filter.trimmed();
    data.cohortFailed = request.failed;
    const WhyOptions o = cohortOptions(request, filter, request.failed);
    data.cohort = explainCohort(db, o);
    setComparison(db, data, o);
    return data;
}

} // namespace seam
