// ConversionTimes (analysis/ConversionTimes.h) reads a route conversion's times for many sessions in one
// range; its answers must be those of one query per session. A demo cache is asked about every session
// at many moments, with ranges that cut through sessions (their earlier page loads fall before the
// range: read on their own) and moments past the range's end (read again on their own), and through
// the definitions the range cannot serve (globs, URLs, actions).

#include "ConversionTimes.h"
#include "DemoCache.h"

#include <QTemporaryDir>
#include <QTest>
#include <map>
#include <vector>

using namespace seam;

namespace {

constexpr TimeNs kMinute = 60'000'000'000;

struct SessionSpan
{
    TimeNs first = 0;
    TimeNs last = 0;
};

} // namespace

class TestConversionTimes : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;
    std::map<std::int64_t, SessionSpan> m_sessions; ///< session -> its page loads' first and last start
    TimeNs m_start = 0;
    TimeNs m_end = 0;

    /// Every session asked at moments around its page loads: the prefetched and the plain reader agree.
    /// Returns how many answers were compared.
    int compare(const ConversionDefinition& def, TimeNs from, TimeNs to, TimeNs horizon)
    {
        Database db = store::openForReading(m_cache.toStdString());
        ConversionTimes batched(db, def), plain(db, def);
        std::vector<std::int64_t> all;
        for (const auto& [session, span] : m_sessions)
            all.push_back(session);
        batched.prefetch(all, from, to);
        int compared = 0;
        for (const auto& [session, span] : m_sessions) {
            const TimeNs step = std::max<TimeNs>(kMinute / 2, (span.last - span.first) / 4);
            for (TimeNs at = span.first - kMinute; at <= span.last + kMinute; at += step) {
                if (batched.before(session, at) != plain.before(session, at) ||
                    batched.within(session, at, horizon) != plain.within(session, at, horizon)) {
                    qWarning("session %lld at %lld differs", (long long)session, (long long)at);
                    return -1;
                }
                ++compared;
            }
        }
        return compared;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("demo.seam"));
        QVERIFY(!test::writeDemoCache(m_cache, 300).isEmpty());
        Database db = store::openForReading(m_cache.toStdString());
        auto st = db.prepare("SELECT session_id, min(start_ns), max(start_ns) FROM page_loads "
                             "WHERE session_id IS NOT NULL GROUP BY session_id");
        while (st.step())
            m_sessions[st.int64(0)] = {st.int64(1), st.int64(2)};
        QVERIFY(m_sessions.size() > 100);
        m_start = db.queryInt("SELECT min(start_ns) FROM page_loads");
        m_end = db.queryInt("SELECT max(start_ns) FROM page_loads");
        // Conversions exist, and some sessions converted more than once or not at all (both answers).
        QVERIFY(db.queryInt("SELECT count(*) FROM page_loads WHERE route = '/checkout/confirmation'") > 10);
    }

    void wholeData()
    {
        const auto def = *ConversionDefinition::parse("route:/checkout/confirmation");
        QVERIFY(compare(def, m_start - kMinute, m_end + kMinute, 3 * kMinute) > 1000);
    }

    void rangeCutsSessions()
    {
        // A range in the middle: sessions that began before it are read on their own, moments after its
        // end (and follow-ups past it) are read again.
        const auto def = *ConversionDefinition::parse("route:/checkout/confirmation");
        const TimeNs mid = m_start + (m_end - m_start) / 2;
        for (const TimeNs horizon : {kMinute, 5 * kMinute})
            QVERIFY(compare(def, mid - 2 * kMinute, mid + 3 * kMinute, horizon) > 1000);
    }

    void definitionsReadPerSession()
    {
        const TimeNs mid = m_start + (m_end - m_start) / 2;
        for (const char* text : {"route:/checkout/*", "url:*confirmation*", "action:*place-order*"}) {
            const auto def = ConversionDefinition::parse(text);
            QVERIFY(def);
            QVERIFY2(compare(*def, mid - 2 * kMinute, mid + 3 * kMinute, 3 * kMinute) > 1000, text);
        }
    }
};

QTEST_GUILESS_MAIN(TestConversionTimes)
#include "tst_conversiontimes.moc"
