// The "why is this slow?" commands: critical-path (one page load), why (a cohort against a baseline).
// They parse arguments and print; the answers come from models/analysis through models/report.

#include "Cli.h"
#include "Commands.h"
#include "CriticalPathJson.h"
#include "Output.h"
#include "Store.h"

#include <QFileInfo>
#include <QJsonArray>
#include <optional>

namespace seam::cli {
namespace {

/// Opens the --db cache read-only; prints why not and returns nullopt.
std::optional<Database> openCache(const QCommandLineParser& parser, const QString& command)
{
    const QString path = parser.value(dbOption());
    if (path.isEmpty()) {
        writeErr(QStringLiteral("seam %1: --db CACHE is required\n").arg(command));
        return std::nullopt;
    }
    if (!QFileInfo::exists(path)) {
        writeErr(QStringLiteral("seam %1: %2: no such file\n").arg(command, path));
        return std::nullopt;
    }
    try {
        return store::openForReading(path.toStdString());
    } catch (const SqliteError& e) {
        writeErr(QStringLiteral("seam %1: %2\n").arg(command, QString::fromStdString(e.what())));
        return std::nullopt;
    }
}

template<typename Body> int guarded(const QString& command, Body body)
{
    try {
        return body();
    } catch (const SqliteError& e) {
        writeErr(QStringLiteral("seam %1: %2\n").arg(command, QString::fromStdString(e.what())));
        return UsageOrFatal;
    }
}

} // namespace

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
    bool ok = false;
    const qint64 id = parser.positionalArguments().value(0).toLongLong(&ok);
    if (parser.positionalArguments().size() != 1 || !ok) {
        writeErr(QStringLiteral("seam critical-path: give exactly one numeric PAGELOAD_ID\n"));
        return UsageOrFatal;
    }
    auto db = openCache(parser, cmd);
    if (!db)
        return UsageOrFatal;
    return guarded(cmd, [&] {
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

} // namespace seam::cli
