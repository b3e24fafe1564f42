// Schema migration (models/store/Schema + SchemaMigrations) on a real v1 cache built from the v1 DDL
// kept in tests/support/SchemaV1.h: a reader or a writer brings a writable one to the current version
// (a reader reads one it cannot upgrade as it is)
// in one transaction, and nothing that was in it is lost.

#include "Notes.h"
#include "PayloadMigration.h"
#include "Schema.h"
#include "SchemaMigrations.h"
#include "SchemaV1.h"
#include "Sqlite.h"
#include "StateTable.h"
#include "Store.h"
#include "StoreQueries.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

/// The first column of the first row as text ("" when there is none).
std::string queryText(Database& db, const std::string& sql)
{
    Statement st = db.prepare(sql);
    return st.step() ? std::string(st.text(0)) : std::string();
}

/// A v1 cache with rows in the tables a review touches, as Seam 1 would have left it.
void makeV1Cache(const std::string& path)
{
    Database db(path, Database::Mode::ReadWrite);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(testing::kSchemaV1Ddl);
    db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId));
    db.exec("PRAGMA user_version = 1");
    db.exec(R"sql(
INSERT INTO meta VALUES ('rollup_bucket_ns', '10000000000'), ('created_by', 'seam 1.0.0'),
                        ('conversion.definition', 'route:/checkout/confirmation');
INSERT INTO sources(id, kind, path, format, started_ns, status, accepted) VALUES (1, 'file', 'a.pb', 'otlp', 5, 'done', 3);
INSERT INTO services(id, name, version) VALUES (1, 'payments', '1.2'), (2, 'gateway', '');
INSERT INTO operations VALUES (1, 1, 'SELECT payment_accounts'), (2, 2, 'POST /api/checkout');
INSERT INTO traces(id, trace_id, trace_lo, start_ns, end_ns, span_count) VALUES
    (1, x'4bf92f3577b34da6a3ce929d0e0e4736', -6643211197081565386, 1000, 9000, 2);
INSERT INTO spans VALUES (1, 10, 0, 2, 2, 2, 1000, 9000, 2, NULL, 1), (1, 11, 10, 1, 1, 3, 2000, 8000, 0, 1, 1);
INSERT INTO span_payloads(id, attributes) VALUES (1, '{"db.system":"postgresql"}');
INSERT INTO sessions(id, key, browser, start_ns) VALUES (7, 's-7', 'Safari', 500);
INSERT INTO page_loads(id, key, session_id, url, route, start_ns, duration_ns, services, trace)
    VALUES (4711, 'pl-1', 7, 'https://shop/checkout', '/checkout', 900, 3800000000, 'gateway,payments', 1);
INSERT INTO resources(id, key, page_load_id, session_id, type, url, start_ns, trace, span_id)
    VALUES (3, 'r-3', 4711, 7, 'fetch', 'https://shop/api/checkout', 950, 1, 10);
INSERT INTO links VALUES (3, 1, 10, 'traceparent-header', 1.0, 42);
INSERT INTO rollups VALUES (1, 0, 0, 4, 1, 100, 50, x'0102');
INSERT INTO notes(id, created_ns, kind, target_type, target_id, from_ns, to_ns, title, text)
    VALUES (1, 100, 'bookmark', 'page_load', '4711', NULL, NULL, 'slow', 'checkout waits on payments'),
           (2, 200, 'note', 'time_range', NULL, 1000, 9000, NULL, 'the incident window');
)sql");
}

/// Writes into `db` (inside the caller's transaction) the schema Seam wrote at `version`: the v1 DDL
/// and the steps up to that version.
void writeSchemaAt(Database& db, int version)
{
    db.exec(testing::kSchemaV1Ddl);
    for (const schema::MigrationStep& step : schema::migrationSteps())
        if (step.toVersion <= version)
            step.apply(db);
    db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId));
    db.exec("PRAGMA user_version = " + std::to_string(version));
}

