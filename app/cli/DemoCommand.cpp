#include "Cli.h"
#include "Commands.h"
#include "DemoInvestigation.h"
#include "DemoScore.h"
#include "Format.h"
#include "Output.h"
#include "Sqlite.h"
#include "Store.h"
#include "Terminal.h"

#include <QFile>

namespace seam::cli {

int demoCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption(dbOption());
    const QCommandLineOption seed(QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."),
                                  QStringLiteral("N"));
    const QCommandLineOption sessions(QStringLiteral("sessions"),
                                      QStringLiteral("Number of sessions (default 2000)."),
                                      QStringLiteral("N"));
    const QCommandLineOption strip(
        QStringLiteral("strip-propagation"),
        QStringLiteral("Fraction (0..1) of fetch calls whose trace context is not propagated."),
        QStringLiteral("F"));
    parser.addOptions({seed, sessions, strip});
    bool helped = false;
    if (!parseCommand(
            parser, args,
            QStringLiteral("seam demo --db CACHE [--seed N] [--sessions N] [--strip-propagation F]"), helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QString db = parser.value(dbOption());
    if (db.isEmpty()) {
        writeErr(QStringLiteral("seam demo: --db CACHE is required\n"));
        return UsageOrFatal;
    }
    DemoOptions options;
    bool ok = true;
    if (parser.isSet(seed))
        options.seed = parser.value(seed).toULongLong(&ok);
    if (ok && parser.isSet(sessions)) {
        options.sessions = parser.value(sessions).toInt(&ok);
        ok = ok && options.sessions > 0 && options.sessions <= 10'000'000;
    }
    if (ok && parser.isSet(strip)) {
        options.stripPropagation = parser.value(strip).toDouble(&ok);
        ok = ok && options.stripPropagation >= 0 && options.stripPropagation <= 1;
    }
    if (!ok) {
        writeErr(QStringLiteral("seam demo: --seed, --sessions and --strip-propagation need numbers "
                                "(sessions > 0, fraction in 0..1)\n"));
        return UsageOrFatal;
    }

    InterruptGuard interrupts;
    DemoInvestigationResult demo;
    {
        ProgressLine progress("generating demo investigation");
        try {
            demo = writeDemoInvestigation(
                db.toStdString(), options,
                [&](double fraction) { progress.update(std::uint64_t(fraction * 1000), 1000, "permille"); },
                InterruptGuard::flag());
        } catch (const std::exception& e) {
            progress.finish();
            writeErr(QStringLiteral("seam demo: %1\n").arg(QString::fromStdString(e.what())));
            return UsageOrFatal;
        }
    }
    const ImportReport& report = demo.report;
    const bool finished = demo.finished;
    const std::string& truth = demo.groundTruthJson;
    QFile truthFile(db + QStringLiteral(".truth.json"));
    if (!truthFile.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        truthFile.write(truth.data(), qint64(truth.size())) != qint64(truth.size())) {
        writeErr(QStringLiteral("seam demo: cannot write %1\n").arg(truthFile.fileName()));
        return UsageOrFatal;
    }
    writeOut(QStringLiteral("%1: demo investigation, %2 records (seed %3); ground truth in %4\n")
                 .arg(db)
                 .arg(report.accepted())
                 .arg(options.seed)
                 .arg(truthFile.fileName()));
    if (options.stripPropagation > 0 && finished) {
        try {
            Database reader = store::openForReading(db.toStdString());
            const InferredLinkScore score = scoreInferredLinks(reader, truth);
            writeOut(QStringLiteral("inferred links: %1 of %2 calls without propagation linked, %3 correct "
                                    "(precision %4, recall %5)\n")
                         .arg(score.inferred)
                         .arg(score.stripped)
                         .arg(score.correct)
                         .arg(formatPercent(score.precision()), formatPercent(score.recall())));
        } catch (const std::exception& e) {
            writeErr(QStringLiteral("seam demo: cannot score the inferred links: %1\n")
                         .arg(QString::fromStdString(e.what())));
        }
    }
    if (!finished) {
        writeErr(QStringLiteral("seam demo: interrupted; what was committed is kept\n"));
        return Rejected;
    }
    return report.clean() ? Ok : Rejected;
}

} // namespace seam::cli
