#pragma once

#include <QStringList>

namespace seam::cli {

/// Exit codes: a stable contract for scripts (DESIGN.md §5).
enum ExitCode
{
    Ok = 0,
    Rejected = 1,
    UsageOrFatal = 2
};

/// True when the arguments ask for a command-line subcommand rather than the GUI.
bool isCommand(const QStringList& args);
/// Runs a subcommand (`args` without the program name). Writes to stdout/stderr.
int run(const QStringList& args);
/// True for the commands that need a QGuiApplication (fonts for the PDF report) rather than a
/// QCoreApplication; main() makes one on the offscreen platform.
bool commandNeedsGuiApplication(const QStringList& args);
/// The top-level --help text.
QString usage();

} // namespace seam::cli
