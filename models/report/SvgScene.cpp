#include "SvgScene.h"

#include "MarkupText.h"

namespace seam::report {
namespace {

std::string hueColour(int hue)
{
    // Mid lightness and saturation: readable on white and on near-black alike.
    return "hsl(" + std::to_string(hue) + ",55%,55%)";
}

std::string paint(const char* attribute, Ink ink, int hue)
{
    if (ink == Ink::None)
        return std::string(" ") + attribute + "=\"none\"";
    if (ink == Ink::Hue)
        return std::string(" ") + attribute + "=\"" + hueColour(hue) + "\"";
    return {};
}

std::string classes(const SceneShape& s)
{
    std::string c;
    if (s.fill != Ink::None && s.fill != Ink::Hue)
        c += std::string("f-") + inkClass(s.fill);
    if (s.stroke != Ink::None && s.stroke != Ink::Hue) {
        if (!c.empty())
            c += ' ';
        c += std::string("s-") + inkClass(s.stroke);
    }
    return c.empty() ? std::string() : " class=\"" + c + "\"";
}

void writeShape(std::string& out, const SceneShape& s)
{
    const std::string title = s.text.empty() || s.kind == SceneShape::Kind::Text
                                  ? std::string()
                                  : "<title>" + escapeMarkup(s.text) + "</title>";
    switch (s.kind) {
    case SceneShape::Kind::Rect:
        out += "<rect x=\"" + number(s.x) + "\" y=\"" + number(s.y) + "\" width=\"" + number(s.w) +
               "\" height=\"" + number(s.h) + "\"" + classes(s) + paint("fill", s.fill, s.hue);
        break;
    case SceneShape::Kind::Line:
        out += "<line x1=\"" + number(s.x) + "\" y1=\"" + number(s.y) + "\" x2=\"" + number(s.x + s.w) +
               "\" y2=\"" + number(s.y + s.h) + "\"" + classes(s) + paint("stroke", s.stroke, s.hue) +
               " stroke-width=\"" + number(s.strokeWidth) + "\"" +
               (s.dashed ? " stroke-dasharray=\"4 3\"" : "");
        break;
    case SceneShape::Kind::Polyline: {
        out += "<polyline points=\"";
        for (std::size_t i = 0; i < s.points.size(); ++i) {
            if (i)
                out += ' ';
            out += number(s.points[i].x) + ',' + number(s.points[i].y);
        }
        out += "\" fill=\"none\"" + classes(s) + paint("stroke", s.stroke, s.hue) + " stroke-width=\"" +
               number(s.strokeWidth) + "\" stroke-linejoin=\"round\"";
        break;
    }
    case SceneShape::Kind::Text: {
        const char* anchor = s.anchor == SceneShape::Anchor::Middle ? "middle"
                             : s.anchor == SceneShape::Anchor::End  ? "end"
                                                                    : "start";
        out += "<text x=\"" + number(s.x) + "\" y=\"" + number(s.y) + "\" font-size=\"" + number(s.fontSize) +
               "\"" + classes(s) + paint("fill", s.fill, s.hue);
        if (s.anchor != SceneShape::Anchor::Start)
            out += std::string(" text-anchor=\"") + anchor + "\"";
        if (s.bold)
            out += " font-weight=\"bold\"";
        out += ">" + escapeMarkup(s.text) + "</text>\n";
        return;
    }
    }
    out += title.empty() ? "/>\n"
                         : ">" + title + "</" +
                               (s.kind == SceneShape::Kind::Rect   ? "rect"
                                : s.kind == SceneShape::Kind::Line ? "line"
                                                                   : "polyline") +
                               ">\n";
}

} // namespace

const char* inkClass(Ink ink)
{
    switch (ink) {
    case Ink::Text:
        return "text";
    case Ink::Muted:
        return "muted";
    case Ink::Grid:
        return "grid";
    case Ink::Band:
        return "band";
    case Ink::Accent:
        return "accent";
    case Ink::Error:
        return "error";
    case Ink::Frontend:
        return "frontend";
    case Ink::Network:
        return "network";
    case Ink::Backend:
        return "backend";
    case Ink::None:
    case Ink::Hue:
        break;
    }
    return "";
}

std::string sceneToSvg(const Scene& scene)
{
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + number(scene.width) + ' ' +
                      number(scene.height) + "\" width=\"" + number(scene.width) +
                      "\" role=\"img\" aria-label=\"" + escapeMarkup(scene.label) + "\">\n";
    for (const SceneShape& s : scene.shapes)
        writeShape(out, s);
    out += "</svg>\n";
    return out;
}

} // namespace seam::report
