// `seam pull --db CACHE tempo://HOST:PORT | jaeger://HOST:PORT (--missing-traces [--page-load ID] |
// --trace ID... | --search ...)`: backend traces by id for browser calls whose trace id is known but
// whose backend trace is not in the investigation, or those a bounded search names (PullTraceSearch;
// README "Remote back-ends").

#include "CacheArgs.h"
#include "Cli.h"
#include "Commands.h"
#include "Format.h"
#include "Output.h"
#include "PullArgs.h"
#include "PullTraceSearch.h"
#include "SourceRun.h"
#include "Store.h"
#include "StoreWriter.h"
#include "Terminal.h"
#include "TraceFetch.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <cmath>
#include <filesystem>

namespace seam::cli {

/// Trace ids the cache's browser calls propagated whose backend trace never arrived.
static std::vector<std::string> missingTraceIds(const std::string& cache, std::optional<qint64> pageLoad,
                                                std::int64_t limit)
{
    if (!std::filesystem::exists(cache))
        return {};
    Database db = store::openForReading(cache);
    return remote::missingTraceIds(db, pageLoad ? std::optional<std::int64_t>(*pageLoad) : std::nullopt,
                                   limit);
}

int pullTracesCommand(const QStringList& args, const QString& sourceText)
{
    QCommandLineParser parser;
    parser.addOption(dbOption());
    parser.addOption(jsonOption());
    const QCommandLineOption missing(
        QStringLiteral("missing-traces"),
        QStringLiteral("Fetch the backend traces the cache's browser calls name but lack."));
    const QCommandLineOption pageLoad(QStringLiteral("page-load"),
                                      QStringLiteral("Only the calls of this page load."),
                                      QStringLiteral("ID"));
    const QCommandLineOption trace(QStringLiteral("trace"),
                                   QStringLiteral("A trace id to fetch (repeatable)."), QStringLiteral("ID"));
    const QCommandLineOption maxTraces(QStringLiteral("max-traces"),
                                       QStringLiteral("At most N traces (default 10000)."),
                                       QStringLiteral("N"));
    const QCommandLineOption timeout(QStringLiteral("timeout"),
                                     QStringLiteral("Seconds each request may take (default 30)."),
                                     QStringLiteral("SECONDS"));
    parser.addOptions({missing, pageLoad, trace, maxTraces, timeout});
    const TraceSearchOptions search = traceSearchOptions();
    parser.addOptions({search.search, search.service, search.operation, search.from, search.to,
                       search.minDuration, search.limit});
    parser.addPositionalArgument(QStringLiteral("SOURCE"),
                                 QStringLiteral("tempo://HOST:PORT or jaeger://HOST:PORT"));
    bool helped = false;
    if (!parseCommand(
            parser, args,
            QStringLiteral("seam pull --db CACHE tempo://HOST:PORT|jaeger://HOST:PORT (--missing-traces "
                           "[--page-load ID] | --trace ID... | --search --service S [--operation O] --from T "
                           "--to T [--min-duration D] [--limit N]) [--json]"),
            helped))
        return UsageOrFatal;
    if (helped)
        return Ok;
    const QString db = parser.value(dbOption());
    const int modes = int(parser.isSet(missing) || parser.isSet(trace)) + int(parser.isSet(search.search));
    if (db.isEmpty() || modes != 1) {
        writeErr(
            QStringLiteral("seam pull: a trace store needs --db CACHE and one of --missing-traces, --trace "
                           "ID or --search\n"));
        return UsageOrFatal;
    }
    QString error;
    const auto store = remote::TraceStore::parse(sourceText, error);
    if (!store) {
        writeErr(QStringLiteral("seam pull: %1\n").arg(error));
        return UsageOrFatal;
    }
    std::int64_t limit = 10000;
    remote::TraceFetchOptions options;
    if (!positiveArg(parser, maxTraces, limit, QStringLiteral("pull")) ||
        !positiveArg(parser, timeout, options.timeoutSeconds, QStringLiteral("pull")))
        return UsageOrFatal;
    if (parser.isSet(search.search))
        return pullTraceSearch(parser, search, *store, options, db);
    bool ok = true;
    std::vector<std::string> ids;
    static const QRegularExpression hex32(QStringLiteral("^[0-9a-fA-F]{32}$"));
    for (const QString& id : parser.values(trace)) {
        if (!hex32.match(id).hasMatch()) {
            writeErr(QStringLiteral("seam pull: --trace '%1' is not a trace id (32 hex digits)\n").arg(id));
            return UsageOrFatal;
        }
        ids.push_back(id.toLower().toStdString());
    }
    if (parser.isSet(missing)) {
        std::optional<qint64> load;
        if (parser.isSet(pageLoad)) {
            load = parser.value(pageLoad).toLongLong(&ok);
            if (!ok) {
                writeErr(QStringLiteral("seam pull: --page-load needs a numeric page-load id\n"));
                return UsageOrFatal;
            }
        }
        int code = Ok;
        const int guarded = guardedCommand(QStringLiteral("pull"), [&] {
            const auto found = missingTraceIds(db.toStdString(), load, limit);
            ids.insert(ids.end(), found.begin(), found.end());
            return code;
        });
        if (guarded != Ok)
            return guarded;
    }
    if (std::int64_t(ids.size()) > limit)
        ids.resize(std::size_t(limit));

    std::unique_ptr<StoreWriter> writer = openPullWriter(db);
    if (!writer)
        return UsageOrFatal;
    InterruptGuard interrupts;
    options.cancel = InterruptGuard::flag();
    std::unique_ptr<ProgressLine> progress;
    options.progress = [&](std::int64_t done, std::int64_t total) {
        if (!progress)
            progress = std::make_unique<ProgressLine>(store->display().toStdString());
        progress->update(std::uint64_t(done), std::uint64_t(total), "traces");
    };
    ImportReport import;
    remote::TraceFetchReport report;
    const SourceCommits commits =
        writeSource(*writer, store->kind == remote::TraceStore::Kind::Tempo ? "tempo" : "jaeger",
                    store->display().toStdString(), import, [&](BatchSink& sink) {
                        report = remote::fetchTraces(*store, ids, options, sink, import);
                    });
    if (progress)
        progress->finish();
    writer.reset();

    if (parser.isSet(jsonOption())) {
        QJsonObject j;
        j[QStringLiteral("source")] = store->display();
        j[QStringLiteral("traces_requested")] = double(report.requested);
        j[QStringLiteral("traces_found")] = double(report.found);
        j[QStringLiteral("traces_missing")] = double(report.missing);
        j[QStringLiteral("imported")] = double(import.accepted());
        j[QStringLiteral("rejected")] = double(import.rejected());
        j[QStringLiteral("requests")] = double(report.requests);
        j[QStringLiteral("bytes")] = double(report.bytes);
        j[QStringLiteral("seconds")] = report.seconds;
        j[QStringLiteral("error")] =
            report.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(report.error);
        j[QStringLiteral("cancelled")] = report.cancelled;
        QJsonArray rejects;
        for (const auto& r : import.samples()) {
            if (rejects.size() == 10)
                break;
            rejects.append(QJsonObject{{QStringLiteral("location"), QString::fromStdString(r.location)},
                                       {QStringLiteral("message"), QString::fromStdString(r.message)}});
        }
        j[QStringLiteral("rejects")] = rejects;
        writeJson(QJsonDocument(j));
    } else {
        writeOut(
            QStringLiteral(
                "%1: %2 of %3 traces found (%4 not in the store), %5 spans imported, %6 rejected in %7\n")
                .arg(store->display())
                .arg(report.found)
                .arg(report.requested)
                .arg(report.missing)
                .arg(import.accepted())
                .arg(import.rejected())
                .arg(formatDuration(std::llround(report.seconds * 1e9))));
    }
    return pullExitCode(report.error, commits, report.cancelled, db, import.rejected() > 0);
}

} // namespace seam::cli
