#include "CacheError.h"
#include "Cli.h"
#include "Commands.h"
#include "Format.h"
#include "ImportRunner.h"
#include "Output.h"
#include "StoreWriter.h"
#include "Terminal.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>
#include <cmath>
#include <memory>

namespace seam::cli {
namespace {

QJsonObject outcomeJson(const ImportRunner::Outcome& o)
{
    QJsonObject j;
    j[QStringLiteral("path")] = QString::fromStdString(o.path);
    j[QStringLiteral("format")] = QString::fromStdString(o.report.format);
    // imported: committed to the cache; read: accepted by the reader (more only when writing stopped).
    j[QStringLiteral("imported")] = double(o.report.accepted());
    j[QStringLiteral("read")] = double(o.report.read());
    j[QStringLiteral("rejected")] = double(o.report.rejected());
    j[QStringLiteral("bytes")] = double(o.report.bytesRead);
    j[QStringLiteral("seconds")] = o.seconds;
    j[QStringLiteral("cancelled")] = o.report.cancelled;
    // Not telemetry at all (a manifest, an SDK's diagnostics): why, else null. Never an exit code.
    j[QStringLiteral("skipped")] =
        o.report.skipped.empty() ? QJsonValue(QJsonValue::Null) : QString::fromStdString(o.report.skipped);
    if (o.report.hasFatal()) {
        QJsonObject f;
        f[QStringLiteral("location")] = QString::fromStdString(o.report.fatalLocation());
        f[QStringLiteral("message")] = QString::fromStdString(o.report.fatalMessage());
        j[QStringLiteral("fatal")] = f;
    } else {
        j[QStringLiteral("fatal")] = QJsonValue::Null;
    }
    QJsonArray rejects;
    for (const auto& r : o.report.samples()) {
        QJsonObject e;
        e[QStringLiteral("location")] = QString::fromStdString(r.location);
        e[QStringLiteral("message")] = QString::fromStdString(r.message);
        e[QStringLiteral("count")] = double(r.count);
        rejects.append(e);
    }
    j[QStringLiteral("rejects")] = rejects;
    // Mended input (e.g. a lone surrogate escape replaced by U+FFFD): reported, never an exit code.
    j[QStringLiteral("warnings")] = double(o.report.warnings());
    if (o.report.warnings()) {
        QJsonObject w;
        w[QStringLiteral("location")] = QString::fromStdString(o.report.firstWarningLocation());
        w[QStringLiteral("message")] = QString::fromStdString(o.report.firstWarningMessage());
        j[QStringLiteral("first_warning")] = w;
    } else {
        j[QStringLiteral("first_warning")] = QJsonValue::Null;
    }
    return j;
}

void printOutcome(const ImportRunner::Outcome& o)
{
    const auto& r = o.report;
    if (!r.skipped.empty()) {
        writeOut(QStringLiteral("%1: skipped, not telemetry: %2\n")
                     .arg(QString::fromStdString(o.path), QString::fromStdString(r.skipped)));
        return;
    }
    QString line = QStringLiteral("%1: %2 imported, %3 rejected")
                       .arg(QString::fromStdString(o.path))
                       .arg(r.accepted())
                       .arg(r.rejected());
    if (!r.format.empty())
        line += QStringLiteral(" [%1]").arg(QString::fromStdString(r.format));
    line += QStringLiteral(" in %1").arg(formatDuration(std::llround(o.seconds * 1e9)));
    if (r.cancelled)
        line += QStringLiteral(" (interrupted: what was committed is kept)");
    // The summary is the command's result: stdout. Problems go to stderr too when stdout is a pipe.
    writeOut(line + QLatin1Char('\n'));
    constexpr std::size_t kShown = 10;
    std::size_t shown = 0;
    for (const auto& rej : r.samples()) {
        if (shown++ == kShown)
            break;
        writeOut(QStringLiteral("  rejected at %1: %2%3\n")
                     .arg(QString::fromStdString(rej.location), QString::fromStdString(rej.message),
                          rej.count > 1 ? QStringLiteral(" (x%1)").arg(rej.count) : QString()));
    }
    if (r.samples().size() > kShown)
        writeOut(
            QStringLiteral("  ... %1 more (seam query: SELECT * FROM source_errors WHERE source_id = %2)\n")
                .arg(r.samples().size() - kShown)
                .arg(o.sourceId));
    if (r.warnings())
        writeOut(QStringLiteral("  %1 warning%2, the first at %3: %4\n")
                     .arg(r.warnings())
                     .arg(r.warnings() > 1 ? QStringLiteral("s") : QString())
                     .arg(QString::fromStdString(r.firstWarningLocation()),
                          QString::fromStdString(r.firstWarningMessage())));
    if (o.writeFailure.failed())
        writeOut(QStringLiteral("  stopped: %1\n").arg(QString::fromStdString(r.fatalMessage())));
    else if (r.hasFatal())
        writeOut(QStringLiteral("  stopped at %1: %2\n")
                     .arg(QString::fromStdString(r.fatalLocation().empty() ? std::string("start")
                                                                           : r.fatalLocation()),
                          QString::fromStdString(r.fatalMessage())));
}

/// What the whole import did, as the last line: "3 files: 41,250 records imported, 12 rejected, 1
/// skipped as not telemetry".
struct Totals
{
    std::uint64_t files = 0, imported = 0, rejected = 0, skipped = 0;

