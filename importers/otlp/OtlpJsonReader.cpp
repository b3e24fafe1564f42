#include "OtlpJsonReader.h"

#include "Base64.h"
#include "Ids.h"
#include "OtlpMapper.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <vector>

namespace seam {

namespace otlp = opentelemetry::proto;
using JsonValue = rapidjson::Value;

namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;
/// A span or log record bigger than this is not telemetry; refuse to hold it as a DOM.
constexpr std::uint64_t kMaxItemBytes = 64u << 20;
/// Spans buffered while their resource (or scope) has not been seen yet.
constexpr std::size_t kMaxPendingItems = 10000;
/// Nesting beyond this outside any span is an attack on the reader's stack, not OTLP.
constexpr std::size_t kMaxTotalDepth = 1u << 20;

// ---------------------------------------------------------------------------------------------
// Input: a RapidJSON stream over InputSource.

/// RapidJSON input stream over InputSource with a 64 KiB window. The guards live here because only
/// the stream sees every byte: a cap on bytes between two SAX events (a 1 GB string must not be
/// buffered by the reader), stop() for cancellation, and NDJSON line mode, where a newline ends the
/// input for the current value so that one broken line cannot swallow the next. Each ends the input
/// early; the reader then fails and the caller explains why.
class JsonSourceStream
{
public:
    using Ch = char;

    JsonSourceStream(InputSource& in, ImportContext& ctx) : m_in(in), m_ctx(ctx), m_buffer(kBufferBytes, '\0')
    {}

    Ch Peek()
    {
        if (m_cur == m_end && !refill())
            return '\0';
        return *m_cur;
    }
    Ch Take()
    {
        if (m_cur == m_end && !refill())
            return '\0';
        return *m_cur++;
    }
    std::size_t Tell() const { return std::size_t(m_base + std::uint64_t(m_cur - m_buffer.data())); }

    // Output functions RapidJSON requires of a stream type but never calls for input.
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

    /// Called at every SAX event: the next token may be up to kMaxTokenBytes long.
    void armGuard() { m_guardAt = Tell() + OtlpJsonReader::kMaxTokenBytes; }
    bool guardTripped() const { return m_guardTripped; }
    void stop() { m_stopped = true; }
    bool stopped() const { return m_stopped; }

    void setLineMode(bool on)
    {
        m_lineMode = on;
        clip();
    }

    /// 1-based line number of the current position (counted lazily, each byte once).
    std::uint64_t line()
    {
        m_lines += std::uint64_t(std::count(m_lineScan, static_cast<const char*>(m_cur), '\n'));
        m_lineScan = m_cur;
        return m_lines + 1;
    }

    /// Skips whitespace (newlines included, whatever the mode); false at the real end of the input.
    bool skipWhitespaceToValue()
    {
        const bool lineMode = m_lineMode;
        setLineMode(false);
        armGuard();
        bool more = false;
        for (;;) {
            const Ch c = Peek();
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                ++m_cur;
                armGuard();
                continue;
            }
            more = !(c == '\0' && m_cur == m_filled && m_sourceDone) && !m_stopped;
            break;
        }
        setLineMode(lineMode);
        return more;
    }

    /// After a syntax error in NDJSON: drop the rest of the line, however long.
    void skipLine()
    {
        const bool lineMode = m_lineMode;
        setLineMode(false);
        m_guardTripped = false;
        m_guardAt = std::numeric_limits<std::uint64_t>::max();
        while (m_cur != m_end || refill()) {
            const char* nl = static_cast<const char*>(std::memchr(m_cur, '\n', std::size_t(m_end - m_cur)));
            if (nl) {
                m_cur = const_cast<char*>(nl) + 1;
                break;
            }
            m_cur = m_end;
        }
        setLineMode(lineMode);
    }

private:
    /// In line mode the readable window ends at the next newline.
    void clip()
    {
        m_end = m_filled;
        if (m_lineMode)
            if (const void* nl = std::memchr(m_cur, '\n', std::size_t(m_filled - m_cur)))
                m_end = static_cast<char*>(const_cast<void*>(nl));
    }

    bool refill()
    {
        if (m_stopped)
            return false;
        if (m_cur < m_filled) // stopped at a newline in line mode
            return false;
        if (Tell() >= m_guardAt) {
            m_guardTripped = true;
            return false;
        }
        if (m_sourceDone)
            return false;
        line(); // count the lines of the window about to be dropped
        m_base += std::uint64_t(m_filled - m_buffer.data());
        const std::size_t got = m_in.read(m_buffer.data(), m_buffer.size());
        m_cur = m_buffer.data();
        m_filled = m_cur + got;
        m_lineScan = m_cur;
        clip();
        if (got == 0) {
            m_sourceDone = true;
            return false;
        }
        if ((m_base >> 20) != m_lastProgressMiB) {
            m_lastProgressMiB = m_base >> 20;
            if (m_ctx.progress)
                m_ctx.progress(m_in.rawOffset(), m_in.rawSize());
            if (m_ctx.cancelled()) {
                m_stopped = true;
                return false;
            }
        }
        return m_cur != m_end;
    }

    InputSource& m_in;
    ImportContext& m_ctx;
    std::string m_buffer;
    char* m_cur = m_buffer.data();
    char* m_end = m_buffer.data();    // readable window end (a newline in line mode)
    char* m_filled = m_buffer.data(); // data end
    const char* m_lineScan = m_buffer.data();
    std::uint64_t m_base = 0; // offset of m_buffer[0]
    std::uint64_t m_lines = 0;
    std::uint64_t m_guardAt = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t m_lastProgressMiB = 0;
    bool m_guardTripped = false;
    bool m_stopped = false;
    bool m_sourceDone = false;
    bool m_lineMode = false;
};

