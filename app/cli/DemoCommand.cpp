#include "Cli.h"
#include "Commands.h"
#include "DemoGenerator.h"
#include "DemoScore.h"
#include "Output.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"
#include "Terminal.h"

#include <QFile>
#include <memory>

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

    std::unique_ptr<StoreWriter> writer;
    try {
        writer = std::make_unique<StoreWriter>(db.toStdString());
    } catch (const std::exception& e) {
        writeErr(QStringLiteral("seam demo: %1\n").arg(QString::fromStdString(e.what())));
        return UsageOrFatal;
    }
    InterruptGuard interrupts;
    const std::string description = "demo seed=" + std::to_string(options.seed) +
                                    " sessions=" + std::to_string(options.sessions) +
                                    " strip=" + std::to_string(options.stripPropagation);
    const std::int64_t source = writer->beginSource("demo", description);
    auto sink = writer->sinkFor(source);
    DemoGenerator generator(options);
    ImportReport report;
    ProgressLine progress("generating demo investigation");
    const bool finished = generator.generateInto(*sink, report, InterruptGuard::flag(), [&](double fraction) {
        progress.update(std::uint64_t(fraction * 1000), 1000, "permille");
    });
    progress.finish();
    report.cancelled = !finished;
    writer->flush();
    writer->finishSource(source, report);

    const std::string truth = generator.groundTruthJson();
    writer->runInTransaction([&](Database& database) {
        auto st =
            database.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('demo_ground_truth', ?1)");
        st.bindText(1, truth);
        st.run();
    });
    QFile truthFile(db + QStringLiteral(".truth.json"));
    if (!truthFile.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
        truthFile.write(truth.data(), qint64(truth.size())) != qint64(truth.size())) {
        writeErr(QStringLiteral("seam demo: cannot write %1\n").arg(truthFile.fileName()));
        return UsageOrFatal;
    }
    writer.reset();
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
                                    "(precision %4%, recall %5%)\n")
                         .arg(score.inferred)
                         .arg(score.stripped)
                         .arg(score.correct)
                         .arg(score.precision() * 100, 0, 'f', 1)
                         .arg(score.recall() * 100, 0, 'f', 1));
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
