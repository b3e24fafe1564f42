#include "IncidentReport.h"

#include "ChartAxes.h"
#include "Format.h"
#include "IncidentCharts.h"
#include "MarkupText.h"
#include "PageLoadCharts.h"
#include "ReportStyle.h"
#include "SvgScene.h"

namespace seam::report {
namespace {

std::string esc(std::string_view s)
{
    return escapeMarkup(s);
}

std::string duration(std::int64_t ns)
{
    return formatDuration(ns).toStdString();
}

std::string percent(double f)
{
    return formatPercent(f).toStdString();
}

std::string iso(std::int64_t ns)
{
    return isoTime(ns).toStdString();
}

/// "2026-11-20 09:08–09:14 UTC" (the date once when both ends fall on the same day).
std::string range(std::int64_t from, std::int64_t to)
{
    const std::string a = iso(from), b = iso(to);
    const std::string day = a.substr(0, 10);
    if (b.substr(0, 10) == day)
        return day + " " + clockLabel(from) + "–" + clockLabel(to) + " UTC";
    return day + " " + clockLabel(from) + " – " + b.substr(0, 10) + " " + clockLabel(to) + " UTC";
}

std::string metricValue(AnomalyMetric metric, double v)
{
    switch (metric) {
    case AnomalyMetric::ErrorRate:
        return percent(v);
    case AnomalyMetric::LatencyP95:
    case AnomalyMetric::LatencyP50:
        return duration(std::int64_t(v));
    case AnomalyMetric::Requests:
        return number(v, 1) + " req/s";
    }
    return number(v);
}

std::string metricName(AnomalyMetric metric)
{
    switch (metric) {
    case AnomalyMetric::ErrorRate:
        return "error rate";
    case AnomalyMetric::LatencyP95:
        return "p95 latency";
    case AnomalyMetric::LatencyP50:
        return "p50 latency";
    case AnomalyMetric::Requests:
        return "request rate";
    }
    return {};
}

std::string serviceLabel(const AnomalyWindow& w)
{
    return w.service + (w.version.empty() ? "" : " " + w.version);
}

std::string incidentHeadline(const ReportIncident& i)
{
    const AnomalyWindow& o = i.windows.front();
    return serviceLabel(o) + " " + metricName(o.lead.metric) + " " + metricValue(o.lead.metric, o.lead.peak) +
           " (normal " + metricValue(o.lead.metric, o.lead.baseline) + ")";
}

std::string counts(const ImpactCounts& c)
{
    return std::to_string(c.affected) + " affected, " + std::to_string(c.reached) + " reached of " +
           std::to_string(c.total);
}

/// The verdict's side and the top cause, short: "backend: payments SELECT payment_accounts".
std::string causeSummary(const ReportIncident& i)
{
    std::string top;
    if (!i.why.causes.empty()) {
        const WhyCause& c = i.why.causes.front();
        top =
            c.kind == WhyCause::Kind::Attribute
                ? (c.service.empty() ? "" : c.service + " ") + c.field + " = " + c.value
                : (c.service.empty() ? "" : c.service + ": ") + (c.operation.empty() ? c.value : c.operation);
    }
    if (i.why.verdict.side == "inconclusive")
        return top.empty() ? std::string("inconclusive") : top;
    return i.why.verdict.side + (top.empty() ? "" : ": " + top);
}

class Writer
{
public:
    Writer(const IncidentReportData& data, const HtmlOptions& options) : m_data(data), m_options(options) {}

    HtmlReport write()
    {
        head();
        summary();
        timeline();
        for (const ReportIncident& i : m_data.incidents)
            incident(i);
        notes();
        bookmarks();
        m_out += "<p class=\"muted\">Seam " SEAM_VERSION " incident report";
        if (!m_options.generatedAt.empty())
            m_out += ", generated " + esc(m_options.generatedAt);
        m_out += ".</p>\n</body>\n</html>\n";
        return {std::move(m_out), std::move(m_charts)};
    }

private:
    bool rich() const { return m_options.flavor == HtmlOptions::Flavor::RichText; }

    // Qt's rich text drops what follows an element it does not know (<section>, <figure>): <div> there.
    std::string open(const char* element) const
    {
        return rich() ? "<div>" : std::string("<") + element + ">";
    }
    std::string close(const char* element) const
    {
        return rich() ? "</div>" : std::string("</") + element + ">";
    }
    // Qt's rich text takes table spacing from attributes, not from CSS.
    std::string table() const
    {
        return rich() ? "<table width=\"100%\" cellspacing=\"0\" cellpadding=\"3\">" : "<table>";
    }