// ---------------------------------------------------------------------------------------------
// Conversion of one captured JSON subtree into its protobuf message.

/// Keys compared case-insensitively without underscores, so traceId, trace_id and TraceId all match.
class KeyNormalizer
{
public:
    std::string_view operator()(std::string_view key)
    {
        m_buffer.clear();
        for (char c : key) {
            if (c == '_')
                continue;
            m_buffer.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
        }
        return m_buffer;
    }

private:
    std::string m_buffer;
};

std::string_view view(const JsonValue& v)
{
    return {v.GetString(), v.GetStringLength()};
}

std::string shown(const JsonValue& v)
{
    if (!v.IsString())
        return v.IsNumber()   ? "a number"
               : v.IsObject() ? "an object"
               : v.IsArray()  ? "an array"
                              : "a literal";
    std::string s(view(v).substr(0, 40));
    return '"' + s + (v.GetStringLength() > 40 ? "...\"" : "\"");
}

/// Builds protobuf messages from captured JSON. Each function returns false with m_error set.
class JsonToProto
{
public:
    bool span(const JsonValue& v, otlp::trace::v1::Span& out);
    bool log(const JsonValue& v, otlp::logs::v1::LogRecord& out);
    bool resource(const JsonValue& v, otlp::resource::v1::Resource& out);
    bool scope(const JsonValue& v, otlp::common::v1::InstrumentationScope& out);

    const std::string& error() const { return m_error; }

private:
    bool fail(std::string message)
    {
        m_error = std::move(message);
        return false;
    }
    bool hexId(const JsonValue& v, std::size_t bytes, const char* name, std::string* out);
    bool u64(const JsonValue& v, const char* name, std::uint64_t& out);
    bool i64(const JsonValue& v, const char* name, std::int64_t& out);
    bool string(const JsonValue& v, const char* name, std::string* out);
    bool enumValue(const JsonValue& v, const char* name, std::string_view prefix,
                   std::initializer_list<std::string_view> names, int& out);
    bool severity(const JsonValue& v, int& out);
    bool attributes(const JsonValue& v, google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>* out);
    bool anyValue(const JsonValue& v, otlp::common::v1::AnyValue& out);
    bool event(const JsonValue& v, otlp::trace::v1::Span::Event& out);
    bool link(const JsonValue& v, otlp::trace::v1::Span::Link& out);
    bool status(const JsonValue& v, otlp::trace::v1::Status& out);

    KeyNormalizer m_key;
    std::string m_error;
};

bool JsonToProto::hexId(const JsonValue& v, std::size_t bytes, const char* name, std::string* out)
{
    if (v.IsNull())
        return true;
    if (!v.IsString())
        return fail(std::string(name) + " must be a hex string, got " + shown(v));
    const std::string_view s = view(v);
    if (s.empty())
        return true; // absent; the mapper decides whether that is allowed
    if (s.size() != 2 * bytes)
        return fail(std::string(name) + " must be " + std::to_string(2 * bytes) + " hex digits, got " +
                    shown(v));
    out->resize(bytes);
    for (std::size_t i = 0; i < bytes; ++i) {
        const int hi = hexValue(s[2 * i]);
        const int lo = hexValue(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return fail(std::string(name) + " is not hex: " + shown(v));
        (*out)[i] = char(hi << 4 | lo);
    }
    return true;
}

bool JsonToProto::u64(const JsonValue& v, const char* name, std::uint64_t& out)
{
    if (v.IsUint64()) {
        out = v.GetUint64();
        return true;
    }
    if (v.IsDouble() && v.GetDouble() >= 0 && v.GetDouble() < 1.8e19 &&
        std::floor(v.GetDouble()) == v.GetDouble()) {
        out = std::uint64_t(v.GetDouble());
        return true;
    }
    if (v.IsString()) {
        const std::string_view s = view(v);
        const auto res = std::from_chars(s.data(), s.data() + s.size(), out);
        if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size())
            return true;
    }
    if (v.IsNull()) {
        out = 0;
        return true;
    }
    return fail(std::string(name) + " must be an unsigned integer, got " + shown(v));
}

bool JsonToProto::i64(const JsonValue& v, const char* name, std::int64_t& out)
{
    if (v.IsInt64()) {
        out = v.GetInt64();
        return true;
    }
    if (v.IsDouble() && std::fabs(v.GetDouble()) < 9.2e18 && std::floor(v.GetDouble()) == v.GetDouble()) {
        out = std::int64_t(v.GetDouble());
        return true;
    }
    if (v.IsString()) {
        const std::string_view s = view(v);
        const auto res = std::from_chars(s.data(), s.data() + s.size(), out);
        if (!s.empty() && res.ec == std::errc() && res.ptr == s.data() + s.size())
            return true;
    }
    return fail(std::string(name) + " must be an integer, got " + shown(v));
}

bool JsonToProto::string(const JsonValue& v, const char* name, std::string* out)
{
    if (v.IsNull())
        return true;
    if (!v.IsString())
        return fail(std::string(name) + " must be a string, got " + shown(v));
    out->assign(v.GetString(), v.GetStringLength());
    return true;
}

bool JsonToProto::enumValue(const JsonValue& v, const char* name, std::string_view prefix,
                            std::initializer_list<std::string_view> names, int& out)
{
    if (v.IsInt()) {
        out = v.GetInt();
        return true;
    }
    if (v.IsString()) {
        std::string_view s = view(v);
        if (s.size() > prefix.size() &&
            std::equal(prefix.begin(), prefix.end(), s.begin(),
                       [](char a, char b) { return a == std::toupper(static_cast<unsigned char>(b)); }))
            s.remove_prefix(prefix.size());
        int i = 0;
        for (std::string_view n : names) {
            if (n.size() == s.size() && std::equal(n.begin(), n.end(), s.begin(), [](char a, char b) {
                    return a == std::toupper(static_cast<unsigned char>(b));
                })) {
                out = i;
                return true;
            }
            ++i;
        }
    }
    if (v.IsNull()) {
        out = 0;
        return true;
    }
    return fail(std::string(name) + " is not a known value: " + shown(v));
}

