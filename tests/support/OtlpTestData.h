#pragma once

// Builders for OTLP test inputs: protobuf messages, gzip, length-prefixed frames.

#include "BatchSink.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <string>
#include <string_view>
#include <zlib.h>

namespace seam::test {

namespace otlp = opentelemetry::proto;

constexpr std::uint64_t kT0 = 1700000000000000000ull; // 2023-11-14

inline std::string traceBytes(std::uint8_t last)
{
    std::string s(16, '\x11');
    s[15] = char(last);
    return s;
}
inline std::string spanBytes(std::uint8_t last)
{
    std::string s(8, '\x22');
    s[7] = char(last);
    return s;
}

inline void setString(otlp::common::v1::KeyValue* kv, const std::string& key, const std::string& value)
{
    kv->set_key(key);
    kv->mutable_value()->set_string_value(value);
}

inline void fillSpan(otlp::trace::v1::Span* span, std::uint8_t n, std::uint64_t start = kT0,
                     std::uint64_t duration = 1000000)
{
    span->set_trace_id(traceBytes(1));
    span->set_span_id(spanBytes(n));
    span->set_name("op" + std::to_string(n));
    span->set_kind(otlp::trace::v1::Span::SPAN_KIND_SERVER);
    span->set_start_time_unix_nano(start);
    span->set_end_time_unix_nano(start + duration);
    setString(span->add_attributes(), "http.route", "/x/" + std::to_string(n));
}

/// A TracesData with one resource (service `service`), one scope and `count` spans.
inline otlp::collector::trace::v1::ExportTraceServiceRequest traces(int count,
                                                                    const std::string& service = "svc")
{
    otlp::collector::trace::v1::ExportTraceServiceRequest req;
    auto* rs = req.add_resource_spans();
    setString(rs->mutable_resource()->add_attributes(), "service.name", service);
    auto* ss = rs->add_scope_spans();
    ss->mutable_scope()->set_name("test.scope");
    for (int i = 0; i < count; ++i)
        fillSpan(ss->add_spans(), std::uint8_t(i + 1), kT0 + std::uint64_t(i) * 1000);
    return req;
}

inline otlp::collector::logs::v1::ExportLogsServiceRequest logs(int count)
{
    otlp::collector::logs::v1::ExportLogsServiceRequest req;
    auto* rl = req.add_resource_logs();
    setString(rl->mutable_resource()->add_attributes(), "service.name", "logsvc");
    auto* sl = rl->add_scope_logs();
    for (int i = 0; i < count; ++i) {
        auto* log = sl->add_log_records();
        log->set_time_unix_nano(kT0 + std::uint64_t(i));
        log->set_severity_number(9);
        log->set_severity_text("INFO");
        log->mutable_body()->set_string_value("hello " + std::to_string(i));
        log->set_trace_id(traceBytes(1));
        log->set_span_id(spanBytes(1));
    }
    return req;
}

/// gzip, fast by default; Z_BEST_COMPRESSION makes a bomb (small on the wire, huge inflated).
inline std::string gzip(std::string_view data, int level = Z_BEST_SPEED)
{
    z_stream zs{};
    deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    std::string out(deflateBound(&zs, uLong(data.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = uInt(out.size());
    deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    return out;
}

/// 4-byte length prefix (big- or little-endian) + message.
inline std::string frame(const std::string& message, bool bigEndian = true)
{
    const auto n = std::uint32_t(message.size());
    std::string out(4, '\0');
    for (int i = 0; i < 4; ++i)
        out[bigEndian ? 3 - i : i] = char((n >> (8 * i)) & 0xff);
    return out + message;
}

/// Protobuf wire helpers for hand-made (broken) messages.
inline std::string varint(std::uint64_t v)
{
    std::string out;
    while (v >= 0x80) {
        out.push_back(char(v | 0x80));
        v >>= 7;
    }
    out.push_back(char(v));
    return out;
}
inline std::string lengthDelimited(int field, const std::string& payload)
{
    return varint(std::uint64_t(field) << 3 | 2) + varint(payload.size()) + payload;
}

/// All batches' records in one batch.
inline RecordBatch merged(const CollectingSink& sink)
{
    RecordBatch all;
    for (const RecordBatch& b : sink.batches) {
        all.spans.insert(all.spans.end(), b.spans.begin(), b.spans.end());
        all.logs.insert(all.logs.end(), b.logs.begin(), b.logs.end());
        all.sessions.insert(all.sessions.end(), b.sessions.begin(), b.sessions.end());
        all.pageLoads.insert(all.pageLoads.end(), b.pageLoads.begin(), b.pageLoads.end());
        all.resources.insert(all.resources.end(), b.resources.begin(), b.resources.end());
        all.rumErrors.insert(all.rumErrors.end(), b.rumErrors.begin(), b.rumErrors.end());
        all.actions.insert(all.actions.end(), b.actions.begin(), b.actions.end());
        all.longTasks.insert(all.longTasks.end(), b.longTasks.begin(), b.longTasks.end());
        all.vitals.insert(all.vitals.end(), b.vitals.begin(), b.vitals.end());
    }
    return all;
}

} // namespace seam::test
