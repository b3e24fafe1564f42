// Time-axis labels chosen from the span shown (views/TimeAxisScale): neighbouring ticks never read the
// same, and a span across years says the year.

#include "TimeAxisScale.h"

#include <QDateTime>
#include <QSet>
#include <QTest>

using namespace seam;

namespace {

constexpr qint64 kSecondMs = 1000;
constexpr qint64 kDayMs = 86'400'000;
const qint64 kT0Ms = QDateTime(QDate(2026, 11, 20), QTime(4, 16, 4), Qt::UTC).toMSecsSinceEpoch();

/// The labels a QDateTimeAxis with `ticks` ticks would print over [from, to] with the chosen format.
QStringList labels(qint64 fromMs, qint64 toMs, int ticks)
{
    const QString format = dateTimeAxisFormat(fromMs, toMs, ticks);
    QStringList out;
    for (int i = 0; i < ticks; ++i)
        out << QDateTime::fromMSecsSinceEpoch(fromMs + (toMs - fromMs) * i / (ticks - 1)).toString(format);
    return out;
}

} // namespace

class TestTimeAxisScale : public QObject
{
    Q_OBJECT

private slots:
    void absoluteLabelsAreDistinct_data()
    {
        QTest::addColumn<qint64>("spanMs");
        QTest::addColumn<int>("ticks");
        QTest::newRow("2 s HAR") << 2 * kSecondMs << 5;
        QTest::newRow("45 s capture") << 45 * kSecondMs << 5;
        QTest::newRow("45 s, 9 ticks") << 45 * kSecondMs << 9;
        QTest::newRow("10 min") << 600 * kSecondMs << 5;
        QTest::newRow("30 min") << 1800 * kSecondMs << 7;
        QTest::newRow("3 days") << 3 * kDayMs << 5;
        QTest::newRow("90 days") << 90 * kDayMs << 5;
        QTest::newRow("3 years") << 3 * 365 * kDayMs << 5;
        QTest::newRow("12 years") << 12 * 365 * kDayMs << 7;
    }
    void absoluteLabelsAreDistinct()
    {
        QFETCH(qint64, spanMs);
        QFETCH(int, ticks);
        const QStringList l = labels(kT0Ms, kT0Ms + spanMs, ticks);
        QCOMPARE(QSet<QString>(l.begin(), l.end()).size(), ticks);
    }

    void formatFollowsTheSpan()
    {
        QCOMPARE(dateTimeAxisFormat(kT0Ms, kT0Ms + 2 * kSecondMs, 5), QStringLiteral("HH:mm:ss.zzz"));
        QCOMPARE(dateTimeAxisFormat(kT0Ms, kT0Ms + 45 * kSecondMs, 5), QStringLiteral("HH:mm:ss"));
        QCOMPARE(dateTimeAxisFormat(kT0Ms, kT0Ms + 1800 * kSecondMs, 5), QStringLiteral("HH:mm"));
        // Across midnight: the day is named; across a new year: the year too.
        QVERIFY(dateTimeAxisFormat(kT0Ms, kT0Ms + kDayMs, 5).startsWith(QLatin1String("MMM d")));
        const qint64 newYearsEve = QDateTime(QDate(2026, 12, 31), QTime(22, 0), Qt::UTC).toMSecsSinceEpoch();
        QVERIFY(dateTimeAxisFormat(newYearsEve, newYearsEve + 4 * 3600 * kSecondMs, 5)
                    .startsWith(QLatin1String("yyyy")));
        // Multi-year data always shows years.
        for (const QString& l : labels(kT0Ms, kT0Ms + 3 * 365 * kDayMs, 5))
            QVERIFY2(l.startsWith(QLatin1String("202")), qPrintable(l));
    }

    void relativeScaleUnits()
    {
        constexpr qint64 s = 1'000'000'000;
        QCOMPARE(relativeTimeScale(500'000'000).unitName, QStringLiteral("ms"));
        QCOMPARE(relativeTimeScale(60 * s).unitName, QStringLiteral("s"));
        QCOMPARE(relativeTimeScale(60 * s).tickInterval, 10.0);
        QCOMPARE(relativeTimeScale(30 * 60 * s).unitName, QStringLiteral("min"));
        QCOMPARE(relativeTimeScale(30 * 60 * s).tickInterval, 5.0);
        QCOMPARE(relativeTimeScale(10 * 60 * s).tickInterval, 2.0);
        QCOMPARE(relativeTimeScale(12 * 3600 * s).unitName, QStringLiteral("h"));
        QCOMPARE(relativeTimeScale(400LL * 86400 * s).unitName, QStringLiteral("d"));
        // Whole units, several ticks, never more than ~7: labels printed "%+.0f" stay distinct.
        for (qint64 span = s / 10; span < 1000LL * 86400 * s; span = span * 3 / 2) {
            const RelativeTimeScale r = relativeTimeScale(span);
            const double intervals = double(span) / double(r.unitNs) / r.tickInterval;
            QVERIFY(r.tickInterval >= 1.0);
            QVERIFY2(intervals <= 7.01, qPrintable(QString::number(span)));
            QVERIFY2(intervals >= 1.4, qPrintable(QString::number(span)));
        }
        QCOMPARE(relativeTimeScale(60 * s).labelFormat(), QStringLiteral("%+.0f"));
        QCOMPARE(relativeTimeScale(60 * s).unitWords, QStringLiteral("seconds"));
    }
};

QTEST_GUILESS_MAIN(TestTimeAxisScale)
#include "tst_timeaxisscale.moc"