/// A v3 cache (the v1 DDL and the steps up to v3, as Seam wrote them) whose span payloads are JSON text
/// in the shapes the importers write: backend and browser attributes, events with times, links, scopes,
/// status messages, and values that need escapes or are not the writer's compact form.
void makeV3Cache(const std::string& path, int traces)
{
    Database db(path, Database::Mode::ReadWrite);
    db.exec("PRAGMA journal_mode = WAL");
    Transaction tx(db);
    writeSchemaAt(db, 3);
    db.exec(
        "INSERT INTO services(id, name, version) VALUES (1, 'payments', '1.2'), (2, 'shop-web', '4.2.0')");
    db.exec("INSERT INTO operations VALUES (1, 1, 'SELECT payment_accounts'), (2, 2, 'fetch POST')");
    auto trace = db.prepare("INSERT INTO traces(id, trace_id, trace_lo, start_ns, end_ns, span_count) "
                            "VALUES (?1, ?2, trace_lo(?2), ?3, ?3 + 9000000, 3)");
    auto span = db.prepare("INSERT INTO spans VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?6 + 1000000, ?7, ?8, 1)");
    auto payload = db.prepare("INSERT INTO span_payloads VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    std::int64_t nextPayload = 1;
    const std::int64_t t0 = 1795165407882436233;
    for (int t = 1; t <= traces; ++t) {
        unsigned char id[16];
        for (int i = 0; i < 16; ++i)
            id[i] = static_cast<unsigned char>((t * 31 + i * 7) & 0xff);
        const std::int64_t start = t0 + std::int64_t(t) * 1000000000;
        trace.bind(1, t).bindBlob(2, id, 16).bind(3, start).run();
        for (int k = 0; k < 3; ++k) {
            const std::string n = std::to_string(t);
            std::string attrs, events, links, scope, status;
            if (k == 0) {
                attrs = "{\"http.url\":\"https://www.shop.example/product/" + n +
                        "?ref=mail\",\"url.full\":"
                        "\"https://www.shop.example/product/" +
                        n + "?ref=mail\",\"session.id\":\"" + std::string(32, "0123456789abcdef"[t % 16]) +
                        "\",\"http.response_content_length\":" + std::to_string(t * 977) +
                        ",\"user_agent.original\":\"Mozilla/5.0 (X11; Linux x86_64) "
                        "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12" +
                        std::to_string(t % 7) + ".0\"}";
                events = "[{\"t\":" + std::to_string(start) +
                         ",\"name\":\"fetchStart\"},{\"t\":" + std::to_string(start + 200000 + t) +
                         ",\"name\":\"responseEnd\"},{\"t\":" + std::to_string(start + 300000) +
                         ",\"name\":\"browser.web_vital\",\"attributes\":"
                         "{\"browser.web_vital.name\":\"lcp\",\"browser.web_vital.value\":" +
                         std::to_string(209.25 + t) + "}}]";
                scope = "@opentelemetry/instrumentation-fetch";
            } else if (k == 1) {
                attrs = "{\"db.system\":\"postgresql\",\"db.statement\":\"SELECT balance FROM accounts WHERE "
                        "id = " +
                        n +
                        " AND note = 'it''s \\\"quoted\\\"\\n'\",\"server.port\":5432,"
                        "\"db.rows\":" +
                        std::to_string(t % 3 - 1) + ",\"sampled\":" + (t % 2 ? "true" : "false") +
                        ",\"ratio\":0." + n + "}";
                links =
                    "[{\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\","
                    "\"attributes\":{\"link.kind\":\"retry\"}}]";
                scope = "github.com/XSAM/otelsql";
                status = t % 5 ? "" : "deadlock detected";
            } else if (t % 4 == 0) {
                attrs = "{ \"spaced\" : \"json\" , \"u\": \"\\u00e9\"}"; // not the writer's form
            } else {
                attrs =
                    "{\"tags\":[\"a\",\"b\",1,2.5,null,{\"deep\":{\"k\":[]}}],\"big\":18446744073709551615}";
            }
            std::int64_t payloadId = nextPayload++;
            payload.bind(1, payloadId).bindTextOrNull(2, status).bindTextOrNull(3, attrs);
            payload.bindTextOrNull(4, events).bindTextOrNull(5, links).bindTextOrNull(6, scope).run();
            span.bind(1, t)
                .bind(2, 10 + k)
                .bind(3, k == 0 ? 0 : 10)
                .bind(4, k == 0 ? 2 : 1)
                .bind(5, k == 0 ? 3 : 3);
            span.bind(6, start + k * 1000).bind(7, k == 1 && t % 5 == 0 ? 2 : 0).bind(8, payloadId).run();
        }
    }
    tx.commit();
}

/// Every row of every v1 table, columns as v1 had them, in a stable order: what must survive.
QStringList dumpV1Tables(Database& db,
                         const std::vector<std::pair<std::string, std::vector<std::string>>>& tables)
{
    QStringList rows;
    for (const auto& [table, columns] : tables) {
        std::string list;
        for (const std::string& c : columns) {
            // Payloads are binary since v4: compared as the JSON they decode to.
            std::string column = c;
            if (table == "span_payloads" && (c == "attributes" || c == "events" || c == "links"))
                column = "span_" + c + "(" + c + ")";
            else if (table == "span_payloads" && c == "scope")
                column = "span_scope(scope)";
            list += (list.empty() ? "" : ", ") + ("quote(" + column + ")");
        }
        Statement st = db.prepare("SELECT " + list + " FROM " + table + " ORDER BY 1, 2");
        while (st.step()) {
            QString row = QString::fromStdString(table) + QLatin1Char(':');
            for (int i = 0; i < st.columnCount(); ++i)
                row += QLatin1Char(' ') + QString::fromUtf8(st.text(i).data(), qsizetype(st.text(i).size()));
            rows << row;
        }
    }
    return rows;
}

std::vector<std::pair<std::string, std::vector<std::string>>> v1Columns(Database& db)
{
    std::vector<std::pair<std::string, std::vector<std::string>>> tables;
    Statement names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (names.step()) {
        std::vector<std::string> columns;
        Statement info = db.prepare("SELECT name FROM pragma_table_info(?)");
        info.bindText(1, names.text(0));
        while (info.step())
            columns.emplace_back(info.text(0));
        tables.emplace_back(std::string(names.text(0)), std::move(columns));
    }
    return tables;
}

/// The shape of every table and index (name, columns with types and defaults), to compare a migrated
/// file with a new one.
QStringList schemaShape(Database& db)
{
    QStringList shape;
    Statement objects =
        db.prepare("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name");
    while (objects.step()) {
        const std::string name(objects.text(1));
        QString line =
            QString::fromUtf8(objects.text(0).data()) + QLatin1Char(' ') + QString::fromStdString(name);
        Statement info =
            db.prepare("SELECT name, type, \"notnull\", quote(dflt_value), pk FROM pragma_table_info(?)");
        info.bindText(1, name);
        while (info.step())
            for (int i = 0; i < 5; ++i)
                line +=
                    QLatin1Char(' ') + QString::fromUtf8(info.text(i).data(), qsizetype(info.text(i).size()));
        shape << line;
    }
    return shape;
}

} // namespace

