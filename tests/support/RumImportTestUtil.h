#pragma once

// Shared helpers of the Datadog RUM and Faro import tests: import into a temp cache, read rows back.

#include "ImportReport.h"
#include "ImportRunner.h"
#include "ImportFormats.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QString>
#include <QStringList>

namespace seam::rumtest {

inline std::vector<ImportReport> importIntoCache(const std::string& cache, const QStringList& files)
{
    StoreWriter::Options options;
    options.inferLinks = false; // id-based links only: the assertions are exact
    StoreWriter writer(cache, options);
    ImportRunner runner(writer);
    std::vector<ImportReport> reports;
    for (const QString& f : files)
        reports.push_back(runner.importFile(f.toStdString()).report);
    writer.flush();
    return reports;
}

inline ImportReport importBytes(const std::string& bytes, std::string format = {})
{
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    return importSource(*in, sink, nullptr, std::move(format));
}

inline QString rejects(const ImportReport& report)
{
    QString out;
    for (const auto& s : report.samples())
        out += QString::fromStdString(s.location + ": " + s.message + "\n");
    if (report.hasFatal())
        out += QString::fromStdString("FATAL " + report.fatalLocation() + ": " + report.fatalMessage());
    return out;
}

/// Rows of a query as "a|b|c" with NULL as "-".
inline QStringList rows(Database& db, const char* sql)
{
    QStringList out;
    Statement st = db.prepare(sql);
    while (st.step()) {
        QStringList cols;
        for (int c = 0; c < st.columnCount(); ++c)
            cols << (st.isNull(c) ? QStringLiteral("-")
                                  : QString::fromUtf8(st.text(c).data(), qsizetype(st.text(c).size())));
        out << cols.join(QLatin1Char('|'));
    }
    return out;
}

} // namespace seam::rumtest
