// libFuzzer entry point for the remote back-ends' readers: what a server answers goes through the same
// code a pull runs, minus the network and SQLite. SEAM_FUZZ_REMOTE names the reader:
//   clickhouse-rows  ClickHouse JSONEachRow rows of otel_traces -> spans (ClickHouseSpanRows)
//   tempo            Tempo's protobuf TraceByIDResponse -> OTLP TracesData -> spans
//   tempo-search     Tempo's /api/search JSON -> trace ids (TraceSearch)
//   jaeger           Jaeger api/v3 JSON (OTLP JSON chunks) -> spans
//   prometheus       a query_range matrix (JSON) -> RED rollup cells (PrometheusMatrix)

#include "BatchSink.h"
#include "ClickHouseSpanRows.h"
#include "ImportReport.h"
#include "OtlpMapper.h"
#include "PrometheusMatrix.h"
#include "TraceFetch.h"
#include "TraceSearch.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QByteArray>
#include <QString>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray body(reinterpret_cast<const char*>(data), qsizetype(size));
    const std::string_view which = SEAM_FUZZ_REMOTE;
    seam::CollectingSink sink;
    seam::ImportReport report;
    if (which == "clickhouse-rows") {
        seam::BatchBuilder builder(sink);
        seam::OtlpMapper mapper(builder, report);
        seam::remote::ClickHouseSpanRows rows(mapper, report);
        rows.feed(body, QStringLiteral("fuzz"), [](const seam::remote::ClickHouseSpanRows::RowKey&) {});
    } else if (which == "tempo") {
        const std::string traces = seam::remote::tracesDataOfTempoResponse(body.toStdString());
        opentelemetry::proto::trace::v1::TracesData message;
        if (!traces.empty() && message.ParseFromString(traces)) {
            seam::BatchBuilder builder(sink);
            seam::OtlpMapper mapper(builder, report);
            for (const auto& rs : message.resource_spans())
                mapper.addResourceSpans(rs, "span");
        }
    } else if (which == "tempo-search") {
        QString error;
        const auto hits = seam::remote::readTempoSearch(body, error);
        if (hits)
            for (const auto& hit : *hits)
                if (hit.traceId.size() != 32)
                    __builtin_trap(); // every id Seam asks for again must be a whole trace id
    } else if (which == "jaeger") {
        seam::remote::readJaegerBody(body, QStringLiteral("fuzz"), sink, report);
    } else if (which == "prometheus") {
        seam::remote::PrometheusMatrix matrix(seam::remote::PrometheusSource{});
        matrix.addCalls(body);
        matrix.addBuckets(body);
        matrix.addSums(body);
        matrix.submit(sink);
    }
    return 0;
}
