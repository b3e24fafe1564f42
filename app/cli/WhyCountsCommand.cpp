// `seam why --db CACHE --counts --slow-ms N --from T --to T [--remote clickhouse://...] [--json]`: the
// page-load counts behind "Why?" (slow and normal loads per route, browser, app version, country),
// from the cache and, for the time no pull brought from the store, computed by the store itself
// (README "Remote back-ends": push-down).

#include "CacheArgs.h"
#include "Cli.h"
#include "ClickHouseCohortCounts.h"
#include "CohortCounts.h"
#include "Commands.h"
#include "Output.h"
#include "RollupCoverage.h"
#include "RollupGaps.h"
#include "Terminal.h"

#include <QJsonArray>
#include <QJsonObject>

namespace seam::cli {
namespace {

QJsonObject splitJson(const CohortCounts::Split& s)
{
    QJsonObject j;
    j[QStringLiteral("slow")] = double(s.slow);
    j[QStringLiteral("normal")] = double(s.normal);
    return j;
}

} // namespace

int whyCountsCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("why");
    const QString synopsis = QStringLiteral(
        "seam why --db CACHE --counts --slow-ms N [--from T --to T] [--remote clickhouse://...] [--json]");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption counts(QStringLiteral("counts"),
                                    QStringLiteral("Print slow/normal page-load counts per term."));
    const QCommandLineOption slowMs(QStringLiteral("slow-ms"), QStringLiteral("Slow: longer than N ms."),
                                    QStringLiteral("N"));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Started at or after T."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Started before T."),
                                QStringLiteral("T"));
    const QCommandLineOption remoteOption(
        QStringLiteral("remote"),
        QStringLiteral(
            "The ClickHouse store the cache was pulled from: it counts the page loads of the time no "
            "pull brought (credentials as for seam pull)."),
        QStringLiteral("URL"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Seconds the store's query may take (default 60)."),
                                     QStringLiteral("SECONDS"));
    parser.addOptions({counts, slowMs, from, to, remoteOption, timeout});
    bool helped = false;
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    bool ok = false;
    const double slow = parser.value(slowMs).toDouble(&ok);
    if (!parser.isSet(slowMs) || !ok || slow < 0) {
        writeErr(
            QStringLiteral("seam why: --counts needs --slow-ms N (milliseconds)\nusage: %1\n").arg(synopsis));
        return UsageOrFatal;
    }
    const std::int64_t slowNs = std::int64_t(slow * 1e6);
    std::optional<std::int64_t> fromNs, toNs;
    if (!optionalTimeArg(parser, from, fromNs, cmd) || !optionalTimeArg(parser, to, toNs, cmd))
        return UsageOrFatal;
    const bool remote = parser.isSet(remoteOption);
    if (remote && (!fromNs || !toNs)) {
        writeErr(
            QStringLiteral("seam why: --remote needs --from T and --to T (the store's range to count)\n"));
        return UsageOrFatal;
    }
    std::optional<remote::ClickHouseSource> source;
    if (remote) {
        QString error;
        source = remote::ClickHouseSource::parse(parser.value(remoteOption), error);
        if (!source) {
            writeErr(QStringLiteral("seam why: %1\n").arg(error));
            return UsageOrFatal;
        }
    }
    int timeoutSeconds = 60;
    if (parser.isSet(timeout)) {
        timeoutSeconds = parser.value(timeout).toInt(&ok);
        if (!ok || timeoutSeconds <= 0) {
            writeErr(QStringLiteral("seam why: --timeout needs a positive number of seconds\n"));
            return UsageOrFatal;
        }
    }
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const CoveredRange wanted{fromNs.value_or(std::numeric_limits<std::int64_t>::min()),
                                  toNs.value_or(std::numeric_limits<std::int64_t>::max())};
        CohortCounts total = localCohortCounts(*db, {wanted}, slowNs);
        const CohortCounts::Split local = total.loads;
        QJsonValue remoteJson(QJsonValue::Null);
        QString error;
        if (source) {
            // Only the time no pull of this store brought whole: its loads are not in the cache.
            const std::vector<CoveredRange> gaps = uncoveredRanges(
                store::rollupCoverage(*db, source->display().toStdString(), store::kCoverPageLoads), wanted,
                1);
            InterruptGuard interrupts;
            const remote::CohortCountsReport fetched =
                remote::fetchCohortCounts(*source, gaps, slowNs, InterruptGuard::flag(), timeoutSeconds);
            CohortCounts pushed;
            for (const remote::RemoteLoadGroup& g : fetched.groups)
                pushed.addLoads(g.route, g.browser, g.appVersion, g.country, g.slow, g.loads);
            error = fetched.error;
            if (error.isEmpty())
                total.merge(pushed);
            QJsonObject r;
            r[QStringLiteral("source")] = source->display();
            QJsonArray ranges;
            for (const CoveredRange& g : gaps)
                ranges.append(QJsonArray{double(g.from), double(g.to)});
            r[QStringLiteral("ranges")] = ranges;
            r[QStringLiteral("loads")] = splitJson(pushed.loads);
            r[QStringLiteral("groups")] = double(fetched.groups.size());
            r[QStringLiteral("requests")] = double(fetched.requests);
            r[QStringLiteral("bytes")] = double(fetched.bytes);
            r[QStringLiteral("seconds")] = fetched.seconds;
            r[QStringLiteral("error")] = error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(error);
            remoteJson = r;
        }
        if (parser.isSet(jsonOption())) {
            QJsonObject j;
            j[QStringLiteral("slow_ms")] = slow;
            j[QStringLiteral("loads")] = splitJson(total.loads);
            j[QStringLiteral("local")] = splitJson(local);
            j[QStringLiteral("remote")] = remoteJson;
            QJsonArray terms;
            for (const auto& [key, split] : total.terms) {
                QJsonObject t = splitJson(split);
                t[QStringLiteral("field")] = QString::fromStdString(key.first);
                t[QStringLiteral("value")] = QString::fromStdString(key.second);
                terms.append(t);
            }
            j[QStringLiteral("terms")] = terms;
            writeJson(QJsonDocument(j));
        } else {
            writeOut(QStringLiteral("%1 slow, %2 normal page loads (slower than %3 ms)\n")
                         .arg(total.loads.slow)
                         .arg(total.loads.normal)
                         .arg(slow));
            for (const auto& [key, split] : total.terms)
                writeOut(QStringLiteral("  %1=%2: %3 slow, %4 normal\n")
                             .arg(QString::fromStdString(key.first), QString::fromStdString(key.second))
                             .arg(split.slow)
                             .arg(split.normal));
        }
        if (!error.isEmpty()) {
            writeErr(QStringLiteral("seam why: %1 (the counts above are the cache's only)\n").arg(error));
            return int(UsageOrFatal);
        }
        return int(Ok);
    });
}

} // namespace seam::cli
