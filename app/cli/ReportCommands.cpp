// Read-only commands over an existing cache: stats, pageloads, pageload, trace, services.

#include "CacheArgs.h"
#include "CacheCheck.h"
#include "Cli.h"
#include "Commands.h"
#include "Format.h"
#include "Output.h"
#include "Store.h"
#include "StoreQueries.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>
#include <cmath>
#include <optional>

namespace seam::cli {

int statsCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("stats");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    bool helped = false;
    if (!parseCommand(parser, args, QStringLiteral("seam stats --db CACHE [--json]"), helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const QJsonObject stats = StoreQueries(*db).stats();
        if (parser.isSet(jsonOption())) {
            writeJson(QJsonDocument(stats));
        } else {
            for (auto it = stats.begin(); it != stats.end(); ++it)
                if (it.value().isDouble())
                    writeOut(QStringLiteral("%1 %2\n").arg(it.key(), -18).arg(qint64(it.value().toDouble())));
        }
        return int(Ok);
    });
}

int pageLoadsCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("pageloads");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption slowest(
        QStringLiteral("slowest"), QStringLiteral("Only the N slowest, slowest first."), QStringLiteral("N"));
    const QCommandLineOption route(QStringLiteral("route"),
                                   QStringLiteral("Only this route (e.g. /checkout)."), QStringLiteral("R"));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Started at or after T."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Started before T."),
                                QStringLiteral("T"));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("At most N rows."),
                                   QStringLiteral("N"));
    parser.addOptions({slowest, route, from, to, limit});
    bool helped = false;
    if (!parseCommand(
            parser, args,
            QStringLiteral("seam pageloads --db CACHE --json [--slowest N] [--route R] [--from T] [--to T]"),
            helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    StoreQueries::PageLoadFilter filter;
    filter.route = parser.value(route).toStdString();
    if (!positiveArg(parser, slowest, filter.slowest, cmd) ||
        !positiveArg(parser, limit, filter.limit, cmd) || !optionalTimeArg(parser, from, filter.from, cmd) ||
        !optionalTimeArg(parser, to, filter.to, cmd))
        return UsageOrFatal;
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const bool json = parser.isSet(jsonOption());
        // Streamed: a JSON array written row by row, so a million page loads need no million-row DOM.
        bool first = true;
        if (json)
            writeOut(std::string_view("["));
        StoreQueries(*db).pageLoads(filter, [&](const QJsonObject& row) {
            if (json) {
                writeOut(std::string_view(first ? "\n  " : ",\n  "));
                writeOut(std::string_view(QJsonDocument(row).toJson(QJsonDocument::Compact).toStdString()));
            } else {
                const QJsonValue ms = row[QStringLiteral("duration_ms")];
                writeOut(
                    QStringLiteral("%1  %2  %3  %4  %5\n")
                        .arg(qint64(row[QStringLiteral("id")].toDouble()), 7)
                        .arg(row[QStringLiteral("start")].toString())
                        .arg(ms.isNull() ? QString() : formatDuration(std::llround(ms.toDouble() * 1e6)), 9)
                        .arg(row[QStringLiteral("route")].toString(), -24)
                        .arg(row[QStringLiteral("services")].toVariant().toStringList().join(
                            QLatin1Char(','))));
            }
            first = false;
        });
        if (json)
            writeOut(std::string_view(first ? "]\n" : "\n]\n"));
        return int(Ok);
    });
}

int pageLoadCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("pageload");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    parser.addPositionalArgument(QStringLiteral("ID"), QStringLiteral("Page load id (from seam pageloads)."));
    bool helped = false;
    if (!parseCommand(parser, args, QStringLiteral("seam pageload --db CACHE ID --json"), helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const std::optional<qint64> pageLoadId = singleIdArg(parser, cmd, QStringLiteral("page load ID"));
    if (!pageLoadId)
        return UsageOrFatal;
    const qint64 id = *pageLoadId;
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const QJsonObject detail = StoreQueries(*db).pageLoad(id);
        if (detail.isEmpty()) {
            writeErr(QStringLiteral("seam pageload: no page load with id %1\n").arg(id));
            return int(UsageOrFatal);
        }
        writeJson(QJsonDocument(detail));
        return int(Ok);
    });
}

int traceCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("trace");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption folded(
        QStringLiteral("folded"),
        QStringLiteral("flamegraph.pl folded stacks (service:operation frames, self time in us)."));
    parser.addOption(folded);
    parser.addPositionalArgument(QStringLiteral("TRACE_ID"), QStringLiteral("32 (or 16) hex digits."));
    bool helped = false;
    if (!parseCommand(parser, args, QStringLiteral("seam trace --db CACHE TRACE_ID (--json | --folded)"),
                      helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    if (parser.positionalArguments().size() != 1) {
        writeErr(QStringLiteral("seam trace: give exactly one TRACE_ID\n"));
        return UsageOrFatal;
    }
    if (parser.isSet(folded) == parser.isSet(jsonOption())) {
        writeErr(QStringLiteral("seam trace: choose one of --json or --folded\n"));
        return UsageOrFatal;
    }
    const std::string id = parser.positionalArguments().front().toStdString();
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        StoreQueries q(*db);
        if (parser.isSet(folded)) {
            if (!q.foldedStacks(id, [](const std::string& line) {
                    writeOut(line);
                    writeOut(std::string_view("\n"));
                })) {
                writeErr(QStringLiteral("seam trace: no trace %1\n").arg(QString::fromStdString(id)));
                return int(UsageOrFatal);
            }
            return int(Ok);
        }
        const QJsonObject trace = q.trace(id);
        if (trace.isEmpty()) {
            writeErr(QStringLiteral("seam trace: no trace %1\n").arg(QString::fromStdString(id)));
            return int(UsageOrFatal);
        }
        writeJson(QJsonDocument(trace));
        return int(Ok);
    });
}

int servicesCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("services");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Start of the window."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("End of the window."),
                                QStringLiteral("T"));
    const QCommandLineOption step(QStringLiteral("step"),
                                  QStringLiteral("Series step (10s, 1m, ... multiple of 10s)."),
                                  QStringLiteral("S"));
    parser.addOptions({from, to, step});
    bool helped = false;
    if (!parseCommand(parser, args,
                      QStringLiteral("seam services --db CACHE --json [--from T] [--to T] [--step S]"),
                      helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    std::optional<std::int64_t> f, t;
    if (!optionalTimeArg(parser, from, f, cmd) || !optionalTimeArg(parser, to, t, cmd))
        return UsageOrFatal;
    std::int64_t stepNs = 0;
    if (parser.isSet(step)) {
        const auto s = parseDurationText(parser.value(step));
        if (!s || *s <= 0) {
            writeErr(QStringLiteral("seam services: --step: '%1' is not a duration (e.g. 10s, 1m)\n")
                         .arg(parser.value(step)));
            return UsageOrFatal;
        }
        stepNs = *s;
    }
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        writeJson(QJsonDocument(StoreQueries(*db).services(f, t, stepNs)));
        return int(Ok);
    });
}

} // namespace seam::cli
