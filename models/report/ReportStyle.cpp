#include "ReportStyle.h"

#include <cmath>

namespace seam::report {
namespace {

// The two palettes. Chart inks reuse them: ink-x classes read var(--x).
constexpr const char* kLight = "--bg:#ffffff;--card:#f4f6f9;--text:#1c2230;--muted:#5d6676;--grid:#d9dee6;"
                               "--band:rgba(232,128,16,0.16);--accent:#2f6fdf;--error:#d13a32;"
                               "--frontend:#8a63d2;--network:#c98d10;--backend:#23998b;--border:#d0d6df;";
constexpr const char* kDark = "--bg:#15181e;--card:#1e232b;--text:#e3e7ee;--muted:#9aa3b2;--grid:#353c48;"
                              "--band:rgba(255,150,40,0.20);--accent:#6b9cff;--error:#ff6b61;"
                              "--frontend:#b395f0;--network:#e8b341;--backend:#45c4b4;--border:#3a414d;";

std::string inkRules()
{
    std::string css;
    for (const char* ink :
         {"text", "muted", "grid", "band", "accent", "error", "frontend", "network", "backend"}) {
        css += std::string(".f-") + ink + "{fill:var(--" + ink + ")}";
        css += std::string(".s-") + ink + "{stroke:var(--" + ink + ")}";
    }
    return css + "\n";
}

} // namespace

const std::string& browserStyleSheet()
{
    static const std::string css =
        std::string(":root{") + kLight + "color-scheme:light dark}\n" +
        "@media (prefers-color-scheme: dark){:root{" + kDark + "}}\n" + ":root.dark{" + kDark +
        "color-scheme:dark}\n"
        "body{margin:0 auto;max-width:1100px;padding:24px 28px;background:var(--bg);color:var(--text);"
        "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'DejaVu Sans',sans-serif}\n"
        "h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:1px solid "
        "var(--border);padding-bottom:4px}h3{font-size:16px;margin:20px 0 6px}\n"
        ".sub{color:var(--muted);margin:0 0 16px}\n"
        "table{border-collapse:collapse;width:100%;margin:8px 0 12px;font-size:13px}\n"
        "th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--border);vertical-align:top}\n"
        "th{color:var(--muted);font-weight:600}td.num,th.num{text-align:right;font-variant-numeric:tabular-"
        "nums}\n"
        ".card{background:var(--card);border:1px solid var(--border);border-radius:6px;padding:10px 14px;"
        "margin:10px 0}\n"
        ".verdict{font-weight:600}.muted{color:var(--muted)}\n"
        ".charts{display:grid;grid-template-columns:1fr 1fr;gap:6px 16px}\n"
        "svg{display:block;max-width:100%;height:auto;font-family:inherit}\n"
        ".legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:10px;"
        "height:10px;margin-right:4px;vertical-align:-1px}\n"
        "ol.causes li{margin:2px 0}\n"
        "section{break-inside:auto}figure{margin:8px 0;break-inside:avoid}\n"
        "@media print{body{max-width:none;padding:0}h2{break-after:avoid}.card{break-inside:avoid}}\n" +
        inkRules();
    return css;
}

const std::string& richTextStyleSheet()
{
    static const std::string css =
        "body{color:#1c2230;font-family:'DejaVu Sans',sans-serif;font-size:9pt}\n"
        "h1{font-size:18pt;margin-bottom:2pt}h2{font-size:13pt;margin-top:14pt;margin-bottom:4pt;"
        "color:#1c2230}h3{font-size:11pt;margin-top:10pt;margin-bottom:3pt}\n"
        ".sub{color:#5d6676}.muted{color:#5d6676}.verdict{font-weight:bold}\n"
        "th{color:#5d6676;font-weight:bold;text-align:left;background-color:#eef1f5}\n"
        "td,th{font-size:8pt}td.num,th.num{text-align:right}\n";
    return css;
}

std::uint32_t lightInkRgb(Ink ink, int hue)
{
    switch (ink) {
    case Ink::Text:
        return 0x1c2230;
    case Ink::Muted:
        return 0x5d6676;
    case Ink::Grid:
        return 0xd9dee6;
    case Ink::Band:
        return 0xe88010;
    case Ink::Accent:
        return 0x2f6fdf;
    case Ink::Error:
        return 0xd13a32;
    case Ink::Frontend:
        return 0x8a63d2;
    case Ink::Network:
        return 0xc98d10;
    case Ink::Backend:
        return 0x23998b;
    case Ink::None:
        return 0xffffff;
    case Ink::Hue:
        break;
    }
    // hsl(hue, 55%, 55%) as in the SVG.
    const double s = 0.55, l = 0.55;
    const double c = (1 - std::fabs(2 * l - 1)) * s;
    const double hp = double(hue % 360) / 60.0;
    const double x = c * (1 - std::fabs(std::fmod(hp, 2.0) - 1));
    double r = 0, g = 0, b = 0;
    if (hp < 1)
        r = c, g = x;
    else if (hp < 2)
        r = x, g = c;
    else if (hp < 3)
        g = c, b = x;
    else if (hp < 4)
        g = x, b = c;
    else if (hp < 5)
        r = x, b = c;
    else
        r = c, b = x;
    const double m = l - c / 2;
    const auto byte = [&](double v) { return std::uint32_t(std::lround((v + m) * 255)); };
    return (byte(r) << 16) | (byte(g) << 8) | byte(b);
}

int inkAlpha(Ink ink)
{
    return ink == Ink::Band ? 41 : 255;
}

} // namespace seam::report
