// `seam note` and `seam notes` through the real binary: every target, tags and authors, the JSON
// contract (README "Notes"), stable order, exit codes, and a v1 cache listed as it is and migrated by
// the first note.

#include "Schema.h"
#include "SchemaV1.h"
#include "Sqlite.h"
#include "TestPaths.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestNoteCommands : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;
    QString m_trace;
    QString m_span;

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
        QJsonDocument json() const { return QJsonDocument::fromJson(out); }
    };

    static Result seam(const QStringList& args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("USER"), QStringLiteral("ana"));
        p.setProcessEnvironment(env);
        p.start(seam::test::seamBinary(), args);
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    Result note(QStringList args)
    {
        return seam(QStringList{QStringLiteral("note"), QStringLiteral("--db"), m_demo} + args);
    }
    QJsonArray notes(const QString& db)
    {
        const Result r =
            seam({QStringLiteral("notes"), QStringLiteral("--db"), db, QStringLiteral("--json")});
        [&] { QVERIFY2(r.exitCode == 0, r.err.constData()); }();
        return r.json().array();
    }

private slots:
    void initTestCase()
    {
        m_demo = m_dir.filePath(QStringLiteral("demo.seam"));
        const Result r =
            seam({QStringLiteral("demo"), QStringLiteral("--db"), m_demo, QStringLiteral("--sessions"),
                  QStringLiteral("40"), QStringLiteral("--seed"), QStringLiteral("3")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const Result span =
            seam({QStringLiteral("query"), QStringLiteral("--db"), m_demo, QStringLiteral("--json"),
                  QStringLiteral("SELECT trace_id, span_id FROM v_spans LIMIT 1")});
        const QJsonArray row = span.json()[QStringLiteral("rows")].toArray()[0].toArray();
        m_trace = row[0].toString();
        m_span = row[1].toString();
        QCOMPARE(m_trace.size(), 32);
    }

    void addsNotesOnEveryTargetAndListsThemInOrder()
    {
        const QString a = QStringLiteral("add");
        const QList<QStringList> adds = {
            {a, QStringLiteral("--page-load"), QStringLiteral("1"), QStringLiteral("--text"),
             QStringLiteral("slow"), QStringLiteral("--tag"), QStringLiteral("#DB"), QStringLiteral("--tag"),
             QStringLiteral("payments")},
            {a, QStringLiteral("--trace"), m_trace.toUpper(), QStringLiteral("--text"), QStringLiteral("t"),
             QStringLiteral("--bookmark")},
            {a, QStringLiteral("--span"), m_trace + QLatin1Char(':') + m_span, QStringLiteral("--text"),
             QStringLiteral("s"), QStringLiteral("--author"), QStringLiteral("bob")},
            {a, QStringLiteral("--service"), QStringLiteral("payments"), QStringLiteral("--text"),
             QStringLiteral("svc")},
            {a, QStringLiteral("--session"), QStringLiteral("1"), QStringLiteral("--text"),
             QStringLiteral("user")},
            {a, QStringLiteral("--from"), QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("--to"),
             QStringLiteral("2026-01-01T00:05:00Z"), QStringLiteral("--text"), QStringLiteral("window")},
            {a, QStringLiteral("--service"), QStringLiteral("payments"), QStringLiteral("--from"),
             QStringLiteral("1000"), QStringLiteral("--to"), QStringLiteral("2000"), QStringLiteral("--text"),
             QStringLiteral("incident")},
        };
        for (const QStringList& args : adds) {
            const Result r = note(args);
            QVERIFY2(r.exitCode == 0,
                     qPrintable(args.join(QLatin1Char(' ')) + QLatin1Char(' ') + QString::fromUtf8(r.err)));
        }
        const QJsonArray list = notes(m_demo);
        QCOMPARE(list.size(), adds.size());
        qint64 lastId = 0;
        for (const auto& v : list) {
            const QJsonObject n = v.toObject();
            for (const char* key : {"id", "target", "text", "tags", "author", "created"})
                QVERIFY2(n.contains(QLatin1String(key)), key);
            QVERIFY(n[QStringLiteral("id")].toInteger() > lastId);
            lastId = n[QStringLiteral("id")].toInteger();
            QVERIFY(n[QStringLiteral("created")].toString().endsWith(QLatin1Char('Z')));
        }
        const QJsonObject first = list[0].toObject();
        QCOMPARE(first[QStringLiteral("target")].toObject()[QStringLiteral("kind")].toString(),
                 QStringLiteral("page_load"));
        QCOMPARE(first[QStringLiteral("target")].toObject()[QStringLiteral("id")].toInt(), 1);
        QCOMPARE(first[QStringLiteral("tags")].toArray(),
                 (QJsonArray{QStringLiteral("db"), QStringLiteral("payments")}));
        QCOMPARE(first[QStringLiteral("author")].toString(), QStringLiteral("ana"));
        const QJsonObject trace = list[1].toObject();
        QCOMPARE(trace[QStringLiteral("kind")].toString(), QStringLiteral("bookmark"));
        QCOMPARE(trace[QStringLiteral("target")].toObject()[QStringLiteral("trace_id")].toString(), m_trace);
        const QJsonObject span = list[2].toObject()[QStringLiteral("target")].toObject();
        QCOMPARE(span[QStringLiteral("kind")].toString(), QStringLiteral("span"));
        QCOMPARE(span[QStringLiteral("span_id")].toString(), m_span);
        QCOMPARE(list[2].toObject()[QStringLiteral("author")].toString(), QStringLiteral("bob"));
        const QJsonObject range = list[5].toObject()[QStringLiteral("target")].toObject();
        QCOMPARE(range[QStringLiteral("kind")].toString(), QStringLiteral("time_range"));
        QCOMPARE(range[QStringLiteral("from")].toString(), QStringLiteral("2026-01-01T00:00:00.000Z"));
        QCOMPARE(list[6].toObject()[QStringLiteral("target")].toObject()[QStringLiteral("kind")].toString(),
                 QStringLiteral("incident"));
        // Same answer twice: the order is stable.
        QCOMPARE(notes(m_demo), list);

        const Result tagged = seam({QStringLiteral("notes"), QStringLiteral("--db"), m_demo,
                                    QStringLiteral("--tag"), QStringLiteral("db")});
        QCOMPARE(tagged.exitCode, 0);
        QCOMPARE(tagged.out.count('\n'), 1);
        QVERIFY(tagged.out.contains("page_load 1  slow  #db #payments"));

        const Result deleted = note({QStringLiteral("delete"), QString::number(lastId)});
        QVERIFY2(deleted.exitCode == 0, deleted.err.constData());
        QCOMPARE(notes(m_demo).size(), adds.size() - 1);
    }

    void errorsExitWithTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        const QString a = QStringLiteral("add"), t = QStringLiteral("--text"), x = QStringLiteral("x");
        QTest::newRow("unknown page load")
            << QStringList{a, QStringLiteral("--page-load"), QStringLiteral("999999"), t, x}
            << "no page load 999999";
        QTest::newRow("unknown trace")
            << QStringList{a, QStringLiteral("--trace"), QString(32, QLatin1Char('f')), t, x}
            << "no trace ffff";
        QTest::newRow("unknown span")
            << QStringList{a, QStringLiteral("--span"), m_trace + QStringLiteral(":00000000000000ff"), t, x}
            << "no span 00000000000000ff";
        QTest::newRow("unknown service")
            << QStringList{a, QStringLiteral("--service"), QStringLiteral("nope"), t, x}
            << "no service 'nope'";
        QTest::newRow("unknown session")
            << QStringList{a, QStringLiteral("--session"), QStringLiteral("999999"), t, x}
            << "no session 999999";
        QTest::newRow("two targets") << QStringList{a,
                                                    QStringLiteral("--page-load"),
                                                    QStringLiteral("1"),
                                                    QStringLiteral("--session"),
                                                    QStringLiteral("1"),
                                                    t,
                                                    x}
                                     << "name one target";
        QTest::newRow("no text") << QStringList{a, QStringLiteral("--page-load"), QStringLiteral("1")}
                                 << "--text is required";
        QTest::newRow("unknown note")
            << QStringList{QStringLiteral("delete"), QStringLiteral("424242")} << "no note 424242";
        QTest::newRow("no action") << QStringList{} << "give 'add' or 'delete ID'";
    }

    void errorsExitWithTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const qsizetype before = notes(m_demo).size();
        const Result r = note(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        QCOMPARE(notes(m_demo).size(), before);
    }

    void aV1CacheIsListedThenMigratedByTheFirstNote()
    {
        const QString path = m_dir.filePath(QStringLiteral("v1.seam"));
        {
            seam::Database db(path.toStdString(), seam::Database::Mode::ReadWrite);
            db.exec(seam::testing::kSchemaV1Ddl);
            db.exec("PRAGMA application_id = 1399153005; PRAGMA user_version = 1;"
                    "INSERT INTO meta VALUES ('created_by', 'seam 1');"
                    "INSERT INTO page_loads(id, key, url, route, start_ns) VALUES (5, 'k', 'u', '/r', 1);"
                    "INSERT INTO notes(created_ns, kind, target_type, target_id, text) VALUES (7, 'note', "
                    "'page_load', '5', 'old')");
        }
        QJsonArray list = notes(path);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list[0].toObject()[QStringLiteral("text")].toString(), QStringLiteral("old"));
        const Result r = seam({QStringLiteral("note"), QStringLiteral("--db"), path, QStringLiteral("add"),
                               QStringLiteral("--page-load"), QStringLiteral("5"), QStringLiteral("--text"),
                               QStringLiteral("new"), QStringLiteral("--tag"), QStringLiteral("v2")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        list = notes(path);
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].toObject()[QStringLiteral("text")].toString(), QStringLiteral("old"));
        QCOMPARE(list[1].toObject()[QStringLiteral("tags")].toArray(), QJsonArray{QStringLiteral("v2")});
        seam::Database db(path.toStdString(), seam::Database::Mode::ReadOnly);
        QCOMPARE(db.queryInt("PRAGMA user_version"), seam::schema::kSchemaVersion);
    }
};

QTEST_GUILESS_MAIN(TestNoteCommands)
#include "tst_notecommands.moc"
