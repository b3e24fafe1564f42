#pragma once
// A chart as a flat list of shapes in its own coordinate space (points, y down): what the incident
// report's charts are computed into once, then written out twice, as inline SVG for the HTML file
// (SvgScene) and painted with QPainter for the PDF (pdf/ScenePainter). One geometry, two back-ends,
// so the two documents cannot disagree. Colours are roles (Ink), not values, so the HTML can switch
// light/dark with CSS; services get a fixed hue that reads on both backgrounds.

#include <cstdint>
#include <string>
#include <vector>

namespace seam::report {

enum class Ink : std::uint8_t
{
    None,     ///< not painted
    Text,     ///< labels
    Muted,    ///< secondary labels, axis ticks
    Grid,     ///< grid lines, lane backgrounds
    Band,     ///< incident windows (translucent)
    Accent,   ///< the main series
    Error,    ///< errors, failed spans
    Frontend, ///< critical-path sides
    Network,
    Backend,
    Hue, ///< the shape's `hue` (0..359): service colours
};

struct ScenePoint
{
    double x = 0;
    double y = 0;
};

struct SceneShape
{
    enum class Kind : std::uint8_t
    {
        Rect,     ///< x, y, w, h
        Line,     ///< from (x, y) to (x + w, y + h)
        Polyline, ///< points
        Text,     ///< text at (x, y): the baseline, anchored by `anchor`
    };
    enum class Anchor : std::uint8_t
    {
        Start,
        Middle,
        End,
    };
    Kind kind = Kind::Rect;
    double x = 0, y = 0, w = 0, h = 0;
    std::vector<ScenePoint> points;
    Ink fill = Ink::None;
    Ink stroke = Ink::None;
    int hue = 0;
    double strokeWidth = 1;
    bool dashed = false;
    double fontSize = 10;
    bool bold = false;
    Anchor anchor = Anchor::Start;
    std::string text; ///< Text: what is written; other shapes: a tooltip
};

struct Scene
{
    double width = 0;
    double height = 0;
    std::string label; ///< what the chart shows, in words (accessibility, alt text)
    std::vector<SceneShape> shapes;

    void rect(double x, double y, double w, double h, Ink fill, std::string tooltip = {}, int hue = 0);
    void line(double x1, double y1, double x2, double y2, Ink stroke, double width = 1, bool dashed = false);
    void polyline(std::vector<ScenePoint> points, Ink stroke, double width = 1.5);
    void text(double x, double y, std::string text, Ink fill = Ink::Text, double size = 10,
              SceneShape::Anchor anchor = SceneShape::Anchor::Start, bool bold = false);
};

/// A stable hue for a name (services): the same service has the same colour in every chart.
int hueOf(const std::string& name);

/// Text cut to about `maxWidth` points at `fontSize` (an estimate: 0.62 em per character), with "…".
std::string fitText(const std::string& text, double maxWidth, double fontSize);

} // namespace seam::report
