#pragma once

#include <QString>
#include <QtGlobal>

namespace seam {

/// How a time axis spells its ticks, chosen from the span it shows, so that no two tick labels read
/// the same (a 45 s capture is not labelled 04:16:04, 04:16:04, ...) and a span across years says the
/// year. Pure functions: the charts call them, tests check them.

/// A relative axis (time from a moment): its unit and a tick interval in that unit.
struct RelativeTimeScale
{
    qint64 unitNs = 0;   ///< 1 ms, 1 s, 1 min, 1 h or 1 day in ns
    QString unitName;    ///< "ms", "s", "min", "h", "d": what a label is suffixed with
    QString unitWords;   ///< "milliseconds", "seconds", ... for captions
    double tickInterval; ///< in units: 1, 2 or 5 times a power of ten, giving 3 to 7 ticks
    /// printf format for QValueAxis labels: whole units, signed ("%+.0f"); the unit goes in a caption.
    QString labelFormat() const;
};

/// The scale of an axis spanning `spanNs` (> 0).
RelativeTimeScale relativeTimeScale(qint64 spanNs);

/// A QDateTime format for an absolute axis from `fromMs` to `toMs` (ms since the epoch, UTC or local
/// alike) with `tickCount` ticks: fine enough that neighbouring ticks differ (milliseconds when ticks
/// are under a second apart), with the date once the span leaves a day and the year once it leaves a
/// year (or the ticks are days or more apart).
QString dateTimeAxisFormat(qint64 fromMs, qint64 toMs, int tickCount);

} // namespace seam
