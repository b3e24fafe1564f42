#include "RemotePullJob.h"

#include "ClickHousePull.h"
#include "ClickHouseRollupPull.h"
#include "ImportReport.h"
#include "PageLoadFilter.h"
#include "PrometheusRed.h"
#include "SourceRun.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TraceFetch.h"
#include "TraceSearch.h"

#include <QObject>
#include <QUrl>
#include <filesystem>

namespace seam {
namespace {

/// Why the investigation could not take the pull (disk full, read-only, locked), or empty.
QString writeError(const SourceCommits& commits)
{
    return commits.failed ? QObject::tr("cannot write to the investigation: %1")
                                .arg(QString::fromStdString(commits.failure.describe()))
                          : QString();
}

} // namespace

QString remoteKind(const QString& url)
{
    if (url.startsWith(QLatin1String("clickhouse://")))
        return QStringLiteral("ClickHouse");
    if (url.startsWith(QLatin1String("prometheus://")))
        return QStringLiteral("Prometheus");
    if (url.startsWith(QLatin1String("tempo://")))
        return QStringLiteral("Tempo");
    if (url.startsWith(QLatin1String("jaeger://")))
        return QStringLiteral("Jaeger");
    return {};
}

RemotePullOutcome runRemotePull(const QString& cache, const RemotePullRequest& request,
                                const std::atomic<bool>& cancel, const std::function<void(double)>& progress)
{
    RemotePullOutcome out;
    QString error;
    const QString kind = remoteKind(request.url);
    try {
        if (kind == QLatin1String("ClickHouse")) {
            auto source = remote::ClickHouseSource::parse(request.url, error);
            if (!source) {
                out.error = error;
                return out;
            }
            if (!request.user.isEmpty())
                source->user = request.user;
            if (!request.password.isEmpty())
                source->password = request.password;
            StoreWriter writer(cache.toStdString());
            remote::PullOptions options;
            options.fromNs = request.fromNs;
            options.toNs = request.toNs;
            options.maxPageLoads = request.maxPageLoads;
            if (!request.filter.isEmpty()) {
                const PageLoadFilter filter = PageLoadFilter::parse(request.filter);
                if (!filter.isValid()) {
                    out.error = QObject::tr("the filter: %1").arg(filter.error().message);
                    return out;
                }
                options.filter = remote::pushDownFilter(filter);
            }
            options.cancel = &cancel;
            // Browser spans first, then traces: a rough half each, enough to show it moves.
            options.progress = [&](const QString& stage, std::int64_t) {
                progress(stage.startsWith(QLatin1String("browser")) ? 0.25 : 0.75);
            };
            ImportReport report;
            remote::PullReport pulled;
            const SourceCommits commits = writeSource(
                writer, "clickhouse", source->display().toStdString(), report,
                [&](BatchSink& sink) { pulled = remote::pullClickHouse(*source, options, sink, report); });
            if (!commits.failed && pulled.error.isEmpty())
                remote::recordPullCoverage(writer, source->display().toStdString(), pulled);
            out.error = pulled.error.isEmpty() ? writeError(commits) : pulled.error;
            out.cancelled = pulled.cancelled;
            out.skipped = pulled.skipped;
            out.summary = QObject::tr("%1: %2 spans pulled (%3 browser, %4 backend), %5 rollup cells")
                              .arg(source->display())
                              .arg(report.accepted())
                              .arg(pulled.browserSpans)
                              .arg(pulled.backendSpans)
                              .arg(pulled.rollupCells);
            if (options.filter)
                out.summary +=
                    QObject::tr("; filter: %1 candidate page loads in %2 sessions (ClickHouse evaluated: %3; "
                                "Seam only: %4)")
                        .arg(pulled.candidatePageLoads)
                        .arg(pulled.candidateSessions)
                        .arg(options.filter->pushed.isEmpty() ? QObject::tr("nothing")
                                                              : options.filter->pushed.join(QLatin1Char(' ')),
                             options.filter->localOnly.isEmpty()
                                 ? QObject::tr("nothing")
                                 : options.filter->localOnly.join(QLatin1Char(' ')));
        } else if (kind == QLatin1String("Prometheus")) {
            auto source = remote::PrometheusSource::parse(request.url, error);
            if (!source) {
                out.error = error;
                return out;
            }
            if (!request.token.isEmpty())
                source->token = request.token;
            if (!request.user.isEmpty())
                source->user = request.user;
            if (!request.password.isEmpty())
                source->password = request.password;
            StoreWriter writer(cache.toStdString());
            remote::PrometheusPullReport pulled;
            ImportReport report;
            const SourceCommits commits = writeSource(
                writer, "prometheus", source->display().toStdString(), report, [&](BatchSink& sink) {
                    pulled = remote::pullPrometheusRed(*source, request.fromNs, request.toNs, sink, &cancel);
                    report.format = "prometheus";
                    report.addAccepted(std::uint64_t(pulled.cells));
                });
            out.error = pulled.error.isEmpty() ? writeError(commits) : pulled.error;
            out.cancelled = pulled.cancelled;
            out.summary = QObject::tr("%1: %2 series, %3 rollup cells")
                              .arg(source->display())
                              .arg(pulled.series)
                              .arg(pulled.cells);
        } else if (kind == QLatin1String("Tempo") || kind == QLatin1String("Jaeger")) {
            auto store = remote::TraceStore::parse(request.url, error);
            if (!store) {
                out.error = error;
                return out;
            }
            if (!request.token.isEmpty())
                store->token = request.token;
            if (!request.user.isEmpty())
                store->user = request.user;
            if (!request.password.isEmpty())
                store->password = request.password;
            remote::TraceFetchOptions options;
            options.cancel = &cancel;
            options.progress = [&](std::int64_t done, std::int64_t total) {
                if (total)
                    progress(double(done) / double(total));
            };
            const std::string kindName = kind == QLatin1String("Tempo") ? "tempo" : "jaeger";
            ImportReport report;
            if (request.search) {
                remote::TraceSearchQuery query;
                query.service = request.search->service;
                query.operation = request.search->operation;
                query.fromNs = request.fromNs;
                query.toNs = request.toNs;
                query.limit = request.search->limit;
                StoreWriter writer(cache.toStdString());
                remote::TraceSearchReport searched;
                const SourceCommits commits = writeSource(
                    writer, kindName, store->display().toStdString(), report, [&](BatchSink& sink) {
                        searched = remote::searchTraces(*store, query, options, sink, report);
                    });
                out.error = searched.error.isEmpty() ? writeError(commits) : searched.error;
                out.cancelled = searched.cancelled;
                out.summary = QObject::tr("%1: the search named %2 traces of %3, %4 found, %5 spans")
                                  .arg(store->display())
                                  .arg(searched.named)
                                  .arg(query.service)
                                  .arg(searched.found)
                                  .arg(report.accepted());
                if (searched.limitReached)
                    out.skipped << remote::limitNote(*store, query.limit);
                return out;
            }
            std::vector<std::string> ids;
            if (std::filesystem::exists(cache.toStdString())) {
                Database db = store::openForReading(cache.toStdString());
                ids = remote::missingTraceIds(db, request.pageLoad, 10000);
            }
            StoreWriter writer(cache.toStdString());
            remote::TraceFetchReport fetched;
            const SourceCommits commits =
                writeSource(writer, kindName, store->display().toStdString(), report, [&](BatchSink& sink) {
                    fetched = remote::fetchTraces(*store, ids, options, sink, report);
                });
            out.error = fetched.error.isEmpty() ? writeError(commits) : fetched.error;
            out.cancelled = fetched.cancelled;
            out.summary = QObject::tr("%1: %2 of %3 missing traces found, %4 spans")
                              .arg(store->display())
                              .arg(fetched.found)
                              .arg(fetched.requested)
                              .arg(report.accepted());
        } else {
            out.error =
                QObject::tr(
                    "'%1' is not a source Seam can pull from (clickhouse://, prometheus://, tempo://, "
                    "jaeger://)")
                    .arg(QUrl(request.url).toDisplayString(QUrl::RemoveUserInfo));
        }
    } catch (const std::exception& e) {
        out.error = QString::fromStdString(e.what());
    }
    return out;
}

} // namespace seam
