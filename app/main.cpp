// seam: the command line (subcommands, stable JSON contract) and the GUI entry point.

#include "Cli.h"
#include "MainWindow.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QGuiApplication>
#include <QStringList>
#include <cstdio>

int main(int argc, char** argv)
{
    QStringList args;
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);

    if (seam::cli::commandNeedsGuiApplication(args)) {
        // Never shows a window: no display needed.
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        QGuiApplication app(argc, argv);
        return seam::cli::run(args);
    }
    if (seam::cli::isCommand(args)) {
        QCoreApplication app(argc, argv);
        return seam::cli::run(args);
    }

    bool demo = false;
    QStringList paths;
    for (const QString& a : args) {
        if (a == QLatin1String("--demo")) {
            demo = true;
        } else if (a.startsWith(QLatin1Char('-'))) {
            std::fprintf(stderr, "seam: unknown option %s (try seam --help)\n", qPrintable(a));
            return seam::cli::UsageOrFatal;
        } else if (!QFileInfo::exists(a)) {
            // Not a file: most likely a mistyped command. Never open a window for it.
            std::fprintf(stderr, "seam: '%s' is neither a command nor a file (try seam --help)\n",
                         qPrintable(a));
            return seam::cli::UsageOrFatal;
        } else {
            paths << a;
        }
    }
    return seam::runGui(argc, argv, paths, demo);
}
