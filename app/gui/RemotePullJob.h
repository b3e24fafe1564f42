#pragma once

// What File > Connect to a Store… runs off the GUI thread: one pull from ClickHouse (a time window),
// Prometheus (RED series of a window) or Tempo/Jaeger (the traces this investigation's calls lack,
// or those a bounded search of the window names)
// into an investigation, with the credentials typed in the dialog (kept in memory only).

#include <QString>
#include <QStringList>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

namespace seam {

/// Tempo/Jaeger: search the window by service (and operation) instead of asking for missing traces.
struct RemoteTraceSearch
{
    QString service, operation;
    int limit = 100;
};

struct RemotePullRequest
{
    QString url; ///< clickhouse://, prometheus://, tempo://, jaeger://
    QString user, password, token;
    std::int64_t fromNs = 0, toNs = 0; ///< the window (ClickHouse, Prometheus)
    std::optional<std::int64_t> maxPageLoads;
    QString filter; ///< ClickHouse: the page-load filter (empty: every page load of the window)
    std::optional<std::int64_t> pageLoad;    ///< Tempo/Jaeger: only this page load's calls
    std::optional<RemoteTraceSearch> search; ///< Tempo/Jaeger: the window's traces of a service
};

struct RemotePullOutcome
{
    QString summary; ///< one line for the status bar
    QString error;   ///< empty when it went through
    QStringList skipped;
    bool cancelled = false;
};

/// The scheme's name in words ("ClickHouse"), or empty when the URL is none Seam can pull from.
QString remoteKind(const QString& url);

RemotePullOutcome runRemotePull(const QString& cache, const RemotePullRequest& request,
                                const std::atomic<bool>& cancel, const std::function<void(double)>& progress);

} // namespace seam
