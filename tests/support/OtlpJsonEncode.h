#pragma once
// TracesData as OTLP/JSON the way Jaeger's api/v3 writes it (hex ids, enums as integers, 64-bit
// numbers as strings), for replaying a trace store's answers from loopback in tests.

#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace seam::test {

namespace otlpjson_encode {
namespace otlp = opentelemetry::proto;

inline QString hex(const std::string& b)
{
    return QString::fromLatin1(QByteArray::fromStdString(b).toHex());
}

inline QJsonObject anyValue(const otlp::common::v1::AnyValue& v)
{
    QJsonObject o;
    switch (v.value_case()) {
    case otlp::common::v1::AnyValue::kStringValue:
        o[QStringLiteral("stringValue")] = QString::fromStdString(v.string_value());
        break;
    case otlp::common::v1::AnyValue::kBoolValue:
        o[QStringLiteral("boolValue")] = v.bool_value();
        break;
    case otlp::common::v1::AnyValue::kIntValue:
        o[QStringLiteral("intValue")] = QString::number(v.int_value());
        break;
    case otlp::common::v1::AnyValue::kDoubleValue:
        o[QStringLiteral("doubleValue")] = v.double_value();
        break;
    default:
        o[QStringLiteral("stringValue")] = QString();
        break;
    }
    return o;
}

inline QJsonArray attributes(const google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>& attrs)
{
    QJsonArray a;
    for (const auto& kv : attrs)
        a.append(QJsonObject{{QStringLiteral("key"), QString::fromStdString(kv.key())},
                             {QStringLiteral("value"), anyValue(kv.value())}});
    return a;
}

} // namespace otlpjson_encode

inline QJsonObject tracesDataJson(const opentelemetry::proto::trace::v1::TracesData& data)
{
    using namespace otlpjson_encode;
    QJsonArray resourceSpans;
    for (const auto& rs : data.resource_spans()) {
        QJsonArray scopeSpans;
        for (const auto& ss : rs.scope_spans()) {
            QJsonArray spans;
            for (const auto& s : ss.spans()) {
                QJsonObject span{
                    {QStringLiteral("traceId"), hex(s.trace_id())},
                    {QStringLiteral("spanId"), hex(s.span_id())},
                    {QStringLiteral("name"), QString::fromStdString(s.name())},
                    {QStringLiteral("kind"), int(s.kind())},
                    {QStringLiteral("startTimeUnixNano"), QString::number(s.start_time_unix_nano())},
                    {QStringLiteral("endTimeUnixNano"), QString::number(s.end_time_unix_nano())},
                    {QStringLiteral("attributes"), attributes(s.attributes())},
                    {QStringLiteral("status"),
                     QJsonObject{{QStringLiteral("code"), int(s.status().code())},
                                 {QStringLiteral("message"), QString::fromStdString(s.status().message())}}}};
                if (!s.parent_span_id().empty())
                    span[QStringLiteral("parentSpanId")] = hex(s.parent_span_id());
                QJsonArray events;
                for (const auto& e : s.events())
                    events.append(
                        QJsonObject{{QStringLiteral("timeUnixNano"), QString::number(e.time_unix_nano())},
                                    {QStringLiteral("name"), QString::fromStdString(e.name())},
                                    {QStringLiteral("attributes"), attributes(e.attributes())}});
                if (!events.isEmpty())
                    span[QStringLiteral("events")] = events;
                spans.append(span);
            }
            scopeSpans.append(QJsonObject{
                {QStringLiteral("scope"),
                 QJsonObject{{QStringLiteral("name"), QString::fromStdString(ss.scope().name())},
                             {QStringLiteral("version"), QString::fromStdString(ss.scope().version())}}},
                {QStringLiteral("spans"), spans}});
        }
        resourceSpans.append(
            QJsonObject{{QStringLiteral("resource"),
                         QJsonObject{{QStringLiteral("attributes"), attributes(rs.resource().attributes())}}},
                        {QStringLiteral("scopeSpans"), scopeSpans}});
    }
    return QJsonObject{{QStringLiteral("resourceSpans"), resourceSpans}};
}

} // namespace seam::test