bool JsonToProto::severity(const JsonValue& v, int& out)
{
    if (v.IsString()) {
        // SEVERITY_NUMBER_INFO, SEVERITY_NUMBER_INFO2..4, ...
        static constexpr std::pair<std::string_view, int> kLevels[] = {
            {"TRACE", 1}, {"DEBUG", 5}, {"INFO", 9}, {"WARN", 13}, {"ERROR", 17}, {"FATAL", 21}};
        std::string_view s = view(v);
        if (s.starts_with("SEVERITY_NUMBER_"))
            s.remove_prefix(16);
        for (const auto& [level, base] : kLevels) {
            if (s.starts_with(level)) {
                const std::string_view rest = s.substr(level.size());
                if (rest.empty()) {
                    out = base;
                    return true;
                }
                if (rest.size() == 1 && rest[0] >= '2' && rest[0] <= '4') {
                    out = base + rest[0] - '1';
                    return true;
                }
            }
        }
        if (s == "UNSPECIFIED") {
            out = 0;
            return true;
        }
    }
    std::int64_t n = 0;
    if (!v.IsString() && i64(v, "severityNumber", n) && n >= 0 && n <= 24) {
        out = int(n);
        return true;
    }
    if (v.IsNull()) {
        out = 0;
        return true;
    }
    return fail("severityNumber is not a severity: " + shown(v));
}

bool JsonToProto::anyValue(const JsonValue& v, otlp::common::v1::AnyValue& out)
{
    if (v.IsNull())
        return true;
    if (!v.IsObject())
        return fail("attribute value must be an object like {\"stringValue\": ...}, got " + shown(v));
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        const std::string_view key = m_key(view(it->name));
        const JsonValue& x = it->value;
        if (key == "stringvalue") {
            if (!string(x, "stringValue", out.mutable_string_value()))
                return false;
        } else if (key == "boolvalue") {
            if (!x.IsBool())
                return fail("boolValue must be true or false, got " + shown(x));
            out.set_bool_value(x.GetBool());
        } else if (key == "intvalue") {
            std::int64_t n = 0;
            if (!i64(x, "intValue", n))
                return false;
            out.set_int_value(n);
        } else if (key == "doublevalue") {
            if (x.IsNumber()) {
                out.set_double_value(x.GetDouble());
            } else if (x.IsString()) {
                const std::string_view s = view(x);
                double d = 0;
                if (s == "NaN")
                    d = std::numeric_limits<double>::quiet_NaN();
                else if (s == "Infinity")
                    d = std::numeric_limits<double>::infinity();
                else if (s == "-Infinity")
                    d = -std::numeric_limits<double>::infinity();
                else if (auto res = std::from_chars(s.data(), s.data() + s.size(), d);
                         s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size())
                    return fail("doubleValue must be a number, got " + shown(x));
                out.set_double_value(d);
            } else {
                return fail("doubleValue must be a number, got " + shown(x));
            }
        } else if (key == "bytesvalue") {
            if (!x.IsString() || !decodeBase64(view(x), *out.mutable_bytes_value()))
                return fail("bytesValue must be a base64 string, got " + shown(x));
        } else if (key == "arrayvalue" || key == "kvlistvalue") {
            if (!x.IsObject())
                return fail(std::string(key == "arrayvalue" ? "arrayValue" : "kvlistValue") +
                            " must be an object");
            const auto values = x.FindMember("values");
            const bool isArray = key == "arrayvalue";
            if (isArray)
                out.mutable_array_value();
            else
                out.mutable_kvlist_value();
            if (values == x.MemberEnd() || values->value.IsNull())
                continue;
            if (!values->value.IsArray())
                return fail("values must be an array, got " + shown(values->value));
            if (isArray) {
                auto* list = out.mutable_array_value()->mutable_values();
                for (const JsonValue& e : values->value.GetArray())
                    if (!anyValue(e, *list->Add()))
                        return false;
            } else if (!attributes(values->value, out.mutable_kvlist_value()->mutable_values())) {
                return false;
            }
        }
    }
    return true;
}

bool JsonToProto::attributes(const JsonValue& v,
                             google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>* out)
{
    if (v.IsNull())
        return true;
    if (!v.IsArray())
        return fail("attributes must be an array, got " + shown(v));
    out->Reserve(int(v.Size()));
    for (const JsonValue& e : v.GetArray()) {
        if (!e.IsObject())
            return fail("an attribute must be an object {\"key\", \"value\"}, got " + shown(e));
        otlp::common::v1::KeyValue* kv = out->Add();
        for (auto it = e.MemberBegin(); it != e.MemberEnd(); ++it) {
            const std::string_view key = m_key(view(it->name));
            if (key == "key") {
                if (!string(it->value, "attribute key", kv->mutable_key()))
                    return false;
            } else if (key == "value") {
                if (!anyValue(it->value, *kv->mutable_value()))
                    return false;
            }
        }
    }
    return true;
}

bool JsonToProto::event(const JsonValue& v, otlp::trace::v1::Span::Event& out)
{
    if (!v.IsObject())
        return fail("an event must be an object, got " + shown(v));
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        const std::string_view key = m_key(view(it->name));
        const JsonValue& x = it->value;
        std::uint64_t n = 0;
        if (key == "timeunixnano") {
            if (!u64(x, "event timeUnixNano", n))
                return false;
            out.set_time_unix_nano(n);
        } else if (key == "name") {
            if (!string(x, "event name", out.mutable_name()))
                return false;
        } else if (key == "attributes") {
            if (!attributes(x, out.mutable_attributes()))
                return false;
        } else if (key == "droppedattributescount") {
            if (!u64(x, "droppedAttributesCount", n))
                return false;
            out.set_dropped_attributes_count(std::uint32_t(n));
        }
    }
    return true;
}

