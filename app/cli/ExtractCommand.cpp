// `seam extract`: a smaller investigation with the selected page loads and what explains them.
// Arguments, the target file and progress only: the copy is models/report/InvestigationExtract.

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "InvestigationExtract.h"
#include "Output.h"
#include "Terminal.h"

#include <QFile>
#include <QFileInfo>

namespace seam::cli {

int extractCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("extract");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    const QCommandLineOption out(QStringLiteral("out"), QStringLiteral("The new, smaller investigation."),
                                 QStringLiteral("SMALL.seam"));
    const QCommandLineOption filter(QStringLiteral("filter"),
                                    QStringLiteral("Page loads to keep (the filter language)."),
                                    QStringLiteral("QUERY"));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("Page loads starting at or after T."), QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Page loads starting before T."),
                                QStringLiteral("T"));
    const QCommandLineOption force(QStringLiteral("force"),
                                   QStringLiteral("Replace SMALL.seam if it exists."));
    parser.addOptions({out, filter, from, to, force});
    bool helped = false;
    const QString synopsis = QStringLiteral(
        "seam extract --db CACHE --out SMALL.seam [--filter QUERY] [--from T] [--to T] [--force]");
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QString target = parser.value(out);
    if (target.isEmpty()) {
        writeErr(QStringLiteral("seam extract: --out SMALL.seam is required\nusage: %1\n").arg(synopsis));
        return UsageOrFatal;
    }
    report::ExtractOptions options;
    if (!filterOption(parser, filter, options.filter, cmd) ||
        !optionalTimeArg(parser, from, options.from, cmd) || !optionalTimeArg(parser, to, options.to, cmd))
        return UsageOrFatal;
    const QString source = parser.value(dbOption());
    if (source.isEmpty() || !QFileInfo::exists(source)) {
        writeErr(source.isEmpty() ? QStringLiteral("seam extract: --db CACHE is required\n")
                                  : QStringLiteral("seam extract: %1: no such file\n").arg(source));
        return UsageOrFatal;
    }
    if (QFileInfo(source).canonicalFilePath() == QFileInfo(target).canonicalFilePath()) {
        writeErr(QStringLiteral("seam extract: --out must be another file than --db\n"));
        return UsageOrFatal;
    }
    if (QFileInfo::exists(target)) {
        if (!parser.isSet(force)) {
            writeErr(QStringLiteral("seam extract: %1 exists (--force replaces it)\n").arg(target));
            return UsageOrFatal;
        }
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(target + suffix);
        if (QFileInfo::exists(target)) {
            writeErr(QStringLiteral("seam extract: cannot replace %1\n").arg(target));
            return UsageOrFatal;
        }
    }
    ProgressLine progress("extract");
    options.progress = [&](const std::string&, int done, int total) {
        progress.update(std::uint64_t(done), std::uint64_t(total), "tables");
    };
    const int code = guardedCommand(cmd, [&] {
        const report::ExtractResult r =
            report::extractInvestigation(source.toStdString(), target.toStdString(), options);
        progress.finish();
        QString summary;
        for (const char* table :
             {"page_loads", "sessions", "resources", "traces", "spans", "rollups", "notes"})
            summary += QStringLiteral("%1%2 %3")
                           .arg(summary.isEmpty() ? QString() : QStringLiteral(", "))
                           .arg(r.count(table))
                           .arg(QLatin1String(table));
        writeErr(QStringLiteral("%1: %2 (%3 bytes, from %4 bytes)\n")
                     .arg(target, summary)
                     .arg(QFileInfo(target).size())
                     .arg(QFileInfo(source).size()));
        return int(Ok);
    });
    if (code != Ok) // what a failed extract created is no investigation: leave nothing behind
        for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(target + suffix);
    return code;
}

} // namespace seam::cli
