#pragma once

#include <QColor>
#include <QString>

namespace seam {

/// The colour of a service, the same in every view (flamegraph, waterfall, charts) so a service is
/// recognised at a glance across them. The hue comes from a stable hash of the name (FNV-1a: qHash is
/// seeded per process), kept clear of red, which means "error" everywhere. Light pastel boxes under
/// dark text on light palettes, muted ones under light text on dark palettes.
inline QColor serviceColour(const QString& service, bool darkPalette)
{
    quint32 h = 2166136261u;
    for (const QChar c : service) {
        h ^= c.unicode();
        h *= 16777619u;
    }
    const int hue = 30 + int(h % 300u);
    return darkPalette ? QColor::fromHsv(hue, 150, 135) : QColor::fromHsv(hue, 85, 240);
}

} // namespace seam
