#pragma once

// Random valid OTLP protobuf messages (TracesData / LogsData, or the Export*ServiceRequest of the same
// bytes) for the format detector's property test and fuzz target. Built with the generated classes
// and serialized by protobuf itself, so every message is valid by construction; the choices come from
// a fixed seed (tests) or from the fuzzer's bytes.

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "opentelemetry/proto/collector/trace/v1/trace_service.pb.h"

#include <cstdint>
#include <google/protobuf/unknown_field_set.h>
#include <string>
#include <string_view>

namespace seam::test {

/// Where a random message's choices come from. With bytes (a fuzz input), each choice takes the next
/// bytes so the fuzzer steers the message; once they run out, a generator seeded from them goes on.
class Choices
{
public:
    explicit Choices(std::uint64_t seed) : m_state(seed) {}
    explicit Choices(std::string_view bytes) : m_bytes(bytes)
    {
        for (const char c : bytes) // FNV-1a
            m_state = (m_state ^ std::uint8_t(c)) * 0x100000001b3ull;
    }

    /// 0 .. n-1 (n > 0). Plain modulo rather than std::uniform_int_distribution, whose output is not
    /// the same across standard libraries.
    std::uint64_t below(std::uint64_t n)
    {
        if (m_pos < m_bytes.size()) {
            // As many bytes as n - 1 has.
            std::uint64_t v = 0;
            int taken = 0;
            do {
                v = v << 8 | std::uint8_t(m_bytes[m_pos++]);
                ++taken;
            } while (taken < 8 && ((n - 1) >> (8 * taken)) != 0 && m_pos < m_bytes.size());
            return v % n;
        }
        // splitmix64
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return (z ^ (z >> 31)) % n;
    }
    bool percent(int p) { return below(100) < std::uint64_t(p); }
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi) { return lo + below(hi - lo + 1); }

private:
    std::string_view m_bytes;
    std::size_t m_pos = 0;
    std::uint64_t m_state = 0xcbf29ce484222325ull;
};

/// A generated message: its bytes and what detection must say about it.
struct RandomOtlp
{
    std::string bytes;
    bool logs = false;       // LogsData, else TracesData
    bool hasRecords = false; // at least one span / log record: without, spans or logs cannot be told
};

