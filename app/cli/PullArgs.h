#pragma once

// What every `seam pull` back-end (ClickHouse, Prometheus, Tempo and Jaeger) shares around its own
// request: the --from/--to window, the writer on --db, and the end (the store's error, a cache that
// could not be written, an interruption) turned into the exit code, said the same way for each.

#include "StoreWriter.h"

#include <QCommandLineParser>
#include <QString>
#include <cstdint>
#include <memory>

namespace seam::cli {

/// --from and --to, both required and in order; false (printed) otherwise.
bool pullWindowArgs(const QCommandLineParser& parser, const QCommandLineOption& from,
                    const QCommandLineOption& to, std::int64_t& fromNs, std::int64_t& toNs);
/// The writer on the cache (created when absent); null (printed) when it cannot be opened.
std::unique_ptr<StoreWriter> openPullWriter(const QString& db);
/// 2 after the store's `error`, a failed write or an interruption (each printed); else 1 when
/// records were rejected, 0 when all is well.
int pullExitCode(const QString& error, const SourceCommits& commits, bool cancelled, const QString& db,
                 bool rejected);

} // namespace seam::cli
