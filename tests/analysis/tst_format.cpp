// Format: the one spelling of durations, offsets and percentages, and the command line's time text.
#include "Format.h"

#include <QTest>
#include <limits>

using namespace seam;

namespace {

QString minus(const char* rest)
{
    return QStringLiteral("\u2212") + QString::fromUtf8(rest);
}

} // namespace

class TestFormat : public QObject
{
    Q_OBJECT

private slots:
    void duration_data()
    {
        QTest::addColumn<qint64>("ns");
        QTest::addColumn<QString>("text");
        QTest::newRow("zero") << qint64(0) << QStringLiteral("0 ns");
        QTest::newRow("1 ns") << qint64(1) << QStringLiteral("1 ns");
        QTest::newRow("999 ns") << qint64(999) << QStringLiteral("999 ns");
        QTest::newRow("1 µs") << qint64(1'000) << QStringLiteral("1.0 µs");
        QTest::newRow("8.45 µs rounds half up") << qint64(8'450) << QStringLiteral("8.5 µs");
        QTest::newRow("99.94 µs") << qint64(99'940) << QStringLiteral("99.9 µs");
        QTest::newRow("99.95 µs is whole") << qint64(99'950) << QStringLiteral("100 µs");
        QTest::newRow("850 µs") << qint64(850'000) << QStringLiteral("850 µs");
        QTest::newRow("999.4 µs") << qint64(999'400) << QStringLiteral("999 µs");
        QTest::newRow("999.5 µs is a ms") << qint64(999'500) << QStringLiteral("1.0 ms");
        QTest::newRow("12.3 ms") << qint64(12'340'000) << QStringLiteral("12.3 ms");
        QTest::newRow("120 ms") << qint64(120'000'000) << QStringLiteral("120 ms");
        QTest::newRow("999.4 ms") << qint64(999'400'000) << QStringLiteral("999 ms");
        QTest::newRow("999.6 ms is a second") << qint64(999'600'000) << QStringLiteral("1.0 s");
        QTest::newRow("3.9 s") << qint64(3'900'000'000) << QStringLiteral("3.9 s");
        QTest::newRow("59.94 s") << qint64(59'940'000'000) << QStringLiteral("59.9 s");
        QTest::newRow("59.95 s is a minute") << qint64(59'950'000'000) << QStringLiteral("1 min 0 s");
        QTest::newRow("2 min 5 s") << qint64(125'000'000'000) << QStringLiteral("2 min 5 s");
        QTest::newRow("59 min 59 s") << qint64(3'599'400'000'000) << QStringLiteral("59 min 59 s");
        QTest::newRow("59 min 59.5 s is an hour") << qint64(3'599'500'000'000) << QStringLiteral("1 h 0 min");
        QTest::newRow("1 h 2 min") << qint64(3'720'000'000'000) << QStringLiteral("1 h 2 min");
        QTest::newRow("a day") << qint64(86'400'000'000'000) << QStringLiteral("24 h 0 min");
        // The largest int64: 292 years, and no overflow on the way.
        QTest::newRow("int64 max") << std::numeric_limits<qint64>::max()
                                   << QStringLiteral("2562047 h 47 min");
        QTest::newRow("negative") << qint64(-1'234'000) << minus("1.2 ms");
        QTest::newRow("negative ns") << qint64(-5) << minus("5 ns");
        QTest::newRow("int64 min") << std::numeric_limits<qint64>::min() << minus("2562047 h 47 min");
    }

    void duration()
    {
        QFETCH(qint64, ns);
        QFETCH(QString, text);
        QCOMPARE(formatDuration(ns), text);
    }

    void offsetIsSignedDuration()
    {
        QCOMPARE(formatOffset(0), QStringLiteral("+0 ns"));
        QCOMPARE(formatOffset(10'000'000), QStringLiteral("+10.0 ms"));
        QCOMPARE(formatOffset(320'000'000), QStringLiteral("+320 ms"));
        QCOMPARE(formatOffset(-850'000), minus("850 µs"));
        QCOMPARE(formatOffset(125'000'000'000), QStringLiteral("+2 min 5 s"));
        QCOMPARE(formatOffset(std::numeric_limits<qint64>::min()), minus("2562047 h 47 min"));
        for (const qint64 ns : {qint64(1), qint64(999'600'000), qint64(-3'900'000'000)})
            QCOMPARE(formatOffset(ns).mid(1), formatDuration(ns < 0 ? -ns : ns));
    }

    void percent_data()
    {
        QTest::addColumn<double>("fraction");
        QTest::addColumn<QString>("text");
        QTest::newRow("none") << 0.0 << QStringLiteral("0%");
        QTest::newRow("a little is not none") << 0.0001 << QStringLiteral("<0.1%");
        QTest::newRow("0.06% rounds up") << 0.0006 << QStringLiteral("0.1%");
        QTest::newRow("0.3%") << 0.003 << QStringLiteral("0.3%");
        QTest::newRow("24%") << 0.24 << QStringLiteral("24.0%");
        QTest::newRow("97.26%") << 0.9726 << QStringLiteral("97.3%");
        QTest::newRow("99.94%") << 0.9994 << QStringLiteral("99.9%");
        QTest::newRow("99.96% is whole") << 0.9996 << QStringLiteral("100%");
        QTest::newRow("all") << 1.0 << QStringLiteral("100%");
        QTest::newRow("more than all") << 2.5 << QStringLiteral("250%");
        QTest::newRow("huge") << 1e12 << QStringLiteral("100000000000000%");
        QTest::newRow("negative") << -0.05 << minus("5.0%");
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << QStringLiteral("\u2013");
        QTest::newRow("infinity") << std::numeric_limits<double>::infinity() << QStringLiteral("\u2013");
    }

    void percent()
    {
        QFETCH(double, fraction);
        QFETCH(QString, text);
        QCOMPARE(formatPercent(fraction), text);
    }

    void isoTimeIsUtcMilliseconds()
    {
        QCOMPARE(isoTime(0), QStringLiteral("1970-01-01T00:00:00.000Z"));
        // Nanoseconds below the millisecond are cut, not rounded.
        QCOMPARE(isoTime(1'795'165'200'123'999'999), QStringLiteral("2026-11-20T09:00:00.123Z"));
    }

    void parseTimeReadsWhatThePrintsSay()
    {
        QCOMPARE(parseTime(QStringLiteral("1795165200000000000")),
                 std::optional<std::int64_t>(1'795'165'200'000'000'000));
        QCOMPARE(parseTime(QStringLiteral("-5")), std::optional<std::int64_t>(-5));
        const std::int64_t t = 1'795'165'200'123'000'000;
        QCOMPARE(parseTime(isoTime(t)), std::optional<std::int64_t>(t));
        // No zone: UTC, not the machine's local time.
        QCOMPARE(parseTime(QStringLiteral("2026-11-20T09:00:00")),
                 std::optional<std::int64_t>(1'795'165'200'000'000'000));
        QCOMPARE(parseTime(QStringLiteral("2026-11-20T10:00:00+01:00")),
                 std::optional<std::int64_t>(1'795'165'200'000'000'000));
        QCOMPARE(parseTime(QStringLiteral("2026-11-20T08:00:00-01:00")),
                 std::optional<std::int64_t>(1'795'165'200'000'000'000));
        QVERIFY(!parseTime(QString()));
        QVERIFY(!parseTime(QStringLiteral("yesterday")));
        QVERIFY(!parseTime(QStringLiteral("2026-13-20T09:00:00Z")));
    }
};

QTEST_GUILESS_MAIN(TestFormat)
#include "tst_format.moc"
