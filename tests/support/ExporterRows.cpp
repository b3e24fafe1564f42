#include "ExporterRows.h"

#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>
#include <charconv>

namespace seam::test {
namespace otlp = opentelemetry::proto;

namespace {

QString hex(const std::string& bytes)
{
    return QString::fromLatin1(QByteArray::fromStdString(bytes).toHex());
}

/// DateTime64(9) text in UTC, which the test's ClickHouse (TZ=UTC) reads back to the same instant.
QString timestamp(std::uint64_t ns)
{
    const QDateTime t = QDateTime::fromSecsSinceEpoch(qint64(ns / 1000000000ULL), Qt::UTC);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.")) +
           QStringLiteral("%1").arg(qulonglong(ns % 1000000000ULL), 9, 10, QLatin1Char('0'));
}

QString asString(const otlp::common::v1::AnyValue& v);

QJsonValue asJson(const otlp::common::v1::AnyValue& v)
{
    switch (v.value_case()) {
    case otlp::common::v1::AnyValue::kStringValue:
        return QString::fromStdString(v.string_value());
    case otlp::common::v1::AnyValue::kBoolValue:
        return v.bool_value();
    case otlp::common::v1::AnyValue::kIntValue:
        return double(v.int_value());
    case otlp::common::v1::AnyValue::kDoubleValue:
        return v.double_value();
    case otlp::common::v1::AnyValue::kArrayValue: {
        QJsonArray a;
        for (const auto& e : v.array_value().values())
            a.append(asJson(e));
        return a;
    }
    case otlp::common::v1::AnyValue::kKvlistValue: {
        QJsonObject o;
        for (const auto& kv : v.kvlist_value().values())
            o[QString::fromStdString(kv.key())] = asJson(kv.value());
        return o;
    }
    default:
        return QJsonValue();
    }
}

/// pcommon Value.AsString(): strings as they are, ints in decimal, doubles in the shortest form
/// that reads back, booleans as true/false, arrays and maps as compact JSON.
QString asString(const otlp::common::v1::AnyValue& v)
{
    switch (v.value_case()) {
    case otlp::common::v1::AnyValue::kStringValue:
        return QString::fromStdString(v.string_value());
    case otlp::common::v1::AnyValue::kBoolValue:
        return v.bool_value() ? QStringLiteral("true") : QStringLiteral("false");
    case otlp::common::v1::AnyValue::kIntValue:
        return QString::number(v.int_value());
    case otlp::common::v1::AnyValue::kDoubleValue: {
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v.double_value(), std::chars_format::fixed);
        return QString::fromLatin1(buf, int(r.ptr - buf));
    }
    case otlp::common::v1::AnyValue::kArrayValue:
    case otlp::common::v1::AnyValue::kKvlistValue: {
        const QJsonValue j = asJson(v);
        return QString::fromUtf8(j.isArray() ? QJsonDocument(j.toArray()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(j.toObject()).toJson(QJsonDocument::Compact));
    }
    default:
        return QString();
    }
}

QJsonObject attributeMap(const google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>& attrs)
{
    QJsonObject m;
    for (const auto& kv : attrs)
        m[QString::fromStdString(kv.key())] = asString(kv.value());
    return m;
}

QString kindString(int kind)
{
    static const char* names[] = {"Unspecified", "Internal", "Server", "Client", "Producer", "Consumer"};
    return QString::fromLatin1(kind >= 0 && kind < 6 ? names[kind] : "Unspecified");
}

QString statusString(int code)
{
    return code == otlp::trace::v1::Status::STATUS_CODE_ERROR ? QStringLiteral("Error")
           : code == otlp::trace::v1::Status::STATUS_CODE_OK  ? QStringLiteral("Ok")
                                                              : QStringLiteral("Unset");
}

} // namespace

void appendExporterRows(const otlp::trace::v1::TracesData& traces, QByteArray& out)
{
    for (const auto& rs : traces.resource_spans()) {
        const QJsonObject resourceAttributes = attributeMap(rs.resource().attributes());
        const QString service = resourceAttributes.value(QStringLiteral("service.name")).toString();
        for (const auto& ss : rs.scope_spans()) {
            for (const auto& span : ss.spans()) {
                QJsonObject row;
                row[QStringLiteral("Timestamp")] = timestamp(span.start_time_unix_nano());
                row[QStringLiteral("TraceId")] = hex(span.trace_id());
                row[QStringLiteral("SpanId")] = hex(span.span_id());
                row[QStringLiteral("ParentSpanId")] = hex(span.parent_span_id());
                row[QStringLiteral("TraceState")] = QString::fromStdString(span.trace_state());
                row[QStringLiteral("SpanName")] = QString::fromStdString(span.name());
                row[QStringLiteral("SpanKind")] = kindString(span.kind());
                row[QStringLiteral("ServiceName")] = service;
                row[QStringLiteral("ResourceAttributes")] = resourceAttributes;
                row[QStringLiteral("ScopeName")] = QString::fromStdString(ss.scope().name());
                row[QStringLiteral("ScopeVersion")] = QString::fromStdString(ss.scope().version());
                row[QStringLiteral("SpanAttributes")] = attributeMap(span.attributes());
                row[QStringLiteral("Duration")] =
                    double(span.end_time_unix_nano() - span.start_time_unix_nano());
                row[QStringLiteral("StatusCode")] = statusString(span.status().code());
                row[QStringLiteral("StatusMessage")] = QString::fromStdString(span.status().message());
                QJsonArray evTs, evName, evAttrs, lnTrace, lnSpan, lnState, lnAttrs;
                for (const auto& ev : span.events()) {
                    evTs.append(timestamp(ev.time_unix_nano()));
                    evName.append(QString::fromStdString(ev.name()));
                    evAttrs.append(attributeMap(ev.attributes()));
                }
                for (const auto& link : span.links()) {
                    lnTrace.append(hex(link.trace_id()));
                    lnSpan.append(hex(link.span_id()));
                    lnState.append(QString::fromStdString(link.trace_state()));
                    lnAttrs.append(attributeMap(link.attributes()));
                }
                row[QStringLiteral("Events.Timestamp")] = evTs;
                row[QStringLiteral("Events.Name")] = evName;
                row[QStringLiteral("Events.Attributes")] = evAttrs;
                row[QStringLiteral("Links.TraceId")] = lnTrace;
                row[QStringLiteral("Links.SpanId")] = lnSpan;
                row[QStringLiteral("Links.TraceState")] = lnState;
                row[QStringLiteral("Links.Attributes")] = lnAttrs;
                out += QJsonDocument(row).toJson(QJsonDocument::Compact);
                out += '\n';
            }
        }
    }
}

} // namespace seam::test
