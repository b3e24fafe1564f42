#include "IncidentsData.h"

#include "BusinessImpact.h"
#include "Format.h"
#include "Sqlite.h"

#include <QCoreApplication>
#include <chrono>
#include <cmath>

namespace seam {
namespace {

QString tr(const char* text)
{
    return QCoreApplication::translate("seam::IncidentsData", text);
}

double msSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

constexpr TimeNs kBaselineMargin = 2 * 3600LL * 1'000'000'000; // NormalBaseline's, in BusinessImpact

/// Cheap (index ranges) and changed by any data the impact of `w` reads: the page loads in and after
/// the window (a session converts later), and the service's entry spans around it (its normal p99).
std::array<std::int64_t, 3> dataStamp(Database& db, const AnomalyWindow& w)
{
    auto loads = db.prepare(
        "SELECT count(*), coalesce(max(id), 0) FROM page_loads WHERE start_ns >= ?1 AND start_ns < ?2");
    loads.bind(1, w.start).bind(2, w.end + kBaselineMargin);
    loads.step();
    std::array<std::int64_t, 3> stamp{loads.int64(0), loads.int64(1), 0};
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'page_load_reach'") ==
        0)
        return stamp;
    auto reach =
        db.prepare("SELECT count(*) FROM page_load_reach WHERE service_id IN (SELECT id FROM services "
                   "WHERE name = ?1) AND start_ns >= ?2 AND start_ns < ?3");
    reach.bindText(1, w.service).bind(2, w.start - kBaselineMargin).bind(3, w.end + kBaselineMargin);
    reach.step();
    stamp[2] = reach.int64(0);
    return stamp;
}

} // namespace

QString IncidentRow::whatText() const
{
    switch (window.lead.metric) {
    case AnomalyMetric::ErrorRate:
        return tr("error rate");
    case AnomalyMetric::LatencyP95:
        return tr("latency p95");
    case AnomalyMetric::LatencyP50:
        return tr("latency p50");
    case AnomalyMetric::Requests:
        return window.lead.drop ? tr("requests dropped") : tr("requests");
    }
    return {};
}

QString IncidentRow::howBadText() const
{
    const MetricAnomaly& a = window.lead;
    switch (a.metric) {
    case AnomalyMetric::ErrorRate:
        return tr("errors %1 vs %2").arg(formatPercent(a.peak), formatPercent(a.baseline));
    case AnomalyMetric::LatencyP95:
        return tr("p95 %1 vs %2")
            .arg(formatDuration(std::llround(a.peak)), formatDuration(std::llround(a.baseline)));
    case AnomalyMetric::LatencyP50:
        return tr("p50 %1 vs %2")
            .arg(formatDuration(std::llround(a.peak)), formatDuration(std::llround(a.baseline)));
    case AnomalyMetric::Requests: {
        const double ratio = a.baseline > 0 ? a.peak / a.baseline : 0.0;
        return tr("×%1 (%2/s vs %3/s)")
            .arg(ratio, 0, 'f', 1)
            .arg(a.peak, 0, 'f', a.peak < 10 ? 1 : 0)
            .arg(a.baseline, 0, 'f', a.baseline < 10 ? 1 : 0);
    }
    }
    return {};
}

QString IncidentRow::filterTerm() const
{
    const QString name = QString::fromStdString(window.service);
    // Quoted like the filter language quotes any value with spaces or quotes.
    if (!name.contains(QLatin1Char(' ')) && !name.contains(QLatin1Char('"')))
        return QStringLiteral("service:") + name;
    QString escaped = name;
    escaped.replace(QLatin1String("\\"), QLatin1String("\\\\"))
        .replace(QLatin1String("\""), QLatin1String("\\\""));
    return QStringLiteral("service:\"") + escaped + QLatin1Char('"');
}

IncidentsData IncidentsData::load(Database& db, const IncidentsRequest& request)
{
    IncidentsData d;
    d.generation = request.generation;
    d.withImpact = request.withImpact;
    d.conversion = readSavedConversion(db);

    auto t0 = std::chrono::steady_clock::now();
    const AnomalyResult anomalies = detectAnomalies(db, AnomalyOptions{});
    d.anomaliesMs = msSince(t0);
    d.from = anomalies.from;
    d.to = anomalies.to;
    d.notes = anomalies.notes;
    for (const AnomalyWindow& w : anomalies.windows) {
        IncidentRow row;
        row.window = w;
        d.rows.push_back(std::move(row));
    }
    if (!request.withImpact) {
        if (!d.conversion)
            d.suggestion = suggestConversion(db);
        return d;
    }

    t0 = std::chrono::steady_clock::now();
    std::optional<ConversionDefinition> conversion;
    if (d.conversion)
        conversion = ConversionDefinition::parse(d.conversion->definition);
    const IncidentsData* previous =
        request.previous && request.previous->withImpact ? request.previous.get() : nullptr;
    const auto sameConversion = [&](const IncidentsData& p) {
        return p.conversion.has_value() == d.conversion.has_value() &&
               (!d.conversion || (p.conversion->definition == d.conversion->definition &&
                                  p.conversion->revenueAttribute == d.conversion->revenueAttribute));
    };
    if (previous && !sameConversion(*previous))
        previous = nullptr;
    for (IncidentRow& row : d.rows) {
        row.dataStamp = dataStamp(db, row.window);
        const IncidentRow* known = nullptr;
        if (previous)
            for (const IncidentRow& p : previous->rows)
                if (p.impactKnown && p.window.service == row.window.service &&
                    p.window.start == row.window.start && p.window.end == row.window.end &&
                    p.dataStamp == row.dataStamp)
                    known = &p;
        if (known) {
            const AnomalyWindow window = row.window;
            row = *known;
            row.window = window; // its rank and incident number may have moved
            continue;
        }
        ++d.impactsRead;
        ImpactQuery q;
        q.service = row.window.service; // every version: "affected" needs the service's normal p99
        q.from = row.window.start;
        q.to = row.window.end;
        q.conversion = conversion;
        if (conversion && d.conversion)
            q.revenueAttribute = d.conversion->revenueAttribute;
        const ImpactResult r = businessImpact(db, q);
        row.impactKnown = r.serviceFound;
        row.affectedSessions = r.sessions.affected;
        row.reachedSessions = r.sessions.reached;
        row.affectedPageLoads = r.pageLoads.affected;
        if (r.conversions) {
            row.lostConversions = r.conversions->lost;
            row.lostLow = r.conversions->ciLow;
            row.lostHigh = r.conversions->ciHigh;
        }
        row.impactNotes = r.notes;
    }
    d.impactMs = msSince(t0);
    return d;
}

} // namespace seam
