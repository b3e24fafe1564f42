#pragma once

#include "Sqlite.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace seam {

/// `head` VALUES (?1, ..., ?columns), (...) ... for `rows` rows, then `tail`: one statement for many rows
/// (SQLite's per-statement cost is a large share of a narrow row's).
std::string manyRowsSql(std::string_view head, int columns, int rows, std::string_view tail = {});

/// Writes `count` rows: `rowsPerStatement` to each run of `many` (a manyRowsSql statement) while that
/// many remain, the rest one at a time through `one` (the same with one row). bindRow(statement, offset,
/// row) binds row `row`'s columns at parameters offset + 1 ... offset + columns.
/// afterRun(rows) follows each run with the number of rows that statement was given.
template<typename BindRow, typename AfterRun>
void runManyRows(Statement& many, Statement& one, std::size_t count, int rowsPerStatement, int columns,
                 BindRow&& bindRow, AfterRun&& afterRun)
{
    std::size_t row = 0;
    for (; count - row >= std::size_t(rowsPerStatement); row += std::size_t(rowsPerStatement)) {
        for (int i = 0; i < rowsPerStatement; ++i)
            bindRow(many, i * columns, row + std::size_t(i));
        many.run();
        afterRun(rowsPerStatement);
    }
    for (; row < count; ++row) {
        bindRow(one, 0, row);
        one.run();
        afterRun(1);
    }
}

template<typename BindRow>
void runManyRows(Statement& many, Statement& one, std::size_t count, int rowsPerStatement, int columns,
                 BindRow&& bindRow)
{
    runManyRows(many, one, count, rowsPerStatement, columns, bindRow, [](int) {});
}

/// For rows that cannot exist yet (a trace this transaction created, ids it reserved), written
/// `INSERT OR IGNORE` so that SQLite keeps no statement journal (a statement that may abort half-way
/// makes it copy every page it touches first): throws a constraint error unless the last statement
/// wrote all `rows` rows, as a plain INSERT would have failed.
void requireRowsWritten(Database& db, int rows, const char* table);

} // namespace seam
