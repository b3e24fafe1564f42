#include "TimeAxisScale.h"

#include <QDateTime>
#include <cmath>

namespace seam {
namespace {

constexpr qint64 kMsNs = 1'000'000;
constexpr qint64 kSecondNs = 1000 * kMsNs;
constexpr qint64 kMinuteNs = 60 * kSecondNs;
constexpr qint64 kHourNs = 60 * kMinuteNs;
constexpr qint64 kDayNs = 24 * kHourNs;

/// The smallest of 1, 2, 5 x 10^k at least `v`.
double niceAtLeast(double v)
{
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (const double m : {1.0, 2.0, 5.0, 10.0})
        if (v <= m * p * (1 + 1e-9))
            return m * p;
    return 10 * p;
}

} // namespace

QString RelativeTimeScale::labelFormat() const
{
    // The unit is in the caption: a small chart elides "+10 min" to "+10 ...", never "+10".
    return QStringLiteral("%+.0f");
}

RelativeTimeScale relativeTimeScale(qint64 spanNs)
{
    RelativeTimeScale s;
    // The largest unit of which the span holds at least 3: labels stay short and whole.
    if (spanNs >= 3 * kDayNs)
        s = {kDayNs, QStringLiteral("d"), QStringLiteral("days"), 1};
    else if (spanNs >= 3 * kHourNs)
        s = {kHourNs, QStringLiteral("h"), QStringLiteral("hours"), 1};
    else if (spanNs >= 3 * kMinuteNs)
        s = {kMinuteNs, QStringLiteral("min"), QStringLiteral("minutes"), 1};
    else if (spanNs >= 3 * kSecondNs)
        s = {kSecondNs, QStringLiteral("s"), QStringLiteral("seconds"), 1};
    else
        s = {kMsNs, QStringLiteral("ms"), QStringLiteral("milliseconds"), 1};
    const double units = double(std::max<qint64>(spanNs, 1)) / double(s.unitNs);
    // At most ~6 intervals, never below one unit (labels print whole units).
    s.tickInterval = std::max(1.0, niceAtLeast(units / 6.0));
    return s;
}

QString dateTimeAxisFormat(qint64 fromMs, qint64 toMs, int tickCount)
{
    const qint64 span = std::max<qint64>(toMs - fromMs, 1);
    const double tickMs = double(span) / double(std::max(tickCount - 1, 1));
    const QDate first = QDateTime::fromMSecsSinceEpoch(fromMs).date();
    const QDate last = QDateTime::fromMSecsSinceEpoch(toMs).date();
    const bool years = first.year() != last.year();
    if (tickMs >= 366.0 * 86'400'000)
        return QStringLiteral("yyyy");
    if (tickMs >= 31.0 * 86'400'000)
        return QStringLiteral("yyyy-MM");
    if (tickMs >= 86'400'000.0)
        return QStringLiteral("yyyy-MM-dd");
    const QString day = years           ? QStringLiteral("yyyy-MM-dd ")
                        : first != last ? QStringLiteral("MMM d ")
                                        : QString();
    if (tickMs >= 60'000.0)
        return day + QStringLiteral("HH:mm");
    if (tickMs >= 1'000.0)
        return day + QStringLiteral("HH:mm:ss");
    return day + QStringLiteral("HH:mm:ss.zzz");
}

} // namespace seam