bool JsonToProto::link(const JsonValue& v, otlp::trace::v1::Span::Link& out)
{
    if (!v.IsObject())
        return fail("a link must be an object, got " + shown(v));
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        const std::string_view key = m_key(view(it->name));
        const JsonValue& x = it->value;
        std::uint64_t n = 0;
        if (key == "traceid") {
            if (!hexId(x, 16, "link traceId", out.mutable_trace_id()))
                return false;
        } else if (key == "spanid") {
            if (!hexId(x, 8, "link spanId", out.mutable_span_id()))
                return false;
        } else if (key == "tracestate") {
            if (!string(x, "link traceState", out.mutable_trace_state()))
                return false;
        } else if (key == "attributes") {
            if (!attributes(x, out.mutable_attributes()))
                return false;
        } else if (key == "flags") {
            if (!u64(x, "link flags", n))
                return false;
            out.set_flags(std::uint32_t(n));
        }
    }
    return true;
}

bool JsonToProto::status(const JsonValue& v, otlp::trace::v1::Status& out)
{
    if (v.IsNull())
        return true;
    if (!v.IsObject())
        return fail("status must be an object, got " + shown(v));
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        const std::string_view key = m_key(view(it->name));
        if (key == "message") {
            if (!string(it->value, "status message", out.mutable_message()))
                return false;
        } else if (key == "code") {
            int code = 0;
            if (!enumValue(it->value, "status code", "STATUS_CODE_", {"UNSET", "OK", "ERROR"}, code))
                return false;
            out.set_code(otlp::trace::v1::Status::StatusCode(code));
        }
    }
    return true;
}

bool JsonToProto::span(const JsonValue& v, otlp::trace::v1::Span& out)
{
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        const std::string_view key = m_key(view(it->name));
        const JsonValue& x = it->value;
        std::uint64_t n = 0;
        if (key == "traceid") {
            if (!hexId(x, 16, "traceId", out.mutable_trace_id()))
                return false;
        } else if (key == "spanid") {
            if (!hexId(x, 8, "spanId", out.mutable_span_id()))
                return false;
        } else if (key == "parentspanid") {
            if (!hexId(x, 8, "parentSpanId", out.mutable_parent_span_id()))
                return false;
        } else if (key == "tracestate") {
            if (!string(x, "traceState", out.mutable_trace_state()))
                return false;
        } else if (key == "name") {
            if (!string(x, "name", out.mutable_name()))
                return false;
        } else if (key == "kind") {
            int kind = 0;
            if (!enumValue(x, "kind", "SPAN_KIND_",
                           {"UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"}, kind))
                return false;
            out.set_kind(otlp::trace::v1::Span::SpanKind(kind));
        } else if (key == "starttimeunixnano") {
            if (!u64(x, "startTimeUnixNano", n))
                return false;
            out.set_start_time_unix_nano(n);
        } else if (key == "endtimeunixnano") {
            if (!u64(x, "endTimeUnixNano", n))
                return false;
            out.set_end_time_unix_nano(n);
        } else if (key == "attributes") {
            if (!attributes(x, out.mutable_attributes()))
                return false;
        } else if (key == "events" || key == "links") {
            if (x.IsNull())
                continue;
            if (!x.IsArray())
                return fail(std::string(key) + " must be an array, got " + shown(x));
            // Decided once: event() and link() reuse m_key's buffer, which `key` views.
            const bool events = key == "events";
            for (const JsonValue& e : x.GetArray())
                if (events ? !event(e, *out.add_events()) : !link(e, *out.add_links()))
                    return false;
        } else if (key == "status") {
            if (!status(x, *out.mutable_status()))
                return false;
        } else if (key == "flags") {
            if (!u64(x, "flags", n))
                return false;
            out.set_flags(std::uint32_t(n));
        } else if (key == "droppedattributescount" || key == "droppedeventscount" ||
                   key == "droppedlinkscount") {
            if (!u64(x, "dropped count", n))
                return false;
            const auto count = std::uint32_t(n);
            if (key == "droppedattributescount")
                out.set_dropped_attributes_count(count);
            else if (key == "droppedeventscount")
                out.set_dropped_events_count(count);
            else
                out.set_dropped_links_count(count);
        }
    }
    return true;
}

bool JsonToProto::log(const JsonValue& v, otlp::logs::v1::LogRecord& out)
{
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        const std::string_view key = m_key(view(it->name));
        const JsonValue& x = it->value;
        std::uint64_t n = 0;
        if (key == "timeunixnano" || key == "observedtimeunixnano") {
            if (!u64(x, key == "timeunixnano" ? "timeUnixNano" : "observedTimeUnixNano", n))
                return false;
            if (key == "timeunixnano")
                out.set_time_unix_nano(n);
            else
                out.set_observed_time_unix_nano(n);
        } else if (key == "severitynumber") {
            int severity = 0;
            if (!this->severity(x, severity))
                return false;
            out.set_severity_number(severity);
        } else if (key == "severitytext") {
            if (!string(x, "severityText", out.mutable_severity_text()))
                return false;
        } else if (key == "body") {
            if (!anyValue(x, *out.mutable_body()))
                return false;
        } else if (key == "attributes") {
            if (!attributes(x, out.mutable_attributes()))
                return false;
        } else if (key == "traceid") {
            if (!hexId(x, 16, "traceId", out.mutable_trace_id()))
                return false;
        } else if (key == "spanid") {
            if (!hexId(x, 8, "spanId", out.mutable_span_id()))
                return false;
        } else if (key == "flags") {
            if (!u64(x, "flags", n))
                return false;
            out.set_flags(std::uint32_t(n));
        } else if (key == "eventname") {
            if (!string(x, "eventName", out.mutable_event_name()))
                return false;
        }
    }
    return true;
}

