#include "JaegerTags.h"

#include "Base64.h"
#include "JsonItemStream.h"
#include "SpanJsonFields.h"

#include <algorithm>

namespace seam::jaeger {

namespace otlp = opentelemetry::proto;
using rapidjson::Value;
using namespace spanjson;

std::string lowerAscii(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

/// One Jaeger tag / log field {key, type, value} -> an OTLP attribute.
bool tagToAttribute(const Value& tag, otlp::common::v1::KeyValue& out, std::string& error)
{
    if (!tag.IsObject()) {
        error = "a tag must be an object, got " + JsonItemStream::describe(tag);
        return false;
    }
    const Value* key = member(tag, "key");
    if (!key || !key->IsString()) {
        error = key ? "tag key must be a string, got " + JsonItemStream::describe(*key) : "a tag has no key";
        return false;
    }
    out.set_key(key->GetString(), key->GetStringLength());
    const Value* value = member(tag, "value");
    const Value* typeValue = member(tag, "type");
    if (typeValue && !typeValue->IsString() && !typeValue->IsNull()) {
        error =
            "tag \"" + out.key() + "\": type must be a string, got " + JsonItemStream::describe(*typeValue);
        return false;
    }
    std::string type = typeValue && typeValue->IsString() ? lowerAscii(view(*typeValue)) : std::string();
    auto& any = *out.mutable_value();
    if (!value || value->IsNull()) {
        if (type.empty() || type == "string") {
            any.set_string_value("");
            return true;
        }
        error = "tag \"" + out.key() + "\" of type " + type + " has no value";
        return false;
    }
    if (type.empty()) // no type: take the JSON's
        type = value->IsBool()     ? "bool"
               : value->IsInt64()  ? "int64"
               : value->IsNumber() ? "float64"
                                   : "string";
    auto wrong = [&](const char* expected) {
        error = "tag \"" + out.key() + "\" of type " + type + ": expected " + expected + ", got " +
                JsonItemStream::describe(*value);
        return false;
    };
    if (type == "string") {
        if (value->IsString())
            any.set_string_value(value->GetString(), value->GetStringLength());
        else if (value->IsBool())
            any.set_string_value(value->GetBool() ? "true" : "false");
        else if (value->IsInt64())
            any.set_string_value(std::to_string(value->GetInt64()));
        else if (value->IsUint64())
            any.set_string_value(std::to_string(value->GetUint64()));
        else if (value->IsNumber())
            any.set_string_value(std::to_string(value->GetDouble()));
        else
            return wrong("a string");
    } else if (type == "bool") {
        if (value->IsBool())
            any.set_bool_value(value->GetBool());
        else if (value->IsString() && (view(*value) == "true" || view(*value) == "false"))
            any.set_bool_value(view(*value) == "true");
        else
            return wrong("true or false");
    } else if (type == "int64") {
        const auto n = signedOf(*value);
        if (!n || value->IsDouble())
            return wrong("an integer");
        any.set_int_value(*n);
    } else if (type == "float64") {
        const auto d = doubleOf(*value);
        if (!d)
            return wrong("a number");
        any.set_double_value(*d);
    } else if (type == "binary") {
        if (!value->IsString() || !decodeBase64(view(*value), *any.mutable_bytes_value()))
            return wrong("base64 text");
    } else {
        error = "tag \"" + out.key() + "\" has the unknown type \"" + type + "\"";
        return false;
    }
    return true;
}

bool tagsToAttributes(const Value* tags, google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>* out,
                      std::string& error)
{
    if (!tags || tags->IsNull())
        return true;
    if (!tags->IsArray()) {
        error = "tags must be an array, got " + JsonItemStream::describe(*tags);
        return false;
    }
    for (const Value& tag : tags->GetArray())
        if (!tagToAttribute(tag, *out->Add(), error))
            return false;
    return true;
}

} // namespace seam::jaeger
