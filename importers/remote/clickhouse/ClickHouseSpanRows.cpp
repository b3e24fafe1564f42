#include "ClickHouseSpanRows.h"

#include "ImportReport.h"
#include "OtlpMapper.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QStringList>
#include <charconv>
#include <optional>
#include <rapidjson/document.h>
#include <string_view>

namespace seam::remote {
namespace otlp = opentelemetry::proto;

namespace {

std::optional<std::string> hexToBytes(std::string_view hex, std::size_t bytes)
{
    if (hex.size() != bytes * 2)
        return std::nullopt;
    std::string out(bytes, '\0');
    for (std::size_t i = 0; i < bytes; ++i) {
        unsigned v = 0;
        const auto [p, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2, v, 16);
        if (ec != std::errc() || p != hex.data() + 2 * i + 2)
            return std::nullopt;
        out[i] = char(v);
    }
    return out;
}

bool isCanonicalInteger(std::string_view s)
{
    std::size_t i = s.starts_with('-') ? 1 : 0;
    if (i == s.size() || s.size() - i > 18 || (s[i] == '0' && s.size() - i > 1))
        return false;
    for (; i < s.size(); ++i)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool isPlainDecimal(std::string_view s)
{
    const std::size_t dot = s.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == s.size())
        return false;
    const std::string_view whole = s.substr(0, dot);
    if (!isCanonicalInteger(whole) && whole != "-0")
        return false;
    for (char c : s.substr(dot + 1))
        if (c < '0' || c > '9')
            return false;
    return true;
}

void setTypedValue(otlp::common::v1::AnyValue* v, std::string_view text)
{
    if (isCanonicalInteger(text)) {
        std::int64_t n = 0;
        std::from_chars(text.data(), text.data() + text.size(), n);
        v->set_int_value(n);
    } else if (isPlainDecimal(text)) {
        v->set_double_value(std::stod(std::string(text)));
    } else if (text == "true" || text == "false") {
        v->set_bool_value(text == "true");
    } else {
        v->set_string_value(std::string(text));
    }
}

using Attributes = google::protobuf::RepeatedPtrField<otlp::common::v1::KeyValue>;

void addAttributes(Attributes* out, const rapidjson::Value& object, const std::string& prefix = {})
{
    if (!object.IsObject())
        return;
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        const std::string key = prefix + std::string(it->name.GetString(), it->name.GetStringLength());
        const rapidjson::Value& value = it->value;
        if (value.IsObject()) {
            addAttributes(out, value, key + '.');
            continue;
        }
        auto* kv = out->Add();
        kv->set_key(key);
        if (value.IsString())
            setTypedValue(kv->mutable_value(), std::string_view(value.GetString(), value.GetStringLength()));
        else if (value.IsBool())
            kv->mutable_value()->set_bool_value(value.GetBool());
        else if (value.IsInt64())
            kv->mutable_value()->set_int_value(value.GetInt64());
        else if (value.IsNumber())
            kv->mutable_value()->set_double_value(value.GetDouble());
        else if (value.IsNull())
            out->RemoveLast();
        else
            kv->mutable_value()->set_string_value("[array]");
    }
}

std::string_view str(const rapidjson::Value& row, const char* name)
{
    const auto it = row.FindMember(name);
    if (it == row.MemberEnd() || !it->value.IsString())
        return {};
    return {it->value.GetString(), it->value.GetStringLength()};
}

std::int64_t int64Of(const rapidjson::Value& v)
{
    if (v.IsInt64())
        return v.GetInt64();
    if (v.IsUint64())
        return std::int64_t(v.GetUint64());
    if (v.IsString()) {
        std::int64_t n = 0;
        std::from_chars(v.GetString(), v.GetString() + v.GetStringLength(), n);
        return n;
    }
    return 0;
}

otlp::trace::v1::Span::SpanKind kindOf(std::string_view k)
{
    using K = otlp::trace::v1::Span;
    if (k == "Server" || k == "SPAN_KIND_SERVER")
        return K::SPAN_KIND_SERVER;
    if (k == "Client" || k == "SPAN_KIND_CLIENT")
        return K::SPAN_KIND_CLIENT;
    if (k == "Producer" || k == "SPAN_KIND_PRODUCER")
        return K::SPAN_KIND_PRODUCER;
    if (k == "Consumer" || k == "SPAN_KIND_CONSUMER")
        return K::SPAN_KIND_CONSUMER;
    if (k == "Internal" || k == "SPAN_KIND_INTERNAL")
        return K::SPAN_KIND_INTERNAL;
    return K::SPAN_KIND_UNSPECIFIED;
}

otlp::trace::v1::Status::StatusCode statusOf(std::string_view s)
{
    if (s == "Error" || s == "STATUS_CODE_ERROR")
        return otlp::trace::v1::Status::STATUS_CODE_ERROR;
    if (s == "Ok" || s == "STATUS_CODE_OK")
        return otlp::trace::v1::Status::STATUS_CODE_OK;
    return otlp::trace::v1::Status::STATUS_CODE_UNSET;
}

const rapidjson::Value* arrayOf(const rapidjson::Value& row, const char* name)
{
    const auto it = row.FindMember(name);
    return it != row.MemberEnd() && it->value.IsArray() ? &it->value : nullptr;
}

} // namespace

