#include "SchemaFloor.h"

#include "BenchPhase.h"
#include "FileUri.h"
#include "Sqlite.h"

#include <algorithm>
#include <filesystem>

namespace seam::bench {
namespace {

struct Table
{
    std::string name;
    std::string columns; // quoted, comma-separated
    std::string key;     // what the copy ranges over: rowid, or the first primary-key column
};

std::vector<Table> tablesOf(Database& db)
{
    std::vector<Table> tables;
    auto list = db.prepare("SELECT name, sql FROM src.sqlite_master WHERE type = 'table' AND sql IS NOT NULL "
                           "AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
    auto columns = db.prepare("SELECT name, pk FROM pragma_table_info(?1, 'src') ORDER BY cid");
    while (list.step()) {
        Table t{std::string(list.text(0)), {}, "rowid"};
        std::string sql(list.text(1));
        std::transform(sql.begin(), sql.end(), sql.begin(),
                       [](unsigned char c) { return char(std::toupper(c)); });
        const bool withoutRowid = sql.find("WITHOUT ROWID") != std::string::npos;
        columns.bindText(1, t.name);
        while (columns.step()) {
            const std::string column(columns.text(0));
            t.columns += (t.columns.empty() ? "" : ", ") + quotedIdentifier(column);
            if (withoutRowid && columns.int64(1) == 1)
                t.key = quotedIdentifier(column);
        }
        columns.reset();
        tables.push_back(std::move(t));
    }
    return tables;
}

/// The writer's page cache for a file of this size (StoreWriter::sizePageCache): an eighth of it,
/// 64 to 256 MiB.
std::int64_t pageCacheKib(const std::string& cache)
{
    std::error_code ec;
    const auto bytes = std::int64_t(std::filesystem::file_size(cache, ec));
    constexpr std::int64_t kStep = 32 * 1024, kMin = 64 * 1024, kMax = 256 * 1024;
    return std::clamp((ec ? 0 : bytes) / 1024 / 8 / kStep * kStep, kMin, kMax);
}

TableFloor copyTable(Database& db, const Table& t, std::uint64_t rowsPerTransaction)
{
    TableFloor floor{t.name,
                     std::uint64_t(db.queryInt("SELECT count(*) FROM src." + quotedIdentifier(t.name))), 0};
    if (floor.rows == 0)
        return floor;
    const std::string from = " FROM src." + quotedIdentifier(t.name);
    const std::string insert =
        "INSERT INTO main." + quotedIdentifier(t.name) + "(" + t.columns + ") SELECT " + t.columns + from;
    auto bounds =
        db.prepare("SELECT min(" + t.key + "), max(" + t.key + "), typeof(min(" + t.key + "))" + from);
    bounds.step();
    const bool integerKey = bounds.text(2) == "integer";
    const std::int64_t lo = integerKey ? bounds.int64(0) : 0, hi = integerKey ? bounds.int64(1) : 0;
    bounds.reset();
    const double t0 = now();
    if (!integerKey) {
        // One transaction; `WHERE 1` keeps SQLite from copying the records as they are (the transfer
        // optimisation), which no writer can do.
        db.exec("BEGIN");
        db.exec(insert + " WHERE 1");
        db.exec("COMMIT");
    } else {
        // Key ranges of about rowsPerTransaction rows each, in key order as the writer appends.
        const std::uint64_t chunks = std::max<std::uint64_t>(1, floor.rows / rowsPerTransaction);
        const std::int64_t width = std::max<std::int64_t>(1, (hi - lo) / std::int64_t(chunks) + 1);
        auto range =
            db.prepare(insert + " WHERE " + t.key + " >= ?1 AND " + t.key + " < ?2 ORDER BY " + t.key);
        for (std::int64_t from = lo; from <= hi; from += width) {
            db.exec("BEGIN");
            range.bind(1, from).bind(2, from + width).run();
            db.exec("COMMIT");
            if (hi - from < width)
                break; // the last range: from + width would overflow at INT64_MAX
        }
    }
    floor.seconds = now() - t0;
    return floor;
}

} // namespace

SchemaFloor measureSchemaFloor(const std::string& cache, const std::string& copy,
                               std::uint64_t rowsPerTransaction)
{
    for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(copy + suffix);
    Database db(copy, Database::Mode::ReadWrite);
    db.exec("PRAGMA page_size = 8192");
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    db.exec("PRAGMA cache_size = -" + std::to_string(pageCacheKib(cache)));
    db.exec("PRAGMA wal_autocheckpoint = 65536"); // the writer's backstop (StoreWriter)
    auto attach = db.prepare("ATTACH ?1 AS src");
    attach.bindText(1, fileUri(cache, "mode=ro")).run();

    // Tables first, then their indexes, as the cache's own statements wrote them; no triggers (the
    // writer sets what they would) and no views (they hold no rows).
    for (const char* type : {"table", "index"}) {
        auto ddl = db.prepare("SELECT sql FROM src.sqlite_master WHERE type = ?1 AND sql IS NOT NULL AND "
                              "name NOT LIKE 'sqlite_%' ORDER BY rowid");
        ddl.bindText(1, type);
        std::vector<std::string> statements;
        while (ddl.step())
            statements.emplace_back(ddl.text(0));
        for (const std::string& sql : statements)
            db.exec(sql);
    }

    SchemaFloor floor;
    const double t0 = now();
    for (const Table& t : tablesOf(db)) {
        TableFloor table = copyTable(db, t, rowsPerTransaction);
        floor.rows += table.rows;
        if (table.rows)
            floor.tables.push_back(std::move(table));
    }
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)"); // as the writer's close does
    floor.seconds = now() - t0;
    std::sort(floor.tables.begin(), floor.tables.end(),
              [](const TableFloor& a, const TableFloor& b) { return a.seconds > b.seconds; });
    db.exec("DETACH src");
    return floor;
}

} // namespace seam::bench
