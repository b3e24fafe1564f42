#include "OtlpJsonToProto.h"

#include "Base64.h"
#include "Ids.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

namespace seam::otlpjson {

using JsonValue = rapidjson::Value;

namespace {

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

} // namespace

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

} // namespace seam::otlpjson