struct ClickHouseSpanRows::State
{
    std::string resourceKey; ///< the previous row's resource (service + attributes), to skip re-mapping
    std::string scopeKey;
    otlp::resource::v1::Resource resource;
    otlp::common::v1::InstrumentationScope scope;
    otlp::trace::v1::Span span;
};

ClickHouseSpanRows::ClickHouseSpanRows(OtlpMapper& mapper, ImportReport& report)
    : m_state(std::make_unique<State>()), m_mapper(mapper), m_report(report)
{}

ClickHouseSpanRows::~ClickHouseSpanRows() = default;

std::int64_t ClickHouseSpanRows::feed(const QByteArray& body, const QString& purpose,
                                      const std::function<void(const RowKey&)>& onRow)
{
    std::int64_t rows = 0;
    std::int64_t line = 0;
    const std::string where = purpose.toStdString();
    qsizetype start = 0;
    while (start < body.size()) {
        qsizetype end = body.indexOf('\n', start);
        if (end < 0)
            end = body.size();
        const std::string_view text(body.constData() + start, std::size_t(end - start));
        start = end + 1;
        ++line;
        if (text.empty())
            continue;
        const std::string location = where + ", row " + std::to_string(line);
        rapidjson::Document row;
        row.Parse(text.data(), text.size());
        if (row.HasParseError() || !row.IsObject()) {
            m_report.addRejected(location, "not a JSON object row");
            continue;
        }
        const auto traceId = hexToBytes(str(row, "trace"), 16);
        const auto spanId = hexToBytes(str(row, "span"), 8);
        if (!traceId || !spanId) {
            m_report.addRejected(location, "TraceId or SpanId is not hex of the right length");
            continue;
        }
        // Resource: ServiceName is a column of its own; the attributes normally carry it as well.
        const auto attrsIt = row.FindMember("rattrs");
        const std::string service(str(row, "service"));
        std::string resourceKey = service;
        resourceKey += '\x1f';
        if (attrsIt != row.MemberEnd()) {
            // The raw member text is not at hand; the re-serialised key/values are, cheaply, in order.
            for (auto m = attrsIt->value.MemberBegin();
                 attrsIt->value.IsObject() && m != attrsIt->value.MemberEnd(); ++m) {
                resourceKey.append(m->name.GetString(), m->name.GetStringLength());
                resourceKey += '=';
                if (m->value.IsString())
                    resourceKey.append(m->value.GetString(), m->value.GetStringLength());
                resourceKey += '\x1e';
            }
        }
        State& s = *m_state;
        const bool resourceChanged = resourceKey != s.resourceKey;
        if (resourceChanged) {
            s.resourceKey = std::move(resourceKey);
            s.resource.Clear();
            if (attrsIt != row.MemberEnd())
                addAttributes(s.resource.mutable_attributes(), attrsIt->value);
            bool named = false;
            for (const auto& kv : s.resource.attributes())
                named = named || kv.key() == "service.name";
            if (!named && !service.empty()) {
                auto* kv = s.resource.add_attributes();
                kv->set_key("service.name");
                kv->mutable_value()->set_string_value(service);
            }
            m_mapper.beginResource(s.resource);
        }
        const std::string scopeKey =
            std::string(str(row, "scope")) + '\x1f' + std::string(str(row, "scope_version"));
        if (resourceChanged || scopeKey != s.scopeKey) {
            s.scopeKey = scopeKey;
            s.scope.Clear();
            s.scope.set_name(std::string(str(row, "scope")));
            s.scope.set_version(std::string(str(row, "scope_version")));
            m_mapper.beginScope(s.scope);
        }

        otlp::trace::v1::Span& span = s.span;
        span.Clear();
        span.set_trace_id(*traceId);
        span.set_span_id(*spanId);
        if (const auto parent = hexToBytes(str(row, "parent"), 8))
            span.set_parent_span_id(*parent);
        span.set_trace_state(std::string(str(row, "tstate")));
        span.set_name(std::string(str(row, "name")));
        span.set_kind(kindOf(str(row, "kind")));
        const auto tsIt = row.FindMember("ts");
        const auto durIt = row.FindMember("dur");
        const std::int64_t startNs = tsIt != row.MemberEnd() ? int64Of(tsIt->value) : 0;
        const std::int64_t durationNs = durIt != row.MemberEnd() ? int64Of(durIt->value) : 0;
        span.set_start_time_unix_nano(std::uint64_t(startNs));
        span.set_end_time_unix_nano(std::uint64_t(startNs + durationNs));
        if (const auto it = row.FindMember("attrs"); it != row.MemberEnd())
            addAttributes(span.mutable_attributes(), it->value);
        span.mutable_status()->set_code(statusOf(str(row, "status")));
        span.mutable_status()->set_message(std::string(str(row, "status_message")));

        const rapidjson::Value* evTs = arrayOf(row, "ev_ts");
        const rapidjson::Value* evName = arrayOf(row, "ev_name");
        const rapidjson::Value* evAttrs = arrayOf(row, "ev_attrs");
        if (evTs && evName && evTs->Size() == evName->Size()) {
            for (rapidjson::SizeType i = 0; i < evTs->Size(); ++i) {
                auto* ev = span.add_events();
                ev->set_time_unix_nano(std::uint64_t(int64Of((*evTs)[i])));
                if ((*evName)[i].IsString())
                    ev->set_name((*evName)[i].GetString());
                if (evAttrs && i < evAttrs->Size())
                    addAttributes(ev->mutable_attributes(), (*evAttrs)[i]);
            }
        }
        const rapidjson::Value* lnTrace = arrayOf(row, "ln_trace");
        const rapidjson::Value* lnSpan = arrayOf(row, "ln_span");
        const rapidjson::Value* lnAttrs = arrayOf(row, "ln_attrs");
        if (lnTrace && lnSpan && lnTrace->Size() == lnSpan->Size()) {
            for (rapidjson::SizeType i = 0; i < lnTrace->Size(); ++i) {
                const auto t =
                    (*lnTrace)[i].IsString() ? hexToBytes((*lnTrace)[i].GetString(), 16) : std::nullopt;
                const auto sp =
                    (*lnSpan)[i].IsString() ? hexToBytes((*lnSpan)[i].GetString(), 8) : std::nullopt;
                if (!t || !sp)
                    continue;
                auto* link = span.add_links();
                link->set_trace_id(*t);
                link->set_span_id(*sp);
                if (lnAttrs && i < lnAttrs->Size())
                    addAttributes(link->mutable_attributes(), (*lnAttrs)[i]);
            }
        }
        m_mapper.addSpan(span, location);
        ++rows;
        if (onRow) {
            const auto browserIt = row.FindMember("browser");
            onRow(RowKey{std::to_string(startNs), std::string(str(row, "trace")),
                         std::string(str(row, "span")),
                         browserIt != row.MemberEnd() && int64Of(browserIt->value) != 0});
        }
    }
    return rows;
}

