// `seam pull --db CACHE SOURCE --from T --to T [--filter QUERY] [--max-page-loads N]`: a bounded slice
// of a remote store into the investigation (README "Remote back-ends").

#include "CacheArgs.h"
#include "Cli.h"
#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "Commands.h"
#include "Format.h"
#include "Output.h"
#include "PageLoadFilter.h"
#include "PullArgs.h"
#include "RollupGaps.h"
#include "Schema.h"
#include "SourceRun.h"
#include "Store.h"
#include "StoreWriter.h"
#include "Terminal.h"

#include <QJsonArray>
#include <QJsonObject>
#include <cmath>
#include <memory>

namespace seam::cli {
namespace {

/// What a filtered pull sent to the server and what only the cache could decide.
struct FilterOutcome
{
    PageLoadFilter filter;
    remote::ServerFilter server;
    std::int64_t matched = -1; ///< page loads of the window in the cache that match, after the pull
};

QJsonValue filterJson(const std::optional<FilterOutcome>& f, const remote::PullReport& r)
{
    if (!f)
        return QJsonValue::Null;
    QJsonObject j;
    j[QStringLiteral("text")] = f->filter.text();
    j[QStringLiteral("pushed")] = QJsonArray::fromStringList(f->server.pushed);
    j[QStringLiteral("local_only")] = QJsonArray::fromStringList(f->server.localOnly);
    j[QStringLiteral("server_exact")] = f->server.exact;
    j[QStringLiteral("candidate_page_loads")] = double(r.candidatePageLoads);
    j[QStringLiteral("candidate_sessions")] = double(r.candidateSessions);
    j[QStringLiteral("matched_page_loads")] = double(f->matched);
    return j;
}

QString filterText(const FilterOutcome& f, const remote::PullReport& r)
{
    const QString none = QStringLiteral("(none)");
    return QStringLiteral("  filter %1: pushed to the server: %2%3; applied locally only: %4\n"
                          "  %5 candidate page loads in %6 sessions pulled; %7 page loads of the window "
                          "match\n")
        .arg(f.filter.text(), f.server.pushed.isEmpty() ? none : f.server.pushed.join(QLatin1Char(' ')),
             f.server.pushed.isEmpty() ? QString()
             : f.server.exact          ? QStringLiteral(" (exact)")
                                       : QStringLiteral(" (narrowing; checked again locally)"),
             f.server.localOnly.isEmpty() ? none : f.server.localOnly.join(QLatin1Char(' ')))
        .arg(r.candidatePageLoads)
        .arg(r.candidateSessions)
        .arg(f.matched);
}

QJsonObject reportJson(const remote::ClickHouseSource& source, const remote::PullReport& r,
                       const ImportReport& import, const std::optional<FilterOutcome>& filter)
{
    QJsonObject j;
    j[QStringLiteral("filter")] = filterJson(filter, r);
    j[QStringLiteral("source")] = source.display();
    j[QStringLiteral("browser_spans")] = double(r.browserSpans);
    j[QStringLiteral("traces_requested")] = double(r.tracesRequested);
    j[QStringLiteral("backend_spans")] = double(r.backendSpans);
    j[QStringLiteral("rollup_cells")] = double(r.rollupCells);
    j[QStringLiteral("imported")] = double(import.accepted());
    j[QStringLiteral("rejected")] = double(import.rejected());
    j[QStringLiteral("requests")] = double(r.requests);
    j[QStringLiteral("bytes")] = double(r.bytes);
    j[QStringLiteral("seconds")] = r.seconds;
    j[QStringLiteral("used_trace_id_table")] = r.usedTraceIdTable;
    j[QStringLiteral("skipped")] = QJsonArray::fromStringList(r.skipped);
    j[QStringLiteral("error")] = r.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.error);
    j[QStringLiteral("cancelled")] = r.cancelled;
    return j;
}

/// `--rollups-only`: the rollups of the part of [from, to) that no earlier fetch from this store covered.
int pullRollupsOnly(StoreWriter& writer, const remote::ClickHouseSource& source,
                    const remote::PullOptions& options, bool json, const QString& db)
{
    const std::string name = source.display().toStdString();
    const std::vector<CoveredRange> gaps = uncoveredRanges(
        remote::readRollupCoverage(writer, name), {options.fromNs, options.toNs}, schema::kRollupBucketNs);
    ImportReport import;
    remote::RollupPullReport report;
    SourceCommits commits;
    if (!gaps.empty()) {
        commits = writeSource(writer, "clickhouse", name, import, [&](BatchSink& sink) {
            import.format = "clickhouse";
            report = remote::pullClickHouseRollups(source, gaps, sink, InterruptGuard::flag(),
                                                   options.timeoutSeconds);
            // A rollup cell is what the server gives: the report counts cells.
            import.addAccepted(std::uint64_t(report.cells));
            if (!report.error.isEmpty())
                import.setFatal("", report.error.toStdString());
            import.cancelled = report.cancelled;
        });
        if (!commits.failed)
            remote::recordRollupCoverage(writer, name, report.counted);
    }
    if (json) {
        QJsonObject j;
        j[QStringLiteral("source")] = source.display();
        QJsonArray ranges;
        for (const CoveredRange& r : gaps)
            ranges.append(QJsonArray{double(r.from), double(r.to)});
        j[QStringLiteral("ranges_requested")] = ranges;
        j[QStringLiteral("rollup_cells")] = double(report.cells);
        j[QStringLiteral("requests")] = double(report.requests);
        j[QStringLiteral("bytes")] = double(report.bytes);
        j[QStringLiteral("seconds")] = report.seconds;
        j[QStringLiteral("error")] =
            report.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(report.error);
        j[QStringLiteral("cancelled")] = report.cancelled;
        writeJson(QJsonDocument(j));
    } else if (gaps.empty()) {
        writeOut(QStringLiteral("%1: the cache already holds the rollups of that range; nothing asked\n")
                     .arg(source.display()));
    } else {
        writeOut(
            QStringLiteral("%1: %2 rollup cells over %3 missing range(s), %4 requests, %5 received in %6\n")
                .arg(source.display())
                .arg(report.cells)
                .arg(gaps.size())
                .arg(report.requests)
                .arg(QStringLiteral("%1 KiB").arg(double(report.bytes) / 1024, 0, 'f', 1))
                .arg(formatDuration(std::llround(report.seconds * 1e9))));
    }
    return pullExitCode(report.error, commits, report.cancelled, db, false);
}

} // namespace

