#pragma once
// The incident report's time charts as scenes: the timeline of the whole range (one lane per service
// with an anomaly window, notes and bookmarks marked) and the RED charts of a service around an
// incident (error rate, p95 latency, the window shaded).

#include "ChartScene.h"
#include "IncidentReportData.h"

namespace seam::report {

enum class RedMetric
{
    ErrorRate,
    P95,
};

Scene timelineScene(const IncidentReportData& data, double width);
Scene serviceMetricScene(const ServiceSeries& series, RedMetric metric, const ReportIncident& incident,
                         std::int64_t from, std::int64_t to, double width);

} // namespace seam::report