namespace random_otlp {

namespace pb = opentelemetry::proto;
using Attributes = google::protobuf::RepeatedPtrField<pb::common::v1::KeyValue>;

/// How big things may get: the fuzzer keeps messages small to stay fast.
struct Limits
{
    int bigPercent = 4;                  // chance of a first resource bigger than the sniffed head
    std::uint64_t bigBytes = 300 * 1024; // upper bound of such a resource attribute
    int manyRecordsPercent = 3;          // chance of a scope with hundreds of records
};

/// Telemetry-like words, characters that the JSON sniffing keys on, multi-byte UTF-8.
inline std::string text(Choices& c, std::uint64_t maxLen)
{
    static constexpr std::string_view kWords[] = {"service.name",
                                                  "http.route",
                                                  "GET /api/cart/{id}",
                                                  "documentLoad",
                                                  "url.full",
                                                  "session.id",
                                                  "\"quoted\"",
                                                  "{",
                                                  "\n",
                                                  "é",
                                                  "日本",
                                                  "db.statement",
                                                  "SELECT 1",
                                                  "exception",
                                                  "",
                                                  "a"};
    std::string out;
    const std::uint64_t len = c.below(maxLen + 1);
    while (out.size() < len) {
        if (c.percent(60))
            out += kWords[c.below(std::size(kWords))];
        else
            out.push_back(char(c.between(0x20, 0x7e)));
    }
    return out;
}

inline std::string randomBytes(Choices& c, std::size_t n)
{
    std::string out(n, '\0');
    for (char& b : out)
        b = char(c.below(256));
    return out;
}

/// Fields of other (newer or older) versions of the messages: any valid wire type, a field number the
/// generated class does not know.
inline void addUnknownFields(Choices& c, google::protobuf::Message& message, std::uint64_t firstFree)
{
    if (!c.percent(8))
        return;
    google::protobuf::UnknownFieldSet* unknown = message.GetReflection()->MutableUnknownFields(&message);
    const int count = int(c.between(1, 3));
    for (int i = 0; i < count; ++i) {
        const int number = int(firstFree + c.below(40));
        switch (c.below(4)) {
        case 0:
            unknown->AddVarint(number, c.below(1ull << 40));
            break;
        case 1:
            unknown->AddFixed64(number, c.below(~0ull));
            break;
        case 2:
            unknown->AddFixed32(number, std::uint32_t(c.below(1ull << 32)));
            break;
        default:
            unknown->AddLengthDelimited(number, text(c, 20));
            break;
        }
    }
}

inline void fillAnyValue(Choices& c, pb::common::v1::AnyValue* value, int depth);

inline void fillAttributes(Choices& c, Attributes* attrs, int depth, int maxCount = 6)
{
    const int count = int(c.below(std::uint64_t(maxCount) + 1));
    for (int i = 0; i < count; ++i) {
        auto* kv = attrs->Add();
        kv->set_key(text(c, 24));
        if (c.percent(92)) // a KeyValue without a value is valid protobuf too
            fillAnyValue(c, kv->mutable_value(), depth + 1);
        addUnknownFields(c, *kv, 3);
    }
}

inline void fillAnyValue(Choices& c, pb::common::v1::AnyValue* value, int depth)
{
    // Nested arrays and kvlists get rarer with depth; an AnyValue with nothing set is valid (empty).
    const std::uint64_t kinds = depth < 6 ? 8 : 5;
    switch (c.below(kinds)) {
    case 0:
        value->set_string_value(text(c, 40));
        break;
    case 1:
        value->set_bool_value(c.percent(50));
        break;
    case 2:
        value->set_int_value(std::int64_t(c.below(~0ull))); // negative ones are 10-byte varints
        break;
    case 3:
        value->set_double_value(double(c.below(1000000)) / 7.0);
        break;
    case 4:
        break;
    case 5: {
        auto* array = value->mutable_array_value();
        const int count = int(c.below(4));
        for (int i = 0; i < count; ++i)
            fillAnyValue(c, array->add_values(), depth + 1);
        break;
    }
    case 6:
        fillAttributes(c, value->mutable_kvlist_value()->mutable_values(), depth + 1, 3);
        break;
    default:
        value->set_bytes_value(randomBytes(c, c.below(20)));
        break;
    }
}

inline void fillResource(Choices& c, pb::resource::v1::Resource* resource, const Limits& limits, bool first)
{
    fillAttributes(c, resource->mutable_attributes(), 0, c.percent(10) ? 40 : 6);
    if (first && c.percent(limits.bigPercent)) {
        // A first message bigger than the detector's head: its records start beyond it.
        auto* kv = resource->add_attributes();
        kv->set_key("process.command_line");
        kv->mutable_value()->set_string_value(std::string(c.between(64 * 1024, limits.bigBytes), 'x'));
    }
    if (c.percent(5))
        resource->set_dropped_attributes_count(std::uint32_t(c.below(100)));
    addUnknownFields(c, *resource, 3);
}

inline void fillScope(Choices& c, pb::common::v1::InstrumentationScope* scope)
{
    if (c.percent(80))
        scope->set_name(text(c, 40));
    if (c.percent(50))
        scope->set_version(text(c, 8));
    if (c.percent(20))
        fillAttributes(c, scope->mutable_attributes(), 0, 3);
    if (c.percent(5))
        scope->set_dropped_attributes_count(std::uint32_t(c.below(10)));
}

inline void fillSpan(Choices& c, pb::trace::v1::Span* span)
{
    // Trace and span ids are required (OTLP); everything else may be missing.
    span->set_trace_id(randomBytes(c, 16));
    span->set_span_id(randomBytes(c, 8));
    if (c.percent(20))
        span->set_trace_state("rojo=00f067aa0ba902b7");
    if (c.percent(70))
        span->set_parent_span_id(randomBytes(c, 8));
    if (c.percent(90))
        span->set_name(text(c, 40));
    if (c.percent(80))
        span->set_kind(pb::trace::v1::Span::SpanKind(c.below(6)));
    if (c.percent(95))
        span->set_start_time_unix_nano(c.below(~0ull));
    if (c.percent(95))
        span->set_end_time_unix_nano(c.below(~0ull));
    fillAttributes(c, span->mutable_attributes(), 0);
    if (c.percent(5))
        span->set_dropped_attributes_count(std::uint32_t(c.below(1000)));
    const int events = c.percent(30) ? int(c.below(18)) : 0; // documentLoad has ~15 timing events
    for (int i = 0; i < events; ++i) {
        auto* event = span->add_events();
        event->set_time_unix_nano(c.below(~0ull));
        event->set_name(text(c, 24));
        if (c.percent(20))
            fillAttributes(c, event->mutable_attributes(), 0, 3);
    }
    if (c.percent(5))
        span->set_dropped_events_count(std::uint32_t(c.below(10)));
    const int links = c.percent(10) ? int(c.between(1, 3)) : 0;
    for (int i = 0; i < links; ++i) {
        auto* link = span->add_links();
        link->set_trace_id(randomBytes(c, 16));
        link->set_span_id(randomBytes(c, 8));
        if (c.percent(30))
            fillAttributes(c, link->mutable_attributes(), 0, 2);
        if (c.percent(50))
            link->set_flags(std::uint32_t(c.below(512)));
    }
    if (c.percent(30)) {
        auto* status = span->mutable_status();
        status->set_code(pb::trace::v1::Status::StatusCode(c.below(3)));
        if (c.percent(50))
            status->set_message(text(c, 30));
        if (c.percent(10)) // the deprecated code of old senders, in the now reserved field 1
            status->GetReflection()->MutableUnknownFields(status)->AddVarint(1, c.below(17));
    }
    if (c.percent(60))
        span->set_flags(std::uint32_t(c.below(1ull << 32)));
    addUnknownFields(c, *span, 17);
}

inline void fillLog(Choices& c, pb::logs::v1::LogRecord* log)
{
    // Every field of a log record is optional: some records carry only fields a span could have too
    // (severity text, body, trace id), some nothing at all.
    if (c.percent(50))
        log->set_time_unix_nano(c.below(~0ull));
    if (c.percent(50))
        log->set_observed_time_unix_nano(c.below(~0ull));
    if (c.percent(50))
        log->set_severity_number(std::int32_t(c.below(25)));
    if (c.percent(50))
        log->set_severity_text(text(c, 8));
    if (c.percent(60))
        fillAnyValue(c, log->mutable_body(), 0);
    if (c.percent(50))
        fillAttributes(c, log->mutable_attributes(), 0);
    if (c.percent(10))
        log->set_dropped_attributes_count(std::uint32_t(c.below(100)));
    if (c.percent(30))
        log->set_flags(std::uint32_t(c.below(256)));
    if (c.percent(40))
        log->set_trace_id(randomBytes(c, 16));
    if (c.percent(40))
        log->set_span_id(randomBytes(c, 8));
    if (c.percent(10))
        log->set_event_name(text(c, 20));
    if (c.percent(5)) // the name of old versions, in the now reserved field 4
        log->GetReflection()->MutableUnknownFields(log)->AddLengthDelimited(4, text(c, 12));
    addUnknownFields(c, *log, 13);
}

/// Fills a ResourceSpans or ResourceLogs: the two differ only in their records.
template<typename Resource, typename AddScope, typename AddRecord>
void fillResourceItems(Choices& c, Resource* rs, const Limits& limits, bool first, AddScope addScope,
                       AddRecord addRecord, bool& hasRecords)
{
    if (c.percent(85)) // empty resources and ones without any attribute are valid
        fillResource(c, rs->mutable_resource(), limits, first);
    if (c.percent(10))
        rs->set_schema_url("https://opentelemetry.io/schemas/1.21.0");
    const int scopes = int(c.below(4));
    for (int s = 0; s < scopes; ++s) {
        auto* scope = addScope(rs);
        if (c.percent(80))
            fillScope(c, scope->mutable_scope());
        const int records = c.percent(limits.manyRecordsPercent) ? int(c.between(200, 800)) : int(c.below(6));
        for (int i = 0; i < records; ++i)
            addRecord(scope);
        hasRecords = hasRecords || records > 0;
        if (c.percent(5))
            scope->set_schema_url("https://opentelemetry.io/schemas/1.24.0");
        addUnknownFields(c, *scope, 4);
    }
    addUnknownFields(c, *rs, 4);
}

} // namespace random_otlp

