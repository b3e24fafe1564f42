#include "ManyRowsSql.h"

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

} // namespace seam