    void chart(Scene scene)
    {
        if (rich()) {
            m_out += "<p><img src=\"chart:" + std::to_string(m_charts.size()) + "\" width=\"" +
                     number(scene.width * 0.62, 0) + "\" alt=\"" + esc(scene.label) + "\"></p>\n";
            m_charts.push_back(std::move(scene));
        } else {
            m_out += "<figure>" + sceneToSvg(scene) + "</figure>\n";
        }
    }

    void head()
    {
        m_out += "<!DOCTYPE html>\n<html lang=\"en\"";
        if (m_options.dark && !rich())
            m_out += " class=\"dark\"";
        m_out += ">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 "<meta name=\"generator\" content=\"Seam " SEAM_VERSION "\">\n<title>" +
                 esc(m_data.title) + "</title>\n<style>\n" +
                 (rich() ? richTextStyleSheet() : browserStyleSheet()) + "</style>\n</head>\n<body>\n";
        m_out += "<h1>" + esc(m_data.title) + "</h1>\n<p class=\"sub\">" +
                 esc(range(m_data.from, m_data.to)) + " · " + std::to_string(m_data.pageLoads) +
                 " page loads, " + std::to_string(m_data.sessions) + " sessions, " +
                 std::to_string(m_data.spans) + " spans · " + std::to_string(m_data.incidents.size()) +
                 " incident" + (m_data.incidents.size() == 1 ? "" : "s") + "</p>\n";
    }

    void summary()
    {
        m_out += "<h2 id=\"summary\">Summary</h2>\n";
        if (m_data.incidents.empty()) {
            m_out += "<p>No incident window was found in this range.</p>\n";
        } else {
            m_out += table() +
                     "\n<tr><th>#</th><th>Window</th><th>Likely origin</th><th>Also affected</th>"
                     "<th class=\"num\">Page loads affected</th><th class=\"num\">Sessions affected</th>"
                     "<th class=\"num\">Users affected</th><th>Conversions / revenue lost</th>"
                     "<th>Root cause</th></tr>\n";
            for (const ReportIncident& i : m_data.incidents) {
                std::string others;
                for (std::size_t k = 1; k < i.windows.size(); ++k)
                    others += (k > 1 ? ", " : "") + i.windows[k].service;
                const ImpactResult* r = i.impact ? &*i.impact : nullptr;
                std::string lost = "–";
                // A negative estimate means no loss was seen (BusinessImpact.h): said in words.
                if (r && r->conversions)
                    lost = r->conversions->lost > 0 ? number(r->conversions->lost, 1) + " conversions (95% " +
                                                          number(r->conversions->ciLow, 1) + "–" +
                                                          number(r->conversions->ciHigh, 1) + ")"
                                                    : std::string("no conversion loss seen");
                if (r && r->revenue && r->revenue->lost > 0)
                    lost += ", " + number(r->revenue->lost, 2) + " " + r->revenue->attribute;
                m_out += "<tr><td><a href=\"#incident-" + std::to_string(i.number) + "\">" +
                         std::to_string(i.number) + "</a></td><td>" + esc(range(i.start, i.end)) +
                         "</td><td>" + esc(incidentHeadline(i)) + "</td><td>" +
                         esc(others.empty() ? "–" : others) + "</td><td class=\"num\">" +
                         (r ? std::to_string(r->pageLoads.affected) : "–") + "</td><td class=\"num\">" +
                         (r ? std::to_string(r->sessions.affected) : "–") + "</td><td class=\"num\">" +
                         (r && r->users ? std::to_string(r->users->affected) : "–") + "</td><td>" +
                         esc(lost) + "</td><td>" + esc(causeSummary(i)) + "</td></tr>\n";
            }
            m_out += "</table>\n";
        }
        if (m_data.conversion.empty())
            m_out +=
                "<p class=\"muted\">No conversion is defined for this investigation (meta "
                "<code>conversion.definition</code>): lost conversions and revenue are not computed.</p>\n";
        else
            m_out += "<p class=\"muted\">Conversion: <code>" + esc(m_data.conversion) + "</code>" +
                     (m_data.revenueAttribute.empty()
                          ? ""
                          : ", revenue from <code>" + esc(m_data.revenueAttribute) + "</code>") +
                     ".</p>\n";
    }

