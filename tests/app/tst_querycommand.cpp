// `seam query` through the real binary, as a script runs it: the JSON it prints, its memory under an
// address-space limit (`ulimit -v`), what it refuses, and --timeout.

#include "RecordFactory.h"
#include "Schema.h"
#include "StoreWriter.h"
#include "TestPaths.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <sys/resource.h>

using namespace seam;
using namespace seam::test;

class TestQueryCommand : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    struct Result
    {
        int exitCode = -1;
        QByteArray out, err;
        QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
        QJsonArray firstRow() const { return json()[QStringLiteral("rows")].toArray()[0].toArray(); }
    };

    /// Runs `seam query --db CACHE --json ARGS...`; `addressSpaceMb` > 0 runs it under `ulimit -v`.
    Result query(const QStringList& args, int addressSpaceMb = 0, const QString& outFile = QString()) const
    {
        QProcess p;
        if (addressSpaceMb > 0) {
            p.setChildProcessModifier([addressSpaceMb] {
                const rlimit limit{rlim_t(addressSpaceMb) << 20, rlim_t(addressSpaceMb) << 20};
                setrlimit(RLIMIT_AS, &limit);
            });
        }
        if (!outFile.isEmpty())
            p.setStandardOutputFile(outFile);
        p.start(seam::test::seamBinary(),
                QStringList{QStringLiteral("query"), QStringLiteral("--db"), m_db, QStringLiteral("--json")} +
                    args);
        if (!p.waitForFinished(120000)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardOutput(),
                p.readAllStandardError()};
    }

    static QByteArray fileBytes(const QString& path)
    {
        QFile f(path);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        m_db = m_dir.filePath(QStringLiteral("q.seam"));
        StoreWriter w(m_db.toStdString());
        w.submit(0, browserBatch(0, traceId(0), 0x42, kT0));
        w.submit(0, backendBatch(traceId(0), 0x42, kT0));
        // An image of that page load with an OTLP key, stored naming its trace's row (ResourceKey.h).
        RecordBatch image;
        ResourceRecord r;
        r.key = "otel:" + traceId(0).hex() + ":00000000000000a7";
        r.sessionKey = "session-0";
        r.type = "image";
        r.url = "https://shop.example/logo.png";
        r.start = kT0 + 100'000'000;
        image.resources.push_back(r);
        w.submit(0, std::move(image));
        QVERIFY(w.flush());
    }

    /// The key functions read the traces table from inside a statement: under the guard's authorizer too.
    void resourceKeysReadAndFound()
    {
        const std::string key = "otel:" + traceId(0).hex() + ":00000000000000a7";
        const Result r = query({QString::fromStdString(
            "SELECT resource_key_text(key), length(key), resource_key_trace(key) = (SELECT id FROM traces), "
            "(SELECT url FROM resources WHERE key = resource_key('" +
            key + "')) FROM resources WHERE type = 'image'")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.firstRow(), QJsonArray({QString::fromStdString(key), 17, 1,
                                           QStringLiteral("https://shop.example/logo.png")}));
    }

    void printsColumnsAndRows()
    {
        const Result r =
            query({QStringLiteral("SELECT 9007199254740993 AS big, 0.25 AS r, 'a\"b' || char(10) "
                                  "AS t, x'00ff' AS b, NULL AS n, count(*) AS spans FROM spans")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[QStringLiteral("columns")].toArray(),
                 QJsonArray({QStringLiteral("big"), QStringLiteral("r"), QStringLiteral("t"),
                             QStringLiteral("b"), QStringLiteral("n"), QStringLiteral("spans")}));
        const QJsonArray row = r.firstRow();
        QCOMPARE(row[0].toInteger(), 9007199254740993LL);
        QCOMPARE(row[1].toDouble(), 0.25);
        QCOMPARE(row[2].toString(), QStringLiteral("a\"b\n"));
        QCOMPARE(row[3].toString(), QStringLiteral("00ff"));
        QVERIFY(row[4].isNull());
        QCOMPARE(row[5].toInt(), 4);

        const Result cut = query({QStringLiteral("--max-value-bytes"), QStringLiteral("3"),
                                  QStringLiteral("SELECT 'abcdef' AS t, x'01020304' AS b")});
        QCOMPARE(cut.exitCode, 0);
        QCOMPARE(cut.firstRow()[0].toObject(),
                 QJsonObject({{QStringLiteral("truncated"), true},
                              {QStringLiteral("type"), QStringLiteral("text")},
                              {QStringLiteral("bytes"), 6},
                              {QStringLiteral("prefix"), QStringLiteral("abc")}}));
        QCOMPARE(cut.firstRow()[1].toObject()[QStringLiteral("prefix")].toString(), QStringLiteral("010203"));

        for (const QStringList& bad :
             {QStringList{QStringLiteral("--max-value-bytes"), QStringLiteral("lots")},
              QStringList{QStringLiteral("--timeout"), QStringLiteral("0")},
              QStringList{QStringLiteral("--timeout"), QStringLiteral("soon")}}) {
            const Result usage = query(bad + QStringList{QStringLiteral("SELECT 1")});
            QCOMPARE(usage.exitCode, 2);
            QVERIFY2(usage.err.contains(bad[0].toUtf8()), usage.err.constData());
        }
    }

    void memoryStaysFlatUnderAnAddressSpaceLimit()
    {
#ifdef __SANITIZE_ADDRESS__
        QSKIP("ASan reserves terabytes of shadow memory: no address-space limit fits it");
#endif
        // 400 MB of address space (the binary with its libraries takes ~100 MB). Holding the whole
        // result, a million rows took ~400 MB and a 100 MB blob ~1.6 GB; both aborted here.
        const QString out = m_dir.filePath(QStringLiteral("rows.json"));
        const Result rows =
            query({QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                  "LIMIT 1000000) SELECT x, 'row ' || x AS label FROM c")},
                  400, out);
        QVERIFY2(rows.exitCode == 0, rows.err.constData());
        const QByteArray text = fileBytes(out);
        QVERIFY(text.startsWith(
            "{\n    \"columns\": [\"x\", \"label\"],\n    \"rows\": [\n        [1, \"row 1\"],"));
        QVERIFY(text.endsWith(",\n        [1000000, \"row 1000000\"]\n    ]\n}\n"));
        QCOMPARE(text.count('\n'), 1000000 + 5);

        const Result blob = query({QStringLiteral("SELECT zeroblob(100000000) AS b")}, 400);
        QVERIFY2(blob.exitCode == 0, blob.err.constData());
        const QJsonObject cut = blob.firstRow()[0].toObject();
        QCOMPARE(cut[QStringLiteral("truncated")].toBool(), true);
        QCOMPARE(cut[QStringLiteral("bytes")].toInteger(), 100000000);
        QCOMPARE(cut[QStringLiteral("prefix")].toString().size(), 2 * 1024 * 1024);

        // A value SQLite itself cannot hold: a message and exit 2, not an abort.
        const Result tooBig = query({QStringLiteral("SELECT zeroblob(600000000) AS b")}, 400);
        QCOMPARE(tooBig.exitCode, 2);
        QVERIFY2(tooBig.err.contains("seam query: out of memory"), tooBig.err.constData());
        QVERIFY(tooBig.out.isEmpty());
    }

    void refusesAndLeavesTheFileAlone()
    {
        const QByteArray before = fileBytes(m_db);
        const QString attached = m_dir.filePath(QStringLiteral("new.db"));
        const std::pair<QString, const char*> cases[] = {
            {QStringLiteral("ATTACH '%1' AS x").arg(attached), "ATTACH"},
            {QStringLiteral("ATTACH ':memory:' AS m"), "ATTACH"},
            {QStringLiteral("PRAGMA journal_mode=DELETE"), "PRAGMA journal_mode = DELETE is not allowed"},
            {QStringLiteral("PRAGMA user_version=5"), "PRAGMA user_version = 5 is not allowed"},
            {QStringLiteral("PRAGMA query_only=0"), "PRAGMA query_only = 0 is not allowed"},
            {QStringLiteral("INSERT INTO notes(text) VALUES ('x')"), "read-only"},
            {QStringLiteral("SELECT 1; DELETE FROM spans"), "one statement"},
        };
        for (const auto& [sql, why] : cases) {
            const Result r = query({sql});
            QVERIFY2(r.exitCode == 2 && r.err.contains(why),
                     qPrintable(sql + QLatin1String(" -> ") + QString::fromUtf8(r.err)));
            QVERIFY2(r.out.isEmpty(), qPrintable(sql));
        }
        QCOMPARE(fileBytes(m_db), before);
        QVERIFY(!QFile::exists(attached));
        QCOMPARE(query({QStringLiteral("PRAGMA user_version")}).firstRow()[0].toInt(),
                 schema::kSchemaVersion);

        // Debian's SQLite hands out the tokenizer's address here unless told not to.
        const Result tokenizer = query({QStringLiteral("SELECT fts3_tokenizer('simple') AS p")});
        QVERIFY2(tokenizer.exitCode == 2 || (tokenizer.exitCode == 0 && tokenizer.firstRow()[0].isNull()),
                 tokenizer.out.constData());
    }

    void timeoutStopsASlowQuery()
    {
        // An endless scan that finds a row now and then: stopped after 1 s, the rows found so far
        // written (streamed, unclosed), and said so.
        QElapsedTimer clock;
        clock.start();
        const Result r =
            query({QStringLiteral("--timeout"), QStringLiteral("1"),
                   QStringLiteral("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                  "SELECT x FROM c WHERE x % 10000 = 0")});
        const qint64 ms = clock.elapsed();
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("seam query: stopped: the query ran longer than --timeout 1 s (the output is "
                                "incomplete)"),
                 r.err.constData());
        QVERIFY2(ms >= 1000 && ms < 10000, qPrintable(QString::number(ms)));
        QVERIFY(r.out.startsWith("{\n    \"columns\": [\"x\"],\n    \"rows\": [\n        [10000]"));
        QVERIFY(QJsonDocument::fromJson(r.out).isNull()); // incomplete: never parses as a result
    }
};

QTEST_GUILESS_MAIN(TestQueryCommand)
#include "tst_querycommand.moc"
