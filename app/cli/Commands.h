#pragma once

#include <QCommandLineParser>
#include <QStringList>

namespace seam::cli {

int importCommand(const QStringList& args);
int demoCommand(const QStringList& args);
int statsCommand(const QStringList& args);
int pageLoadsCommand(const QStringList& args);
int pageLoadCommand(const QStringList& args);
int traceCommand(const QStringList& args);
int servicesCommand(const QStringList& args);
int queryCommand(const QStringList& args);
int serveCommand(const QStringList& args);
int criticalPathCommand(const QStringList& args);
int whyCommand(const QStringList& args);
int diffCommand(const QStringList& args);
int anomaliesCommand(const QStringList& args);
int impactCommand(const QStringList& args);
int pullCommand(const QStringList& args);
int noteCommand(const QStringList& args);
int notesCommand(const QStringList& args);
int reportCommand(const QStringList& args);
int extractCommand(const QStringList& args);
int exportCommand(const QStringList& args);
int propagationCommand(const QStringList& args);

/// Parses `args` (starting with the command name). On error prints it with the command's usage and
/// returns false. Handles --help (printing it and setting `helped`).
bool parseCommand(QCommandLineParser& parser, const QStringList& args, const QString& synopsis, bool& helped);

/// The --db option every command takes.
QCommandLineOption dbOption();
QCommandLineOption jsonOption();

} // namespace seam::cli