QString spanSelectList(const std::function<bool(const QString& column)>& hasColumn)
{
    auto col = [&](const char* column, const char* alias, const char* fallback) -> QString {
        const QString c = QString::fromLatin1(column);
        return (hasColumn(c) ? QStringLiteral("`%1`").arg(c) : QString::fromLatin1(fallback)) +
               QStringLiteral(" AS ") + QString::fromLatin1(alias);
    };
    QStringList parts;
    // 64-bit numbers as text: a JSON reader would round nanoseconds through a double otherwise.
    parts << QStringLiteral("toString(toUnixTimestamp64Nano(Timestamp)) AS ts")
          << QStringLiteral("toString(Duration) AS dur") << QStringLiteral("TraceId AS trace")
          << QStringLiteral("SpanId AS span") << col("ParentSpanId", "parent", "''")
          << col("TraceState", "tstate", "''") << QStringLiteral("SpanName AS name")
          << col("SpanKind", "kind", "''") << QStringLiteral("ServiceName AS service")
          << col("ResourceAttributes", "rattrs", "map()") << col("ScopeName", "scope", "''")
          << col("ScopeVersion", "scope_version", "''") << col("SpanAttributes", "attrs", "map()")
          << col("StatusCode", "status", "''") << col("StatusMessage", "status_message", "''");
    if (hasColumn(QStringLiteral("Events.Timestamp")))
        parts << QStringLiteral(
                     "arrayMap(t -> toString(toUnixTimestamp64Nano(t)), `Events.Timestamp`) AS ev_ts")
              << QStringLiteral("`Events.Name` AS ev_name") << col("Events.Attributes", "ev_attrs", "[]");
    if (hasColumn(QStringLiteral("Links.TraceId")))
        parts << QStringLiteral("`Links.TraceId` AS ln_trace") << col("Links.SpanId", "ln_span", "[]")
              << col("Links.Attributes", "ln_attrs", "[]");
    return parts.join(QStringLiteral(", "));
}

} // namespace seam::remote
