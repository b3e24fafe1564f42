#include "ChartScene.h"

#include "Hash.h"

#include <algorithm>
#include <cmath>

namespace seam::report {

void Scene::rect(double x, double y, double w, double h, Ink fill, std::string tooltip, int hue)
{
    SceneShape s;
    s.kind = SceneShape::Kind::Rect;
    s.x = x;
    s.y = y;
    s.w = w;
    s.h = h;
    s.fill = fill;
    s.hue = hue;
    s.text = std::move(tooltip);
    shapes.push_back(std::move(s));
}

void Scene::line(double x1, double y1, double x2, double y2, Ink stroke, double width, bool dashed)
{
    SceneShape s;
    s.kind = SceneShape::Kind::Line;
    s.x = x1;
    s.y = y1;
    s.w = x2 - x1;
    s.h = y2 - y1;
    s.stroke = stroke;
    s.strokeWidth = width;
    s.dashed = dashed;
    shapes.push_back(std::move(s));
}

void Scene::polyline(std::vector<ScenePoint> points, Ink stroke, double width)
{
    SceneShape s;
    s.kind = SceneShape::Kind::Polyline;
    s.points = std::move(points);
    s.stroke = stroke;
    s.strokeWidth = width;
    shapes.push_back(std::move(s));
}

void Scene::text(double x, double y, std::string text, Ink fill, double size, SceneShape::Anchor anchor,
                 bool bold)
{
    SceneShape s;
    s.kind = SceneShape::Kind::Text;
    s.x = x;
    s.y = y;
    s.fill = fill;
    s.fontSize = size;
    s.anchor = anchor;
    s.bold = bold;
    s.text = std::move(text);
    shapes.push_back(std::move(s));
}

int hueOf(const std::string& name)
{
    return int(Fnv1a().add(name).value() % 360u);
}

std::string fitText(const std::string& text, double maxWidth, double fontSize)
{
    const double perChar = 0.62 * fontSize; // DejaVu Sans averages ~0.6 em
    const auto fits = std::size_t(std::max(0.0, std::floor(maxWidth / perChar)));
    // Count UTF-8 code points, cut on a code point boundary.
    std::size_t chars = 0;
    for (const unsigned char c : text)
        chars += (c & 0xC0) != 0x80;
    if (chars <= fits)
        return text;
    if (fits < 2)
        return {};
    std::size_t kept = 0, i = 0;
    for (; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (kept == fits - 1)
                break;
            ++kept;
        }
    }
    return text.substr(0, i) + "\u2026";
}

} // namespace seam::report
