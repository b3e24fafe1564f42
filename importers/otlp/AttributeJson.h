#pragma once

#include <cstdint>
#include <google/protobuf/repeated_ptr_field.h>
#include <optional>
#include <string>
#include <string_view>

namespace opentelemetry::proto::common::v1 {
class AnyValue;
class KeyValue;
} // namespace opentelemetry::proto::common::v1

namespace seam {

class JsonWriter;
namespace payload {
class Builder;
}

using OtlpAttributes = google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>;

/// OTLP AnyValue / KeyValue lists as compact JSON: scalars map to JSON scalars, arrays to arrays,
/// kvlists to objects, bytes to base64 strings and an unset value to null. Values nested deeper than
/// kMaxAttributeDepth become the string "<nested too deep>": the store is no place for hostile depth.
constexpr int kMaxAttributeDepth = 16;

void writeAnyValue(JsonWriter& w, const opentelemetry::proto::common::v1::AnyValue& value, int depth = 0);
/// Writes {"key": value, ...} (always an object, possibly empty).
void writeAttributes(JsonWriter& w, const OtlpAttributes& attributes, int depth = 0);
/// The same values straight into a span payload's binary form (the bytes payload::encode() would make of
/// the JSON above).
void writeAnyValue(payload::Builder& w, const opentelemetry::proto::common::v1::AnyValue& value,
                   int depth = 0);
void writeAttributes(payload::Builder& w, const OtlpAttributes& attributes, int depth = 0);
/// Appends the attribute object to `out`, or nothing when there are no attributes ("" = none).
void appendAttributesJson(std::string& out, const OtlpAttributes& attributes);

void appendBase64(std::string& out, std::string_view bytes);

/// Lookup helpers. Attribute lists are short, so a linear scan beats building an index.
const opentelemetry::proto::common::v1::AnyValue* findAttribute(const OtlpAttributes& attributes,
                                                                std::string_view key);
/// The string value of `key`, or an empty view if absent or not a string.
std::string_view findString(const OtlpAttributes& attributes, std::string_view key);
/// An integer value; also accepts integral doubles and decimal strings (senders disagree).
std::optional<std::int64_t> findInt(const OtlpAttributes& attributes, std::string_view key);
/// A numeric value; also accepts ints and numeric strings.
std::optional<double> findDouble(const OtlpAttributes& attributes, std::string_view key);
std::optional<bool> findBool(const OtlpAttributes& attributes, std::string_view key);

std::optional<std::int64_t> anyValueToInt(const opentelemetry::proto::common::v1::AnyValue& value);
std::optional<double> anyValueToDouble(const opentelemetry::proto::common::v1::AnyValue& value);

} // namespace seam
