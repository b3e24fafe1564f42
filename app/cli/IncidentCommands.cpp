// Commands about incidents: `seam anomalies` (incident windows from the rollups) and `seam impact`
// (what an incident window cost). Formatting only: the analysis is models/analysis.

#include "Anomalies.h"
#include "AnomalyJson.h"
#include "BusinessImpact.h"
#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Format.h"
#include "ImpactJson.h"
#include "Output.h"
#include "SavedConversion.h"
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

int impactCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("impact");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption service(QStringLiteral("service"), QStringLiteral("The backend service."),
                                     QStringLiteral("S"));
    const QCommandLineOption operation(
        QStringLiteral("operation"), QStringLiteral("Only this operation (span name)."), QStringLiteral("O"));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Only this version."),
                                     QStringLiteral("V"));
    const QCommandLineOption from(QStringLiteral("from"),
                                  QStringLiteral("Window start (default: the service's "
                                                 "strongest anomaly window)."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Window end."), QStringLiteral("T"));
    const QCommandLineOption conversion(
        QStringLiteral("conversion"),
        QStringLiteral("What a conversion is: route:PATTERN, url:PATTERN or action:NAME (globs: * and ?); "
                       "default: the definition saved in the investigation, if any."),
        QStringLiteral("QUERY"));
    const QCommandLineOption revenue(QStringLiteral("revenue-attribute"),
                                     QStringLiteral("Numeric span attribute carrying a conversion's value."),
                                     QStringLiteral("KEY"));
    const QCommandLineOption horizon(
        QStringLiteral("conversion-horizon"),
        QStringLiteral("Minutes after a session's landmark within which a conversion counts (default: the "
                       "time 95% of the data's conversions take from their session's start)."),
        QStringLiteral("MIN"));
    parser.addOptions({service, operation, version, from, to, conversion, revenue, horizon});
    bool helped = false;
    const QString synopsis = QStringLiteral(
        "seam impact --db CACHE --json --service S [--operation O] [--version V] [--from T --to T] "
        "[--conversion QUERY] [--revenue-attribute KEY] [--conversion-horizon MIN]");
    if (!parseCommand(parser, args, synopsis, helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    ImpactQuery q;
    q.service = parser.value(service).toStdString();
    q.operation = parser.value(operation).toStdString();
    q.version = parser.value(version).toStdString();
    q.revenueAttribute = parser.value(revenue).toStdString();
    if (q.service.empty()) {
        writeErr(QStringLiteral("seam impact: --service S is required\nusage: %1\n").arg(synopsis));
        return UsageOrFatal;
    }
    if (!optionalTimeArg(parser, from, q.from, cmd) || !optionalTimeArg(parser, to, q.to, cmd))
        return UsageOrFatal;
    if (q.from.has_value() != q.to.has_value()) {
        writeErr(QStringLiteral("seam impact: give both --from and --to, or neither\n"));
        return UsageOrFatal;
    }
    if (parser.isSet(horizon)) {
        bool ok = false;
        const double minutes = parser.value(horizon).toDouble(&ok);
        if (!ok || !(minutes > 0) || minutes > 7 * 24 * 60) {
            writeErr(QStringLiteral("seam impact: --conversion-horizon: '%1' is not a number of minutes "
                                    "between 0 and a week\n")
                         .arg(parser.value(horizon)));
            return UsageOrFatal;
        }
        q.conversionHorizon = TimeNs(minutes * 60e9);
    }
    if (parser.isSet(conversion)) {
        std::string error;
        q.conversion = ConversionDefinition::parse(parser.value(conversion).toStdString(), &error);
        if (!q.conversion) {
            writeErr(QStringLiteral("seam impact: --conversion: %1\n").arg(QString::fromStdString(error)));
            return UsageOrFatal;
        }
    }
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        // Without --conversion, the definition saved in the investigation (the GUI's incidents panel)
        // applies, and the notes say so.
        std::string savedNote;
        if (!q.conversion) {
            if (const auto saved = readSavedConversion(*db)) {
                q.conversion = ConversionDefinition::parse(saved->definition);
                savedNote = "conversion definition saved in the investigation: " + saved->definition;
                if (q.revenueAttribute.empty() && !saved->revenueAttribute.empty()) {
                    q.revenueAttribute = saved->revenueAttribute;
                    savedNote += ", revenue attribute " + saved->revenueAttribute;
                }
            }
        }
        ImpactResult r = businessImpact(*db, q);
        if (r.serviceFound && !savedNote.empty())
            r.notes.insert(r.notes.begin(), savedNote);
        if (!r.serviceFound) {
            writeErr(QStringLiteral("seam impact: %1\n").arg(QString::fromStdString(r.notes.front())));
            return int(UsageOrFatal);
        }
        const QJsonObject json = impactJson(r);
        if (parser.isSet(jsonOption())) {
            writeJson(QJsonDocument(json));
            return int(Ok);
        }
        writeOut(QStringLiteral("%1 %2 .. %3\n")
                     .arg(QString::fromStdString(r.service), isoTime(r.from), isoTime(r.to)));
        const auto line = [&](const char* what, const ImpactCounts& c) {
            writeOut(QStringLiteral("%1 affected %2, reached %3, of %4\n")
                         .arg(QLatin1String(what), -11)
                         .arg(c.affected)
                         .arg(c.reached)
                         .arg(c.total));
        };
        line("page loads", r.pageLoads);
        line("sessions", r.sessions);
        if (r.users)
            line("users", *r.users);
        writeOut(QStringLiteral("failed actions %1 of %2\n").arg(r.failedActions).arg(r.actions));
        if (r.conversions)
            writeOut(QStringLiteral(
                         "conversions lost %1 [%2, %3] (%4 within %7 min: %5 affected vs %6 unaffected)\n")
                         .arg(r.conversions->lost, 0, 'f', 1)
                         .arg(r.conversions->ciLow, 0, 'f', 1)
                         .arg(r.conversions->ciHigh, 0, 'f', 1)
                         .arg(QString::fromStdString(r.conversions->definition))
                         .arg(r.conversions->affectedRate, 0, 'f', 3)
                         .arg(r.conversions->unaffectedRate, 0, 'f', 3)
                         .arg(double(r.conversions->horizon) / 60e9, 0, 'f', 1));
        if (r.conversions)
            writeOut(
                QStringLiteral("controls   %1 never hit in the window, %2 borrowed (%3 before, %4 after)\n")
                    .arg(r.conversions->control.inWindow)
                    .arg(r.conversions->control.borrowed)
                    .arg(r.conversions->control.borrowedBefore)
                    .arg(r.conversions->control.borrowedAfter));
        if (r.revenue)
            writeOut(QStringLiteral("revenue lost %1 [%2, %3] (%4)\n")
                         .arg(r.revenue->lost, 0, 'f', 2)
                         .arg(r.revenue->ciLow, 0, 'f', 2)
                         .arg(r.revenue->ciHigh, 0, 'f', 2)
                         .arg(QString::fromStdString(r.revenue->attribute)));
        for (const std::string& n : r.notes)
            writeOut(QStringLiteral("note: %1\n").arg(QString::fromStdString(n)));
        return int(Ok);
    });
}

} // namespace seam::cli
