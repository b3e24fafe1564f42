#include "ImpactJson.h"

#include "Format.h"

#include <QJsonArray>
#include <cmath>

namespace seam {
namespace {

QJsonValue orNull(const std::string& s)
{
    return s.empty() ? QJsonValue() : QJsonValue(QString::fromStdString(s));
}

double round(double v, double scale)
{
    return std::round(v * scale) / scale;
}

QJsonObject countsJson(const ImpactCounts& c)
{
    QJsonObject o;
    o[QStringLiteral("affected")] = qint64(c.affected);
    o[QStringLiteral("reached")] = qint64(c.reached);
    o[QStringLiteral("total")] = qint64(c.total);
    o[QStringLiteral("affected_share")] = c.total ? round(double(c.affected) / double(c.total), 1e6) : 0.0;
    o[QStringLiteral("reached_share")] = c.total ? round(double(c.reached) / double(c.total), 1e6) : 0.0;
    return o;
}

} // namespace

QJsonObject impactJson(const ImpactResult& r)
{
    QJsonObject o;
    QJsonObject window;
    window[QStringLiteral("service")] = QString::fromStdString(r.service);
    window[QStringLiteral("operation")] = orNull(r.operation);
    window[QStringLiteral("version")] = orNull(r.version);
    window[QStringLiteral("start")] = isoTime(r.from);
    window[QStringLiteral("start_ns")] = qint64(r.from);
    window[QStringLiteral("end")] = isoTime(r.to);
    window[QStringLiteral("end_ns")] = qint64(r.to);
    window[QStringLiteral("normal_p99_ms")] =
        r.normalP99 > 0 ? QJsonValue(round(double(r.normalP99) / 1e6, 1e3)) : QJsonValue();
    window[QStringLiteral("normal_from")] = r.normalP99 <= 0     ? QJsonValue()
                                            : r.normalFromInside ? QStringLiteral("calm_inside")
                                                                 : QStringLiteral("around");
    o[QStringLiteral("window")] = window;
    if (r.serviceFound && r.to > r.from) {
        o[QStringLiteral("page_loads")] = countsJson(r.pageLoads);
        o[QStringLiteral("sessions")] = countsJson(r.sessions);
        if (r.users)
            o[QStringLiteral("users")] = countsJson(*r.users);
        o[QStringLiteral("failed_actions")] = qint64(r.failedActions);
        o[QStringLiteral("actions")] = qint64(r.actions);
    }
    if (r.conversions) {
        const ConversionImpact& c = *r.conversions;
        QJsonObject j;
        j[QStringLiteral("definition")] = QString::fromStdString(c.definition);
        j[QStringLiteral("affected_sessions")] = qint64(c.affectedSessions);
        j[QStringLiteral("affected_converted")] = qint64(c.affectedConverted);
        j[QStringLiteral("unaffected_sessions")] = qint64(c.unaffectedSessions);
        j[QStringLiteral("unaffected_converted")] = qint64(c.unaffectedConverted);
        // Landmarks (ConversionLandmarks.h): affected sessions from their first harm, and not those that
        // had converted by then; conversions within the horizon after it.
        j[QStringLiteral("already_converted")] = qint64(c.alreadyConverted);
        j[QStringLiteral("control_sessions")] = qint64(c.distinctControlSessions);
        j[QStringLiteral("horizon_s")] = round(double(c.horizon) / 1e9, 1e1);
        j[QStringLiteral("affected_rate")] = round(c.affectedRate, 1e6);
        j[QStringLiteral("unaffected_rate")] = round(c.unaffectedRate, 1e6);
        j[QStringLiteral("lost")] = round(c.lost, 1e2);
        j[QStringLiteral("ci95")] = QJsonArray{round(c.ciLow, 1e2), round(c.ciHigh, 1e2)};
        // What the interval allows one to say: a loss (all of it above 0), a gain, or nothing either way.
        j[QStringLiteral("verdict")] = c.ciLow > 0    ? QStringLiteral("loss")
                                       : c.ciHigh < 0 ? QStringLiteral("gain")
                                                      : QStringLiteral("inconclusive");
        // How the unaffected group was built: the window's never-hit sessions, and sessions borrowed from
        // healthy periods around it.
        QJsonObject control;
        control[QStringLiteral("in_window")] = qint64(c.control.inWindow);
        control[QStringLiteral("borrowed")] = qint64(c.control.borrowed);
        control[QStringLiteral("borrowed_before")] = qint64(c.control.borrowedBefore);
        control[QStringLiteral("borrowed_after")] = qint64(c.control.borrowedAfter);
        control[QStringLiteral("thin_strata")] = qint64(c.control.thinStrata);
        if (c.control.borrowed > 0) {
            control[QStringLiteral("borrowed_from")] = isoTime(c.control.borrowedFrom);
            control[QStringLiteral("borrowed_from_ns")] = qint64(c.control.borrowedFrom);
            control[QStringLiteral("borrowed_to")] = isoTime(c.control.borrowedTo);
            control[QStringLiteral("borrowed_to_ns")] = qint64(c.control.borrowedTo);
            control[QStringLiteral("drift_sd")] = round(c.control.driftSd, 1e6);
        }
        j[QStringLiteral("control")] = control;
        o[QStringLiteral("conversions")] = j;
    }
    if (r.revenue) {
        const RevenueImpact& v = *r.revenue;
        QJsonObject j;
        j[QStringLiteral("attribute")] = QString::fromStdString(v.attribute);
        j[QStringLiteral("lost")] = round(v.lost, 1e2);
        j[QStringLiteral("ci95")] = QJsonArray{round(v.ciLow, 1e2), round(v.ciHigh, 1e2)};
        j[QStringLiteral("affected_per_session")] = round(v.affectedPerSession, 1e4);
        j[QStringLiteral("unaffected_per_session")] = round(v.unaffectedPerSession, 1e4);
        j[QStringLiteral("valued_sessions")] = qint64(v.valuedSessions);
        const RevenueEstimate& e = v.estimate;
        j[QStringLiteral("value_per_conversion")] = round(e.valuePerConversion, 1e2);
        j[QStringLiteral("value_from")] = e.fromAffected ? QStringLiteral("affected") : QStringLiteral("all");
        QJsonObject spend;
        spend[QStringLiteral("affected_per_conversion")] = round(e.affectedPerConversion, 1e2);
        spend[QStringLiteral("affected_conversions")] = qint64(e.affectedConverters);
        spend[QStringLiteral("controls_per_conversion")] = round(e.controlPerConversion, 1e2);
        spend[QStringLiteral("control_conversions")] = qint64(e.controlConverters);
        spend[QStringLiteral("difference")] = round(e.spendDifference, 1e2);
        spend[QStringLiteral("ci95")] = QJsonArray{round(e.spendLow, 1e2), round(e.spendHigh, 1e2)};
        j[QStringLiteral("spend")] = spend;
        o[QStringLiteral("revenue")] = j;
    }
    QJsonArray notes;
    for (const std::string& n : r.notes)
        notes.append(QString::fromStdString(n));
    o[QStringLiteral("notes")] = notes;
    return o;
}

} // namespace seam
