// Schema v11 (models/store/ResourceKey, PackedResourceKeys): every form of an importer's resource key
// comes back exactly from its packed form, the SQL functions `seam query` users read keys with, and the
// step that packs a v10 cache's keys and narrows its page_load_reach, against a cache the writer made.

#include "DemoCache.h"
#include "PackedResourceKeys.h"
#include "ResourceKey.h"
#include "Schema.h"
#include "SchemaMigrations.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>
#include <filesystem>
#include <tuple>
#include <vector>

using namespace seam;

namespace {

using ReachRow =
    std::tuple<std::int64_t, std::int64_t, std::string, std::int64_t, std::int64_t, std::int64_t>;

/// page_load_reach with the page load by key: service, start, page load, trace, duration, error.
std::vector<ReachRow> reachRows(Database& db)
{
    auto st = db.prepare("SELECT r.service_id, r.start_ns, resource_key_text(p.key), r.trace, r.duration_ns, "
                         "r.error FROM "
                         "page_load_reach r JOIN page_loads p ON p.id = r.page_load_id ORDER BY 1, 2, 3, 4");
    std::vector<ReachRow> rows;
    while (st.step())
        rows.emplace_back(st.int64(0), st.int64(1), std::string(st.text(2)), st.int64(3), st.int64(4),
                          st.int64(5));
    return rows;
}

/// Every resource's id and key text.
std::vector<std::pair<std::int64_t, std::string>> keys(Database& db)
{
    auto st = db.prepare("SELECT id, resource_key_text(key) FROM resources ORDER BY id");
    std::vector<std::pair<std::int64_t, std::string>> out;
    while (st.step())
        out.emplace_back(st.int64(0), std::string(st.text(1)));
    return out;
}

QStringList textRows(Database& db, const char* sql)
{
    auto st = db.prepare(sql);
    QStringList out;
    while (st.step())
        out << QString::fromStdString(std::string(st.text(0)));
    return out;
}

QStringList objects(Database& db)
{
    auto st = db.prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master "
                         "WHERE name LIKE 'page_load_reach%' OR tbl_name = 'resources' ORDER BY name");
    QStringList out;
    while (st.step())
        out << QString::fromStdString(std::string(st.text(0)));
    return out;
}

} // namespace

class TestResourceKey : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    std::string dbPath(const char* name) { return m_dir.filePath(QString::fromLatin1(name)).toStdString(); }

