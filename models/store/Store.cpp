#include "Store.h"

#include "Schema.h"

#include <fstream>

namespace seam::store {

Database openForWriting(const std::string& path)
{
    Database db(path, Database::Mode::ReadWrite);
    schema::configureConnection(db, true);
    schema::migrate(db);
    return db;
}

Database openForReading(const std::string& path)
{
    Database db(path, Database::Mode::ReadOnly);
    schema::configureConnection(db, false);
    db.exec("PRAGMA query_only = 1");
    const auto version = db.queryInt("PRAGMA user_version");
    if (version != schema::kSchemaVersion)
        throw SqliteError(path + " is not a Seam cache of schema " + std::to_string(schema::kSchemaVersion) +
                              " (found " + std::to_string(version) + ")",
                          0);
    return db;
}

bool isCacheFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    char header[16] = {};
    if (!in.read(header, sizeof header) || std::string_view(header, 15) != "SQLite format 3")
        return false;
    try {
        Database db(path, Database::Mode::ReadOnly);
        return db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'page_loads'") == 1;
    } catch (const SqliteError&) {
        return false;
    }
}

} // namespace seam::store