    void timeline()
    {
        m_out += "<h2 id=\"timeline\">Timeline</h2>\n";
        chart(timelineScene(m_data, m_options.chartWidth));
        m_out += "<p class=\"muted legend\">Bars: anomaly windows per service (blue latency, red errors); "
                 "shaded: incidents; ticks under the lanes: notes (squares: bookmarks).</p>\n";
    }

    void incident(const ReportIncident& i)
    {
        m_out += open("section") + "\n<h2 id=\"incident-" + std::to_string(i.number) + "\">Incident " +
                 std::to_string(i.number) + ": " + esc(incidentHeadline(i)) + "</h2>\n<p class=\"sub\">" +
                 esc(range(i.start, i.end)) + " · " + esc(duration(i.end - i.start)) + "</p>\n";
        m_out += table() + "\n<tr><th>Service</th><th>Metrics</th><th>Window</th><th class=\"num\">Peak</th>"
                           "<th class=\"num\">Normal</th><th class=\"num\">Score</th><th>Role</th></tr>\n";
        for (const AnomalyWindow& w : i.windows) {
            std::string metrics;
            for (const AnomalyMetric m : w.metrics)
                metrics += (metrics.empty() ? "" : ", ") + metricName(m);
            const std::string role = w.originRank == 1       ? "likely origin"
                                     : w.explainedBy.empty() ? "affected"
                                                             : "explained by " + w.explainedBy;
            m_out += "<tr><td>" + esc(serviceLabel(w)) + "</td><td>" + esc(metrics) + "</td><td>" +
                     esc(clockLabel(w.start) + "–" + clockLabel(w.end)) + "</td><td class=\"num\">" +
                     esc(metricValue(w.lead.metric, w.lead.peak)) + "</td><td class=\"num\">" +
                     esc(metricValue(w.lead.metric, w.lead.baseline)) + "</td><td class=\"num\">" +
                     number(w.lead.score, 1) + "</td><td>" + esc(role) + "</td></tr>\n";
        }
        m_out += "</table>\n";
        impact(i);
        rootCause(i);
        serviceCharts(i);
        m_out += close("section") + "\n";
    }

    void impact(const ReportIncident& i)
    {
        m_out += "<h3>Impact</h3>\n";
        if (!i.impact) {
            m_out += "<p class=\"muted\">Not computed: the service has no page loads linked to it.</p>\n";
            return;
        }
        const ImpactResult& r = *i.impact;
        m_out += "<ul>\n<li>Page loads: " + counts(r.pageLoads) +
                 "</li>\n<li>Sessions: " + counts(r.sessions) + "</li>\n";
        if (r.users)
            m_out += "<li>Users: " + counts(*r.users) + "</li>\n";
        m_out += "<li>Failed user actions: " + std::to_string(r.failedActions) + " of " +
                 std::to_string(r.actions) + "</li>\n";
        if (r.normalP99 > 0)
            m_out += "<li>Affected means an error or slower than the normal p99 of " +
                     esc(duration(r.normalP99)) + "</li>\n";
        if (r.conversions)
            m_out += "<li>Conversions lost (" + esc(r.conversions->definition) +
                     "): " + number(r.conversions->lost, 1) + " [95% " + number(r.conversions->ciLow, 1) +
                     ", " + number(r.conversions->ciHigh, 1) + "]; rate " +
                     percent(r.conversions->affectedRate) + " affected against " +
                     percent(r.conversions->unaffectedRate) +
                     (r.conversions->lost > 0 ? "" : " (no loss seen)") + "</li>\n";
        if (r.revenue)
            m_out += "<li>Revenue lost (" + esc(r.revenue->attribute) + "): " + number(r.revenue->lost, 2) +
                     " [95% " + number(r.revenue->ciLow, 2) + ", " + number(r.revenue->ciHigh, 2) +
                     "]</li>\n";
        for (const std::string& n : r.notes)
            m_out += "<li class=\"muted\">" + esc(n) + "</li>\n";
        m_out += "</ul>\n";
    }