private slots:
    void everyFormComesBackExactly_data()
    {
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<int>("size"); // of the packed form in a cache holding its trace, 0: none (text)
        QTest::newRow("otel") << QByteArray("otel:4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7") << 17;
        QTest::newRow("otel zeros") << QByteArray("otel:00000000000000000000000000000000:0000000000000000")
                                    << 17;
        QTest::newRow("otel span ff")
            << QByteArray("otel:ffffffffffffffffffffffffffffffff:ffffffffffffffff") << 17;
        QTest::newRow("datadog hash") << QByteArray("dd:0123456789abcdef") << 9;
        QTest::newRow("uuid") << QByteArray("5b2f7b4e-91c1-4e5a-8f0e-3a6c2d1b9e7f") << 17;
        // No packed form: stored as the text.
        QTest::newRow("har") << QByteArray("har:session-1/entry/7") << 0;
        QTest::newRow("faro") << QByteArray("faro:abc:res-1") << 0;
        QTest::newRow("empty") << QByteArray("") << 0;
        QTest::newRow("otel upper") << QByteArray("otel:4BF92F3577B34DA6A3CE929D0E0E4736:00f067aa0ba902b7")
                                    << 0;
        QTest::newRow("otel short") << QByteArray("otel:4bf92f3577b34da6a3ce929d0e0e473:00f067aa0ba902b7")
                                    << 0;
        QTest::newRow("otel event") << QByteArray("otel:4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7:3")
                                    << 0;
        QTest::newRow("otel no colon")
            << QByteArray("otel:4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7") << 0;
        QTest::newRow("dd not hex") << QByteArray("dd:0123456789abcdeg") << 0;
        QTest::newRow("uuid upper") << QByteArray("5B2F7B4E-91C1-4E5A-8F0E-3A6C2D1B9E7F") << 0;
        QTest::newRow("uuid dashes moved") << QByteArray("5b2f7b4e91c1-4e5a-8f0e-3a6c2d1b9e7f-") << 0;
        QTest::newRow("tag-like bytes") << QByteArray("\x01\x02\x03", 3) << 0;
    }

    void everyFormComesBackExactly()
    {
        QFETCH(QByteArray, key);
        QFETCH(int, size);
        const std::string text = key.toStdString();
        const auto otel = resource_key::parseOtel(text);
        const std::int64_t traceRow = 1000 + QTest::currentDataTag()[0]; // any row id: not arrival-bound
        std::string packed(resource_key::kMaxPacked, '\0');
        if (otel) {
            packed.resize(resource_key::packTraceRow(traceRow, otel->span, packed.data()));
            QCOMPARE(resource_key::traceRowOf(packed), traceRow);
            QCOMPARE(resource_key::decode(packed,
                                          [&](std::int64_t row) -> std::optional<TraceId> {
                                              return row == traceRow ? std::optional<TraceId>(otel->trace)
                                                                     : std::nullopt;
                                          }),
                     text);
        } else {
            packed.resize(resource_key::packStandalone(text, packed.data()));
            QCOMPARE(resource_key::traceRowOf(packed), std::int64_t(0));
            if (size)
                QCOMPARE(resource_key::decodeStandalone(packed), text);
        }
        QCOMPARE(int(packed.size()), size);

        // The SQL functions agree with the C++ ones in a cache that holds the trace, and packing twice
        // changes nothing.
        Database db = store::openForWriting(dbPath("forms.seam"));
        db.exec("DELETE FROM traces");
        if (otel) {
            auto trace =
                db.prepare("INSERT INTO traces(id, trace_id, trace_lo) VALUES (?1, ?2, trace_lo(?2))");
            trace.bind(1, traceRow).bindBlob(2, otel->trace.bytes.data(), 16);
            trace.run();
        }
        auto st = db.prepare("SELECT resource_key(?1), resource_key_text(resource_key(?1)), "
                             "resource_key(resource_key(?1)) = resource_key(?1), resource_key_text(?1), "
                             "typeof(resource_key(?1)), coalesce(resource_key_trace(resource_key(?1)), 0)");
        st.bindText(1, text);
        QVERIFY(st.step());
        QCOMPARE(std::string(st.blob(0)), size ? packed : text);
        QCOMPARE(std::string(st.text(1)), text);
        QCOMPARE(st.int64(2), std::int64_t(1));
        QCOMPARE(std::string(st.text(3)), text); // a text key (any cache) as it is
        QCOMPARE(std::string(st.text(4)), std::string(size ? "blob" : "text"));
        QCOMPARE(st.int64(5), otel ? traceRow : 0);
        st.reset();
        if (otel) {
            // Without its trace the cache holds no such key: resource_key() gives the text back, which
            // matches no packed key; the v11-v15 form still reads.
            db.exec("DELETE FROM traces");
            QVERIFY(st.step());
            QCOMPARE(std::string(st.text(4)), std::string("text"));
            st.reset();
            std::string v11(1, '\x01');
            v11.append(reinterpret_cast<const char*>(otel->trace.bytes.data()), 16);
            v11.append(packed.substr(9));
            QCOMPARE(resource_key::decodeStandalone(v11), text);
        }
    }

    void nullStaysNull()
    {
        Database db(":memory:", Database::Mode::ReadWrite);
        QCOMPARE(db.queryInt("SELECT resource_key_text(NULL) IS NULL AND resource_key(NULL) IS NULL AND "
                             "resource_key_trace(NULL) IS NULL"),
                 1);
        // A connection without a traces table (any SQLite file): OTLP keys stay text, nothing fails.
        QCOMPARE(db.queryInt(
                     "SELECT typeof(resource_key('otel:4bf92f3577b34da6a3ce929d0e0e4736:00f067aa0ba902b7'))"
                     " = 'text'"),
                 1);
    }

    /// A page load's OTLP key is stored naming its trace's row; what named it before it arrived (a call,
    /// a web vital) still finds it by the key's text, and a re-import adds nothing.
    void otlpPageLoadKeysFindTheirItems()
    {
        const std::string path = dbPath("pageload-keys.seam");
        const std::string trace = "0af7651916cd43dd8448eb211c80319c";
        const std::string key = "otel:" + trace + ":b7ad6b7169203331";
        const TimeNs t0 = 1'700'000'000'000'000'000;
        auto pageLoad = [&] {
            RecordBatch b;
            PageLoadRecord p;
            p.key = key;
            p.sessionKey = "s1";
            p.url = "https://shop.example/";
            p.start = t0;
            p.duration = 900'000'000;
            p.reporter = "otel";
            b.pageLoads.push_back(p);
            return b;
        };
        {
            StoreWriter writer(path);
            RecordBatch early;
            ResourceRecord r;
            r.key = "har:call-1";
            r.pageLoadKey = key;
            r.sessionKey = "s1";
            r.type = "fetch";
            r.url = "https://shop.example/api";
            r.start = t0 + 100'000'000;
            early.resources.push_back(r);
            early.vitals.push_back(VitalRecord{key, "s1", t0 + 200'000'000, "lcp", 750});
            writer.submit(0, std::move(early));
            QVERIFY(writer.flush());
            writer.submit(0, pageLoad());
            QVERIFY(writer.flush());
            writer.submit(0, pageLoad()); // the same again: a re-import
            QVERIFY(writer.flush());
        }
        Database db = store::openForReading(path);
        QCOMPARE(
            textRows(
                db,
                "SELECT resource_key_text(p.key) || ' ' || length(p.key) || ' ' || p.lcp_ns || ' ' || "
                "(SELECT count(*) FROM resources r WHERE r.page_load_id = p.id) || ' ' || "
                "(SELECT r.lcp_ns FROM page_load_reports r WHERE r.page_load_id = p.id) FROM page_loads p"),
            QStringList{QString::fromStdString(key + " 17 750000000 1 750000000")});
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_load_reports"), 1);
        QCOMPARE(
            db.queryInt(
                "SELECT count(*) FROM traces WHERE id = (SELECT resource_key_trace(key) FROM page_loads)"),
            1);
    }

    void aV15CacheNamesTracesByRow()
    {
        const auto path = dbPath("v16.seam");
        QVERIFY(!test::writeDemoCache(QString::fromStdString(path), 60).isEmpty());
        std::vector<std::pair<std::int64_t, std::string>> written;
        QStringList events; // long tasks' and actions' keys
        std::int64_t traces = 0;
        const char* eventKeys =
            "SELECT 'task ' || resource_key_text(key) FROM long_tasks UNION ALL SELECT "
            "'action ' || resource_key_text(key) FROM actions UNION ALL SELECT 'load ' || "
            "resource_key_text(key) FROM page_loads UNION ALL SELECT 'report ' || "
            "resource_key_text(key) FROM page_load_reports ORDER BY 1";
        {
            Database fresh = store::openForReading(path);
            written = keys(fresh);
            events = textRows(fresh, eventKeys);
            traces = fresh.queryInt("SELECT count(*) FROM traces");
            QCOMPARE(fresh.queryInt("SELECT count(*) FROM long_tasks WHERE length(key) <> 17"), 0);
            QCOMPARE(fresh.queryInt("SELECT count(*) FROM actions WHERE length(key) <> 17"), 0);
            QCOMPARE(fresh.queryInt("SELECT count(*) FROM page_loads WHERE length(key) <> 17"), 0);
        }
        QVERIFY(events.size() > 50);
        QVERIFY(events.front().startsWith(QLatin1String("action otel:")));
        QVERIFY(written.size() > 500);
        const auto old = dbPath("v15.seam");
        std::filesystem::copy_file(path, old);
        {
            // What the v11-v15 writer left: the trace id itself in the key (0x01), and one OTLP key as
            // text whose trace the cache does not hold (an upper-case one stays text: it does not pack).
            Database db(old, Database::Mode::ReadWrite);
            db.exec("UPDATE long_tasks SET key = resource_key_text(key)");
            db.exec("UPDATE page_loads SET key = resource_key_text(key)");
            db.exec("UPDATE page_load_reports SET key = resource_key_text(key)");
            db.exec("UPDATE actions SET key = resource_key_text(key)");
            db.exec("INSERT INTO actions(key, time_ns) VALUES ('5b2f7b4e-91c1-4e5a-8f0e-3a6c2d1b9e7f', 1)");
            db.exec("UPDATE resources SET key = CAST(x'01' || (SELECT trace_id FROM traces WHERE id = "
                    "resource_key_trace(key)) || substr(key, 10, 8) AS BLOB)");
            db.exec("INSERT INTO resources(key, type, url, start_ns) VALUES "
                    "('otel:0123456789abcdef0123456789abcdef:00000000000000a1', 'fetch', 'https://x/a', 1), "
                    "('otel:0123456789ABCDEF0123456789ABCDEF:00000000000000a2', 'fetch', 'https://x/b', 2)");
            QCOMPARE(db.queryInt("SELECT count(*) FROM resources WHERE length(key) = 25"),
                     std::int64_t(written.size()));
            db.exec("PRAGMA user_version = 15");
        }
        Database migrated = store::openForWriting(old);
        QCOMPARE(schema::schemaVersion(migrated), schema::kSchemaVersion);
        auto after = keys(migrated);
        QCOMPARE(after.size(), written.size() + 2);
        QCOMPARE(after.back().second, std::string("otel:0123456789ABCDEF0123456789ABCDEF:00000000000000a2"));
        QCOMPARE(after[after.size() - 2].second,
                 std::string("otel:0123456789abcdef0123456789abcdef:00000000000000a1"));
        after.resize(written.size());
        QCOMPARE(after, written);
        events << QStringLiteral("action 5b2f7b4e-91c1-4e5a-8f0e-3a6c2d1b9e7f");
        events.sort();
        QCOMPARE(textRows(migrated, eventKeys), events);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM long_tasks WHERE length(key) <> 17"), 0);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM actions WHERE typeof(key) <> 'blob'"), 0);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM page_loads WHERE length(key) <> 17"), 0);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM page_load_reports r JOIN page_loads p ON p.id = "
                                   "r.page_load_id WHERE r.key <> p.key"),
                 0);
        // Every key that packs names its trace by row; the trace the cache lacked got one, without spans.
        QCOMPARE(
            migrated.queryInt("SELECT count(*) FROM resources WHERE typeof(key) = 'blob' AND (length(key) "
                              "<> 17 OR resource_key_trace(key) NOT IN (SELECT id FROM traces))"),
            0);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM traces"), traces + 1);
        QCOMPARE(
            migrated.queryInt("SELECT span_count FROM traces WHERE trace_lo = trace_lo(x'0123456789abcdef0"
                              "123456789abcdef') AND trace_id = x'0123456789abcdef0123456789abcdef'"),
            0);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM resources WHERE key = "
                                   "resource_key('otel:0123456789abcdef0123456789abcdef:00000000000000a1')"),
                 1);
        // The keys follow arrival: in the writer's own order of resources (their row ids), each key's
        // trace row is never far below the highest before it (the demo's batches interleave sessions).
        QVERIFY(
            migrated.queryInt("SELECT count(*) FROM resources a JOIN resources b ON b.id = a.id + 1 WHERE "
                              "resource_key_trace(b.key) < resource_key_trace(a.key) - 1000") <
            std::int64_t(written.size() / 20));
    }

    void aV10CacheMigratesToPackedKeysAndNarrowReach()
    {
        const auto path = dbPath("v11.seam");
        QVERIFY(!test::writeDemoCache(QString::fromStdString(path), 100).isEmpty());
        Database fresh = store::openForReading(path);
        const auto written = keys(fresh);
        const auto reach = reachRows(fresh);
        QVERIFY(written.size() > 1000);
        QVERIFY(reach.size() > 500);
        QCOMPARE(fresh.queryInt("SELECT count(*) FROM resources WHERE typeof(key) <> 'blob'"), 0);
        // The demo's keys are all OTLP keys: 17 bytes each, naming a trace the cache holds.
        QCOMPARE(fresh.queryInt("SELECT count(*) FROM resources WHERE length(key) <> 17"), 0);
        QCOMPARE(fresh.queryInt("SELECT count(*) FROM resources WHERE resource_key_trace(key) NOT IN "
                                "(SELECT id FROM traces)"),
                 0);

        const auto old = dbPath("v10.seam");
        std::filesystem::copy_file(path, old);
        {
            // The shape and contents the v10 writer left: text keys, page_load_reach with span_id (the
            // entry spans the rows stand for) and the v10 trigger.
            Database db(old, Database::Mode::ReadWrite);
            db.exec(R"sql(
UPDATE resources SET key = resource_key_text(key);
UPDATE page_loads SET key = resource_key_text(key);
UPDATE page_load_reports SET key = resource_key_text(key);
DROP TRIGGER page_load_reach_gone;
ALTER TABLE page_load_reach RENAME TO reach_v11;
CREATE TABLE page_load_reach (
    service_id   INTEGER NOT NULL,
    start_ns     INTEGER NOT NULL,
    page_load_id INTEGER NOT NULL,
    trace        INTEGER NOT NULL,
    span_id      INTEGER NOT NULL,
    duration_ns  INTEGER NOT NULL,
    error        INTEGER NOT NULL,
    PRIMARY KEY (service_id, start_ns, page_load_id, trace, span_id)
) WITHOUT ROWID;
INSERT INTO page_load_reach SELECT r.service_id, r.start_ns, r.page_load_id, r.trace, s.span_id,
    s.end_ns - s.start_ns, s.status_code = 2 FROM reach_v11 r JOIN spans s ON s.trace = r.trace AND
    s.service_id = r.service_id AND s.start_ns = r.start_ns AND (s.kind IN (2, 5) OR s.parent_span_id = 0);
DROP TABLE reach_v11;
CREATE TRIGGER page_load_reach_gone AFTER DELETE ON page_loads BEGIN
    DELETE FROM page_load_reach WHERE (service_id, start_ns, page_load_id, trace, span_id) IN
        (SELECT s.service_id, s.start_ns, t.page_load_id, s.trace, s.span_id FROM page_load_reach_traces t
         JOIN spans s ON s.trace = t.trace WHERE t.page_load_id = old.id);
    DELETE FROM page_load_reach_traces WHERE page_load_id = old.id;
END;
)sql");
            // Keys of the other sources' forms, and two entry spans of one service starting together.
            db.exec("INSERT INTO resources(key, type, url, start_ns) VALUES "
                    "('dd:0123456789abcdef', 'fetch', 'https://x/a', 1), "
                    "('5b2f7b4e-91c1-4e5a-8f0e-3a6c2d1b9e7f', 'fetch', 'https://x/b', 2), "
                    "('har:s/entry/0', 'fetch', 'https://x/c', 3)");
            // The first row as reachRows orders them gets a twin span (span id 1).
            auto first = db.prepare(
                "SELECT r.service_id, r.start_ns, r.page_load_id, r.trace FROM page_load_reach r JOIN "
                "page_loads p ON p.id = r.page_load_id ORDER BY r.service_id, r.start_ns, "
                "resource_key_text(p.key), r.trace "
                "LIMIT 1");
            QVERIFY(first.step());
            auto twin = db.prepare("INSERT INTO page_load_reach VALUES (?1, ?2, ?3, ?4, 1, 9e18, 1)");
            twin.bind(1, first.int64(0))
                .bind(2, first.int64(1))
                .bind(3, first.int64(2))
                .bind(4, first.int64(3));
            twin.run();
            QVERIFY(schema::kSchemaVersion >= 11); // later steps run after it on the same cache
            for (const schema::MigrationStep& step : schema::migrationSteps())
                if (step.apply == &schema::packResourceKeys)
                    db.exec("PRAGMA user_version = " + std::to_string(step.toVersion - 1));
        }
        Database migrated = store::openForWriting(old);
        QCOMPARE(schema::schemaVersion(migrated), schema::kSchemaVersion);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM resources WHERE typeof(key) <> 'blob'"), 1); // har
        auto after = keys(migrated);
        QCOMPARE(after.size(), written.size() + 3);
        const std::vector<std::string> others{after[after.size() - 3].second, after[after.size() - 2].second,
                                              after.back().second};
        QCOMPARE(others, (std::vector<std::string>{"dd:0123456789abcdef",
                                                   "5b2f7b4e-91c1-4e5a-8f0e-3a6c2d1b9e7f", "har:s/entry/0"}));
        after.resize(written.size());
        QCOMPARE(after, written);
        QCOMPARE(migrated.queryInt(
                     "SELECT length(key) FROM resources WHERE key = resource_key('dd:0123456789abcdef')"),
                 9);
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM resources WHERE key = 'har:s/entry/0'"), 1);

        // The twin span's row merged into its sibling's: the longer duration, the error of either.
        auto migratedReach = reachRows(migrated);
        QCOMPARE(migratedReach.size(), reach.size());
        QCOMPARE(std::get<4>(migratedReach.front()), std::int64_t(9e18));
        QCOMPARE(std::get<5>(migratedReach.front()), std::int64_t(1));
        migratedReach.erase(migratedReach.begin());
        QCOMPARE(migratedReach, std::vector<ReachRow>(reach.begin() + 1, reach.end()));
        QCOMPARE(objects(migrated), objects(fresh));

        // The new trigger takes a deleted page load's rows along, and only its own.
        const std::int64_t id = migrated.queryInt("SELECT page_load_id FROM page_load_reach LIMIT 1");
        const std::int64_t mine = migrated.queryInt(
            "SELECT count(*) FROM page_load_reach WHERE page_load_id = " + std::to_string(id));
        const std::int64_t all = migrated.queryInt("SELECT count(*) FROM page_load_reach");
        QVERIFY(mine > 0);
        migrated.exec("DELETE FROM page_loads WHERE id = " + std::to_string(id));
        QCOMPARE(migrated.queryInt("SELECT count(*) FROM page_load_reach"), all - mine);
    }
};

QTEST_GUILESS_MAIN(TestResourceKey)
#include "tst_resourcekey.moc"
