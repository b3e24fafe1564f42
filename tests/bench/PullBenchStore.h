#pragma once

// The store of bench_pull: `copies` demos of 30 minutes laid end to end, copy i with seed 11 + i
// starting i * 30 min after the first, as the clickhouseexporter writes them (one JSONEachRow file per
// copy). A window is then a run of copies (or half of one), and a smaller store built from a subset of
// the same copies holds exactly the same telemetry in that window: "the same window against a store 2x
// and 20x" compares like with like. Deterministic: the same options give the same bytes.

#include <QString>
#include <QStringList>
#include <cstdint>
#include <set>
#include <vector>

namespace seam::bench {

struct PullStoreCopy
{
    std::int64_t startNs = 0;
    std::int64_t spans = 0;
    QString rowsFile;      ///< the exporter's rows, JSONEachRow
    QStringList otlpFiles; ///< OTLP protobuf chunks, only for the copies asked to keep them
};

struct PullStoreLayout
{
    int copies = 20;
    int sessionsPerCopy = 0;
    std::int64_t copyNs = 0; ///< the time one copy spans (the demo's 30 minutes)
    std::vector<PullStoreCopy> copy;
};

/// Sessions per copy so that `copies` copies hold about `storeSpans` spans (calibrated on a small demo).
int sessionsForStore(std::int64_t storeSpans, int copies);

/// Generates the copies into `dir`; `keepOtlp` names the copies whose OTLP chunks are also written (those
/// a window's file import draws from). Returns an error, or empty.
QString buildPullStore(const QString& dir, int copies, int sessionsPerCopy, const std::set<int>& keepOtlp,
                       PullStoreLayout& out);

/// Writes to `path`, as one OTLP protobuf file, exactly what a pull of [fromNs, toNs) fetches from the
/// telemetry in `files`: the browser spans started in the window and every backend span of the traces
/// they belong to. Returns the number of spans written, or -1 with `error` set.
std::int64_t writeWindowFile(const QStringList& files, std::int64_t fromNs, std::int64_t toNs,
                             const QString& path, QString& error);

} // namespace seam::bench
