// Schema step "page-load sort keys" (models/store/PageLoadSortKeys) on a cache of the previous version:
// a v3 file (the v1 DDL of tests/support/SchemaV1.h and the steps before this one) with sessions, an app
// service and page loads with one and two reports is brought forward by a writer; every page load's
// sort_* values are then the joined values, the indexes exist, and the triggers keep the values right
// as sessions, services and reports change afterwards.

#include "PageLoadSortKeys.h"
#include "Schema.h"
#include "SchemaMigrations.h"
#include "SchemaV1.h"
#include "Sqlite.h"
#include "Store.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;

namespace {

/// The version before the sort keys: v1 plus every earlier step.
void makePreviousVersionCache(const std::string& path)
{
    int previous = 0;
    for (const schema::MigrationStep& step : schema::migrationSteps())
        if (step.apply == &schema::addPageLoadSortKeys)
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
INSERT INTO sessions(id, key, browser, country, app_version) VALUES (7, 's-7', 'Safari', 'DE', NULL),
                                                                    (8, 's-8', 'Chrome', NULL, '4.2.0');
INSERT INTO page_loads(id, key, session_id, app_service_id, url, route, start_ns)
    VALUES (1, 'pl-1', 7, 1, 'https://shop/', '/', 100), (2, 'pl-2', 8, 1, 'https://shop/cart', '/cart', 200),
           (3, 'pl-3', NULL, NULL, 'https://shop/help', '/help', 300);
INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns)
    VALUES (1, 'pl-1', 'har', '', '', 0), (1, 'pl-1-otel', 'otel', '', '', 0), (2, 'pl-2', 'faro', '', '', 0),
           (3, 'pl-3', 'datadog', '', '', 0);
)sql");
}

QStringList keys(Database& db)
{
    QStringList rows;
    Statement st = db.prepare("SELECT id, quote(sort_browser), quote(sort_country), quote(sort_app_version), "
                              "quote(sort_sources) FROM page_loads ORDER BY id");
    while (st.step()) {
        QString row = QString::number(st.int64(0));
        for (int i = 1; i < 5; ++i)
            row += QLatin1Char(' ') + QString::fromUtf8(st.text(i).data(), qsizetype(st.text(i).size()));
        rows << row;
    }
    return rows;
}

} // namespace

class TestPageLoadSortKeys : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void theStepFillsTheKeysOfAPreviousVersionCache()
    {
        const std::string file = m_dir.filePath(QStringLiteral("v3.seam")).toStdString();
        makePreviousVersionCache(file);
        {
            Database old(file, Database::Mode::ReadOnly);
            QVERIFY(!schema::hasPageLoadSortKeys(old));
        }
        Database db = store::openForWriting(file);
        QCOMPARE(schema::schemaVersion(db), schema::kSchemaVersion);
        QVERIFY(schema::hasPageLoadSortKeys(db));
        // The session's values, the app's version where the session has none, the formats in order.
        QCOMPARE(keys(db), (QStringList{QStringLiteral("1 'Safari' 'DE' '5.0.0' 'otel,har'"),
                                        QStringLiteral("2 'Chrome' NULL '4.2.0' 'faro'"),
                                        QStringLiteral("3 NULL NULL NULL 'datadog'")}));
        for (const char* index :
             {"page_loads_by_url", "page_loads_by_ttfb", "page_loads_by_lcp", "page_loads_by_errors",
              "page_loads_by_backend", "page_loads_by_services", "page_loads_by_browser",
              "page_loads_by_country", "page_loads_by_app_version", "page_loads_by_sources"}) {
            auto st = db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name = ?1");
            st.bindText(1, index);
            QVERIFY(st.step());
            QVERIFY2(st.int64(0) == 1, index);
        }

        // Afterwards, whoever writes: a session learns its country and loses its browser, a page load
        // moves to another session, a report is merged away and one arrives, a new page load gets its
        // first report, a service arrives after the page load naming it.
        db.exec(R"sql(
UPDATE sessions SET country = 'FR', browser = NULL WHERE id = 8;
UPDATE page_loads SET session_id = 8, app_service_id = 2 WHERE id = 3;
DELETE FROM page_load_reports WHERE key = 'pl-1-otel';
INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns) VALUES (2, 'pl-2-dd', 'datadog', '', '', 0);
INSERT INTO page_loads(id, key, session_id, url, route, start_ns) VALUES (4, 'pl-4', 7, 'https://shop/x', '/x', 400);
INSERT INTO page_load_reports(page_load_id, key, format, url, route, start_ns) VALUES (4, 'pl-4', 'otel', '', '', 0);
INSERT INTO services(id, name, version, is_browser) VALUES (2, 'shop-web', '5.1.0', 1);
UPDATE page_load_reports SET page_load_id = 4 WHERE key = 'pl-2-dd';
)sql");
        QCOMPARE(keys(db), (QStringList{QStringLiteral("1 'Safari' 'DE' '5.0.0' 'har'"),
                                        QStringLiteral("2 NULL 'FR' '4.2.0' 'faro'"),
                                        QStringLiteral("3 NULL 'FR' '4.2.0' 'datadog'"),
                                        QStringLiteral("4 'Safari' 'DE' NULL 'otel,datadog'")}));
        // A session inserted after its page loads (as an extract copies them) and a new session row.
        db.exec("UPDATE page_loads SET session_id = 9 WHERE id = 1");
        QCOMPARE(keys(db).at(0), QStringLiteral("1 NULL NULL '5.0.0' 'har'"));
        db.exec(
            "INSERT INTO sessions(id, key, browser, country, app_version) VALUES (9, 's-9', 'Edge', 'US', "
            "'4.3.0')");
        QCOMPARE(keys(db).at(0), QStringLiteral("1 'Edge' 'US' '4.3.0' 'har'"));
    }
};

QTEST_MAIN(TestPageLoadSortKeys)
#include "tst_pageloadsortkeys.moc"
