// `seam pull --db CACHE prometheus://HOST:PORT[?preset=spanmetrics|tempo] --from T --to T`: RED series
// of services into the investigation's rollups (README "Remote back-ends").

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Output.h"
#include "PrometheusRed.h"
#include "PullArgs.h"
#include "SourceRun.h"
#include "StoreWriter.h"
#include "Terminal.h"

#include <QJsonObject>

namespace seam::cli {

int pullPrometheusCommand(const QStringList& args, const QString& sourceText)
{
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Window start (ns or ISO 8601)."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Window end (ns or ISO 8601)."),
                                QStringLiteral("T"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Seconds each query may take (default 60)."),
                                     QStringLiteral("SECONDS"));
    parser.addOptions({from, to, timeout});
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("prometheus://HOST:PORT[?preset=spanmetrics|tempo]"));
    bool helped = false;
    if (!parseCommand(
            parser, args,
            QStringLiteral("seam pull --db CACHE prometheus://HOST:PORT[?preset=spanmetrics|tempo] --from T "
                           "--to T [--json]"),
            helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QString db = parser.value(dbOption());
    if (db.isEmpty()) {
        writeErr(QStringLiteral("seam pull: Prometheus needs --db CACHE, --from T and --to T\n"));
        return UsageOrFatal;
    }
    QString error;
    const auto source = remote::PrometheusSource::parse(sourceText, error);
    if (!source) {
        writeErr(QStringLiteral("seam pull: %1\n").arg(error));
        return UsageOrFatal;
    }
    std::int64_t fromNs = 0, toNs = 0;
    int timeoutSeconds = 60;
    if (!pullWindowArgs(parser, from, to, fromNs, toNs) ||
        !positiveArg(parser, timeout, timeoutSeconds, QStringLiteral("pull")))
        return UsageOrFatal;
    std::unique_ptr<StoreWriter> writer = openPullWriter(db);
    if (!writer)
        return UsageOrFatal;
    InterruptGuard interrupts;
    remote::PrometheusPullReport report;
    ImportReport import;
    const SourceCommits commits =
        writeSource(*writer, "prometheus", source->display().toStdString(), import, [&](BatchSink& sink) {
            report = remote::pullPrometheusRed(*source, fromNs, toNs, sink, InterruptGuard::flag(),
                                               timeoutSeconds);
            // A rollup cell is what Prometheus gives: the report counts cells.
            import.format = "prometheus";
            import.addAccepted(std::uint64_t(report.cells));
            if (!report.error.isEmpty())
                import.setFatal("", report.error.toStdString());
        });
    writer.reset();
    if (parser.isSet(jsonOption())) {
        QJsonObject j;
        j[QStringLiteral("source")] = source->display();
        j[QStringLiteral("series")] = double(report.series);
        j[QStringLiteral("rollup_cells")] = double(report.cells);
        j[QStringLiteral("requests")] = double(report.requests);
        j[QStringLiteral("queries")] = double(report.queries);
        j[QStringLiteral("bytes")] = double(report.bytes);
        j[QStringLiteral("seconds")] = report.seconds;
        j[QStringLiteral("error")] =
            report.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(report.error);
        writeJson(QJsonDocument(j));
    } else {
        writeOut(QStringLiteral("%1: %2 series, %3 rollup cells (%4 requests) from %5 queries\n")
                     .arg(source->display())
                     .arg(report.series)
                     .arg(report.cells)
                     .arg(report.requests)
                     .arg(report.queries));
    }
    return pullExitCode(report.error, commits, report.cancelled, db, false);
}

} // namespace seam::cli