class TestSchemaMigration : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::string path(const char* name) { return m_dir.filePath(QLatin1String(name)).toStdString(); }

private slots:
    void aReaderBringsAWritableV1CacheForward()
    {
        // What reads the newer tables (the v3 page-load reports) must work on an old cache, so a reader
        // upgrades a file it could write; on read-only media it reads it as it is (the failing-step
        // case below shows the as-is reading).
        const auto file = path("reader.seam");
        makeV1Cache(file);
        Database db = store::openForReading(file);
        QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        QCOMPARE(db.queryInt("SELECT duration_ns FROM page_loads WHERE id = 4711"), 3800000000LL);
        const auto notes = notes::listNotes(db);
        QCOMPARE(notes.size(), std::size_t(2));
        QCOMPARE(notes[0].target.kind, notes::TargetKind::PageLoad);
        QCOMPARE(notes[0].target.id, 4711);
        QVERIFY(notes[0].bookmark);
        QCOMPARE(notes[0].text, std::string("checkout waits on payments"));
        QVERIFY(notes[0].author.empty() && notes[0].tags.empty() && notes[0].focus.empty());
        QCOMPARE(notes[1].target.kind, notes::TargetKind::TimeRange);
        QCOMPARE(*notes[1].target.from, 1000);
        QVERIFY(notes::listNotes(db, std::string("x")).empty());
        QVERIFY(store::readInvestigationState(db).empty());
        db = Database();
        Database check(file, Database::Mode::ReadOnly);
        QCOMPARE(schema::schemaVersion(check), schema::kSchemaVersion);
        QCOMPARE(check.queryInt("SELECT count(*) FROM page_load_reports WHERE page_load_id = 4711"), 1);
    }

    void aWriterMigratesKeepingEveryRow()
    {
        const auto file = path("writer.seam");
        makeV1Cache(file);
        QStringList before;
        std::vector<std::pair<std::string, std::vector<std::string>>> tables;
        {
            Database v1(file, Database::Mode::ReadOnly);
            tables = v1Columns(v1);
            before = dumpV1Tables(v1, tables);
        }
        QVERIFY(before.size() > 15);
        {
            Database db = store::openForWriting(file);
            QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        }
        Database db = store::openForReading(file);
        QCOMPARE(dumpV1Tables(db, tables), before);
        const auto notes = notes::listNotes(db);
        QCOMPARE(notes.size(), std::size_t(2));
        QCOMPARE(notes[0].title, std::string("slow"));
        QVERIFY(notes[0].author.empty() && !notes[0].updatedNs);
        QCOMPARE(db.queryInt("SELECT application_id FROM pragma_application_id"), schema::kApplicationId);
    }

    void aMigratedCacheHasTheShapeOfANewOne()
    {
        const auto old = path("shape-old.seam");
        makeV1Cache(old);
        store::openForWriting(old);
        store::openForWriting(path("shape-new.seam"));
        Database a = store::openForReading(old);
        Database b = store::openForReading(path("shape-new.seam"));
        QCOMPARE(schemaShape(a), schemaShape(b));
        QVERIFY(schemaShape(b).join(QLatin1Char('\n')).contains(QLatin1String("table note_tags")));
    }

    void theMigratedCacheTakesV2Notes()
    {
        const auto file = path("v2notes.seam");
        makeV1Cache(file);
        Database db = store::openForWriting(file);
        notes::Note n;
        n.target = {notes::TargetKind::Span, 0, "4BF92F3577B34DA6A3CE929D0E0E4736", "000000000000000b"};
        n.text = "the lock";
        n.author = "ana";
        n.tags = {"#DB-lock", "payments", "db-lock "};
        n.focus = R"({"filter":"route:/checkout"})";
        const auto id = notes::addNote(db, n);
        const auto tagged = notes::listNotes(db, std::string("db-lock"));
        QCOMPARE(tagged.size(), std::size_t(1));
        QCOMPARE(tagged[0].id, id);
        QCOMPARE(tagged[0].tags, (std::vector<std::string>{"db-lock", "payments"}));
        QCOMPARE(tagged[0].target.traceId, std::string("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(tagged[0].focus, n.focus);
        QCOMPARE(notes::listNotes(db).size(), std::size_t(3));
    }

    void aV3CacheMigratesToBinaryPayloadsKeepingEveryByte()
    {
        const auto file = path("v3.seam");
        const int traces = 200;
        makeV3Cache(file, traces);
        QStringList payloadsBefore;
        QStringList tracesBefore;
        std::int64_t textBytes = 0;
        {
            // Read as it is (immutable: no migration): what a v3 Seam showed.
            Database v3(file, Database::Mode::Immutable);
            payloadsBefore = dumpV1Tables(
                v3, {{"span_payloads", {"id", "status_message", "attributes", "events", "links", "scope"}}});
            textBytes =
                v3.queryInt("SELECT sum(coalesce(length(attributes), 0) + coalesce(length(events), 0) + "
                            "coalesce(length(links), 0) + coalesce(length(scope), 0)) FROM span_payloads");
            StoreQueries q(v3);
            auto ids = v3.prepare("SELECT lower(hex(trace_id)) FROM traces ORDER BY id");
            while (ids.step())
                tracesBefore << QString::fromUtf8(
                    QJsonDocument(q.trace(std::string(ids.text(0)))).toJson(QJsonDocument::Compact));
        }
        QCOMPARE(payloadsBefore.size(), traces * 3);
        QVERIFY(tracesBefore.first().contains(QLatin1String("fetchStart")));
        store::openForWriting(file);
        Database db = store::openForReading(file);
        QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        QCOMPARE(dumpV1Tables(db, {{"span_payloads",
                                    {"id", "status_message", "attributes", "events", "links", "scope"}}}),
                 payloadsBefore);
        QStringList tracesAfter;
        StoreQueries q(db);
        auto ids = db.prepare("SELECT lower(hex(trace_id)) FROM traces ORDER BY id");
        while (ids.step())
            tracesAfter << QString::fromUtf8(
                QJsonDocument(q.trace(std::string(ids.text(0)))).toJson(QJsonDocument::Compact));
        QCOMPARE(tracesAfter, tracesBefore);
        // Binary (but for the JSON not in the writer's form), scopes by id, and far smaller.
        QCOMPARE(db.queryInt("SELECT count(*) FROM span_payloads WHERE typeof(attributes) <> 'blob'"), 0);
        QCOMPARE(db.queryInt("SELECT count(*) FROM span_payloads WHERE substr(attributes, 1, 1) = x'00'"),
                 traces / 4);
        QCOMPARE(
            db.queryInt("SELECT count(*) FROM span_payloads WHERE typeof(scope) NOT IN ('integer', 'null')"),
            0);
        const std::int64_t binaryBytes =
            db.queryInt("SELECT sum(coalesce(length(attributes), 0) + coalesce(length(events), 0) + "
                        "coalesce(length(links), 0) + 2 * (scope IS NOT NULL)) FROM span_payloads");
        QVERIFY2(binaryBytes * 2 < textBytes,
                 (std::to_string(binaryBytes) + " of " + std::to_string(textBytes)).c_str());
        // The documented view reads the migrated rows.
        QCOMPARE(db.queryInt(
                     "SELECT count(*) FROM span_attributes WHERE key = 'db.system' AND value = 'postgresql'"),
                 traces);
    }

    void aV11CacheGainsActionValues()
    {
        // A v11 cache (its actions written, no action_values) opened for writing gains the table and its
        // trigger; its actions stay; a deleted action takes its values along.
        const auto file = path("v11.seam");
        {
            Database db = store::openForWriting(file);
            db.exec("INSERT INTO actions(id, key, session_id, time_ns, type, name) VALUES (7, 'a7', NULL, 5, "
                    "'custom', 'purchase')");
            db.exec("DROP TRIGGER action_values_gone; DROP TABLE action_values; PRAGMA user_version = 11");
        }
        Database db = store::openForWriting(file);
        QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        QCOMPARE(db.queryInt("SELECT count(*) FROM actions"), 1);
        db.exec("INSERT INTO action_values VALUES (7, 'order.value', 129.5), (7, 'order.items', 2)");
        QCOMPARE(db.queryInt("SELECT count(*) FROM action_values"), 2);
        db.exec("DELETE FROM actions WHERE id = 7");
        QCOMPARE(db.queryInt("SELECT count(*) FROM action_values"), 0);
    }

    void aV12CacheGainsPageLoadValues()
    {
        // A v12 cache (a page load written, no page_load_values) opened for writing gains the table and
        // its trigger; its page load stays; a deleted page load takes its values along.
        const auto file = path("v12.seam");
        {
            Database db = store::openForWriting(file);
            db.exec("INSERT INTO page_loads(id, key, url, route, start_ns) VALUES (3, 'v3', 'https://x/a', "
                    "'/a', 5)");
            db.exec(
                "DROP TRIGGER page_load_values_gone; DROP TABLE page_load_values; PRAGMA user_version = 12");
        }
        Database db = store::openForWriting(file);
        QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_loads"), 1);
        db.exec("INSERT INTO page_load_values VALUES (3, 'order.value', 129.5)");
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_load_values"), 1);
        db.exec("DELETE FROM page_loads WHERE id = 3");
        QCOMPARE(db.queryInt("SELECT count(*) FROM page_load_values"), 0);
    }

    void aV13CacheFindsItsTracesByTheirLowBits()
    {
        // A v13 cache (traces with UNIQUE trace_id, the views, a user's own view over traces) opened for
        // writing: traces rebuilt without trace_id's index, every row and id kept, the views back as they
        // were, lookups through traces_by_lo (tst_concurrentwriters checks that writers add no trace
        // twice).
        const auto file = path("v13.seam");
        {
            Database db(file, Database::Mode::ReadWrite);
            db.exec("PRAGMA journal_mode = WAL");
            Transaction tx(db);
            writeSchemaAt(db, 13);
            db.exec(R"sql(
INSERT INTO services(id, name, version) VALUES (1, 'payments', '1.2');
INSERT INTO operations VALUES (1, 1, 'SELECT payment_accounts');
INSERT INTO traces(id, trace_id, trace_lo, start_ns, end_ns, span_count, error_count) VALUES
    (5, x'4bf92f3577b34da6a3ce929d0e0e4736', -6643211197081565386, 1000, 9000, 1, 1),
    (9, x'00000000000000000000000000000010', 16, 2000, 3000, 0, 0);
INSERT INTO spans VALUES (5, 10, 0, 1, 1, 2, 1000, 9000, 2, NULL, NULL);
CREATE VIEW my_slow_traces AS SELECT lower(hex(trace_id)) AS id FROM traces WHERE end_ns - start_ns > 5000;
)sql");
            tx.commit();
            QVERIFY(db.queryInt("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'traces' AND name LIKE "
                                "'sqlite_autoindex_%'") == 1);
        }
        Database db = store::openForWriting(file);
        QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        QCOMPARE(db.queryInt("SELECT count(*) FROM sqlite_schema WHERE tbl_name = 'traces' AND name LIKE "
                             "'sqlite_autoindex_%'"),
                 0);
        // And the v15 step after it: the dictionary's owners.
        QCOMPARE(db.queryInt("SELECT count(*) FROM pragma_table_info('attribute_keys') WHERE name = 'owner'"),
                 1);
        QCOMPARE(queryText(db, "SELECT group_concat(id || ':' || hex(trace_id) || ':' || trace_lo || ':' || "
                               "coalesce(start_ns, '') || ':' || span_count || ':' || error_count, ' ') FROM "
                               "(SELECT * FROM traces ORDER BY id)"),
                 std::string("5:4BF92F3577B34DA6A3CE929D0E0E4736:-6643211197081565386:1000:1:1 "
                             "9:00000000000000000000000000000010:16:2000:0:0"));
        QCOMPARE(queryText(db, "SELECT id FROM my_slow_traces"),
                 std::string("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(queryText(db, "SELECT trace_id FROM v_spans"),
                 std::string("4bf92f3577b34da6a3ce929d0e0e4736"));
        QCOMPARE(db.queryInt("SELECT count(*) FROM sqlite_schema WHERE name IN ('traces_by_lo', "
                             "'traces_by_start', 'v_spans', 'v_links', 'span_attributes', 'my_slow_traces')"),
                 6);
        // trace_lo(): what the column holds, from a blob or from hex; NULL for what is not a trace id.
        QCOMPARE(db.queryInt("SELECT trace_lo(x'4bf92f3577b34da6a3ce929d0e0e4736')"), -6643211197081565386LL);
        QCOMPARE(db.queryInt("SELECT trace_lo('4BF92F3577B34DA6A3CE929D0E0E4736')"), -6643211197081565386LL);
        QCOMPARE(db.queryInt("SELECT trace_lo('0000000000000010')"), 16);
        QCOMPARE(db.queryInt("SELECT trace_lo('not hex') IS NULL AND trace_lo('10') IS NULL AND "
                             "trace_lo(x'01') IS NULL"),
                 1);
        // The documented lookup goes through the index.
        QString plan;
        {
            Statement st = db.prepare("EXPLAIN QUERY PLAN SELECT id FROM traces WHERE trace_lo = "
                                      "trace_lo(x'4bf92f3577b34da6a3ce929d0e0e4736') AND trace_id = "
                                      "x'4bf92f3577b34da6a3ce929d0e0e4736'");
            while (st.step())
                plan += QString::fromStdString(std::string(st.text(3)));
        }
        QVERIFY2(plan.contains(QLatin1String("SEARCH traces USING INDEX traces_by_lo")) &&
                     plan.contains(QLatin1String("trace_lo=?")),
                 qPrintable(plan));
        // Readers find a trace by its id (StoreQueries, notes).
        StoreQueries queries(db);
        QCOMPARE(queries.trace("4bf92f3577b34da6a3ce929d0e0e4736").value(QLatin1String("span_count")).toInt(),
                 1);
        notes::Note n;
        n.target = {notes::TargetKind::Span, 0, "4bf92f3577b34da6a3ce929d0e0e4736", "000000000000000a"};
        n.text = "the lock";
        QVERIFY(notes::addNote(db, n) > 0);
        n.target.spanId = "000000000000000b";
        QVERIFY_THROWS_EXCEPTION(notes::TargetError, notes::addNote(db, n));
    }

    void aFailingStepLeavesTheV1FileAsItWas()
    {
        // A v1 file that already has a table the step creates (someone's experiment): the step fails
        // half-way, and the transaction must leave version 1 and the notes' columns untouched.
        const auto file = path("conflict.seam");
        makeV1Cache(file);
        {
            Database db(file, Database::Mode::ReadWrite);
            db.exec("CREATE TABLE investigation_state (x)");
        }
        QVERIFY_THROWS_EXCEPTION(SqliteError, store::openForWriting(file));
        Database db = store::openForReading(file);
        QCOMPARE(schema::schemaVersion(db), 1);
        QCOMPARE(db.queryInt("SELECT count(*) FROM pragma_table_info('notes') WHERE name = 'author'"), 0);
        QCOMPARE(db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'note_tags'"), 0);
    }
};

QTEST_GUILESS_MAIN(TestSchemaMigration)
#include "tst_schemamigration.moc"