bool JsonToProto::resource(const JsonValue& v, otlp::resource::v1::Resource& out)
{
    const auto attrs = v.FindMember("attributes");
    return attrs == v.MemberEnd() || attributes(attrs->value, out.mutable_attributes());
}

bool JsonToProto::scope(const JsonValue& v, otlp::common::v1::InstrumentationScope& out)
{
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
        const std::string_view key = m_key(view(it->name));
        if (key == "name") {
            if (!string(it->value, "scope name", out.mutable_name()))
                return false;
        } else if (key == "version") {
            if (!string(it->value, "scope version", out.mutable_version()))
                return false;
        } else if (key == "attributes") {
            if (!attributes(it->value, out.mutable_attributes()))
                return false;
        }
    }
    return true;
}

// ---------------------------------------------------------------------------------------------
// The SAX handler: follows the envelope (resourceSpans -> scopeSpans -> spans) itself and captures
// one resource, scope, span or log record at a time as a small DOM.

/// What the next JSON value is, given where we are.
enum class Role : std::uint8_t
{
    Skip,
    Envelope,       // the root object or Jaeger's "result"
    ResourceGroups, // resourceSpans / resourceLogs array
    ResourceGroup,
    Resource,
    ScopeGroups, // scopeSpans / scopeLogs array
    ScopeGroup,
    Scope,
    Items, // spans / logRecords array
    Item,
};

class OtlpSaxHandler
{
public:
    OtlpSaxHandler(JsonSourceStream& stream, OtlpMapper& mapper, ImportContext& ctx)
        : m_stream(stream), m_mapper(mapper), m_ctx(ctx), m_pool(m_poolBuffer, sizeof m_poolBuffer),
          m_doc(&m_pool)
    {}

    // RapidJSON handler interface.
    bool Null()
    {
        return scalar([&] { m_doc.Null(); });
    }
    bool Bool(bool b)
    {
        return scalar([&] { m_doc.Bool(b); });
    }
    bool Int(int i)
    {
        return scalar([&] { m_doc.Int(i); });
    }
    bool Uint(unsigned u)
    {
        return scalar([&] { m_doc.Uint(u); });
    }
    bool Int64(std::int64_t i)
    {
        return scalar([&] { m_doc.Int64(i); });
    }
    bool Uint64(std::uint64_t u)
    {
        return scalar([&] { m_doc.Uint64(u); });
    }
    bool Double(double d)
    {
        return scalar([&] { m_doc.Double(d); });
    }
    bool RawNumber(const char* str, rapidjson::SizeType length, bool copy)
    {
        return scalar([&] { m_doc.RawNumber(str, length, copy); });
    }
    bool String(const char* str, rapidjson::SizeType length, bool copy)
    {
        return scalar([&] { m_doc.String(str, length, copy); });
    }
    bool StartObject() { return start(true); }
    bool StartArray() { return start(false); }
    bool EndObject(rapidjson::SizeType members) { return end(true, members); }
    bool EndArray(rapidjson::SizeType elements) { return end(false, elements); }
    bool Key(const char* str, rapidjson::SizeType length, bool copy);

    void beginRoot()
    {
        m_abortReason.clear();
        m_keyRole = Role::Envelope;
        m_sawOtlp = false;
        m_rootKeys.clear();
    }
    /// Whether the last root value had OTLP content (resourceSpans / resourceLogs), and if not, the
    /// first keys it did have: JSON that is not OTLP must not pass as an empty import.
    bool sawOtlp() const { return m_sawOtlp; }
    std::string rootKeys() const
    {
        std::string out;
        for (const auto& k : m_rootKeys)
            out += (out.empty() ? "" : ", ") + k;
        return out.empty() ? std::string("none") : out;
    }
    /// After a syntax error: forget the half-read value, deliver what was buffered.
    void abortRoot();
    const std::string& abortReason() const { return m_abortReason; }

private:
    enum class Frame : std::uint8_t
    {
        Envelope,
        ResourceGroups,
        ResourceGroup,
        ScopeGroups,
        ScopeGroup,
        Items
    };
    enum class Capture : std::uint8_t
    {
        None,
        Resource,
        Scope,
        Item
    };

    struct Pending
    {
        int scope = 0;
        std::string location;
        otlp::trace::v1::Span span;
        otlp::logs::v1::LogRecord log;
    };

    Role nextRole() const
    {
        if (m_frames.empty())
            return m_keyRole; // the root value
        switch (m_frames.back()) {
        case Frame::ResourceGroups:
            return Role::ResourceGroup;
        case Frame::ScopeGroups:
            return Role::ScopeGroup;
        case Frame::Items:
            return Role::Item;
        default:
            return m_keyRole;
        }
    }

    template<typename Forward> bool scalar(Forward&& forward)
    {
        m_stream.armGuard();
        if (m_capture != Capture::None) {
            if (!m_captureFailed)
                forward();
            return checkCaptureSize();
        }
        if (m_skipDepth)
            return true;
        const Role role = nextRole();
        m_keyRole = Role::Skip;
        if (role == Role::Item)
            reject(here(), itemName() + " must be a JSON object");
        else if (m_frames.empty())
            reject(here(), "top-level value is not an OTLP JSON object");
        return true;
    }

