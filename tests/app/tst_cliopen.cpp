// The command line on files that are not (usable) caches, through the real binary: another program's
// SQLite file or a text file given as --db is left byte for byte as it was (exit 2); a damaged cache
// fails every command with exit 2 and a message naming it; a cache in a read-only folder is read; an
// import that cannot write stops with exit 2 and the cause.

#include "CacheDamage.h"
#include "DemoFixture.h"
#include "Sqlite.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <functional>
#include <sys/resource.h>

using namespace seam::test;

class TestCliOpen : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_demo;
    QString m_telemetry; // OTLP JSON, one trace per line
    qint64 m_demoSpans = 0;

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
    };

    /// Runs seam; `modifier` runs in the child before exec (see QProcess::setChildProcessModifier).
    static Result run(const QString& program, const QStringList& args,
                      const std::function<void()>& modifier = {})
    {
        QProcess p;
        if (modifier)
            p.setChildProcessModifier(modifier);
        p.start(program, args);
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    static Result seam(const QStringList& args, const std::function<void()>& modifier = {})
    {
        return run(seam::test::seamBinary(), args, modifier);
    }

    QString path(const char* name) const { return m_dir.filePath(QLatin1String(name)); }

    QString copyOfDemo(const char* name) const
    {
        const QString to = path(name);
        QFile::remove(to);
        if (!QFile::copy(m_demo, to))
            qFatal("cannot copy the demo cache");
        QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        return to;
    }

    static QStringList sideFiles(const QString& file)
    {
        QStringList found;
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            if (QFile::exists(file + QLatin1String(suffix)))
                found << file + QLatin1String(suffix);
        return found;
    }

    static qint64 spansIn(const QByteArray& statsJson)
    {
        return qint64(
            QJsonDocument::fromJson(statsJson).object().value(QStringLiteral("spans")).toDouble(-1));
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_demo = path("demo.seam");
        if (!copyDemoFixture(QStringLiteral("60-seed3"), m_demo)) {
            const Result demo =
                seam({QStringLiteral("demo"), QStringLiteral("--db"), m_demo, QStringLiteral("--sessions"),
                      QStringLiteral("60"), QStringLiteral("--seed"), QStringLiteral("3")});
            QVERIFY2(demo.exitCode == 0, demo.err.constData());
        }
        const Result stats =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), m_demo, QStringLiteral("--json")});
        m_demoSpans = spansIn(stats.out);
        QVERIFY(m_demoSpans > 1000);

        m_telemetry = path("traces.ndjson");
        QFile f(m_telemetry);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 4000; ++i)
            f.write(
                QStringLiteral(
                    R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},)"
                    R"("scopeSpans":[{"scope":{"name":"test"},"spans":[{"traceId":"%1","spanId":"%2","name":"GET /api/items",)"
                    R"("kind":2,"startTimeUnixNano":"%3","endTimeUnixNano":"%4"}]}]}]})"
                    "\n")
                    .arg(i + 1, 32, 16, QLatin1Char('0'))
                    .arg(i + 1, 16, 16, QLatin1Char('0'))
                    .arg(1795165200000000000LL + i * 1000000LL)
                    .arg(1795165200250000000LL + i * 1000000LL)
                    .toUtf8());
    }

    void importLeavesAForeignSqliteFileUntouched()
    {
        const QString foreign = path("customers.db");
        {
            seam::Database db(foreign.toStdString(), seam::Database::Mode::ReadWrite);
            db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
            db.exec("INSERT INTO customers(name) VALUES ('Ada')");
        }
        const QByteArray before = fileHash(foreign);
        const Result r = seam({QStringLiteral("import"), QStringLiteral("--db"), foreign, m_telemetry});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("customers.db is not a Seam cache") && r.err.contains("left untouched"),
                 r.err.constData());
        QCOMPARE(fileHash(foreign), before);
        QCOMPARE(sideFiles(foreign), QStringList());
    }

    void importLeavesATextFileUntouched()
    {
        const QString text = path("notes.txt");
        {
            QFile f(text);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("not a cache\n");
        }
        const QByteArray before = fileHash(text);
        const Result r = seam({QStringLiteral("import"), QStringLiteral("--db"), text, m_telemetry});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("notes.txt is not a Seam cache (not an SQLite database)"), r.err.constData());
        QCOMPARE(fileHash(text), before);
        QCOMPARE(sideFiles(text), QStringList());
    }

    void importIntoAnEmptyFileMakesACache()
    {
        const QString empty = path("empty.seam");
        QFile(empty).open(QIODevice::WriteOnly);
        const Result r = seam({QStringLiteral("import"), QStringLiteral("--db"), empty, m_telemetry});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const Result stats =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), empty, QStringLiteral("--json")});
        QCOMPARE(stats.exitCode, 0);
        QCOMPARE(spansIn(stats.out), 4000);
    }

    void damagedCacheFailsEveryCommand()
    {
        // An index stats and pageloads do not read: without the check they would answer (exit 0), and
        // pageloads --route would read it.
        const QString damaged = copyOfDemo("damaged.seam");
        damagePage(damaged.toStdString(), leafPageOf(damaged.toStdString(), "page_loads_by_route"));
        const QByteArray before = fileHash(damaged);
        const QStringList db{QStringLiteral("--db"), damaged};
        const QList<QStringList> commands{
            QStringList{QStringLiteral("stats"), QStringLiteral("--json")} + db,
            QStringList{QStringLiteral("pageloads"), QStringLiteral("--json"), QStringLiteral("--slowest"),
                        QStringLiteral("3")} +
                db,
            QStringList{QStringLiteral("import")} + db + QStringList{m_telemetry},
        };
        for (const QStringList& args : commands) {
            const Result r = seam(args);
            QVERIFY2(r.exitCode == 2,
                     qPrintable(args.front() + QStringLiteral(" exited %1").arg(r.exitCode)));
            QVERIFY2(r.err.contains(QByteArray(damaged.toUtf8() + " is damaged")), r.err.constData());
        }
        QCOMPARE(fileHash(damaged), before); // the import wrote nothing
    }

    void cacheInAReadOnlyFolderIsRead()
    {
        const QString dir = path("read-only");
        QVERIFY(QDir().mkpath(dir));
        const QString cache = dir + QStringLiteral("/demo.seam");
        QVERIFY(QFile::copy(m_demo, cache));
        QVERIFY(QFile(cache).setPermissions(QFileDevice::ReadOwner | QFileDevice::ReadGroup |
                                            QFileDevice::ReadOther));
        QVERIFY(QFile(dir).setPermissions(QFileDevice::ReadOwner | QFileDevice::ExeOwner |
                                          QFileDevice::ReadOther | QFileDevice::ExeOther));
        const Result probe =
            run(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral(": > '%1/probe'").arg(dir)},
                dropDacOverrideBeforeExec);
        QVERIFY2(probe.exitCode != 0 && probe.exitCode != 126,
                 "the folder must refuse new files for this test");

        const Result stats =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), cache, QStringLiteral("--json")},
                 dropDacOverrideBeforeExec);
        QVERIFY2(stats.exitCode == 0, stats.err.constData());
        QCOMPARE(spansIn(stats.out), m_demoSpans);
        const Result pageLoads =
            seam({QStringLiteral("pageloads"), QStringLiteral("--db"), cache, QStringLiteral("--json"),
                  QStringLiteral("--slowest"), QStringLiteral("2")},
                 dropDacOverrideBeforeExec);
        QVERIFY2(pageLoads.exitCode == 0, pageLoads.err.constData());
        QCOMPARE(QJsonDocument::fromJson(pageLoads.out).array().size(), 2);
        QCOMPARE(sideFiles(cache), QStringList());

        const Result import = seam({QStringLiteral("import"), QStringLiteral("--db"), cache, m_telemetry},
                                   dropDacOverrideBeforeExec);
        QCOMPARE(import.exitCode, 2);
        QVERIFY2(import.err.contains("read-only (SQLITE_READONLY)"), import.err.constData());
        QFile(dir).setPermissions(QFile(dir).permissions() | QFileDevice::WriteOwner);
    }

    void importIntoAReadOnlyFileIsFatal()
    {
        const QString cache = copyOfDemo("read-only-file.seam");
        QVERIFY(QFile(cache).setPermissions(QFileDevice::ReadOwner));
        const QByteArray before = fileHash(cache);
        const Result r = seam({QStringLiteral("import"), QStringLiteral("--db"), cache, m_telemetry},
                              dropDacOverrideBeforeExec);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QByteArray("cannot write " + cache.toUtf8() +
                                           ": the cache is read-only (SQLITE_READONLY)")),
                 r.err.constData());
        QCOMPARE(fileHash(cache), before);
    }

    void importThatCannotWriteStopsWithItsCause()
    {
        // The files seam writes may not grow past 128 KiB: its -wal fills up part-way through the import,
        // as on a full disk. (SIGXFSZ ignored: the write fails with EFBIG instead of killing the process.)
        const QString cache = copyOfDemo("limited.seam");
        const auto limitFileSize = [] {
            const rlimit limit{128 * 1024, 128 * 1024};
            setrlimit(RLIMIT_FSIZE, &limit);
            signal(SIGXFSZ, SIG_IGN);
        };
        const Result r =
            seam({QStringLiteral("import"), QStringLiteral("--db"), cache, m_telemetry}, limitFileSize);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QByteArray("seam import: cannot write to " + cache.toUtf8() +
                                           ": an input/output error")),
                 r.err.constData());
        const Result stats =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), cache, QStringLiteral("--json")});
        QCOMPARE(stats.exitCode, 0);
        QVERIFY(spansIn(stats.out) < m_demoSpans + 4000);
    }
};

QTEST_GUILESS_MAIN(TestCliOpen)
#include "tst_cliopen.moc"
