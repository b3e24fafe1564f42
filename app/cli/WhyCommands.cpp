// The "why is this slow?" commands: critical-path (one page load), why (a cohort against a baseline).
// They parse arguments and print; the answers come from models/analysis through models/report.

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "CriticalPathJson.h"
#include "Format.h"
#include "Output.h"
#include "PageLoadFilter.h"
#include "RootCause.h"
#include "Store.h"
#include "StoreQueries.h"
#include "WhyJson.h"

#include <QFileInfo>
#include <QJsonArray>
#include <optional>

namespace seam::cli {

int criticalPathCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("critical-path");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    parser.addPositionalArgument(QStringLiteral("PAGELOAD_ID"),
                                 QStringLiteral("Page load id (from seam pageloads)."));
    bool helped = false;
    if (!parseCommand(parser, args, QStringLiteral("seam critical-path --db CACHE PAGELOAD_ID --json"),
                      helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const std::optional<qint64> pageLoadId = singleIdArg(parser, cmd, QStringLiteral("PAGELOAD_ID"));
    if (!pageLoadId)
        return UsageOrFatal;
    const qint64 id = *pageLoadId;
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const QJsonObject path = criticalPathJson(*db, id);
        if (path.isEmpty()) {
            writeErr(QStringLiteral("seam critical-path: no page load with id %1\n").arg(id));
            return int(UsageOrFatal);
        }
        if (parser.isSet(jsonOption())) {
            writeJson(QJsonDocument(path));
            return int(Ok);
        }
        writeOut(QStringLiteral("page load %1: %2 ms\n")
                     .arg(id)
                     .arg(path[QStringLiteral("duration_ms")].toDouble(), 0, 'f', 1));
        for (const QJsonValue& v : path[QStringLiteral("segments")].toArray()) {
            const QJsonObject s = v.toObject();
            writeOut(QStringLiteral("%1 ms  %2  %3\n")
                         .arg(s[QStringLiteral("ms")].toDouble(), 9, 'f', 1)
                         .arg(s[QStringLiteral("side")].toString(), -8)
                         .arg(s[QStringLiteral("label")].toString()));
        }
        return int(Ok);
    });
}

int whyCountsCommand(const QStringList& args);

int whyCommand(const QStringList& args)
{
    // The counts behind the analysis, with their push-down to a remote store (WhyCountsCommand.cpp).
    if (args.contains(QStringLiteral("--counts")))
        return whyCountsCommand(args);
    const QString cmd = QStringLiteral("why");
    const QString synopsis = QStringLiteral("seam why --db CACHE --json [--filter QUERY] [--from T] [--to T] "
                                            "[--errors | --slower-than-quantile Q] [--baseline QUERY]");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption filter(
        QStringLiteral("filter"),
        QStringLiteral("Only page loads matching QUERY (the filter language of the "
                       "page-load table, e.g. \"route:/checkout browser:Safari\")."),
        QStringLiteral("QUERY"));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Started at or after T."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Started before T."),
                                QStringLiteral("T"));
    const QCommandLineOption errors(QStringLiteral("errors"),
                                    QStringLiteral("Select the failed page loads (error_count > 0)."));
    const QCommandLineOption slower(QStringLiteral("slower-than-quantile"),
                                    QStringLiteral("Select the loads slower than quantile Q of their route "
                                                   "(default 0.9)."),
                                    QStringLiteral("Q"));
    const QCommandLineOption baseline(
        QStringLiteral("baseline"),
        QStringLiteral(
            "Compare with the loads matching QUERY (default: the other loads of the same routes)."),
        QStringLiteral("QUERY"));
    parser.addOptions({filter, from, to, errors, slower, baseline});
    bool helped = false;
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    if (!parser.positionalArguments().isEmpty()) {
        writeErr(QStringLiteral("seam why: unexpected argument '%1'\nusage: %2\n")
                     .arg(parser.positionalArguments().front(), synopsis));
        return UsageOrFatal;
    }
    WhyOptions options;
    if (!optionalTimeArg(parser, from, options.from, cmd) || !optionalTimeArg(parser, to, options.to, cmd))
        return UsageOrFatal;
    if (parser.isSet(filter) && !filterOption(parser, filter, options.filter, cmd))
        return UsageOrFatal;
    if (parser.isSet(baseline)) {
        PageLoadFilter b;
        if (!filterOption(parser, baseline, b, cmd))
            return UsageOrFatal;
        options.baseline = b;
        options.criterion = WhyOptions::Criterion::None;
    }
    if (parser.isSet(errors) && parser.isSet(slower)) {
        writeErr(QStringLiteral("seam why: choose one of --errors or --slower-than-quantile\n"));
        return UsageOrFatal;
    }
    if (parser.isSet(errors))
        options.criterion = WhyOptions::Criterion::Errors;
    if (parser.isSet(slower)) {
        bool ok = false;
        options.quantile = parser.value(slower).toDouble(&ok);
        if (!ok || options.quantile <= 0 || options.quantile >= 1) {
            writeErr(
                QStringLiteral("seam why: --slower-than-quantile needs a number between 0 and 1, not '%1'\n")
                    .arg(parser.value(slower)));
            return UsageOrFatal;
        }
        options.criterion = WhyOptions::Criterion::Slow;
    }
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const WhyResult result = explainCohort(*db, options);
        if (parser.isSet(jsonOption())) {
            writeJson(QJsonDocument(whyJson(result)));
            return int(Ok);
        }
        writeOut(QStringLiteral("selection %1 loads (p75 %2 ms), baseline %3 loads (p75 %4 ms)\n%5: %6\n")
                     .arg(result.selection.pageLoads)
                     .arg(result.selection.p75Ms, 0, 'f', 0)
                     .arg(result.baseline.pageLoads)
                     .arg(result.baseline.p75Ms, 0, 'f', 0)
                     .arg(QString::fromStdString(result.verdict.side),
                          QString::fromStdString(result.verdict.text)));
        int rank = 0;
        for (const WhyCause& c : result.causes) {
            writeOut(QStringLiteral("%1. %2  (q %3)\n")
                         .arg(++rank)
                         .arg(QString::fromStdString(c.text))
                         .arg(c.qValue, 0, 'g', 2));
            for (const WhyCause& d : c.consequences)
                writeOut(QStringLiteral("     also: %1\n").arg(QString::fromStdString(d.text)));
        }
        return int(Ok);
    });
}

} // namespace seam::cli