    void rootCause(const ReportIncident& i)
    {
        m_out += "<h3>Root cause</h3>\n<div class=\"card\"><p class=\"verdict\">Verdict: " +
                 esc(i.why.verdict.side) + ". " + esc(i.why.verdict.text) +
                 "</p>\n<p class=\"muted\">Compared: " + esc(i.whyScope) + " (" +
                 std::to_string(i.why.selection.pageLoads) + " selected, p75 " +
                 esc(duration(std::int64_t(i.why.selection.p75Ms * 1e6))) + "; " +
                 std::to_string(i.why.baseline.pageLoads) + " in the baseline, p75 " +
                 esc(duration(std::int64_t(i.why.baseline.p75Ms * 1e6))) + ").</p>\n";
        if (i.why.causes.empty()) {
            m_out += "<p class=\"muted\">No cause stands out.</p>\n";
        } else {
            m_out += "<ol class=\"causes\">\n";
            for (std::size_t k = 0; k < i.why.causes.size() && k < 8; ++k)
                m_out += "<li>" + esc(i.why.causes[k].text) + "</li>\n";
            m_out += "</ol>\n";
        }
        m_out += "</div>\n";
    }

    void serviceCharts(const ReportIncident& i)
    {
        if (!i.series.hasWindow || i.series.services.empty())
            return;
        m_out += "<h3>Services around the incident</h3>\n";
        if (!rich())
            m_out += "<div class=\"charts\">\n";
        const double w = rich() ? m_options.chartWidth : m_options.chartWidth / 2 - 8;
        for (const ServiceSeries& s : i.series.services) {
            chart(serviceMetricScene(s, RedMetric::ErrorRate, i, i.series.from, i.series.to, w));
            chart(serviceMetricScene(s, RedMetric::P95, i, i.series.from, i.series.to, w));
        }
        if (!rich())
            m_out += "</div>\n";
    }

    void notes()
    {
        m_out += "<h2 id=\"notes\">Notes</h2>\n";
        if (m_data.notes.empty()) {
            m_out += "<p class=\"muted\">No notes or bookmarks in this range.</p>\n";
            return;
        }
        m_out +=
            table() + "\n<tr><th>Time (UTC)</th><th>Kind</th><th>On</th><th>Title</th><th>Text</th></tr>\n";
        for (const ReportNote& n : m_data.notes) {
            std::string target = n.targetType.empty() ? "–" : n.targetType + " " + n.targetId;
            if (n.from && n.to)
                target += " " + clockLabel(*n.from, true) + "–" + clockLabel(*n.to, true);
            m_out += "<tr><td>" + esc(clockLabel(n.time, true)) + "</td><td>" + esc(n.kind) + "</td><td>" +
                     esc(target) + "</td><td>" + esc(n.title) + "</td><td>" + esc(n.text) + "</td></tr>\n";
        }
        m_out += "</table>\n";
    }

    void bookmarks()
    {
        if (m_data.bookmarks.empty())
            return;
        m_out += "<h2 id=\"bookmarks\">Bookmarked page loads</h2>\n";
        for (const BookmarkedLoad& b : m_data.bookmarks) {
            m_out +=
                open("section") + "\n<h3>" + esc(b.title.empty() ? b.route : b.title) + " · page load " +
                std::to_string(b.id) + "</h3>\n<p class=\"sub\">" + esc(b.url) + " · " + esc(iso(b.start)) +
                " · " + esc(b.duration >= 0 ? duration(b.duration) : std::string("duration unknown")) +
                " · critical path: frontend " + esc(duration(b.path.bySide[0])) + ", network " +
                esc(duration(b.path.bySide[1])) + ", backend " + esc(duration(b.path.bySide[2])) + "</p>\n";
            m_out += "<p class=\"muted\">Waterfall: resources (teal when linked to a backend trace) with "
                     "their wait (gold) and download (blue); at the bottom the critical path: backend teal, "
                     "network gold, frontend violet.</p>\n";
            chart(waterfallScene(b, m_options.chartWidth));
            m_out += "<p class=\"muted\">Backend flamegraph (coloured by service)</p>\n";
            chart(flamegraphScene(b, m_options.chartWidth));
            m_out += close("section") + "\n";
        }
    }

    const IncidentReportData& m_data;
    const HtmlOptions& m_options;
    std::string m_out;
    std::vector<Scene> m_charts;
};

} // namespace

HtmlReport incidentReportHtml(const IncidentReportData& data, const HtmlOptions& options)
{
    return Writer(data, options).write();
}

} // namespace seam::report
