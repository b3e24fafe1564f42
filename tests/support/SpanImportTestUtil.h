#pragma once

// Helpers shared by the Jaeger and Zipkin import tests: import into a temporary cache through
// StoreWriter + ImportRunner (the application's path) and read rows back as "a|b|c" text.

#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "ImportRunner.h"
#include "InputSource.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QFile>
#include <QStringList>

namespace seam::test {

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
inline QStringList rows(Database& db, const std::string& sql)
{
    QStringList out;
    Statement st = db.prepare(sql.c_str());
    while (st.step()) {
        QStringList cols;
        for (int c = 0; c < st.columnCount(); ++c)
            cols << (st.isNull(c) ? QStringLiteral("-")
                                  : QString::fromUtf8(st.text(c).data(), qsizetype(st.text(c).size())));
        out << cols.join(QLatin1Char('|'));
    }
    return out;
}

inline std::vector<ImportReport> importFiles(const std::string& cache, const QStringList& files)
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

/// Imports bytes through the format detection and the registered reader, collecting the records.
inline ImportReport importBytes(const std::string& bytes, RecordBatch* records = nullptr,
                                std::string format = {})
{
    CollectingSink sink;
    auto in = InputSource::fromBuffer(bytes);
    ImportReport report = importSource(*in, sink, nullptr, std::move(format));
    if (records) {
        for (RecordBatch& b : sink.batches)
            records->spans.insert(records->spans.end(), b.spans.begin(), b.spans.end());
    }
    return report;
}

inline std::string detect(const std::string& bytes)
{
    return detectFormat(bytes, true);
}

/// The spans of a cache as a table that says what a reader made of its input.
inline const char* kSpanTable =
    "SELECT trace_id, span_id, ifnull(parent_span_id, '-'), service, ifnull(service_version, ''), name, "
    "kind, "
    "start_ns, duration_ns, status_code, ifnull(status_message, ''), ifnull(scope, ''), ifnull(attributes, "
    "''), "
    "ifnull(events, ''), ifnull(links, '') FROM v_spans ORDER BY trace_id, start_ns, span_id";

} // namespace seam::test

namespace seam::test {

/// Compares row lists and, on a difference, prints both in full (a diff is easier to read than the
/// first differing element alone).
inline bool sameRows(const QStringList& actual, const QStringList& expected)
{
    if (actual == expected)
        return true;
    qWarning("actual rows:\n%s\nexpected rows:\n%s", qPrintable(actual.join(QLatin1Char('\n'))),
             qPrintable(expected.join(QLatin1Char('\n'))));
    return false;
}

} // namespace seam::test