    void add(const ImportRunner::Outcome& o)
    {
        ++files;
        imported += o.report.accepted();
        rejected += o.report.rejected();
        skipped += o.report.skipped.empty() ? 0 : 1;
    }
    QString line(std::size_t missing) const
    {
        const QLocale locale;
        QString text =
            QStringLiteral("%1 file%2: %3 records imported, %4 rejected, %5 skipped as not telemetry")
                .arg(locale.toString(qulonglong(files)), files == 1 ? QString() : QStringLiteral("s"),
                     locale.toString(qulonglong(imported)), locale.toString(qulonglong(rejected)),
                     locale.toString(qulonglong(skipped)));
        if (missing)
            text += QStringLiteral(", %1 not found").arg(missing);
        return text + QLatin1Char('\n');
    }
};

} // namespace

int importCommand(const QStringList& args)
{
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(
        QCommandLineOption(QStringLiteral("json"), QStringLiteral("Print the per-file report as JSON.")));
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("Skip detection: otlp-json, otlp-protobuf-traces, "
                                                   "otlp-protobuf-logs, otlp-protobuf-stream."),
                                    QStringLiteral("F"));
    parser.addOption(format);
    parser.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Files or directories to import."));
    bool helped = false;
    if (!parseCommand(parser, args, QStringLiteral("seam import --db CACHE [--format F] FILE|DIR..."),
                      helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QString db = parser.value(dbOption());
    if (db.isEmpty() || parser.positionalArguments().isEmpty()) {
        writeErr(QStringLiteral("seam import: needs --db CACHE and at least one FILE\n"));
        return UsageOrFatal;
    }
    std::vector<std::string> paths, missing;
    for (const QString& p : parser.positionalArguments())
        paths.push_back(p.toStdString());
    const std::vector<std::string> files = ImportRunner::expand(paths, missing);

    std::unique_ptr<StoreWriter> writer;
    try {
        writer = std::make_unique<StoreWriter>(db.toStdString());
    } catch (const std::exception& e) {
        writeErr(QStringLiteral("seam import: %1\n").arg(QString::fromStdString(e.what())));
        return UsageOrFatal;
    }

    InterruptGuard interrupts;
    ImportRunner runner(*writer);
    runner.setFormat(parser.value(format).toStdString());
    runner.setCancelFlag(InterruptGuard::flag());
    std::unique_ptr<ProgressLine> progress;
    runner.setProgress([&](const std::string& path, std::uint64_t done, std::uint64_t total) {
        if (!progress)
            progress = std::make_unique<ProgressLine>(path);
        progress->update(done, total);
    });

    bool anyProblem = !missing.empty();
    Totals totals;
    bool writeFailed = false;
    QJsonArray report;
    for (const std::string& m : missing) {
        writeErr(
            QStringLiteral("seam import: %1: no such file or directory\n").arg(QString::fromStdString(m)));
        QJsonObject j;
        j[QStringLiteral("path")] = QString::fromStdString(m);
        j[QStringLiteral("fatal")] =
            QJsonObject{{QStringLiteral("location"), QString()},
                        {QStringLiteral("message"), QStringLiteral("no such file or directory")}};
        report.append(j);
    }
    for (const std::string& file : files) {
        if (InterruptGuard::interrupted())
            break;
        const ImportRunner::Outcome outcome = runner.importFile(file);
        if (progress)
            progress->finish();
        progress.reset();
        totals.add(outcome);
        anyProblem = anyProblem || !outcome.report.clean() || outcome.report.cancelled;
        if (parser.isSet(QStringLiteral("json")))
            report.append(outcomeJson(outcome));
        else
            printOutcome(outcome);
        if (outcome.writeFailure.failed()) {
            // The cache cannot take more (disk full, read-only, locked, I/O error): the import stops.
            writeErr(
                QStringLiteral("seam import: cannot write to %1: %2; stopped at %3 (%4 of %5 records read "
                               "from it committed; what was committed is kept)\n")
                    .arg(db,
                         QString::fromStdString(outcome.writeFailure.code
                                                    ? store::writeFailureCause(outcome.writeFailure.code)
                                                    : outcome.writeFailure.message),
                         QString::fromStdString(file))
                    .arg(outcome.report.accepted())
                    .arg(outcome.report.read()));
            writeFailed = true;
            break;
        }
    }
    if (parser.isSet(QStringLiteral("json")))
        writeJson(QJsonDocument(report));
    else
        writeOut(totals.line(missing.size()));
    if (InterruptGuard::interrupted()) {
        writeErr(
            QStringLiteral("seam import: interrupted; every batch committed before the interrupt is kept\n"));
        anyProblem = true;
    }
    writer.reset(); // commit and checkpoint before reporting success
    if (writeFailed)
        return UsageOrFatal;
    return anyProblem ? Rejected : Ok;
}

} // namespace seam::cli
