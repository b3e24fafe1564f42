// The seam binary on files that are not investigations, and on folders that hold files that are not
// telemetry. Readers (stats, pageloads, query) given random bytes, a cut cache, another program's
// SQLite database (WAL mode) or a text file exit 2 with "This file is not a Seam investigation (or is
// damaged): <reason>", and leave the file byte for byte as it was with no -wal or -shm beside it.
// `seam import` skips what is not telemetry (a web manifest, a Datadog SDK telemetry event) instead of
// rejecting it, ends with a totals line, and exits 1 only when telemetry was rejected.

#include "CacheDamage.h"
#include "RecordFactory.h"
#include "Sqlite.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

class TestCliBadFiles : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_cache;

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
    };

    static Result seam(const QStringList& args)
    {
        QProcess p;
        p.start(seam::test::seamBinary(), args);
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    QString writeFile(const QString& name, const QByteArray& bytes) const
    {
        const QString path = m_dir.filePath(name);
        QDir().mkpath(QFileInfo(path).absolutePath());
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            qFatal("cannot write %s", qPrintable(path));
        f.write(bytes);
        return path;
    }

    static QStringList sideFiles(const QString& file)
    {
        QStringList found;
        for (const char* suffix : {"-wal", "-shm", "-journal"})
            if (QFile::exists(file + QLatin1String(suffix)))
                found << file + QLatin1String(suffix);
        return found;
    }

    static QByteArray goodSpanLine(int i)
    {
        return QStringLiteral(
                   R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},)"
                   R"("scopeSpans":[{"scope":{"name":"t"},"spans":[{"traceId":"%1","spanId":"%2","name":"GET /x",)"
                   R"("kind":2,"startTimeUnixNano":"1795165200000000000","endTimeUnixNano":"1795165200250000000"}]}]}]})"
                   "\n")
            .arg(i + 1, 32, 16, QLatin1Char('0'))
            .arg(i + 1, 16, 16, QLatin1Char('0'))
            .toUtf8();
    }

    static QByteArray datadogTelemetryEvent()
    {
        return R"({"type":"telemetry","date":1700000000000,"service":"browser-rum-sdk","version":"5.4.0",)"
               R"("source":"browser","_dd":{"format_version":2},"telemetry":{"type":"configuration"}})"
               "\n";
    }

    static QByteArray manifest()
    {
        return R"({"name":"Shop","short_name":"Shop","start_url":"/","display":"standalone","icons":[]})";
    }

    /// Every reading command on `bad`: exit 2, the message with `reason`, the file unchanged.
    void refusedByEveryReader(const QString& bad, const char* reason)
    {
        const QByteArray hash = test::fileHash(bad);
        const QList<QStringList> commands{
            {QStringLiteral("stats"), QStringLiteral("--db"), bad, QStringLiteral("--json")},
            {QStringLiteral("pageloads"), QStringLiteral("--db"), bad, QStringLiteral("--json")},
            {QStringLiteral("services"), QStringLiteral("--db"), bad, QStringLiteral("--json")},
            {QStringLiteral("query"), QStringLiteral("--db"), bad, QStringLiteral("--json"),
             QStringLiteral("SELECT 1")},
        };
        for (const QStringList& args : commands) {
            const Result r = seam(args);
            QVERIFY2(r.exitCode == 2,
                     qPrintable(args.front() + QStringLiteral(" exited %1").arg(r.exitCode)));
            QVERIFY2(r.err.contains("This file is not a Seam investigation (or is damaged): ") &&
                         r.err.contains(reason),
                     r.err.constData());
            QCOMPARE(r.out, QByteArray());
            QCOMPARE(test::fileHash(bad), hash);
            QCOMPARE(sideFiles(bad), QStringList());
        }
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("good.seam"));
        StoreWriter writer(m_cache.toStdString());
        writer.submit(0, test::browserBatch(0, test::traceId(0), 0x42, test::kT0));
        writer.submit(0, test::backendBatch(test::traceId(0), 0x42, test::kT0));
        QVERIFY(writer.flush());
    }

    void randomBytes()
    {
        QByteArray bytes(16 * 1024, Qt::Uninitialized);
        QRandomGenerator(11).fillRange(reinterpret_cast<quint32*>(bytes.data()), bytes.size() / 4);
        refusedByEveryReader(writeFile(QStringLiteral("random.seam"), bytes), "not an SQLite database");
    }

    void truncatedCache()
    {
        QFile whole(m_cache);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        refusedByEveryReader(writeFile(QStringLiteral("cut.seam"), bytes.left(bytes.size() / 2)),
                             "truncated");
    }

    void foreignSqliteInWalMode()
    {
        const QString foreign = m_dir.filePath(QStringLiteral("customers.db"));
        {
            Database db(foreign.toStdString(), Database::Mode::ReadWrite);
            db.exec("PRAGMA journal_mode = WAL");
            db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT)");
        }
        refusedByEveryReader(foreign, "another program");
    }

    void textFile()
    {
        refusedByEveryReader(writeFile(QStringLiteral("notes.txt"), "just some notes\n"),
                             "not an SQLite database");
    }

    void aGoodCacheStillAnswers()
    {
        const Result r =
            seam({QStringLiteral("stats"), QStringLiteral("--db"), m_cache, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
    }

    void importSkipsWhatIsNotTelemetry()
    {
        writeFile(QStringLiteral("export/traces.ndjson"), goodSpanLine(1) + goodSpanLine(2));
        writeFile(QStringLiteral("export/manifest.json"), manifest());
        writeFile(QStringLiteral("export/dd-telemetry.json"), datadogTelemetryEvent());
        const QString cache = m_dir.filePath(QStringLiteral("skips.seam"));
        const Result r = seam({QStringLiteral("import"), QStringLiteral("--db"), cache,
                               m_dir.filePath(QStringLiteral("export"))});
        QVERIFY2(r.exitCode == 0, QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.contains("manifest.json: skipped, not telemetry"), r.out.constData());
        QVERIFY2(r.out.contains("dd-telemetry.json: skipped, not telemetry: a Datadog SDK telemetry event"),
                 r.out.constData());
        QVERIFY2(!r.out.contains("OTLP") && !r.err.contains("OTLP"), QByteArray(r.out + r.err).constData());
        QVERIFY2(r.out.endsWith("3 files: 2 records imported, 0 rejected, 2 skipped as not telemetry\n"),
                 r.out.constData());

        const Result json =
            seam({QStringLiteral("import"), QStringLiteral("--db"), cache, QStringLiteral("--json"),
                  m_dir.filePath(QStringLiteral("export/manifest.json"))});
        QCOMPARE(json.exitCode, 0);
        const QJsonObject file = QJsonDocument::fromJson(json.out).array().at(0).toObject();
        QVERIFY2(
            file.value(QStringLiteral("skipped")).toString().startsWith(QStringLiteral("JSON that is not")),
            json.out.constData());
        QVERIFY(file.value(QStringLiteral("fatal")).isNull());
    }

    void importExitsOneOnlyWhenTelemetryIsRejected()
    {
        writeFile(
            QStringLiteral("mixed/traces.ndjson"),
            goodSpanLine(3) +
                R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"zz","spanId":"1","name":"x"}]}]}]})"
                "\n");
        writeFile(QStringLiteral("mixed/manifest.json"), manifest());
        const Result r =
            seam({QStringLiteral("import"), QStringLiteral("--db"),
                  m_dir.filePath(QStringLiteral("mixed.seam")), m_dir.filePath(QStringLiteral("mixed"))});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.endsWith("2 files: 1 records imported, 1 rejected, 1 skipped as not telemetry\n"),
                 r.out.constData());
    }
};

QTEST_MAIN(TestCliBadFiles)
#include "tst_clibadfiles.moc"