int pullTracesCommand(const QStringList& args, const QString& source);
int pullPrometheusCommand(const QStringList& args, const QString& source);

int pullCommand(const QStringList& args)
{
    // A trace store (Tempo, Jaeger) answers by trace id; ClickHouse by time window.
    for (const QString& a : args)
        if (a.startsWith(QLatin1String("tempo://")) || a.startsWith(QLatin1String("jaeger://")))
            return pullTracesCommand(args, a);
        else if (a.startsWith(QLatin1String("prometheus://")))
            return pullPrometheusCommand(args, a);
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Window start (ns or ISO 8601)."),
                                  QStringLiteral("T"));
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Window end (ns or ISO 8601)."),
                                QStringLiteral("T"));
    const QCommandLineOption maxLoads(QStringLiteral("max-page-loads"),
                                      QStringLiteral("Pull only the first N page loads of the window."),
                                      QStringLiteral("N"));
    const QCommandLineOption maxSpans(QStringLiteral("max-spans"),
                                      QStringLiteral("Stop after N spans in all (default 5000000)."),
                                      QStringLiteral("N"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Seconds each query may take (default 60)."),
                                     QStringLiteral("SECONDS"));
    const QCommandLineOption rollupsOnly(
        QStringLiteral("rollups-only"),
        QStringLiteral(
            "Fetch only the RED rollups of [from, to) that the cache lacks, computed by the server "
            "(no spans): the service charts of a range wider than the pulled window."));
    const QCommandLineOption filterOption(
        QStringLiteral("filter"),
        QStringLiteral("Only page loads matching QUERY (the page-load filter language) and their sessions; "
                       "terms ClickHouse can evaluate are pushed to it, the rest applied locally."),
        QStringLiteral("QUERY"));
    parser.addOptions({from, to, maxLoads, maxSpans, timeout, rollupsOnly, filterOption});
    parser.addPositionalArgument(
        QStringLiteral("SOURCE"),
        QStringLiteral("clickhouse://[user[:password]@]host[:port]/database?table=otel_traces[&secure=1] "
                       "(or SEAM_CLICKHOUSE_USER / SEAM_CLICKHOUSE_PASSWORD in the environment)"));
    bool helped = false;
    if (!parseCommand(
            parser, args,
            QStringLiteral(
                "seam pull --db CACHE SOURCE --from T --to T [--filter QUERY] [--max-page-loads N | "
                "--rollups-only] [--json]"),
            helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QString db = parser.value(dbOption());
    if (db.isEmpty() || parser.positionalArguments().size() != 1) {
        writeErr(QStringLiteral("seam pull: needs --db CACHE, one SOURCE, --from T and --to T\n"));
        return UsageOrFatal;
    }
    QString error;
    const auto source = remote::ClickHouseSource::parse(parser.positionalArguments().front(), error);
    if (!source) {
        writeErr(QStringLiteral("seam pull: %1\n").arg(error));
        return UsageOrFatal;
    }
    remote::PullOptions options;
    if (!pullWindowArgs(parser, from, to, options.fromNs, options.toNs))
        return UsageOrFatal;
    std::optional<FilterOutcome> filter;
    if (parser.isSet(filterOption) && !parser.value(filterOption).trimmed().isEmpty()) {
        if (parser.isSet(rollupsOnly)) {
            writeErr(QStringLiteral("seam pull: --filter selects page loads; --rollups-only fetches none\n"));
            return UsageOrFatal;
        }
        filter = FilterOutcome{PageLoadFilter::parse(parser.value(filterOption)), {}, -1};
        if (!filter->filter.isValid()) {
            writeErr(QStringLiteral("seam pull: --filter: %1\n").arg(filter->filter.error().message));
            return UsageOrFatal;
        }
        filter->server = remote::pushDownFilter(filter->filter);
        options.filter = filter->server;
    }
    std::int64_t maxPageLoads = 0;
    const QString cmd = QStringLiteral("pull");
    if (!positiveArg(parser, maxLoads, maxPageLoads, cmd) ||
        !positiveArg(parser, maxSpans, options.maxSpans, cmd) ||
        !positiveArg(parser, timeout, options.timeoutSeconds, cmd))
        return UsageOrFatal;
    if (maxPageLoads > 0)
        options.maxPageLoads = maxPageLoads;

    std::unique_ptr<StoreWriter> writer = openPullWriter(db);
    if (!writer)
        return UsageOrFatal;
    InterruptGuard interrupts;
    if (parser.isSet(rollupsOnly))
        return pullRollupsOnly(*writer, *source, options, parser.isSet(jsonOption()), db);
    options.cancel = InterruptGuard::flag();
    std::unique_ptr<ProgressLine> progress;
    options.progress = [&](const QString& stage, std::int64_t spans) {
        if (!progress)
            progress = std::make_unique<ProgressLine>(source->display().toStdString());
        progress->update(std::uint64_t(spans), 0, QString(stage + QStringLiteral(", spans")).toStdString());
    };
    ImportReport import;
    remote::PullReport report;
    // The source row names the server without credentials (display() never holds the password).
    const SourceCommits commits =
        writeSource(*writer, "clickhouse", source->display().toStdString(), import, [&](BatchSink& sink) {
            report = remote::pullClickHouse(*source, options, sink, import);
        });
    if (progress)
        progress->finish();
    // What the server counted is kept as covered: the charts ask the store only beyond it.
    if (!commits.failed && report.error.isEmpty())
        remote::recordPullCoverage(*writer, source->display().toStdString(), report);
    writer.reset();
    if (filter && !commits.failed) {
        try {
            Database cache = store::openForReading(db.toStdString());
            filter->matched =
                remote::countMatchingPageLoads(cache, filter->filter, options.fromNs, options.toNs);
        } catch (const std::exception& e) {
            writeErr(QStringLiteral("seam pull: cannot count the matching page loads: %1\n")
                         .arg(QString::fromStdString(e.what())));
        }
    }

    if (parser.isSet(jsonOption())) {
        writeJson(QJsonDocument(reportJson(*source, report, import, filter)));
    } else {
        writeOut(
            QStringLiteral("%1: %2 spans imported (%3 browser, %4 backend from %5 trace ids), %6 rejected; "
                           "%7 requests, %8 received in %9\n")
                .arg(source->display())
                .arg(import.accepted())
                .arg(report.browserSpans)
                .arg(report.backendSpans)
                .arg(report.tracesRequested)
                .arg(import.rejected())
                .arg(report.requests)
                .arg(QStringLiteral("%1 MiB").arg(double(report.bytes) / (1 << 20), 0, 'f', 1))
                .arg(formatDuration(std::llround(report.seconds * 1e9))));
        if (filter)
            writeOut(filterText(*filter, report));
        for (const QString& s : report.skipped)
            writeOut(QStringLiteral("  skipped: %1\n").arg(s));
    }
    return pullExitCode(report.error, commits, report.cancelled, db, import.rejected() > 0);
}

} // namespace seam::cli
