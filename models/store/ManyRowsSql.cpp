#include "ManyRowsSql.h"

#include <sqlite3.h>

namespace seam {

std::string manyRowsSql(std::string_view head, int columns, int rows, std::string_view tail)
{
    std::string sql(head);
    sql += " VALUES ";
    for (int r = 0; r < rows; ++r) {
        sql += r ? ",(" : "(";
        for (int c = 0; c < columns; ++c) {
            sql += c ? ",?" : "?";
            sql += std::to_string(r * columns + c + 1);
        }
        sql += ')';
    }
    sql += tail;
    return sql;
}

void requireRowsWritten(Database& db, int rows, const char* table)
{
    if (db.changes() != rows)
        throw SqliteError(std::string("UNIQUE constraint failed: new rows of ") + table +
                              " were already in the cache",
                          SQLITE_CONSTRAINT);
}

} // namespace seam
