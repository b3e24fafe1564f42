// store/Notes: notes on every kind of target, checked against the cache; update, delete, tags, order.

#include "Notes.h"
#include "Sqlite.h"
#include "Store.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::notes;

class TestNotes : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    Database m_db;

    Note note(Target target, std::string text, std::vector<std::string> tags = {})
    {
        Note n;
        n.target = std::move(target);
        n.text = std::move(text);
        n.tags = std::move(tags);
        n.author = "ana";
        return n;
    }

private slots:
    void init()
    {
        m_db = store::openForWriting(m_dir.filePath(QStringLiteral("notes.seam")).toStdString());
        m_db.exec(R"sql(
DELETE FROM notes; DELETE FROM note_tags;
INSERT OR IGNORE INTO services(id, name) VALUES (1, 'payments');
INSERT OR IGNORE INTO traces(id, trace_id, trace_lo) VALUES (1, x'4bf92f3577b34da6a3ce929d0e0e4736', trace_lo(x'4bf92f3577b34da6a3ce929d0e0e4736'));
INSERT OR IGNORE INTO spans VALUES (1, 11, 0, 1, 1, 2, 2000, 8000, 0, NULL, 1);
INSERT OR IGNORE INTO sessions(id, key) VALUES (7, 's-7');
INSERT OR IGNORE INTO page_loads(id, key, session_id, url, route, start_ns) VALUES (4711, 'pl', 7, 'u', '/r', 900);
INSERT OR IGNORE INTO resources(id, key, page_load_id, type, url, start_ns) VALUES (3, 'r', 4711, 'fetch', 'u', 950);
)sql");
    }

    void everyKindOfTargetRoundTrips_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("page load") << int(TargetKind::PageLoad);
        QTest::newRow("resource") << int(TargetKind::Resource);
        QTest::newRow("span") << int(TargetKind::Span);
        QTest::newRow("trace") << int(TargetKind::Trace);
        QTest::newRow("session") << int(TargetKind::Session);
        QTest::newRow("service") << int(TargetKind::Service);
        QTest::newRow("time range") << int(TargetKind::TimeRange);
        QTest::newRow("incident") << int(TargetKind::Incident);
        QTest::newRow("cohort") << int(TargetKind::Cohort);
    }

    void everyKindOfTargetRoundTrips()
    {
        QFETCH(int, kind);
        Target t;
        t.kind = TargetKind(kind);
        switch (t.kind) {
        case TargetKind::PageLoad:
            t.id = 4711;
            break;
        case TargetKind::Resource:
            t.id = 3;
            break;
        case TargetKind::Session:
            t.id = 7;
            break;
        case TargetKind::Span:
            t.spanId = "000000000000000B";
            [[fallthrough]];
        case TargetKind::Trace:
            t.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
            break;
        case TargetKind::Service:
            t.name = "payments";
            break;
        case TargetKind::Incident:
            t.name = "payments";
            [[fallthrough]];
        case TargetKind::TimeRange:
            t.from = 1000, t.to = 9000;
            break;
        case TargetKind::Cohort:
            t.name = "route:/checkout duration>2s", t.from = 5, t.to = 6;
            break;
        }
        const auto id = addNote(m_db, note(t, "why"));
        const auto listed = listNotes(m_db);
        QCOMPARE(listed.size(), std::size_t(1));
        QCOMPARE(listed[0].id, id);
        Target expected = t;
        if (t.kind == TargetKind::Span)
            expected.spanId = "000000000000000b";
        QVERIFY(listed[0].target == expected);
        QCOMPARE(listed[0].author, std::string("ana"));
        QVERIFY(listed[0].createdNs > 1'600'000'000'000'000'000LL);
    }

    void unknownOrMalformedTargetsAreRefused_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<qint64>("id");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message");
        QTest::newRow("page load") << int(TargetKind::PageLoad) << qint64(99) << QString()
                                   << "no page load 99";
        QTest::newRow("resource") << int(TargetKind::Resource) << qint64(99) << QString() << "no resource 99";
        QTest::newRow("session") << int(TargetKind::Session) << qint64(8) << QString() << "no session 8";
        QTest::newRow("trace") << int(TargetKind::Trace) << qint64(0) << "00000000000000000000000000000001"
                               << "no trace 00000000000000000000000000000001";
        QTest::newRow("bad trace") << int(TargetKind::Trace) << qint64(0) << "xyz"
                                   << "not a trace id";
        QTest::newRow("service") << int(TargetKind::Service) << qint64(0) << "cart"
                                 << "no service 'cart'";
        QTest::newRow("cohort") << int(TargetKind::Cohort) << qint64(0) << " "
                                << "needs a filter";
    }

    void unknownOrMalformedTargetsAreRefused()
    {
        QFETCH(int, kind);
        QFETCH(qint64, id);
        QFETCH(QString, text);
        QFETCH(QString, message);
        Target t;
        t.kind = TargetKind(kind);
        t.id = id;
        t.traceId = t.name = text.toStdString();
        try {
            addNote(m_db, note(t, "x"));
            QFAIL("accepted");
        } catch (const TargetError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(message), e.what());
        }
        QVERIFY(listNotes(m_db).empty());
    }

    void spansAndRangesAreChecked()
    {
        Target span{TargetKind::Span, 0, "4bf92f3577b34da6a3ce929d0e0e4736", "000000000000000c"};
        QVERIFY_THROWS_EXCEPTION(TargetError, addNote(m_db, note(span, "x")));
        Target backwards{TargetKind::TimeRange};
        backwards.from = 10, backwards.to = 5;
        QVERIFY_THROWS_EXCEPTION(TargetError, addNote(m_db, note(backwards, "x")));
        QVERIFY_THROWS_EXCEPTION(
            TargetError, addNote(m_db, note(Target{TargetKind::Incident, 0, {}, {}, "payments"}, "x")));
    }

    void updateDeleteAndTags()
    {
        Note a = note(Target{TargetKind::PageLoad, 4711}, "first", {"DB-lock", " #payments"});
        a.createdNs = 200;
        Note b = note(Target{TargetKind::Service, 0, {}, {}, "payments"}, "second", {"payments"});
        b.createdNs = 100;
        const auto idA = addNote(m_db, a);
        const auto idB = addNote(m_db, b);
        auto all = listNotes(m_db);
        QCOMPARE(all.size(), std::size_t(2));
        QCOMPARE(all[0].id, idB); // created first, listed first
        QCOMPARE(all[1].tags, (std::vector<std::string>{"db-lock", "payments"}));
        QCOMPARE(listNotes(m_db, std::string("#DB-Lock")).size(), std::size_t(1));
        QCOMPARE(listNotes(m_db, std::string("payments")).size(), std::size_t(2));

        Note changed = all[1];
        changed.text = "first, edited";
        changed.tags = {"resolved"};
        changed.bookmark = true;
        QVERIFY(updateNote(m_db, changed));
        const auto edited = findNote(m_db, idA);
        QVERIFY(edited);
        QCOMPARE(edited->text, std::string("first, edited"));
        QCOMPARE(edited->tags, std::vector<std::string>{"resolved"});
        QVERIFY(edited->bookmark && edited->updatedNs);
        QVERIFY(listNotes(m_db, std::string("db-lock")).empty());

        QVERIFY(deleteNote(m_db, idA));
        QVERIFY(!deleteNote(m_db, idA));
        changed.id = 12345;
        QVERIFY(!updateNote(m_db, changed));
        QCOMPARE(listNotes(m_db).size(), std::size_t(1));
        QCOMPARE(m_db.queryInt("SELECT count(*) FROM note_tags WHERE note_id = " + std::to_string(idA)), 0);
    }

    void tagsAreNormalised()
    {
        QCOMPARE(normaliseTags({" #B ", "a", "b", "", "#"}), (std::vector<std::string>{"a", "b"}));
    }
};

QTEST_GUILESS_MAIN(TestNotes)
#include "tst_notes.moc"
