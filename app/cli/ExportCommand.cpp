// `seam export`: one trace or a page load's traces as OTLP JSON or folded stacks, or the page loads
// of a query as CSV. Arguments and output only: the formats are models/report (TraceExport,
// PageLoadCsv, StoreQueries::foldedStacks).

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Output.h"
#include "PageLoadCsv.h"
#include "StoreQueries.h"
#include "TraceExport.h"

#include <QSaveFile>
#include <cstdio>
#include <memory>

namespace seam::cli {
namespace {

/// Where the export goes: stdout, or FILE replaced only once everything was written.
class ExportSink
{
public:
    explicit ExportSink(const QString& path)
    {
        if (!path.isEmpty()) {
            m_file = std::make_unique<QSaveFile>(path);
            m_ok = m_file->open(QIODevice::WriteOnly);
        }
    }
    void write(std::string_view bytes)
    {
        if (!m_file)
            writeOut(bytes);
        else if (m_ok)
            m_ok = m_file->write(bytes.data(), qint64(bytes.size())) == qint64(bytes.size());
    }
    /// False (printed) when the file could not be written.
    bool finish(const QString& command)
    {
        if (!m_file)
            return std::fflush(stdout) == 0;
        if (m_ok && m_file->commit())
            return true;
        writeErr(QStringLiteral("seam %1: cannot write %2: %3\n")
                     .arg(command, m_file->fileName(), m_file->errorString()));
        return false;
    }

private:
    std::unique_ptr<QSaveFile> m_file;
    bool m_ok = true;
};

} // namespace

int exportCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("export");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    const QCommandLineOption trace(QStringLiteral("trace"), QStringLiteral("One trace (hex id)."),
                                   QStringLiteral("ID"));
    const QCommandLineOption pageLoad(QStringLiteral("page-load"), QStringLiteral("A page load's traces."),
                                      QStringLiteral("ID"));
    const QCommandLineOption pageLoads(QStringLiteral("pageloads"), QStringLiteral("Page loads as a table."));
    const QCommandLineOption format(QStringLiteral("format"), QStringLiteral("otlp-json, folded or csv."),
                                    QStringLiteral("F"));
    const QCommandLineOption filter(QStringLiteral("filter"),
                                    QStringLiteral("--pageloads: the filter language."),
                                    QStringLiteral("QUERY"));
    const QCommandLineOption from(
        QStringLiteral("from"), QStringLiteral("--pageloads: starting at or after T."), QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("--pageloads: starting before T."),
                                QStringLiteral("T"));
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("Write to FILE (default: stdout)."),
                                 QStringLiteral("FILE"));
    parser.addOptions({trace, pageLoad, pageLoads, format, filter, from, to, out});
    bool helped = false;
    const QString synopsis = QStringLiteral(
        "seam export --db CACHE (--trace ID | --page-load ID) --format otlp-json|folded [--out FILE]\n"
        "       seam export --db CACHE --pageloads [--filter QUERY] [--from T] [--to T] --format csv [--out "
        "FILE]");
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const int subjects =
        int(parser.isSet(trace)) + int(parser.isSet(pageLoad)) + int(parser.isSet(pageLoads));
    const QString fmt = parser.value(format);
    const bool table = parser.isSet(pageLoads);
    const bool formatFits = table ? fmt == QLatin1String("csv")
                                  : (fmt == QLatin1String("otlp-json") || fmt == QLatin1String("folded"));
    if (subjects != 1 || !formatFits) {
        writeErr(
            QStringLiteral("seam export: give one of --trace, --page-load or --pageloads with a format it "
                           "has (otlp-json or folded for traces, csv for --pageloads)\nusage: %1\n")
                .arg(synopsis));
        return UsageOrFatal;
    }
    PageLoadFilter query;
    std::optional<std::int64_t> fromNs, toNs;
    if (!filterOption(parser, filter, query, cmd) || !optionalTimeArg(parser, from, fromNs, cmd) ||
        !optionalTimeArg(parser, to, toNs, cmd))
        return UsageOrFatal;
    std::optional<qint64> loadId;
    if (parser.isSet(pageLoad)) {
        bool ok = false;
        loadId = parser.value(pageLoad).toLongLong(&ok);
        if (!ok) {
            writeErr(QStringLiteral("seam export: --page-load needs a numeric page load id\n"));
            return UsageOrFatal;
        }
    }
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        if (table) {
            ExportSink sink(parser.value(out));
            report::writePageLoadsCsv(*db, query, fromNs, toNs, [&](const std::string& r) { sink.write(r); });
            return int(sink.finish(cmd) ? Ok : UsageOrFatal);
        }
        const std::vector<std::int64_t> traces =
            loadId ? report::tracesOfPageLoad(*db, *loadId)
                   : report::tracesOfTraceId(*db, parser.value(trace).toStdString());
        if (traces.empty()) {
            writeErr(loadId
                         ? QStringLiteral("seam export: page load %1 has no traces with spans\n").arg(*loadId)
                         : QStringLiteral("seam export: no trace %1\n").arg(parser.value(trace)));
            return int(UsageOrFatal);
        }
        ExportSink sink(parser.value(out));
        if (fmt == QLatin1String("otlp-json")) {
            report::writeOtlpJson(*db, traces, [&](std::string_view bytes) { sink.write(bytes); });
        } else {
            StoreQueries queries(*db);
            for (const std::int64_t t : traces)
                queries.foldedStacks(report::traceHex(*db, t), [&](const std::string& line) {
                    sink.write(line);
                    sink.write("\n");
                });
        }
        return int(sink.finish(cmd) ? Ok : UsageOrFatal);
    });
}

} // namespace seam::cli
