// Commands about incidents: `seam anomalies` (incident windows from the rollups) and `seam impact`
// (what an incident window cost). Formatting only: the analysis is models/analysis.

#include "Anomalies.h"
#include "AnomalyJson.h"
#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Output.h"
#include "StoreQueries.h"

#include <QJsonDocument>

namespace seam::cli {

int anomaliesCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("anomalies");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Windows ending after T."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Windows starting before T."),
                                QStringLiteral("T"));
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("Only this service's windows."), QStringLiteral("S"));
    parser.addOptions({from, to, service});
    bool helped = false;
    if (!parseCommand(parser, args,
                      QStringLiteral("seam anomalies --db CACHE --json [--from T] [--to T] [--service S]"),
                      helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    AnomalyOptions options;
    options.service = parser.value(service).toStdString();
    if (!optionalTimeArg(parser, from, options.from, cmd) || !optionalTimeArg(parser, to, options.to, cmd))
        return UsageOrFatal;
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const AnomalyResult result = detectAnomalies(*db, options);
        for (const std::string& note : result.notes)
            writeErr(QStringLiteral("seam anomalies: %1\n").arg(QString::fromStdString(note)));
        if (parser.isSet(jsonOption())) {
            writeJson(QJsonDocument(anomaliesJson(result)));
            return int(Ok);
        }
        for (const AnomalyWindow& w : result.windows) {
            QStringList metrics;
            for (const AnomalyMetric m : w.metrics)
                metrics << QString::fromLatin1(anomalyMetricName(m));
            QString line = QStringLiteral("#%1.%2  %3 .. %4  %5")
                               .arg(w.incident)
                               .arg(w.originRank)
                               .arg(isoTime(w.start), isoTime(w.end), QString::fromStdString(w.service));
            if (!w.version.empty())
                line += QLatin1Char(' ') + QString::fromStdString(w.version);
            line += QStringLiteral("  %1  score %2")
                        .arg(metrics.join(QLatin1Char(',')))
                        .arg(w.lead.score, 0, 'f', 1);
            if (!w.explainedBy.empty())
                line += QStringLiteral("  (explained by %1)").arg(QString::fromStdString(w.explainedBy));
            writeOut(line + QLatin1Char('\n'));
        }
        return int(Ok);
    });
}

} // namespace seam::cli
