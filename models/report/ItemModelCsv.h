#pragma once
// Any table or tree the window shows, as RFC 4180 CSV: the header, then every row (a tree's rows depth
// first, children after their parent), read through the model's roles. A cell's value is its raw
// value when the model answers `valueRole` for it (a duration in ns where the cell shows "1.2 s", a
// whole message where it shows the first line), else what the cell displays. Rows are written as they are
// read, so a big model is never held twice. The page-load table has its own path (PageLoadCsv): it pages
// lazily and reads SQLite.

#include <QAbstractItemModel>
#include <functional>
#include <string>
#include <vector>

namespace seam::report {

struct ItemModelCsvOptions
{
    /// The columns to write, in this order; empty: all of the model's.
    std::vector<int> columns;
    /// The role that holds a cell's raw value; -1: none (display role only).
    int valueRole = -1;
};

/// Writes `model` as CSV records to `sink` (each call one CRLF-ended record). Returns the data rows
/// written. Fetches what a lazy model has not fetched yet (canFetchMore / fetchMore).
std::int64_t writeItemModelCsv(QAbstractItemModel& model, const ItemModelCsvOptions& options,
                               const std::function<void(const std::string&)>& sink);

/// The CSV field of one value: integers and finite floating-point numbers as plain numbers (no
/// grouping, '.' decimal point), booleans as true/false, the rest as text.
std::string csvValue(const QVariant& value);

} // namespace seam::report
