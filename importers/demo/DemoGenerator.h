#pragma once

// The demo investigation (DESIGN.md §6): a deterministic, seeded online shop with a browser app and
// ten backend services, emitted as OpenTelemetry protobuf messages, with three known incidents whose
// ground truth is written beside the data.

#include "BatchSink.h"
#include "DemoOptions.h"
#include "ImportReport.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace opentelemetry::proto {
namespace trace::v1 {
class TracesData;
}
namespace logs::v1 {
class LogsData;
}
} // namespace opentelemetry::proto

namespace seam {

namespace demo {
struct DemoWorld;
}

class DemoGenerator
{
public:
    using TracesCallback = std::function<void(const opentelemetry::proto::trace::v1::TracesData&)>;
    using LogsCallback = std::function<void(const opentelemetry::proto::logs::v1::LogsData&)>;

    /// Spans per chunk, about: a chunk is flushed after the page view that reaches it.
    static constexpr std::size_t kChunkSpans = 2000;

    explicit DemoGenerator(DemoOptions options);
    ~DemoGenerator();
    DemoGenerator(const DemoGenerator&) = delete;
    DemoGenerator& operator=(const DemoGenerator&) = delete;

    /// Emits all telemetry in chunks of about kChunkSpans spans, ordered by page-view start. A chunk's
    /// logs follow its traces (onLogs is not called for a chunk without logs). Each call starts afresh
    /// and produces the same bytes for the same options. Returns false if cancelled.
    /// Serialize the chunks (SerializeToString) to get an OTLP protobuf file of the demo.
    bool generate(const TracesCallback& onTraces, const LogsCallback& onLogs,
                  const std::atomic<bool>* cancel = nullptr,
                  const std::function<void(double fraction)>& progress = {});

    /// The same data through OtlpMapper, the path real OTLP takes, into a sink. Sets report.format to
    /// "demo"; the mapper counts accepted and rejected records.
    bool generateInto(BatchSink& sink, ImportReport& report, const std::atomic<bool>* cancel = nullptr,
                      std::function<void(double fraction)> progress = {});

    /// {"seed", "window": {"start_ns", "end_ns"}, "incidents": [...], "stripped_fetches": [...]}.
    /// Valid after generate (the stripped fetches are known only then).
    std::string groundTruthJson() const;

    DemoStats stats() const;
    const DemoOptions& options() const { return m_options; }

private:
    DemoOptions m_options;
    std::unique_ptr<demo::DemoWorld> m_world;
};

} // namespace seam
