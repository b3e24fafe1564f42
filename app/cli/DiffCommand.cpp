// `seam diff`: two traces, or two cohorts of page loads, compared node by node on one path-keyed
// tree. Parses arguments and prints; the comparison comes from models/analysis (TraceDiff,
// CohortCompare) through models/report (DiffJson).

#include "CacheArgs.h"
#include "Cli.h"
#include "CohortCompare.h"
#include "Commands.h"
#include "DiffJson.h"
#include "Output.h"
#include "PageLoadFilter.h"
#include "TraceDiff.h"

namespace seam::cli {

int diffCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("diff");
    const QString synopsis =
        QStringLiteral("seam diff --db CACHE (--traces A B | --cohorts QUERY_A QUERY_B) "
                       "[--from T] [--to T] [--weight self|critical] (--json | --folded)");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption traces(QStringLiteral("traces"),
                                    QStringLiteral("Compare two traces: A and B are trace ids (hex)."));
    const QCommandLineOption cohorts(
        QStringLiteral("cohorts"),
        QStringLiteral("Compare two cohorts of page loads: A and B are queries in the filter language of the "
                       "page-load table (e.g. \"route:/checkout duration>2s\"); put -- before a query "
                       "starting with '-'."));
    const QCommandLineOption from(
        QStringLiteral("from"), QStringLiteral("Cohorts: loads started at or after T."), QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Cohorts: loads started before T."),
                                QStringLiteral("T"));
    const QCommandLineOption weight(QStringLiteral("weight"),
                                    QStringLiteral("What a node weighs: 'self' time or time on the "
                                                   "'critical' path (default)."),
                                    QStringLiteral("self|critical"), QStringLiteral("critical"));
    const QCommandLineOption folded(QStringLiteral("folded"),
                                    QStringLiteral("Two-column folded stacks (difffolded.pl's output: "
                                                   "\"frame;frame A B\", microseconds) for flamegraph.pl."));
    parser.addOptions({traces, cohorts, from, to, weight, folded});
    parser.addPositionalArgument(QStringLiteral("A"), QStringLiteral("Trace id or query of side A."));
    parser.addPositionalArgument(QStringLiteral("B"), QStringLiteral("Trace id or query of side B."));
    bool helped = false;
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const auto usage = [&](const QString& message) {
        writeErr(QStringLiteral("seam diff: %1\nusage: %2\n").arg(message, synopsis));
        return int(UsageOrFatal);
    };
    if (parser.isSet(traces) == parser.isSet(cohorts))
        return usage(QStringLiteral("choose one of --traces or --cohorts"));
    if (parser.isSet(folded) == parser.isSet(jsonOption()))
        return usage(QStringLiteral("choose one of --json or --folded"));
    const QStringList sides = parser.positionalArguments();
    if (sides.size() != 2)
        return usage(parser.isSet(traces) ? QStringLiteral("give two trace ids, A and B")
                                          : QStringLiteral("give two queries, A and B"));
    const auto w = parseDiffWeight(parser.value(weight).toStdString());
    if (!w)
        return usage(QStringLiteral("--weight is self or critical, not '%1'").arg(parser.value(weight)));
    CompareOptions options;
    options.weight = *w;
    if (!optionalTimeArg(parser, from, options.from, cmd) || !optionalTimeArg(parser, to, options.to, cmd))
        return UsageOrFatal;
    if (parser.isSet(traces) && (parser.isSet(from) || parser.isSet(to)))
        return usage(QStringLiteral("--from and --to apply to --cohorts only"));
    if (parser.isSet(cohorts)) {
        options.a = PageLoadFilter::parse(sides[0]);
        options.b = PageLoadFilter::parse(sides[1]);
        for (const auto& [name, filter] : {std::pair{'A', &options.a}, std::pair{'B', &options.b}})
            if (!filter->isValid())
                return usage(
                    QStringLiteral("query %1: %2").arg(QChar::fromLatin1(name), filter->error().message));
        options.labelA = sides[0].toStdString();
        options.labelB = sides[1].toStdString();
    }
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        DiffResult result;
        if (parser.isSet(traces)) {
            const auto a = readTraceSpans(*db, sides[0].toStdString());
            const auto b = readTraceSpans(*db, sides[1].toStdString());
            for (const auto& [name, trace] : {std::pair{0, &a}, std::pair{1, &b}})
                if (!*trace) {
                    writeErr(QStringLiteral("seam diff: no trace %1 in the cache\n").arg(sides[name]));
                    return int(UsageOrFatal);
                }
            result = diffTraces(*a, *b, options.weight);
        } else {
            result = compareCohorts(*db, options);
            for (const DiffSide* side : {&result.a, &result.b})
                if (side->sampled == 0) {
                    writeErr(QStringLiteral("seam diff: no page load matches %1 '%2'%3\n")
                                 .arg(side == &result.a ? QStringLiteral("A") : QStringLiteral("B"),
                                      QString::fromStdString(side->label),
                                      parser.isSet(from) || parser.isSet(to)
                                          ? QStringLiteral(" in the window")
                                          : QString()));
                    return int(UsageOrFatal);
                }
        }
        if (parser.isSet(folded)) {
            for (const std::string& line : diffFolded(result)) {
                writeOut(line);
                writeOut(std::string_view("\n"));
            }
            return int(Ok);
        }
        writeJson(QJsonDocument(diffJson(result)));
        return int(Ok);
    });
}

} // namespace seam::cli
