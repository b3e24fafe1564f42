#pragma once

// Internal to importers/otlp: the OTLP JSON reader's conversion of one captured JSON value (a span,
// log record, resource or scope, as a small DOM) into its protobuf message.

#include "OtlpJsonKeys.h"
#include "opentelemetry/proto/logs/v1/logs.pb.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <cstdint>
#include <initializer_list>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace seam::otlpjson {

namespace otlp = opentelemetry::proto;

/// Builds protobuf messages from captured JSON. Each function returns false with m_error set.
class JsonToProto
{
public:
    bool span(const rapidjson::Value& v, otlp::trace::v1::Span& out);
    bool log(const rapidjson::Value& v, otlp::logs::v1::LogRecord& out);
    bool resource(const rapidjson::Value& v, otlp::resource::v1::Resource& out);
    bool scope(const rapidjson::Value& v, otlp::common::v1::InstrumentationScope& out);

    const std::string& error() const { return m_error; }

private:
    bool fail(std::string message)
    {
        m_error = std::move(message);
        return false;
    }
    bool hexId(const rapidjson::Value& v, std::size_t bytes, const char* name, std::string* out);
    bool u64(const rapidjson::Value& v, const char* name, std::uint64_t& out);
    bool i64(const rapidjson::Value& v, const char* name, std::int64_t& out);
    bool string(const rapidjson::Value& v, const char* name, std::string* out);
    bool enumValue(const rapidjson::Value& v, const char* name, std::string_view prefix,
                   std::initializer_list<std::string_view> names, int& out);
    bool severity(const rapidjson::Value& v, int& out);
    bool attributes(const rapidjson::Value& v,
                    google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>* out);
    bool anyValue(const rapidjson::Value& v, otlp::common::v1::AnyValue& out);
    bool event(const rapidjson::Value& v, otlp::trace::v1::Span::Event& out);
    bool link(const rapidjson::Value& v, otlp::trace::v1::Span::Link& out);
    bool status(const rapidjson::Value& v, otlp::trace::v1::Status& out);

    KeyNormalizer m_key;
    std::string m_error;
};

} // namespace seam::otlpjson
