#include "ItemModelCsv.h"

#include "Csv.h"

#include <QDateTime>
#include <cmath>

namespace seam::report {
namespace {

struct Writer
{
    QAbstractItemModel& model;
    const ItemModelCsvOptions& options;
    const std::vector<int>& columns;
    const std::function<void(const std::string&)>& sink;
    std::int64_t rows = 0;

    std::string cell(const QModelIndex& index) const
    {
        if (options.valueRole >= 0) {
            if (const QVariant raw = model.data(index, options.valueRole); raw.isValid())
                return csvValue(raw);
        }
        return csvValue(model.data(index, Qt::DisplayRole));
    }

    void writeChildren(const QModelIndex& parent)
    {
        while (model.canFetchMore(parent))
            model.fetchMore(parent);
        const int count = model.rowCount(parent);
        std::vector<std::string> fields(columns.size());
        for (int row = 0; row < count; ++row) {
            for (std::size_t c = 0; c < columns.size(); ++c)
                fields[c] = cell(model.index(row, columns[c], parent));
            sink(csvRecord(fields));
            ++rows;
            const QModelIndex first = model.index(row, 0, parent);
            if (model.hasChildren(first))
                writeChildren(first);
        }
    }
};

} // namespace

std::string csvValue(const QVariant& value)
{
    if (!value.isValid() || value.isNull())
        return {};
    switch (value.typeId()) {
    case QMetaType::Bool:
        return value.toBool() ? "true" : "false";
    case QMetaType::Double:
    case QMetaType::Float: {
        const double d = value.toDouble();
        if (!std::isfinite(d))
            return {};
        // The shortest spelling that reads back as the same double ('g' with 17 digits would not).
        return QString::number(d, 'g', QLocale::FloatingPointShortest).toStdString();
    }
    case QMetaType::QDateTime:
        return value.toDateTime().toUTC().toString(Qt::ISODateWithMs).toStdString();
    default:
        return value.toString().toStdString();
    }
}

std::int64_t writeItemModelCsv(QAbstractItemModel& model, const ItemModelCsvOptions& options,
                               const std::function<void(const std::string&)>& sink)
{
    std::vector<int> columns = options.columns;
    if (columns.empty())
        for (int c = 0; c < model.columnCount(); ++c)
            columns.push_back(c);
    std::vector<std::string> header;
    header.reserve(columns.size());
    for (const int c : columns)
        header.push_back(model.headerData(c, Qt::Horizontal, Qt::DisplayRole).toString().toStdString());
    sink(csvRecord(header));
    Writer writer{model, options, columns, sink};
    writer.writeChildren({});
    return writer.rows;
}

} // namespace seam::report