    bool start(bool object);
    bool end(bool object, rapidjson::SizeType count);
    bool beginCapture(Capture what);
    bool finishCapture();
    void failCapture(const char* reason)
    {
        if (!m_captureFailed) {
            m_captureFailed = true;
            m_captureReason = reason;
            clearDocStack();
        }
    }
    bool checkCaptureSize()
    {
        if (m_stream.Tell() - m_captureStart > kMaxItemBytes)
            failCapture("is larger than 64 MiB");
        return true;
    }
    void clearDocStack()
    {
        auto drop = [](rapidjson::Document&) { return false; };
        m_doc.Populate(drop); // Populate clears the document's value stack on the way out
    }
    void resetDoc()
    {
        m_doc.SetNull();
        m_pool.Clear();
    }

    void onResourceGroupStart();
    void onResourceGroupEnd();
    void onScopeGroupStart();
    void onScopeGroupEnd();
    void onResource();
    void onScope();
    void onItem(const std::string& location);
    void deliver(const otlp::trace::v1::Span* span, const otlp::logs::v1::LogRecord* log,
                 const std::string& location);
    void flushPending();
    void forceKnown();

    std::string itemName() const { return m_logs ? "log record" : "span"; }
    std::string here()
    {
        return "line " + std::to_string(m_stream.line()) + ", byte " + std::to_string(m_stream.Tell());
    }
    void reject(std::string location, std::string message)
    {
        m_ctx.report.addRejected(std::move(location), std::move(message));
    }

    JsonSourceStream& m_stream;
    OtlpMapper& m_mapper;
    ImportContext& m_ctx;

    std::vector<Frame> m_frames;
    Role m_keyRole = Role::Envelope;
    std::size_t m_skipDepth = 0;
    bool m_logs = false; // the current items are log records
    std::string m_abortReason;
    bool m_sawOtlp = false;
    std::vector<std::string> m_rootKeys;
    KeyNormalizer m_key;

    // Capture of one value as a DOM. A pool with an inline first block: typical spans need no malloc.
    Capture m_capture = Capture::None;
    std::size_t m_captureDepth = 0;
    std::uint64_t m_captureStart = 0;
    bool m_captureFailed = false;
    const char* m_captureReason = "";
    std::string m_captureLocation;
    alignas(16) char m_poolBuffer[64 * 1024];
    rapidjson::MemoryPoolAllocator<> m_pool;
    rapidjson::Document m_doc;
    JsonToProto m_convert;

    // Resource and scope may follow their spans in JSON (keys are unordered): such spans wait here.
    bool m_inResourceGroup = false;
    bool m_resourceKnown = false;
    bool m_scopeKnown = false;
    std::vector<otlp::common::v1::InstrumentationScope> m_scopes; // per scope group of the resource group
    std::vector<Pending> m_pending;
    std::size_t m_pendingUsed = 0;

    otlp::trace::v1::Span m_span;
    otlp::logs::v1::LogRecord m_log;
    otlp::resource::v1::Resource m_resource;
    otlp::common::v1::InstrumentationScope m_scope;
    std::uint64_t m_items = 0;
};

bool OtlpSaxHandler::Key(const char* str, rapidjson::SizeType length, bool copy)
{
    m_stream.armGuard();
    if (m_capture != Capture::None) {
        if (!m_captureFailed)
            m_doc.Key(str, length, copy);
        return checkCaptureSize();
    }
    if (m_skipDepth || m_frames.empty())
        return true;
    const std::string_view key = m_key(std::string_view(str, length));
    m_keyRole = Role::Skip;
    switch (m_frames.back()) {
    case Frame::Envelope:
        if (m_frames.size() == 1 && m_rootKeys.size() < 6)
            m_rootKeys.emplace_back(str, std::min<std::size_t>(length, 40));
        if (key == "resourcespans" || key == "resourcelogs") {
            m_sawOtlp = true;
            m_keyRole = Role::ResourceGroups;
            m_logs = key == "resourcelogs";
        } else if (key == "result") {
            m_keyRole = Role::Envelope;
        }
        break;
    case Frame::ResourceGroup:
        if (key == "resource")
            m_keyRole = Role::Resource;
        else if (key == "scopespans" || key == "instrumentationlibraryspans" || key == "scopelogs" ||
                 key == "instrumentationlibrarylogs")
            m_keyRole = Role::ScopeGroups;
        break;
    case Frame::ScopeGroup:
        if (key == "scope" || key == "instrumentationlibrary") {
            m_keyRole = Role::Scope;
        } else if (key == "spans" || key == "logrecords") {
            m_keyRole = Role::Items;
            m_logs = key == "logrecords";
        }
        break;
    default:
        break;
    }
    return true;
}

bool OtlpSaxHandler::start(bool object)
{
    m_stream.armGuard();
    if (m_capture != Capture::None) {
        if (++m_captureDepth > std::size_t(OtlpJsonReader::kMaxItemDepth))
            failCapture("is nested deeper than 64 levels");
        if (m_captureDepth > kMaxTotalDepth) {
            m_abortReason = "JSON nested deeper than " + std::to_string(kMaxTotalDepth) + " levels";
            return false;
        }
        if (!m_captureFailed)
            object ? m_doc.StartObject() : m_doc.StartArray();
        return checkCaptureSize();
    }
    if (m_skipDepth) {
        if (++m_skipDepth > kMaxTotalDepth) {
            m_abortReason = "JSON nested deeper than " + std::to_string(kMaxTotalDepth) + " levels";
            return false;
        }
        return true;
    }
    const Role role = nextRole();
    m_keyRole = Role::Skip;
    if (object) {
        switch (role) {
        case Role::Envelope:
            m_frames.push_back(Frame::Envelope);
            return true;
        case Role::ResourceGroup:
            m_frames.push_back(Frame::ResourceGroup);
            onResourceGroupStart();
            return true;
        case Role::ScopeGroup:
            m_frames.push_back(Frame::ScopeGroup);
            onScopeGroupStart();
            return true;
        case Role::Resource:
            return beginCapture(Capture::Resource);
        case Role::Scope:
            return beginCapture(Capture::Scope);
        case Role::Item:
            return beginCapture(Capture::Item);
        default:
            break;
        }
    } else {
        switch (role) {
        case Role::ResourceGroups:
            m_frames.push_back(Frame::ResourceGroups);
            return true;
        case Role::ScopeGroups:
            m_frames.push_back(Frame::ScopeGroups);
            return true;
        case Role::Items:
            m_frames.push_back(Frame::Items);
            return true;
        case Role::Item:
            reject(here(), itemName() + " must be a JSON object, not an array");
            break;
        case Role::Envelope:
            if (m_frames.empty())
                reject(here(), "top-level value is an array, not an OTLP JSON object; skipped");
            break;
        default:
            break;
        }
    }
    m_skipDepth = 1;
    return true;
}

