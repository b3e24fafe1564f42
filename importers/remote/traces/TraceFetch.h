#pragma once

// Backend traces by id from a trace store (TraceStore), each through the OTLP path files take, so a
// fetched trace becomes what the same trace imported from a file becomes. A trace the store does not
// have (404) is counted as missing, not an error; a refused request stops the fetch and names the
// store, the trace and the reason. What was fetched before stays (inserts ignore duplicates, so
// fetching again adds nothing twice).

#include "TraceStore.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace seam {
class BatchSink;
class Database;
class ImportReport;
} // namespace seam

namespace seam::remote {

struct TraceFetchOptions
{
    int timeoutSeconds = 30;
    qint64 maxTraceBytes = qint64(64) << 20;
    const std::atomic<bool>* cancel = nullptr;
    std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct TraceFetchReport
{
    std::int64_t requested = 0, found = 0, missing = 0;
    std::int64_t requests = 0, bytes = 0;
    QString error; ///< the first failure; the fetch stopped there
    bool cancelled = false;
    double seconds = 0;
};

/// `traceIds`: 32 lowercase hex digits each.
TraceFetchReport fetchTraces(const TraceStore& store, const std::vector<std::string>& traceIds,
                             const TraceFetchOptions& options, BatchSink& sink, ImportReport& report);

/// Trace ids the investigation's browser calls propagated whose backend trace never arrived (no link
/// by id), in order; only the calls of `pageLoad` when given.
std::vector<std::string> missingTraceIds(Database& db, std::optional<std::int64_t> pageLoad,
                                         std::int64_t limit);

/// Tempo's TraceByIDResponse (trace = 1) or a bare Trace message: the TracesData inside, serialised
/// (both are wire-compatible with TracesData at field 1). Empty when the bytes are not one.
std::string tracesDataOfTempoResponse(const std::string& body);

/// Jaeger's api/v3 answers with {"result": TracesData-as-OTLP-JSON} objects, one per chunk of the
/// trace (a gRPC-gateway stream: one after another, each on its line), or one pretty-printed object.
/// Spans go to `sink`; what is not readable is rejected in `report` at `where`. The trace ids of the
/// spans read go to `traceIds` when given (a search counts the traces its answer held).
void readJaegerBody(const QByteArray& body, const QString& where, BatchSink& sink, ImportReport& report,
                    std::set<std::string>* traceIds = nullptr);

} // namespace seam::remote
