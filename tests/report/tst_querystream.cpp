// QueryStream: `seam query`'s engine. The JSON it streams, the value cap, the hardening of the
// connection against SQL typed by someone else, and the time limit.

#include "JsonChunkWriter.h"
#include "QueryStream.h"
#include "RecordFactory.h"
#include "Schema.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>

using namespace seam;
using namespace seam::test;

class TestQueryStream : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::string m_path;

    struct Output
    {
        QByteArray text;
        int chunks = 0;
        qsizetype largestChunk = 0;
        QJsonObject json() const { return QJsonDocument::fromJson(text).object(); }
    };

    Output run(const std::string& sql, QueryStream::Options options = {})
    {
        Database db = store::openForReading(m_path);
        QueryStream stream(db);
        Output out;
        stream.run(sql, options, [&](std::string_view chunk) {
            out.text.append(chunk.data(), qsizetype(chunk.size()));
            ++out.chunks;
            out.largestChunk = std::max(out.largestChunk, qsizetype(chunk.size()));
        });
        return out;
    }

    /// Runs `sql` expecting a refusal; returns the message ("" when it ran).
    QString refusal(const std::string& sql)
    {
        try {
            const Output out = run(sql);
            return QString();
        } catch (const QueryError& e) {
            return e.kind() == QueryError::Kind::Refused
                       ? QString::fromStdString(e.what())
                       : QStringLiteral("not refused: ") + QString::fromStdString(e.what());
        }
    }

    QByteArray fileBytes() const
    {
        QFile f(QString::fromStdString(m_path));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

private slots:
    void initTestCase()
    {
        m_path = m_dir.filePath(QStringLiteral("q.seam")).toStdString();
        StoreWriter w(m_path);
        for (int i = 0; i < 3; ++i) {
            w.submit(0, browserBatch(i, traceId(i), 0x42, kT0 + i * 60'000'000'000LL));
            w.submit(0, backendBatch(traceId(i), 0x42, kT0 + i * 60'000'000'000LL));
        }
        QVERIFY(w.flush());
    }

    void viewsAndShape()
    {
        // The views still work with an untrusted schema (they use only innocuous functions).
        const QJsonObject r =
            run("SELECT name, count(*) AS n FROM v_spans GROUP BY name ORDER BY name").json();
        QCOMPARE(r.keys(), QStringList({QStringLiteral("columns"), QStringLiteral("rows")}));
        QCOMPARE(r[QStringLiteral("columns")].toArray(),
                 QJsonArray({QStringLiteral("name"), QStringLiteral("n")}));
        const QJsonArray rows = r[QStringLiteral("rows")].toArray();
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0].toArray()[1].toInt(), 3);
        const QJsonObject none = run("SELECT 1 AS one WHERE 0").json();
        QCOMPARE(none[QStringLiteral("columns")].toArray(), QJsonArray({QStringLiteral("one")}));
        QVERIFY(none[QStringLiteral("rows")].isArray());
        QVERIFY(none[QStringLiteral("rows")].toArray().isEmpty());
        try {
            run("SELEC nonsense");
            QFAIL("a syntax error ran");
        } catch (const QueryError& e) {
            QCOMPARE(e.kind(), QueryError::Kind::Failed);
            QVERIFY2(QByteArray(e.what()).contains("syntax error"), e.what());
        }
    }

    void valuesKeepTheirTypes()
    {
        const Output out = run("SELECT 9007199254740993 AS big, -1.5 AS r, 1e999 AS inf, NULL AS n, "
                               "'q\"b\\s' || char(10, 9, 1) || 'é€😀' AS t, x'00ff10' AS b, "
                               "CAST(x'61ff62' AS TEXT) AS bad_utf8");
        const QJsonObject r = out.json();
        QVERIFY2(!r.isEmpty(), out.text.constData());
        const QJsonArray row = r[QStringLiteral("rows")].toArray()[0].toArray();
        QCOMPARE(row[0].toInteger(), 9007199254740993LL); // beyond 2^53: exact
        QCOMPARE(row[1].toDouble(), -1.5);
        QVERIFY(row[2].isNull()); // JSON has no infinity
        QVERIFY(row[3].isNull());
        QCOMPARE(row[4].toString(), QStringLiteral("q\"b\\s\n\t\x01") + QString::fromUtf8("é€😀"));
        QCOMPARE(row[5].toString(), QStringLiteral("00ff10"));
        QCOMPARE(row[6].toString(), QStringLiteral("a") + QChar(0xFFFD) + QStringLiteral("b"));
        QVERIFY(out.text.contains("9007199254740993"));
    }

    void longValuesAreCutWithAMarker()
    {
        QueryStream::Options options;
        options.maxValueBytes = 4;
        const QJsonArray row = run("SELECT 'abcd' AS fits, 'abcdef' AS text, 'aé€b' AS utf8, x'0102030405' "
                                   "AS blob, 12345678 AS i",
                                   options)
                                   .json()[QStringLiteral("rows")]
                                   .toArray()[0]
                                   .toArray();
        QCOMPARE(row[0].toString(), QStringLiteral("abcd"));
        QCOMPARE(row[1].toObject(), QJsonObject({{QStringLiteral("truncated"), true},
                                                 {QStringLiteral("type"), QStringLiteral("text")},
                                                 {QStringLiteral("bytes"), 6},
                                                 {QStringLiteral("prefix"), QStringLiteral("abcd")}}));
        // 'aé€b' is 7 bytes; 4 would cut '€' (3 bytes, from byte 3) in two: the prefix stops before it.
        QCOMPARE(row[2].toObject()[QStringLiteral("prefix")].toString(), QString::fromUtf8("aé"));
        QCOMPARE(row[2].toObject()[QStringLiteral("bytes")].toInt(), 7);
        QCOMPARE(row[3].toObject(), QJsonObject({{QStringLiteral("truncated"), true},
                                                 {QStringLiteral("type"), QStringLiteral("blob")},
                                                 {QStringLiteral("bytes"), 5},
                                                 {QStringLiteral("prefix"), QStringLiteral("01020304")}}));
        QCOMPARE(row[4].toInt(), 12345678); // numbers are never cut
        options.maxValueBytes = 0;
        QCOMPARE(run("SELECT 'abcdef'", options).json()[QStringLiteral("rows")].toArray()[0].toArray()[0],
                 QJsonValue(QStringLiteral("abcdef")));
        // The default cap is 1 MiB.
        const QJsonObject big = run("SELECT zeroblob(1048577)")
                                    .json()[QStringLiteral("rows")]
                                    .toArray()[0]
                                    .toArray()[0]
                                    .toObject();
        QCOMPARE(big[QStringLiteral("bytes")].toInt(), 1048577);
        QCOMPARE(big[QStringLiteral("prefix")].toString().size(), 2 * 1048576);
        QCOMPARE(utf8Prefix("\xE2\x82\xAC", 2), std::string_view()); // '€' does not fit in 2 bytes
    }

    void rowsAreStreamedInSmallChunks()
    {
        // 200,000 rows (~3 MB of JSON) reach the sink in chunks of about 64 KiB as they are produced,
        // and the process grows by far less than the result (the old QJsonArray took ~70 MB here).
        const auto rssKb = [] {
            QFile f(QStringLiteral("/proc/self/statm"));
            return f.open(QIODevice::ReadOnly) ? f.readAll().split(' ').value(1).toLongLong() * 4 : 0;
        };
        Database db = store::openForReading(m_path);
        QueryStream stream(db);
        qint64 rows = 0, bytes = 0, chunks = 0, largest = 0, rssAtFirst = 0, rssPeak = 0;
        stream.run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 200000) "
                   "SELECT x, 'row ' || x AS label FROM c",
                   {}, [&](std::string_view chunk) {
                       if (!chunks)
                           rssAtFirst = rssKb();
                       rssPeak = std::max(rssPeak, rssKb());
                       ++chunks;
                       bytes += qint64(chunk.size());
                       largest = std::max(largest, qint64(chunk.size()));
                       rows += std::count(chunk.begin(), chunk.end(), '\n');
                   });
        QVERIFY2(chunks > 20, qPrintable(QString::number(chunks)));
        QVERIFY(largest < 64 * 1024 + 256);
        QCOMPARE(rows, 200000 + 5); // one line a row, plus the lines around them
        QVERIFY(bytes > 3'000'000);
#ifndef __SANITIZE_ADDRESS__
        // ASan keeps freed memory in quarantine (256 MB by default), so resident memory grows with
        // every allocation there; the chunk counts above still show the streaming.
        QVERIFY2(rssPeak - rssAtFirst < 8 * 1024, qPrintable(QString::number(rssPeak - rssAtFirst)));
#endif
    }

    void refusesWhatIsNotAPlainRead()
    {
        const QByteArray before = fileBytes();
        QVERIFY(!before.isEmpty());
        const QString attachPath = m_dir.filePath(QStringLiteral("new.db"));
        const std::pair<std::string, const char*> cases[] = {
            {"DELETE FROM spans", "read-only"},
            {"CREATE TEMP TABLE t(x)", "read-only"},
            {"VACUUM INTO '" + m_dir.filePath(QStringLiteral("copy.db")).toStdString() + "'", "read-only"},
            {"ATTACH '" + attachPath.toStdString() + "' AS x", "ATTACH"},
            {"ATTACH ':memory:' AS m", "ATTACH"},
            {"ATTACH 'file:" + attachPath.toStdString() + "?mode=rwc' AS x", "ATTACH"},
            {"PRAGMA journal_mode = DELETE", "journal_mode"},
            {"PRAGMA user_version = 5", "user_version"},
            {"PRAGMA query_only = 0", "query_only"},
            {"PRAGMA main.application_id = 7", "application_id"},
            {"SELECT * FROM pragma_cache_size", "PRAGMA cache_size"}, // refused while running
            {"BEGIN", "read-only"},
            {"ANALYZE", "read-only"},
            {"SELECT 1; DELETE FROM spans", "one statement"},
            {"SELECT 1; SELECT 2", "one statement"},
            {"SELECT 1;; ; SELECT 2", "one statement"},
        };
        for (const auto& [sql, why] : cases) {
            const QString message = refusal(sql);
            QVERIFY2(message.contains(QLatin1String(why)),
                     qPrintable(QString::fromStdString(sql) + QStringLiteral(" -> ") + message));
        }
        QCOMPARE(fileBytes(), before);
        QVERIFY(!QFile::exists(attachPath));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("copy.db"))));
        // Reading pragmas and trailing comments are fine.
        QCOMPARE(run("PRAGMA user_version").json()[QStringLiteral("rows")].toArray()[0].toArray()[0].toInt(),
                 schema::kSchemaVersion);
        QVERIFY(!run("SELECT count(*) FROM pragma_table_info('spans')").json().isEmpty());
        QVERIFY(!run("SELECT * FROM pragma_integrity_check").json().isEmpty());
        QCOMPARE(run("SELECT sum(value) FROM json_each('[1, 2, 3]')")
                     .json()[QStringLiteral("rows")]
                     .toArray()[0]
                     .toArray()[0]
                     .toInt(),
                 6);
        QVERIFY(!refusal("UPDATE sqlite_master SET sql = 'x'").isEmpty());
        QVERIFY(!run("SELECT 1; -- done\n ; /* really */").json().isEmpty());
    }

    void noExtensionsNoTokenizerPointers()
    {
        // Debian's SQLite enables fts3_tokenizer(): one argument returns the tokenizer's address (a
        // pointer an attacker can then pass back in). Here it must fail or give no pointer.
        try {
            const QJsonValue v = run("SELECT fts3_tokenizer('simple')")
                                     .json()[QStringLiteral("rows")]
                                     .toArray()[0]
                                     .toArray()[0];
            QVERIFY2(v.isNull(), qPrintable(v.toString()));
        } catch (const QueryError& e) {
            QCOMPARE(e.kind(), QueryError::Kind::Failed);
        }
        try {
            run("SELECT load_extension('/lib/x86_64-linux-gnu/libc.so.6')");
            QFAIL("load_extension ran");
        } catch (const QueryError& e) {
            QVERIFY2(QByteArray(e.what()).contains("not authorized"), e.what());
        }
    }

    void stopsAtTheTimeout()
    {
        QueryStream::Options options;
        options.timeout = std::chrono::milliseconds(200);
        int chunks = 0;
        const auto start = std::chrono::steady_clock::now();
        try {
            Database db = store::openForReading(m_path);
            QueryStream(db).run("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                                "SELECT count(*) FROM c",
                                options, [&](std::string_view) { ++chunks; });
            QFAIL("an endless query finished");
        } catch (const QueryError& e) {
            QCOMPARE(e.kind(), QueryError::Kind::TimedOut);
        }
        const auto elapsed = std::chrono::steady_clock::now() - start;
        QVERIFY(elapsed >= std::chrono::milliseconds(200));
        QVERIFY(elapsed < std::chrono::seconds(5));
        QCOMPARE(chunks, 0); // failed before its first row: nothing written
    }
};

QTEST_GUILESS_MAIN(TestQueryStream)
#include "tst_querystream.moc"
