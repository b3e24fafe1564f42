#pragma once
// The incident report as one HTML document (issue 13): title and range, the incidents with their
// impact, timeline, root cause and verdict, the service charts around each incident, the notes in time
// order and each bookmarked page load's waterfall and backend flamegraph. Self-contained (inline CSS
// and SVG; no script, no network), readable on screen and on paper, light and dark. Deterministic:
// the same data gives the same bytes (a time stamp only when one is given).

#include "ChartScene.h"
#include "IncidentReportData.h"

#include <string>
#include <vector>

namespace seam::report {

struct HtmlOptions
{
    enum class Flavor
    {
        Browser,  ///< inline SVG, CSS variables, prefers-color-scheme
        RichText, ///< what QTextDocument renders (the PDF): charts as <img src="chart:N">, light only
    };
    Flavor flavor = Flavor::Browser;
    bool dark = false;       ///< Browser: dark whatever the reader's preference
    std::string generatedAt; ///< shown when not empty (e.g. an ISO time); empty keeps output stable
    double chartWidth = 1040;
};

struct HtmlReport
{
    std::string html;
    /// RichText: the scene behind each <img src="chart:N">, N its index. Browser: empty.
    std::vector<Scene> charts;
};

HtmlReport incidentReportHtml(const IncidentReportData& data, const HtmlOptions& options = {});

} // namespace seam::report
