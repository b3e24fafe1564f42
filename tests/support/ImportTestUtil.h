#pragma once
// Helpers shared by the importer suites (tests/importers): import files into a fresh cache, list a
// report's rejects, read a query's rows as text.

#include "ImportReport.h"
#include "ImportRunner.h"
#include "Sqlite.h"
#include "StoreWriter.h"

#include <QString>
#include <QStringList>
#include <vector>

namespace seam::importtest {

/// Imports `files` into `cache`, id-based links only (inference off), so assertions are exact.
inline std::vector<ImportReport> importIntoCache(const std::string& cache, const QStringList& files)
{
    StoreWriter::Options options;
    options.inferLinks = false;
    StoreWriter writer(cache, options);
    ImportRunner runner(writer);
    std::vector<ImportReport> reports;
    for (const QString& f : files)
        reports.push_back(runner.importFile(f.toStdString()).report);
    writer.flush();
    return reports;
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

} // namespace seam::importtest
