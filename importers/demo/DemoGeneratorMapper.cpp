// DemoGenerator::generateInto lives apart from the generator so that programs which only want the
// protobuf chunks (benchmarks writing OTLP files) do not pull in the mapper.

#include "DemoGenerator.h"
#include "OtlpMapper.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <string>

namespace seam {

bool DemoGenerator::generateInto(BatchSink& sink, ImportReport& report, const std::atomic<bool>* cancel,
                                 std::function<void(double)> progress)
{
    report.format = "demo";
    BatchBuilder out(sink);
    bool completed = false;
    {
        OtlpMapper mapper(out, report);
        std::size_t chunk = 0;
        const auto onTraces = [&](const opentelemetry::proto::trace::v1::TracesData& traces) {
            const std::string location = "demo chunk " + std::to_string(chunk++);
            for (const auto& rs : traces.resource_spans())
                mapper.addResourceSpans(rs, location);
            out.maybeFlush();
        };
        const auto onLogs = [&](const opentelemetry::proto::logs::v1::LogsData& logs) {
            const std::string location = "demo logs of chunk " + std::to_string(chunk - 1);
            for (const auto& rl : logs.resource_logs())
                mapper.addResourceLogs(rl, location);
            out.maybeFlush();
        };
        completed = generate(onTraces, onLogs, cancel, progress);
    }
    out.flush();
    report.cancelled = !completed;
    return completed;
}

} // namespace seam
