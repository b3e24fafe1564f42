// `seam pull --db CACHE tempo://...|jaeger://... --search --service S [--operation O] --from T --to T
// [--min-duration D] [--limit N]`: a bounded search of the trace store, then the traces it names
// (README "Remote back-ends"). Neither store pages a search: when the answer reaches --limit, the
// report says so and the user narrows the range.

#include "PullTraceSearch.h"

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Format.h"
#include "Output.h"
#include "PullArgs.h"
#include "SourceRun.h"
#include "Terminal.h"

#include <QJsonArray>
#include <QJsonObject>
#include <cmath>

namespace seam::cli {

TraceSearchOptions traceSearchOptions()
{
    return {
        QCommandLineOption(QStringLiteral("search"),
                           QStringLiteral("Search the store by service (and operation) over --from/--to, "
                                          "then fetch the traces found.")),
        QCommandLineOption(QStringLiteral("service"), QStringLiteral("The service to search (required)."),
                           QStringLiteral("S")),
        QCommandLineOption(QStringLiteral("operation"), QStringLiteral("Only spans of this name."),
                           QStringLiteral("O")),
        QCommandLineOption(QStringLiteral("from"), QStringLiteral("Search start (ns or ISO 8601)."),
                           QStringLiteral("T")),
        QCommandLineOption(QStringLiteral("to"), QStringLiteral("Search end (ns or ISO 8601)."),
                           QStringLiteral("T")),
        QCommandLineOption(QStringLiteral("min-duration"),
                           QStringLiteral("Only traces lasting at least D (250ms, 2s)."),
                           QStringLiteral("D")),
        QCommandLineOption(QStringLiteral("limit"),
                           QStringLiteral("At most N traces (default %1, at most %2).")
                               .arg(remote::kDefaultSearchLimit)
                               .arg(remote::kMaxSearchLimit),
                           QStringLiteral("N")),
    };
}

namespace {

std::optional<remote::TraceSearchQuery> searchQueryArgs(const QCommandLineParser& parser,
                                                        const TraceSearchOptions& o)
{
    remote::TraceSearchQuery query;
    query.service = parser.value(o.service).trimmed();
    query.operation = parser.value(o.operation).trimmed();
    if (query.service.isEmpty()) {
        writeErr(QStringLiteral("seam pull: --search needs --service S\n"));
        return std::nullopt;
    }
    if (!pullWindowArgs(parser, o.from, o.to, query.fromNs, query.toNs) ||
        !positiveArg(parser, o.limit, query.limit, QStringLiteral("pull")))
        return std::nullopt;
    if (query.limit > remote::kMaxSearchLimit) {
        writeErr(QStringLiteral("seam pull: --limit is at most %1 (neither store pages a search: narrow the "
                                "range instead)\n")
                     .arg(remote::kMaxSearchLimit));
        return std::nullopt;
    }
    if (parser.isSet(o.minDuration)) {
        const auto d = parseDurationText(parser.value(o.minDuration));
        if (!d || *d <= 0) {
            writeErr(QStringLiteral("seam pull: --min-duration: '%1' is not a duration (250ms, 2s)\n")
                         .arg(parser.value(o.minDuration)));
            return std::nullopt;
        }
        query.minDurationNs = *d;
    }
    return query;
}

QJsonObject reportJson(const remote::TraceStore& store, const remote::TraceSearchQuery& query,
                       const remote::TraceSearchReport& r, const ImportReport& import)
{
    QJsonObject search{{QStringLiteral("service"), query.service},
                       {QStringLiteral("operation"), query.operation.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                               : QJsonValue(query.operation)},
                       {QStringLiteral("from"), isoTime(query.fromNs)},
                       {QStringLiteral("to"), isoTime(query.toNs)},
                       {QStringLiteral("min_duration_ns"), double(query.minDurationNs)},
                       {QStringLiteral("limit"), query.limit}};
    QJsonObject j;
    j[QStringLiteral("source")] = store.display();
    j[QStringLiteral("search")] = search;
    j[QStringLiteral("request")] = r.request;
    j[QStringLiteral("traces_named")] = double(r.named);
    j[QStringLiteral("limit_reached")] = r.limitReached;
    j[QStringLiteral("note")] =
        r.limitReached ? QJsonValue(remote::limitNote(store, query.limit)) : QJsonValue(QJsonValue::Null);
    j[QStringLiteral("traces_found")] = double(r.found);
    j[QStringLiteral("traces_missing")] = double(r.missing);
    j[QStringLiteral("imported")] = double(import.accepted());
    j[QStringLiteral("rejected")] = double(import.rejected());
    j[QStringLiteral("requests")] = double(r.requests);
    j[QStringLiteral("bytes")] = double(r.bytes);
    j[QStringLiteral("seconds")] = r.seconds;
    j[QStringLiteral("error")] = r.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(r.error);
    j[QStringLiteral("cancelled")] = r.cancelled;
    QJsonArray rejects;
    for (const auto& reject : import.samples()) {
        if (rejects.size() == 10)
            break;
        rejects.append(QJsonObject{{QStringLiteral("location"), QString::fromStdString(reject.location)},
                                   {QStringLiteral("message"), QString::fromStdString(reject.message)}});
    }
    j[QStringLiteral("rejects")] = rejects;
    return j;
}

} // namespace

int pullTraceSearch(const QCommandLineParser& parser, const TraceSearchOptions& o,
                    const remote::TraceStore& store, remote::TraceFetchOptions options, const QString& db)
{
    const auto query = searchQueryArgs(parser, o);
    if (!query)
        return UsageOrFatal;
    std::unique_ptr<StoreWriter> writer = openPullWriter(db);
    if (!writer)
        return UsageOrFatal;
    InterruptGuard interrupts;
    options.cancel = InterruptGuard::flag();
    std::unique_ptr<ProgressLine> progress;
    options.progress = [&](std::int64_t done, std::int64_t total) {
        if (!progress)
            progress = std::make_unique<ProgressLine>(store.display().toStdString());
        progress->update(std::uint64_t(done), std::uint64_t(total), "traces");
    };
    ImportReport import;
    remote::TraceSearchReport report;
    const SourceCommits commits =
        writeSource(*writer, store.kind == remote::TraceStore::Kind::Tempo ? "tempo" : "jaeger",
                    store.display().toStdString(), import, [&](BatchSink& sink) {
                        report = remote::searchTraces(store, *query, options, sink, import);
                    });
    if (progress)
        progress->finish();
    writer.reset();

    if (parser.isSet(jsonOption())) {
        writeJson(QJsonDocument(reportJson(store, *query, report, import)));
    } else {
        writeOut(QStringLiteral("%1: the search named %2 traces (limit %3): %4 found, %5 spans imported, %6 "
                                "rejected; %7 requests in %8\n")
                     .arg(store.display())
                     .arg(report.named)
                     .arg(query->limit)
                     .arg(report.found)
                     .arg(import.accepted())
                     .arg(import.rejected())
                     .arg(report.requests)
                     .arg(formatDuration(std::llround(report.seconds * 1e9))));
    }
    if (report.limitReached)
        writeErr(QStringLiteral("seam pull: %1\n").arg(remote::limitNote(store, query->limit)));
    return pullExitCode(report.error, commits, report.cancelled, db, import.rejected() > 0);
}

} // namespace seam::cli