/// A random valid TracesData or LogsData (half the time serialized from the Export*ServiceRequest
/// class instead: the same bytes). Never empty: an empty message is an empty input.
inline RandomOtlp randomOtlp(Choices& c, const random_otlp::Limits& limits = {})
{
    using namespace random_otlp;
    RandomOtlp out;
    out.logs = c.percent(50);
    const int resources = int(c.between(1, 4));
    if (!out.logs) {
        pb::trace::v1::TracesData data;
        for (int r = 0; r < resources; ++r) {
            auto* rs = data.add_resource_spans();
            // Old senders put their scopes in instrumentation_library_spans (field 1000).
            const bool legacy = c.percent(15);
            fillResourceItems(
                c, rs, limits, r == 0,
                [&](pb::trace::v1::ResourceSpans* owner) {
                    return legacy ? owner->add_instrumentation_library_spans() : owner->add_scope_spans();
                },
                [&](pb::trace::v1::ScopeSpans* scope) { fillSpan(c, scope->add_spans()); }, out.hasRecords);
        }
        if (c.percent(50)) {
            pb::collector::trace::v1::ExportTraceServiceRequest request;
            request.mutable_resource_spans()->Swap(data.mutable_resource_spans());
            out.bytes = request.SerializeAsString();
        } else {
            out.bytes = data.SerializeAsString();
        }
    } else {
        pb::logs::v1::LogsData data;
        for (int r = 0; r < resources; ++r) {
            auto* rl = data.add_resource_logs();
            const bool legacy = c.percent(15);
            fillResourceItems(
                c, rl, limits, r == 0,
                [&](pb::logs::v1::ResourceLogs* owner) {
                    return legacy ? owner->add_instrumentation_library_logs() : owner->add_scope_logs();
                },
                [&](pb::logs::v1::ScopeLogs* scope) { fillLog(c, scope->add_log_records()); },
                out.hasRecords);
        }
        if (c.percent(50)) {
            pb::collector::logs::v1::ExportLogsServiceRequest request;
            request.mutable_resource_logs()->Swap(data.mutable_resource_logs());
            out.bytes = request.SerializeAsString();
        } else {
            out.bytes = data.SerializeAsString();
        }
    }
    return out;
}

} // namespace seam::test
