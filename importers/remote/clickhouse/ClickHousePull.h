#pragma once

// `seam pull` from ClickHouse: the browser side of a time window, then the backend traces its calls
// reached, by trace id in batches. Bounded by what is looked at: the server filters and pages
// (keyset on Timestamp, TraceId, SpanId), the client caps rows, bytes and time; every span goes
// through the OTLP mapper into the investigation, whose inserts ignore what is already there, so
// pulling twice or overlapping windows adds nothing twice.

#include "ClickHouseFilterPushDown.h"
#include "ClickHouseSource.h"
#include "RollupCoverage.h"

#include <QString>
#include <QStringList>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>

namespace seam {
class BatchSink;
class ImportReport;
} // namespace seam

namespace seam::remote {

struct PullOptions
{
    std::int64_t fromNs = 0; ///< [from, to) of the browser side
    std::int64_t toNs = 0;
    std::optional<std::int64_t> maxPageLoads; ///< the first N page loads (documentLoad spans) only
    /// A filtered pull (`--filter`): only the sessions of page loads the server's predicate selects
    /// (pushDownFilter(); an empty predicate selects every page load). Whole sessions, not single page
    /// loads: calls and errors reach their page load by session and time, so a session's other page
    /// loads must be there for them to land on the right one, and the session journey shows them.
    std::optional<ServerFilter> filter;
    std::int64_t maxSpans = 5'000'000; ///< browser + backend rows, over the whole pull
    int pageRows = 5000;
    int traceBatch = 200;
    /// How far a backend trace may start before / end after the window (its call was in it).
    std::int64_t traceSlackNs = std::int64_t(600) * 1'000'000'000;
    int timeoutSeconds = 60;
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(const QString& stage, std::int64_t spans)> progress;
};

struct PullReport
{
    std::int64_t browserSpans = 0;
    std::int64_t tracesRequested = 0; ///< distinct trace ids of the browser side
    std::int64_t backendSpans = 0;
    std::int64_t rollupCells = 0; ///< (service, operation, 10 s bucket) cells computed by the server
    CoveredRange rollupRange;     ///< what those cells count whole; empty when they were not fetched
    CoveredRange browserRange; ///< every browser span of it was pulled; empty when a cap or a filter cut it
    std::int64_t candidatePageLoads = -1; ///< filtered pulls: page loads the server's predicate selected
    std::int64_t candidateSessions = -1;  ///< and their sessions
    std::int64_t requests = 0;
    std::int64_t bytes = 0;     ///< response bodies, decoded
    std::int64_t wireBytes = 0; ///< responses as they travelled (gzip bodies + headers)
    std::int64_t bytesSent = 0; ///< the requests (query parameters, SQL)
    bool usedTraceIdTable = false;
    QStringList skipped; ///< what a cap left out, in words
    QString error;       ///< the first failure; what was fetched before it is kept
    bool cancelled = false;
    double seconds = 0;
};

PullReport pullClickHouse(const ClickHouseSource& source, const PullOptions& options, BatchSink& sink,
                          ImportReport& report);

} // namespace seam::remote