bool OtlpSaxHandler::end(bool object, rapidjson::SizeType count)
{
    m_stream.armGuard();
    if (m_capture != Capture::None) {
        if (!m_captureFailed)
            object ? m_doc.EndObject(count) : m_doc.EndArray(count);
        if (--m_captureDepth == 0)
            return finishCapture();
        return checkCaptureSize();
    }
    if (m_skipDepth) {
        --m_skipDepth;
        return true;
    }
    if (m_frames.empty())
        return true;
    const Frame frame = m_frames.back();
    m_frames.pop_back();
    if (frame == Frame::ResourceGroup)
        onResourceGroupEnd();
    else if (frame == Frame::ScopeGroup)
        onScopeGroupEnd();
    return true;
}

bool OtlpSaxHandler::beginCapture(Capture what)
{
    m_capture = what;
    m_captureDepth = 1;
    m_captureFailed = false;
    m_captureStart = m_stream.Tell() - 1; // the '{' just read
    m_captureLocation =
        "line " + std::to_string(m_stream.line()) + ", byte " + std::to_string(m_captureStart);
    m_doc.StartObject();
    return true;
}

bool OtlpSaxHandler::finishCapture()
{
    const Capture what = m_capture;
    m_capture = Capture::None;
    const char* name = what == Capture::Resource ? "resource" : what == Capture::Scope ? "scope" : nullptr;
    if (m_captureFailed) {
        reject(m_captureLocation, (name ? std::string(name) : itemName()) + ' ' + m_captureReason +
                                      (name ? "; its spans are kept without it" : "; skipped"));
        if (what == Capture::Resource)
            m_resource.Clear(), onResource();
        else if (what == Capture::Scope)
            m_scope.Clear(), onScope();
    } else {
        auto keep = [](rapidjson::Document&) { return true; };
        m_doc.Populate(keep); // moves the value built from our forwarded events into the document
        bool ok = false;
        if (what == Capture::Resource) {
            m_resource.Clear();
            ok = m_convert.resource(m_doc, m_resource);
            if (!ok)
                m_resource.Clear();
            onResource();
        } else if (what == Capture::Scope) {
            m_scope.Clear();
            ok = m_convert.scope(m_doc, m_scope);
            if (!ok)
                m_scope.Clear();
            onScope();
        } else {
            onItem(m_captureLocation);
            ok = true;
        }
        if (!ok)
            reject(m_captureLocation,
                   std::string(name) + ": " + m_convert.error() + "; its spans are kept without it");
        resetDoc();
    }
    if ((++m_items & 1023) == 0 && m_ctx.cancelled()) {
        m_abortReason = "cancelled";
        return false;
    }
    return true;
}

void OtlpSaxHandler::onItem(const std::string& location)
{
    if (m_logs) {
        m_log.Clear();
        if (!m_convert.log(m_doc, m_log))
            return reject(location, "log record: " + m_convert.error());
    } else {
        m_span.Clear();
        if (!m_convert.span(m_doc, m_span))
            return reject(location, "span: " + m_convert.error());
    }
    if (!m_inResourceGroup || (m_resourceKnown && m_scopeKnown))
        return deliver(m_logs ? nullptr : &m_span, m_logs ? &m_log : nullptr, location);
    if (m_pendingUsed >= kMaxPendingItems) {
        // Bounded: past this, the spans go out with whatever resource/scope is known so far.
        forceKnown();
        return deliver(m_logs ? nullptr : &m_span, m_logs ? &m_log : nullptr, location);
    }
    if (m_pending.size() <= m_pendingUsed)
        m_pending.emplace_back();
    Pending& p = m_pending[m_pendingUsed++];
    p.scope = int(m_scopes.size()) - 1;
    p.location = location;
    if (m_logs)
        p.log.Swap(&m_log);
    else
        p.span.Swap(&m_span);
}

void OtlpSaxHandler::deliver(const otlp::trace::v1::Span* span, const otlp::logs::v1::LogRecord* log,
                             const std::string& location)
{
    if (span)
        m_mapper.addSpan(*span, location);
    else
        m_mapper.addLog(*log, location);
}

void OtlpSaxHandler::onResourceGroupStart()
{
    m_inResourceGroup = true;
    m_resourceKnown = false;
    m_scopeKnown = true; // until a scope group opens
    m_scopes.clear();
    m_pendingUsed = 0;
}

void OtlpSaxHandler::onResource()
{
    if (!m_inResourceGroup)
        return;
    m_mapper.beginResource(m_resource);
    m_resourceKnown = true;
    flushPending();
}

void OtlpSaxHandler::onScopeGroupStart()
{
    m_scopes.emplace_back();
    m_scopeKnown = false;
    if (m_resourceKnown)
        m_mapper.beginScope(m_scopes.back());
}

void OtlpSaxHandler::onScope()
{
    if (m_scopes.empty())
        return;
    m_scopes.back().Swap(&m_scope);
    m_scopeKnown = true;
    if (m_resourceKnown) {
        m_mapper.beginScope(m_scopes.back());
        flushPending();
    }
}

