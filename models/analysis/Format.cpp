#include "Format.h"

#include <QDateTime>
#include <QTimeZone>
#include <cmath>

namespace seam {
namespace {

const QString kMinus = QStringLiteral("\u2212");

/// `tenths` (a value times ten, rounded) as "12.3".
QString oneDecimal(std::uint64_t tenths)
{
    return QString::number(tenths / 10) + QLatin1Char('.') + QString::number(tenths % 10);
}

/// The magnitude of a duration. Unsigned, so that even INT64_MIN has one.
QString formatMagnitude(std::uint64_t ns)
{
    if (ns < 1'000)
        return QString::number(ns) + QStringLiteral(" ns");
    // µs and ms: one decimal below 100, whole from 100, the next unit once the whole value reaches 1000.
    // Integer rounding (half up) keeps the boundaries exact: no 99.95 that prints as "100.0".
    struct Unit
    {
        std::uint64_t ns;
        const char16_t* name;
    };
    for (const Unit unit : {Unit{1'000, u" \u00b5s"}, Unit{1'000'000, u" ms"}}) {
        const std::uint64_t tenths = (ns + unit.ns / 20) / (unit.ns / 10);
        if (tenths < 1'000)
            return oneDecimal(tenths) + QString::fromUtf16(unit.name);
        const std::uint64_t whole = (ns + unit.ns / 2) / unit.ns;
        if (whole < 1'000)
            return QString::number(whole) + QString::fromUtf16(unit.name);
    }
    // Seconds keep their decimal up to a minute: "59.9 s" says more than "60 s" would.
    const std::uint64_t tenthsOfSeconds = (ns + 50'000'000) / 100'000'000;
    if (tenthsOfSeconds < 600)
        return oneDecimal(tenthsOfSeconds) + QStringLiteral(" s");
    const std::uint64_t seconds = (ns + 500'000'000) / 1'000'000'000;
    if (seconds < 3'600)
        return QStringLiteral("%1 min %2 s").arg(seconds / 60).arg(seconds % 60);
    const std::uint64_t minutes = (ns + 30'000'000'000) / 60'000'000'000;
    return QStringLiteral("%1 h %2 min").arg(minutes / 60).arg(minutes % 60);
}

std::uint64_t magnitude(std::int64_t ns)
{
    return ns < 0 ? std::uint64_t(0) - std::uint64_t(ns) : std::uint64_t(ns);
}

} // namespace

QString formatDuration(std::int64_t ns)
{
    return ns < 0 ? kMinus + formatMagnitude(magnitude(ns)) : formatMagnitude(magnitude(ns));
}

QString formatOffset(std::int64_t ns)
{
    return (ns < 0 ? kMinus : QStringLiteral("+")) + formatMagnitude(magnitude(ns));
}

QString formatPercent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("\u2013");
    if (fraction < 0)
        return kMinus + formatPercent(-fraction);
    const double pct = fraction * 100.0;
    if (pct == 0)
        return QStringLiteral("0%");
    if (pct < 0.05)
        return QStringLiteral("<0.1%"); // not "0.0%": something did fail
    if (pct < 100) {
        const auto tenths = std::uint64_t(std::llround(pct * 10));
        if (tenths < 1'000)
            return oneDecimal(tenths) + QLatin1Char('%');
    }
    return QString::number(pct, 'f', 0) + QLatin1Char('%');
}

QString isoTime(std::int64_t ns)
{
    const qint64 ms = ns / 1'000'000;
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

std::optional<std::int64_t> parseTime(const QString& text)
{
    bool ok = false;
    const qlonglong n = text.toLongLong(&ok);
    if (ok)
        return n;
    QDateTime dt = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!dt.isValid())
        dt = QDateTime::fromString(text, Qt::ISODate);
    if (!dt.isValid())
        return std::nullopt;
    if (dt.timeSpec() == Qt::LocalTime && !text.endsWith(QLatin1Char('Z')) &&
        !text.contains(QLatin1Char('+')))
        dt.setTimeZone(QTimeZone::utc());
    return std::int64_t(dt.toMSecsSinceEpoch()) * 1'000'000;
}

} // namespace seam
