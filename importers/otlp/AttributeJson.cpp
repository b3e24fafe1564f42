#include "AttributeJson.h"

#include "JsonWriter.h"
#include "PayloadBuilder.h"
#include "opentelemetry/proto/common/v1/common.pb.h"

#include <charconv>
#include <cmath>
#include <type_traits>

namespace seam {

using opentelemetry::proto::common::v1::AnyValue;
using opentelemetry::proto::common::v1::KeyValue;

void appendBase64(std::string& out, std::string_view bytes)
{
    static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16 |
                                std::uint32_t(std::uint8_t(bytes[i + 1])) << 8 | std::uint8_t(bytes[i + 2]);
        const char quad[] = {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63],
                             kAlphabet[n & 63]};
        out.append(quad, 4);
    }
    const std::size_t rest = bytes.size() - i;
    if (rest) {
        std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        if (rest == 2)
            n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
        const char quad[] = {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63],
                             rest == 2 ? kAlphabet[(n >> 6) & 63] : '=', '='};
        out.append(quad, 4);
    }
}

namespace {

// One walk for both writers: JSON text, or the cache's binary payload written straight from the values.
template<typename Writer> void anyValue(Writer& w, const AnyValue& value, int depth);

template<typename Writer> void attributes(Writer& w, const OtlpAttributes& list, int depth)
{
    w.beginObject();
    for (const KeyValue& kv : list) {
        w.key(kv.key());
        anyValue(w, kv.value(), depth);
    }
    w.endObject();
}

template<typename Writer> void anyValue(Writer& w, const AnyValue& value, int depth)
{
    switch (value.value_case()) {
    case AnyValue::kStringValue:
        w.string(value.string_value());
        return;
    case AnyValue::kBoolValue:
        w.boolean(value.bool_value());
        return;
    case AnyValue::kIntValue:
        w.int64(value.int_value());
        return;
    case AnyValue::kDoubleValue:
        w.number(value.double_value());
        return;
    case AnyValue::kBytesValue:
        if constexpr (std::is_same_v<Writer, JsonWriter>) {
            std::string& out = w.out();
            w.string({}); // writes the separator and an empty string; the payload goes inside the quotes
            out.pop_back();
            appendBase64(out, value.bytes_value());
            out.push_back('"');
        } else {
            std::string text;
            appendBase64(text, value.bytes_value());
            w.string(text);
        }
        return;
    case AnyValue::kArrayValue:
        if (depth >= kMaxAttributeDepth) {
            w.string("<nested too deep>");
            return;
        }
        w.beginArray();
        for (const AnyValue& v : value.array_value().values())
            anyValue(w, v, depth + 1);
        w.endArray();
        return;
    case AnyValue::kKvlistValue:
        if (depth >= kMaxAttributeDepth) {
            w.string("<nested too deep>");
            return;
        }
        attributes(w, value.kvlist_value().values(), depth + 1);
        return;
    case AnyValue::VALUE_NOT_SET:
        break;
    }
    w.null();
}

} // namespace

void writeAnyValue(JsonWriter& w, const AnyValue& value, int depth)
{
    anyValue(w, value, depth);
}

void writeAnyValue(payload::Builder& w, const AnyValue& value, int depth)
{
    anyValue(w, value, depth);
}

void writeAttributes(JsonWriter& w, const OtlpAttributes& list, int depth)
{
    attributes(w, list, depth);
}

void writeAttributes(payload::Builder& w, const OtlpAttributes& list, int depth)
{
    attributes(w, list, depth);
}

void appendAttributesJson(std::string& out, const OtlpAttributes& attributes)
{
    if (attributes.empty())
        return;
    JsonWriter w(out);
    writeAttributes(w, attributes);
}

const AnyValue* findAttribute(const OtlpAttributes& attributes, std::string_view key)
{
    for (const KeyValue& kv : attributes)
        if (kv.key() == key)
            return &kv.value();
    return nullptr;
}

std::string_view findString(const OtlpAttributes& attributes, std::string_view key)
{
    const AnyValue* v = findAttribute(attributes, key);
    if (v && v->value_case() == AnyValue::kStringValue)
        return v->string_value();
    return {};
}

std::optional<std::int64_t> anyValueToInt(const AnyValue& value)
{
    switch (value.value_case()) {
    case AnyValue::kIntValue:
        return value.int_value();
    case AnyValue::kDoubleValue: {
        const double d = value.double_value();
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9.2e18)
            return std::int64_t(d);
        return std::nullopt;
    }
    case AnyValue::kStringValue: {
        const std::string& s = value.string_value();
        std::int64_t n = 0;
        const auto res = std::from_chars(s.data(), s.data() + s.size(), n);
        if (res.ec == std::errc() && res.ptr == s.data() + s.size() && !s.empty())
            return n;
        return std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

std::optional<double> anyValueToDouble(const AnyValue& value)
{
    switch (value.value_case()) {
    case AnyValue::kIntValue:
        return double(value.int_value());
    case AnyValue::kDoubleValue:
        return value.double_value();
    case AnyValue::kStringValue: {
        const std::string& s = value.string_value();
        double d = 0;
        const auto res = std::from_chars(s.data(), s.data() + s.size(), d);
        if (res.ec == std::errc() && res.ptr == s.data() + s.size() && !s.empty())
            return d;
        return std::nullopt;
    }
    default:
        return std::nullopt;
    }
}

std::optional<std::int64_t> findInt(const OtlpAttributes& attributes, std::string_view key)
{
    const AnyValue* v = findAttribute(attributes, key);
    return v ? anyValueToInt(*v) : std::nullopt;
}

std::optional<double> findDouble(const OtlpAttributes& attributes, std::string_view key)
{
    const AnyValue* v = findAttribute(attributes, key);
    return v ? anyValueToDouble(*v) : std::nullopt;
}

std::optional<bool> findBool(const OtlpAttributes& attributes, std::string_view key)
{
    const AnyValue* v = findAttribute(attributes, key);
    if (!v)
        return std::nullopt;
    if (v->value_case() == AnyValue::kBoolValue)
        return v->bool_value();
    if (v->value_case() == AnyValue::kStringValue) {
        if (v->string_value() == "true")
            return true;
        if (v->string_value() == "false")
            return false;
    }
    return std::nullopt;
}

} // namespace seam
