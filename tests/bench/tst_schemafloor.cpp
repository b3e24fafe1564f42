// bench_import's schema floor (SchemaFloor.h): the copy holds every row of every table, in tables with
// the same indexes, without the triggers and views; a range split into several transactions, keys that
// are not integers and a WITHOUT ROWID table's composite key lose no row; the times it reports add up.

#include "SchemaFloor.h"
#include "Sqlite.h"

#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::bench;

namespace {

std::vector<std::string> names(Database& db, const char* type)
{
    std::vector<std::string> out;
    auto st =
        db.prepare("SELECT name FROM sqlite_master WHERE type = ?1 AND name NOT LIKE 'sqlite_%' ORDER BY 1");
    st.bindText(1, type);
    while (st.step())
        out.emplace_back(st.text(0));
    return out;
}

} // namespace

class TestSchemaFloor : public QObject
{
    Q_OBJECT

private slots:
    void copiesEveryRowWithTheIndexesAndNoTriggers()
    {
        QTemporaryDir dir;
        const std::string cache = dir.filePath(QStringLiteral("cache.seam")).toStdString();
        const std::string copy = dir.filePath(QStringLiteral("floor.seam")).toStdString();
        {
            Database db(cache, Database::Mode::ReadWrite);
            db.exec("CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, size INTEGER);"
                    "CREATE INDEX items_by_size ON items(size);"
                    "CREATE TABLE pairs(a INTEGER, b INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;"
                    "CREATE TABLE words(w TEXT PRIMARY KEY, n INTEGER) WITHOUT ROWID;"
                    "CREATE TABLE empty(x INTEGER);"
                    "CREATE TABLE log(x INTEGER);"
                    "CREATE TRIGGER items_logged AFTER INSERT ON items BEGIN INSERT INTO log VALUES "
                    "(NEW.id); END;"
                    "CREATE VIEW big AS SELECT * FROM items WHERE size > 500;");
            db.exec("BEGIN");
            // Ids with a gap and a negative one: ranges of the key, not of row counts.
            auto item = db.prepare("INSERT INTO items(id, name, size) VALUES (?1, ?2, ?3)");
            for (int i = 0; i < 1000; ++i)
                item.bind(1, i < 500 ? i : i + 1'000'000)
                    .bindText(2, "item" + std::to_string(i))
                    .bind(3, i % 97)
                    .run();
            item.bind(1, -5).bindText(2, "negative").bind(3, 1).run();
            auto pair = db.prepare("INSERT INTO pairs VALUES (?1, ?2, 'v')");
            for (int a = 0; a < 30; ++a)
                for (int b = 0; b < 20; ++b)
                    pair.bind(1, a).bind(2, b).run();
            auto word = db.prepare("INSERT INTO words VALUES (?1, ?2)");
            for (int i = 0; i < 50; ++i)
                word.bindText(1, "w" + std::to_string(i)).bind(2, i).run();
            db.exec("COMMIT");
        }

        // 100 rows a transaction: items take several ranges.
        const SchemaFloor floor = measureSchemaFloor(cache, copy, 100);
        QCOMPARE(floor.rows, std::uint64_t(1001 + 600 + 50 + 1001)); // the trigger's log rows are rows too
        QCOMPARE(int(floor.tables.size()), 4);                       // `empty` has none
        double sum = 0;
        for (std::size_t i = 0; i < floor.tables.size(); ++i) {
            sum += floor.tables[i].seconds;
            if (i)
                QVERIFY(floor.tables[i - 1].seconds >= floor.tables[i].seconds);
        }
        QVERIFY(floor.seconds >= sum);

        Database src(cache, Database::Mode::ReadOnly);
        Database out(copy, Database::Mode::ReadOnly);
        QCOMPARE(names(out, "table"), names(src, "table"));
        QCOMPARE(names(out, "index"), names(src, "index"));
        QVERIFY(names(out, "trigger").empty());
        QVERIFY(names(out, "view").empty());
        for (const char* q : {"SELECT count(*), sum(id), sum(size), sum(length(name)) FROM items",
                              "SELECT count(*), sum(a * 100 + b) FROM pairs",
                              "SELECT count(*), sum(n) FROM words", "SELECT count(*), sum(x) FROM log"}) {
            auto a = src.prepare(q), b = out.prepare(q);
            QVERIFY(a.step() && b.step());
            for (int c = 0; c < a.columnCount(); ++c)
                QCOMPARE(b.int64(c), a.int64(c));
        }
        QCOMPARE(out.queryInt("PRAGMA page_size"), 8192);
        auto check = out.prepare("PRAGMA integrity_check");
        QVERIFY(check.step());
        QCOMPARE(std::string(check.text(0)), std::string("ok"));
    }

    void aMissingCacheFails()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(
            SqliteError, measureSchemaFloor(dir.filePath(QStringLiteral("none.seam")).toStdString(),
                                            dir.filePath(QStringLiteral("floor.seam")).toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestSchemaFloor)
#include "tst_schemafloor.moc"
