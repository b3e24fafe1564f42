#include "IncidentCharts.h"

#include "ChartAxes.h"
#include "Format.h"

#include <algorithm>
#include <cmath>

namespace seam::report {
namespace {

constexpr double kLabelWidth = 130;
constexpr double kLane = 20;

std::string windowTip(const AnomalyWindow& w)
{
    std::string metrics;
    for (const AnomalyMetric m : w.metrics)
        metrics += (metrics.empty() ? "" : ", ") + std::string(anomalyMetricName(m));
    return w.service + (w.version.empty() ? "" : " " + w.version) + ": " + metrics + " " +
           clockLabel(w.start) + "–" + clockLabel(w.end) + " (incident " + std::to_string(w.incident) + ")";
}

} // namespace

Scene timelineScene(const IncidentReportData& data, double width)
{
    std::vector<std::string> lanes;
    for (const ReportIncident& i : data.incidents)
        for (const AnomalyWindow& w : i.windows)
            if (std::find(lanes.begin(), lanes.end(), w.service) == lanes.end())
                lanes.push_back(w.service);
    Scene s;
    s.width = width;
    const double top = 18;
    const double lanesBottom = top + kLane * double(std::max<std::size_t>(1, lanes.size()));
    const double marks = lanesBottom + 6;
    const double axisY = marks + 16;
    s.height = axisY + 16;
    s.label = "Timeline " + clockLabel(data.from) + "–" + clockLabel(data.to) +
              " UTC: " + std::to_string(data.incidents.size()) + " incident(s) across " +
              std::to_string(lanes.size()) + " service(s), " + std::to_string(data.notes.size()) + " note(s)";
    const TimeScale scale{data.from, std::max(data.from + 1, data.to), kLabelWidth, width - 8};
    clockAxis(s, scale, top, axisY);

    for (const ReportIncident& i : data.incidents) {
        const double x0 = scale.x(i.start), x1 = scale.x(i.end);
        s.rect(x0, top - 14, std::max(1.0, x1 - x0), lanesBottom - top + 14, Ink::Band);
        s.text(x0 + 2, top - 4, "#" + std::to_string(i.number), Ink::Text, 10, SceneShape::Anchor::Start,
               true);
    }
    for (std::size_t lane = 0; lane < lanes.size(); ++lane) {
        const double y = top + kLane * double(lane);
        s.text(kLabelWidth - 6, y + 14, fitText(lanes[lane], kLabelWidth - 10, 10), Ink::Text, 10,
               SceneShape::Anchor::End);
        s.line(kLabelWidth, y + kLane, width - 8, y + kLane, Ink::Grid, 0.5);
        for (const ReportIncident& i : data.incidents)
            for (const AnomalyWindow& w : i.windows) {
                if (w.service != lanes[lane])
                    continue;
                const double x0 = scale.x(w.start), x1 = scale.x(w.end);
                const bool errors = w.lead.metric == AnomalyMetric::ErrorRate;
                s.rect(x0, y + 4, std::max(2.0, x1 - x0), kLane - 8, errors ? Ink::Error : Ink::Accent,
                       windowTip(w));
            }
    }
    // Notes as ticks, bookmarks as small squares, on one row under the lanes.
    for (const ReportNote& n : data.notes) {
        if (n.time < data.from || n.time > data.to)
            continue;
        const double x = scale.x(n.time);
        const std::string tip = (n.kind == "bookmark" ? "Bookmark: " : "Note: ") +
                                (n.title.empty() ? n.text : n.title) + " (" + clockLabel(n.time, true) + ")";
        if (n.kind == "bookmark")
            s.rect(x - 3, marks - 1, 6, 6, Ink::Text, tip);
        else
            s.rect(x - 1, marks - 3, 2, 10, Ink::Muted, tip);
    }
    return s;
}

Scene serviceMetricScene(const ServiceSeries& series, RedMetric metric, const ReportIncident& incident,
                         std::int64_t from, std::int64_t to, double width)
{
    Scene s;
    s.width = width;
    s.height = 120;
    const double left = 46, right = width - 6, top = 16, bottom = 92;
    const bool rate = metric == RedMetric::ErrorRate;
    s.label = series.name + (rate ? " error rate " : " p95 latency ") + clockLabel(from) + "–" +
              clockLabel(to) + " UTC, incident window " + clockLabel(incident.start) + "–" +
              clockLabel(incident.end);
    s.text(left, 11, series.name + (rate ? " · error rate" : " · p95 latency"), Ink::Text, 10,
           SceneShape::Anchor::Start, true);
    const TimeScale scale{from, std::max(from + 1, to), left, right};
    s.rect(scale.x(incident.start), top, std::max(1.0, scale.x(incident.end) - scale.x(incident.start)),
           bottom - top, Ink::Band);
    clockAxis(s, scale, top, bottom);

    const auto value = [&](const RedPoint& p) { return rate ? p.errorRate : double(p.p95); };
    double maxValue = 0;
    for (const RedPoint& p : series.series)
        maxValue = std::max(maxValue, value(p));
    if (rate)
        maxValue = std::max(maxValue, 0.01); // at least 1%: a flat 0 line should look flat
    else
        maxValue = std::max(maxValue, 1'000'000.0);
    maxValue *= 1.1;
    const auto y = [&](double v) { return bottom - (v / maxValue) * (bottom - top); };
    for (const double f : {0.5, 1.0}) {
        const double v = maxValue / 1.1 * f;
        s.line(left, y(v), right, y(v), Ink::Grid, 0.5, true);
        s.text(left - 4, y(v) + 3,
               rate ? formatPercent(v).toStdString() : formatDuration(std::int64_t(v)).toStdString(),
               Ink::Muted, 8.5, SceneShape::Anchor::End);
    }
    std::vector<ScenePoint> points;
    for (const RedPoint& p : series.series) {
        if (p.requests == 0)
            continue;
        points.push_back({scale.x(p.t), y(value(p))});
    }
    if (points.size() == 1)
        s.rect(points[0].x - 1.5, points[0].y - 1.5, 3, 3, rate ? Ink::Error : Ink::Accent);
    else if (!points.empty())
        s.polyline(std::move(points), rate ? Ink::Error : Ink::Accent, 1.5);
    if (series.series.empty())
        s.text((left + right) / 2, (top + bottom) / 2, "no requests in this range", Ink::Muted, 9,
               SceneShape::Anchor::Middle);
    return s;
}

} // namespace seam::report
