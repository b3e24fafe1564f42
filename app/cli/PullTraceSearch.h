#pragma once

// `seam pull ... tempo://|jaeger:// --search`: the options and the run (PullTraceSearch.cpp).

#include "TraceSearch.h"

#include <QCommandLineParser>

namespace seam::cli {

struct TraceSearchOptions
{
    QCommandLineOption search, service, operation, from, to, minDuration, limit;
};

TraceSearchOptions traceSearchOptions();
/// Parses the search's options from `parser` (already processed), searches, imports; the exit code.
int pullTraceSearch(const QCommandLineParser& parser, const TraceSearchOptions& options,
                    const remote::TraceStore& store, remote::TraceFetchOptions fetch, const QString& db);

} // namespace seam::cli
