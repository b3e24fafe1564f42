// Schema step "sort keys by the writer" (models/store/SortKeysByWriter) on a cache of the previous
// version: the report's insert trigger is replaced by one that leaves a page load alone when its keys
// already show the report's format (what the writer's insert now writes), and still fills them for a
// page load someone inserted without keys. The writer's page loads carry the joined values.

#include "PageLoadSortKeys.h"
#include "RecordFactory.h"
#include "Schema.h"
#include "SchemaMigrations.h"
#include "SchemaV1.h"
#include "SortKeysByWriter.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

void makePreviousVersionCache(const std::string& path)
{
    int previous = 0;
    for (const schema::MigrationStep& step : schema::migrationSteps())
        if (step.apply == &schema::letWritersSetSortKeys)
            previous = step.toVersion - 1;
    Database db(path, Database::Mode::ReadWrite);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec(testing::kSchemaV1Ddl);
    db.exec("PRAGMA application_id = " + std::to_string(schema::kApplicationId));
    for (const schema::MigrationStep& step : schema::migrationSteps())
        if (step.toVersion <= previous)
            step.apply(db);
    db.exec("PRAGMA user_version = " + std::to_string(previous));
    db.exec(R"sql(
INSERT INTO services(id, name, version, is_browser) VALUES (1, 'shop-web', '5.0.0', 1);
INSERT INTO sessions(id, key, browser, country, app_version) VALUES (7, 's-7', 'Safari', 'DE', NULL);
INSERT INTO page_loads(id, key, session_id, app_service_id, url, route, start_ns)
    VALUES (1, 'pl-1', 7, 1, 'https://shop/', '/', 100);
INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns)
    VALUES (1, 'pl-1', 'har', '', '', 0);
)sql");
}

QString keysOf(Database& db, int id)
{
    Statement st = db.prepare("SELECT quote(sort_browser), quote(sort_country), quote(sort_app_version), "
                              "quote(sort_sources) FROM page_loads WHERE id = ?1");
    st.bind(1, id);
    if (!st.step())
        return QStringLiteral("missing");
    QStringList parts;
    for (int i = 0; i < 4; ++i)
        parts << QString::fromUtf8(st.text(i).data(), qsizetype(st.text(i).size()));
    return parts.join(QLatin1Char(' '));
}

int triggerCount(Database& db, const char* name)
{
    auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = ?1");
    st.bindText(1, name);
    return st.step() ? int(st.int64(0)) : -1;
}

} // namespace

class TestSortKeysByWriter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void theStepReplacesTheReportTrigger()
    {
        const std::string file = m_dir.filePath(QStringLiteral("v8.seam")).toStdString();
        makePreviousVersionCache(file);
        {
            Database old(file, Database::Mode::ReadOnly);
            QVERIFY(!schema::writersSetSortKeys(old));
            QCOMPARE(triggerCount(old, "reports_sort_keys_on_insert"), 1);
        }
        Database db = store::openForWriting(file);
        QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        QVERIFY(schema::writersSetSortKeys(db));
        QCOMPARE(triggerCount(db, "reports_sort_keys_on_insert"), 0);
        // What the older version computed stays.
        QCOMPARE(keysOf(db, 1), QStringLiteral("'Safari' 'DE' '5.0.0' 'har'"));

        // Inserted without keys (a test, an extract of an older file): the trigger still fills them.
        db.exec(R"sql(
INSERT INTO page_loads(id, key, session_id, app_service_id, url, route, start_ns) VALUES (2, 'pl-2', 7, 1, 'u', '/', 1);
INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns) VALUES (2, 'pl-2', 'otel', '', '', 0);
)sql");
        QCOMPARE(keysOf(db, 2), QStringLiteral("'Safari' 'DE' '5.0.0' 'otel'"));

        // Inserted with keys that show the report's format (the writer): the row is left as it is; the
        // odd browser proves that the trigger wrote nothing.
        db.exec(R"sql(
INSERT INTO page_loads(id, key, session_id, url, route, start_ns, sort_browser, sort_sources) VALUES (3, 'pl-3', 7, 'u', '/', 1, 'odd', 'faro');
INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns) VALUES (3, 'pl-3', 'faro', '', '', 0);
)sql");
        QCOMPARE(keysOf(db, 3), QStringLiteral("'odd' NULL NULL 'faro'"));
        // A report of another format: recomputed as before.
        db.exec("INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns) VALUES (3, "
                "'pl-3-otel', 'otel', '', '', 0)");
        QCOMPARE(keysOf(db, 3), QStringLiteral("'Safari' 'DE' NULL 'otel,faro'"));

        // Running the step again changes nothing.
        schema::letWritersSetSortKeys(db);
        QCOMPARE(triggerCount(db, "reports_sort_keys_on_unsorted_insert"), 1);
    }

    void theWritersPageLoadsCarryTheJoinedValues()
    {
        const std::string file = m_dir.filePath(QStringLiteral("writer.seam")).toStdString();
        {
            StoreWriter writer(file);
            const std::int64_t source = writer.beginSource("test", "memory");
            RecordBatch first = test::browserBatch(1, test::traceId(1), 0x11, 1'000'000'000);
            first.pageLoads[0].reporter = "faro";
            first.sessions[0].appVersion = "4.3.0";
            writer.submit(source, std::move(first));
            // No session values: the app's version stands in; no reporter: "other".
            // Another page (a page load of the same URL and time from another reporter would be merged
            // with the first).
            RecordBatch second = test::browserBatch(2, test::traceId(2), 0x22, 900'000'000'000);
            second.pageLoads[0].url = "https://shop.example/cart";
            second.pageLoads[0].route = "/cart";
            second.sessions[0].browser.clear();
            second.sessions[0].country.clear();
            writer.submit(source, std::move(second));
            QVERIFY(writer.flush());
        }
        Database db(file, Database::Mode::ReadOnly);
        // The writer's keys are exactly what the v6 definition computes from the joined rows.
        Statement st = db.prepare(
            "SELECT count(*), sum(p.sort_browser IS s.browser AND p.sort_country IS s.country AND "
            "p.sort_app_version IS coalesce(s.app_version, a.version) AND p.sort_sources IS "
            "(SELECT group_concat(format, ',') FROM page_load_reports r WHERE r.page_load_id = p.id)) "
            "FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
            "LEFT JOIN services a ON a.id = p.app_service_id");
        QVERIFY(st.step());
        QCOMPARE(st.int64(0), 2);
        QCOMPARE(st.int64(1), 2);
        Statement keys = db.prepare("SELECT id FROM page_loads ORDER BY id");
        QVERIFY(keys.step());
        QCOMPARE(keysOf(db, int(keys.int64(0))), QStringLiteral("'Chrome' 'DE' '4.3.0' 'faro'"));
        QVERIFY(keys.step());
        QCOMPARE(keysOf(db, int(keys.int64(0))), QStringLiteral("NULL NULL '4.2.0' 'other'"));
    }
};

QTEST_MAIN(TestSortKeysByWriter)
#include "tst_sortkeysbywriter.moc"
