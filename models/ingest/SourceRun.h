#pragma once

// One source written into an investigation from start to end: its `sources` row, the batches a reader
// delivers to the source's sink, the wait for their commits and the recorded outcome. What every pull
// (ClickHouse, Prometheus, Tempo, Jaeger; CLI and window alike) does around its own reading.

#include "ImportReport.h"
#include "StoreWriter.h"

#include <functional>
#include <string>

namespace seam {

/// Runs `read` with the sink of a new source (`kind`, `name`: never a credential), then commits and
/// records `report` (its committed count lowered when a commit failed). When the source cannot even be
/// begun (the cache cannot be written), `read` is not run and the result is failed with the reason.
inline SourceCommits writeSource(StoreWriter& writer, const std::string& kind, const std::string& name,
                                 ImportReport& report, const std::function<void(BatchSink&)>& read)
{
    const std::int64_t sourceId = writer.beginSource(kind, name, StoreWriter::OnFailure::StopSource);
    if (!sourceId) {
        SourceCommits failed;
        failed.failed = true;
        failed.failure = writer.lastFailure();
        return failed;
    }
    {
        auto sink = writer.sinkFor(sourceId);
        read(*sink);
    }
    writer.flush();
    const SourceCommits commits = writer.sourceCommits(sourceId);
    if (commits.failed)
        report.setCommitted(commits.items);
    writer.finishSource(sourceId, report);
    return commits;
}

} // namespace seam
