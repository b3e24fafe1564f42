#pragma once

// Jaeger JSON tags ({key, type, value}) as OTLP attributes: shared by the span, process and log readers
// of JaegerReader, kept apart so the reader's state machine stays readable.

#include "opentelemetry/proto/common/v1/common.pb.h"

#include <google/protobuf/repeated_ptr_field.h>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace seam::jaeger {

/// ASCII lower case (Jaeger writes tag types and span kinds in any case).
std::string lowerAscii(std::string_view s);

/// One tag to one attribute; false with `error` set when the tag is malformed.
bool tagToAttribute(const rapidjson::Value& tag, opentelemetry::proto::common::v1::KeyValue& out,
                    std::string& error);

/// A tags array (null or missing = none) appended to `out`; false with `error` at the first bad tag.
bool tagsToAttributes(const rapidjson::Value* tags,
                      google::protobuf::RepeatedPtrField<opentelemetry::proto::common::v1::KeyValue>* out,
                      std::string& error);

} // namespace seam::jaeger
