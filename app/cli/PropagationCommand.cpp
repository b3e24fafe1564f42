// `seam propagation`: where the browser's trace context does not reach the backend, and why.
// Formatting only: the analysis is models/analysis/PropagationHealth.

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Output.h"
#include "PropagationHealth.h"
#include "PropagationJson.h"

#include <QJsonDocument>

namespace seam::cli {

int propagationCommand(const QStringList& args)
{
    const QString cmd = QStringLiteral("propagation");
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    bool helped = false;
    if (!parseCommand(parser, args, QStringLiteral("seam propagation --db CACHE [--json]"), helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    auto db = openCacheArg(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guardedCommand(cmd, [&] {
        const std::vector<PropagationGroup> groups = propagationHealth(*db);
        if (parser.isSet(jsonOption())) {
            writeJson(QJsonDocument(propagationJson(groups)));
            return int(Ok);
        }
        for (const PropagationGroup& g : groups) {
            QString line =
                QStringLiteral("%1 %2%3  %4 calls: %5 linked by id, %6 inferred, %7 unlinked")
                    .arg(g.appVersion.empty() ? QStringLiteral("-") : QString::fromStdString(g.appVersion),
                         QString::fromStdString(g.origin), QString::fromStdString(g.route))
                    .arg(g.calls)
                    .arg(g.linkedById)
                    .arg(g.linkedInferred)
                    .arg(g.unlinked);
            for (const auto& [reason, n] : g.reasons)
                line += QStringLiteral("; %1 %2").arg(QLatin1String(propagationReasonName(reason))).arg(n);
            writeOut(line + QLatin1Char('\n'));
            if (!g.advice.empty())
                writeOut(QStringLiteral("    %1\n").arg(QString::fromStdString(g.advice)));
        }
        return int(Ok);
    });
}

} // namespace seam::cli