void OtlpSaxHandler::onScopeGroupEnd()
{
    if (!m_scopeKnown) { // no scope in this group: the empty scope it started with is final
        m_scopeKnown = true;
        if (m_resourceKnown)
            flushPending();
    }
}

void OtlpSaxHandler::onResourceGroupEnd()
{
    if (!m_resourceKnown) {
        m_mapper.beginResource(otlp::resource::v1::Resource::default_instance());
        m_resourceKnown = true;
    }
    m_scopeKnown = true;
    flushPending();
    m_inResourceGroup = false;
}

void OtlpSaxHandler::forceKnown()
{
    if (!m_resourceKnown) {
        m_mapper.beginResource(otlp::resource::v1::Resource::default_instance());
        m_resourceKnown = true;
    }
    m_scopeKnown = true;
    flushPending();
}

void OtlpSaxHandler::flushPending()
{
    if (!m_resourceKnown || m_pendingUsed == 0)
        return;
    const int current = int(m_scopes.size()) - 1;
    std::size_t done = 0;
    int scope = -1;
    for (; done < m_pendingUsed; ++done) {
        Pending& p = m_pending[done];
        if (p.scope == current && !m_scopeKnown)
            break; // the current group's scope may still come
        if (p.scope != scope && p.scope >= 0) {
            scope = p.scope;
            m_mapper.beginScope(m_scopes[std::size_t(scope)]);
        }
        deliver(m_logs ? nullptr : &p.span, m_logs ? &p.log : nullptr, p.location);
    }
    // Keep the undelivered tail at the front (rare: only items of a scope group still open).
    for (std::size_t i = done; i < m_pendingUsed; ++i)
        std::swap(m_pending[i - done], m_pending[i]);
    m_pendingUsed -= done;
    if (scope >= 0 && scope != current && current >= 0)
        m_mapper.beginScope(m_scopes[std::size_t(current)]);
}

void OtlpSaxHandler::abortRoot()
{
    if (m_capture != Capture::None) {
        clearDocStack();
        resetDoc();
        m_capture = Capture::None;
    }
    m_skipDepth = 0;
    if (m_inResourceGroup)
        onResourceGroupEnd();
    m_frames.clear();
    m_keyRole = Role::Envelope;
}

} // namespace

void OtlpJsonReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    OtlpMapper mapper(builder, ctx.report);
    if (in.peek(3) == "\xef\xbb\xbf") // a UTF-8 byte order mark, as some Windows tools write
        in.skip(3);
    JsonSourceStream stream(in, ctx);
    const auto handler = std::make_unique<OtlpSaxHandler>(stream, mapper, ctx);
    rapidjson::Reader reader;
    bool ndjson = false;
    bool resynced = false;
    std::uint64_t otlpRoots = 0;
    std::vector<std::pair<std::string, std::string>> foreignRoots; // (location, keys), first few
    std::uint64_t foreignCount = 0;

    // One iteration per root value: a single document, concatenated documents or NDJSON lines.
    while (stream.skipWhitespaceToValue()) {
        const std::uint64_t startLine = stream.line();
        handler->beginRoot();
        const rapidjson::ParseResult result =
            reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(stream,
                                                                                             *handler);
        if (result) {
            if (handler->sawOtlp() || handler->rootKeys() == "none") { // {} is an empty export
                ++otlpRoots;
            } else {
                ++foreignCount;
                if (foreignRoots.size() < ImportReport::kMaxSamples)
                    foreignRoots.emplace_back("line " + std::to_string(startLine), handler->rootKeys());
            }
            if (!ndjson && stream.line() == startLine) {
                // A whole value on one line: from now on a newline ends a value, so a broken line
                // cannot swallow the next.
                ndjson = true;
                stream.setLineMode(true);
            }
            continue;
        }
        handler->abortRoot();
        if (ctx.cancelled() || stream.stopped()) {
            ctx.report.cancelled = true;
            break;
        }
        const std::uint64_t errorLine = stream.line();
        const std::string location =
            "line " + std::to_string(errorLine) + ", byte " + std::to_string(result.Offset());
        const bool handlerAbort = result.Code() == rapidjson::kParseErrorTermination;
        std::string message;
        if (stream.guardTripped())
            message = "a string or token is longer than " + std::to_string(kMaxTokenBytes >> 20) + " MiB";
        else if (handlerAbort)
            message = handler->abortReason();
        else
            message = rapidjson::GetParseError_En(result.Code());
        if (!handlerAbort && (ndjson || (!resynced && errorLine == startLine))) {
            // NDJSON (or maybe its first line): drop the line and go on. A one-line input that is
            // broken is just a broken document, though: fatal, like any single document.
            stream.skipLine();
            if (ndjson || stream.skipWhitespaceToValue()) {
                ctx.report.addRejected(location, message + "; skipped the line");
                resynced = true;
                continue;
            }
        }
        ctx.report.setFatal(location, message);
        break;
    }
    if (foreignCount && otlpRoots == 0 && !ctx.report.hasFatal()) {
        ctx.report.setFatal(foreignRoots.front().first,
                            "JSON, but not OTLP: no resourceSpans or resourceLogs (top-level keys: " +
                                foreignRoots.front().second + ")");
    } else {
        for (const auto& [location, keys] : foreignRoots)
            ctx.report.addRejected(
                location, "not an OTLP object: no resourceSpans or resourceLogs (keys: " + keys + ")");
        if (foreignCount > foreignRoots.size())
            ctx.report.addRejected("", "more objects without OTLP content",
                                   foreignCount - foreignRoots.size());
    }
    builder.flush();
    ctx.report.bytesRead = in.offset();
}

} // namespace seam
