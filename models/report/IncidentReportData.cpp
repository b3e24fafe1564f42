#include "IncidentReportData.h"

#include "ConversionDefinition.h"
#include "CriticalPathReader.h"
#include "PageLoadFilter.h"
#include "Sqlite.h"

#include <algorithm>
#include <map>

namespace seam::report {
namespace {

constexpr std::int64_t kMinute = 60'000'000'000LL;

std::string metaValue(Database& db, const char* key)
{
    Statement q = db.prepare("SELECT value FROM meta WHERE key = ?1");
    q.bindText(1, key);
    return q.step() && !q.isNull(0) ? std::string(q.text(0)) : std::string();
}

std::int64_t countIn(Database& db, const char* sql, std::int64_t from, std::int64_t to)
{
    Statement q = db.prepare(sql);
    q.bind(1, from);
    q.bind(2, to);
    return q.step() ? q.int64(0) : 0;
}

/// The range the report covers: the options' bounds, else the cache's (page loads and rollups).
std::pair<std::int64_t, std::int64_t> reportRange(Database& db, const ReportOptions& o)
{
    std::int64_t from = 0, to = 0;
    Statement q = db.prepare("SELECT min(t0), max(t1) FROM ("
                             "SELECT min(start_ns) AS t0, max(start_ns + coalesce(duration_ns, 0)) AS t1 "
                             "FROM page_loads UNION ALL "
                             "SELECT min(bucket_ns), max(bucket_ns) + ?1 FROM rollups)");
    q.bind(1, std::int64_t(10'000'000'000LL));
    if (q.step() && !q.isNull(0)) {
        from = q.int64(0);
        to = q.int64(1);
    }
    return {o.from.value_or(from), o.to.value_or(to)};
}

/// The root cause of an incident: the page loads whose traces reached the origin service, around the
/// window (padded by its own length, at least 5 minutes each side, so the baseline holds normal loads
/// of the same routes), the failed ones for an error incident, else the slow ones.
void explainIncident(Database& db, ReportIncident& incident)
{
    const AnomalyWindow& origin = incident.windows.front();
    const std::int64_t pad = std::max(5 * kMinute, incident.end - incident.start);
    WhyOptions w;
    w.from = incident.start - pad;
    w.to = incident.end + pad;
    const QString term = QStringLiteral("service:") + QString::fromStdString(origin.service);
    w.filter = PageLoadFilter::parse(term);
    const bool errors = origin.lead.metric == AnomalyMetric::ErrorRate;
    w.criterion = errors ? WhyOptions::Criterion::Errors : WhyOptions::Criterion::Slow;
    incident.whyScope = std::string(errors ? "failed" : "slow (above their route's p90)") +
                        " page loads that reached " + origin.service + ", against the other loads of " +
                        "the same routes, " + std::to_string(pad / kMinute) +
                        " min either side of the window included";
    incident.why = explainCohort(db, w);
}

void addImpact(Database& db, ReportIncident& incident, const IncidentReportData& data)
{
    const AnomalyWindow& origin = incident.windows.front();
    ImpactQuery q;
    q.service = origin.service;
    q.version = origin.version;
    q.from = origin.start;
    q.to = origin.end;
    if (!data.conversion.empty())
        q.conversion = ConversionDefinition::parse(data.conversion);
    if (q.conversion)
        q.revenueAttribute = data.revenueAttribute;
    ImpactResult r = businessImpact(db, q);
    if (r.serviceFound)
        incident.impact = std::move(r);
}

void addSeries(Database& db, ReportIncident& incident)
{
    const std::int64_t pad = std::max(10 * kMinute, incident.end - incident.start);
    ServiceSeriesSet all = serviceSeries(db, incident.start - pad, incident.end + pad, 0);
    std::vector<ServiceSeries> kept;
    for (const AnomalyWindow& w : incident.windows)
        for (ServiceSeries& s : all.services)
            if (s.name == w.service && std::none_of(kept.begin(), kept.end(),
                                                    [&](const ServiceSeries& k) { return k.name == s.name; }))
                kept.push_back(s);
    all.services = std::move(kept); // in the windows' order: the origin first
    incident.series = std::move(all);
}

std::vector<ReportIncident> groupIncidents(const AnomalyResult& anomalies)
{
    std::map<int, ReportIncident> byNumber;
    for (const AnomalyWindow& w : anomalies.windows) {
        ReportIncident& i = byNumber[w.incident];
        if (i.windows.empty()) {
            i.number = w.incident;
            i.start = w.start;
            i.end = w.end;
        }
        i.start = std::min(i.start, w.start);
        i.end = std::max(i.end, w.end);
        i.windows.push_back(w);
    }
    std::vector<ReportIncident> out;
    for (auto& [number, incident] : byNumber) {
        std::stable_sort(
            incident.windows.begin(), incident.windows.end(),
            [](const AnomalyWindow& a, const AnomalyWindow& b) { return a.originRank < b.originRank; });
        out.push_back(std::move(incident));
    }
    return out;
}

std::vector<ReportNote> readNotes(Database& db, std::int64_t from, std::int64_t to)
{
    // v1 columns only: the notes' schema grows (author, tags) in another change; what is read here
    // exists in every version.
    // A note's moment is its range start, else its page load's start; one with neither (a note on
    // a service, written at created_ns wall-clock time) is about the whole investigation: kept.
    Statement q = db.prepare(
        "SELECT id, coalesce(at, created_ns), kind, target_type, target_id, from_ns, to_ns, title, text FROM "
        "("
        "SELECT n.id, n.created_ns, n.kind, n.target_type, n.target_id, n.from_ns, n.to_ns, n.title, n.text, "
        "coalesce(n.from_ns, p.start_ns) AS at FROM notes n LEFT JOIN page_loads p "
        "ON n.target_type = 'page_load' AND p.id = CAST(n.target_id AS INTEGER)) "
        "WHERE at IS NULL OR (at < ?2 AND coalesce(to_ns, at) >= ?1) ORDER BY 2, id");
    q.bind(1, from);
    q.bind(2, to);
    std::vector<ReportNote> notes;
    const auto text = [&](int col) { return q.isNull(col) ? std::string() : std::string(q.text(col)); };
    while (q.step()) {
        ReportNote n;
        n.id = q.int64(0);
        n.time = q.int64(1);
        n.kind = text(2);
        n.targetType = text(3);
        n.targetId = text(4);
        if (!q.isNull(5))
            n.from = q.int64(5);
        if (!q.isNull(6))
            n.to = q.int64(6);
        n.title = text(7);
        n.text = text(8);
        notes.push_back(std::move(n));
    }
    return notes;
}

std::vector<BookmarkedLoad> readBookmarks(Database& db, const std::vector<ReportNote>& notes, int max)
{
    std::vector<BookmarkedLoad> loads;
    CriticalPathReader reader(db);
    Statement page = db.prepare("SELECT url, route, start_ns, duration_ns FROM page_loads WHERE id = ?1");
    for (const ReportNote& n : notes) {
        if (n.kind != "bookmark" || n.targetType != "page_load")
            continue;
        if (int(loads.size()) >= max)
            break;
        char* end = nullptr;
        const long long id = std::strtoll(n.targetId.c_str(), &end, 10);
        if (end == n.targetId.c_str() || *end != '\0')
            continue;
        if (std::any_of(loads.begin(), loads.end(), [&](const BookmarkedLoad& l) { return l.id == id; }))
            continue;
        page.reset();
        page.bind(1, std::int64_t(id));
        if (!page.step())
            continue;
        BookmarkedLoad b;
        b.id = id;
        b.title = n.title;
        b.url = std::string(page.text(0));
        b.route = std::string(page.text(1));
        b.start = page.int64(2);
        b.duration = page.isNull(3) ? -1 : page.int64(3);
        std::optional<CriticalPathInput> input = reader.read(id);
        if (!input)
            continue;
        b.input = std::move(*input);
        b.path = criticalPath(b.input);
        loads.push_back(std::move(b));
    }
    std::stable_sort(loads.begin(), loads.end(), [](const BookmarkedLoad& a, const BookmarkedLoad& b) {
        return a.start != b.start ? a.start < b.start : a.id < b.id;
    });
    return loads;
}

} // namespace

IncidentReportData gatherIncidentReport(Database& db, const ReportOptions& options)
{
    IncidentReportData data;
    data.title = options.title.empty() ? std::string("Incident review") : options.title;
    std::tie(data.from, data.to) = reportRange(db, options);
    data.pageLoads = countIn(db, "SELECT count(*) FROM page_loads WHERE start_ns >= ?1 AND start_ns < ?2",
                             data.from, data.to);
    data.sessions = countIn(db,
                            "SELECT count(DISTINCT session_id) FROM page_loads WHERE start_ns >= ?1 "
                            "AND start_ns < ?2",
                            data.from, data.to);
    data.spans = countIn(db,
                         "SELECT coalesce(sum(span_count), 0) FROM traces WHERE start_ns >= ?1 AND "
                         "start_ns < ?2",
                         data.from, data.to);
    data.conversion = metaValue(db, "conversion.definition");
    data.revenueAttribute = metaValue(db, "conversion.revenue_attribute");

    AnomalyOptions a;
    a.from = data.from;
    a.to = data.to;
    const AnomalyResult anomalies = detectAnomalies(db, a);
    data.analysisNotes = anomalies.notes;
    data.incidents = groupIncidents(anomalies);
    for (ReportIncident& incident : data.incidents) {
        addImpact(db, incident, data);
        explainIncident(db, incident);
        addSeries(db, incident);
    }
    data.notes = readNotes(db, data.from, data.to);
    data.bookmarks = readBookmarks(db, data.notes, options.maxBookmarks);
    return data;
}

} // namespace seam::report
