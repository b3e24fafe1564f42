#include "TraceExport.h"

#include "Ids.h"
#include "Sqlite.h"
#include "TraceLookup.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVariant>
#include <map>
#include <tuple>

namespace seam::report {
namespace {

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}

QJsonObject anyValue(const QJsonValue& v);

QJsonArray keyValues(const QJsonObject& object)
{
    QJsonArray out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out.append(
            QJsonObject{{QStringLiteral("key"), it.key()}, {QStringLiteral("value"), anyValue(it.value())}});
    return out;
}

QJsonObject anyValue(const QJsonValue& v)
{
    switch (v.type()) {
    case QJsonValue::String:
        return {{QStringLiteral("stringValue"), v}};
    case QJsonValue::Bool:
        return {{QStringLiteral("boolValue"), v}};
    case QJsonValue::Double:
        // Qt 6 keeps a JSON integer as an integer: an OTLP intValue (a string, 64 bits exact).
        if (v.toVariant().typeId() == QMetaType::LongLong)
            return {{QStringLiteral("intValue"), QString::number(v.toInteger())}};
        return {{QStringLiteral("doubleValue"), v}};
    case QJsonValue::Array: {
        QJsonArray values;
        for (const QJsonValue& e : v.toArray())
            values.append(anyValue(e));
        return {{QStringLiteral("arrayValue"), QJsonObject{{QStringLiteral("values"), values}}}};
    }
    case QJsonValue::Object:
        return {{QStringLiteral("kvlistValue"),
                 QJsonObject{{QStringLiteral("values"), keyValues(v.toObject())}}}};
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    return {};
}

QJsonValue parsed(const Statement& s, int col)
{
    if (s.isNull(col))
        return {};
    const std::string_view text = s.text(col);
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(text.data(), qsizetype(text.size())));
    return doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
}

QJsonArray events(const QJsonArray& stored)
{
    QJsonArray out;
    for (const QJsonValue& v : stored) {
        const QJsonObject e = v.toObject();
        QJsonObject o{{QStringLiteral("timeUnixNano"), QString::number(e[QStringLiteral("t")].toInteger())},
                      {QStringLiteral("name"), e[QStringLiteral("name")]}};
        if (e.contains(QStringLiteral("attributes")))
            o.insert(QStringLiteral("attributes"), keyValues(e[QStringLiteral("attributes")].toObject()));
        out.append(o);
    }
    return out;
}

QJsonArray links(const QJsonArray& stored)
{
    QJsonArray out;
    for (const QJsonValue& v : stored) {
        const QJsonObject l = v.toObject();
        QJsonObject o{{QStringLiteral("traceId"), l[QStringLiteral("trace_id")]},
                      {QStringLiteral("spanId"), l[QStringLiteral("span_id")]}};
        if (l.contains(QStringLiteral("attributes")))
            o.insert(QStringLiteral("attributes"), keyValues(l[QStringLiteral("attributes")].toObject()));
        out.append(o);
    }
    return out;
}

} // namespace

std::vector<std::int64_t> tracesOfTraceId(Database& db, const std::string& hex)
{
    const auto id = TraceId::fromHex(hex);
    if (!id || !id->isValid())
        return {};
    Statement q =
        db.prepare("SELECT id FROM traces WHERE trace_lo = ?2 AND trace_id = ?1 AND span_count > 0");
    trace_lookup::bind(q, 1, 2, *id);
    return q.step() ? std::vector<std::int64_t>{q.int64(0)} : std::vector<std::int64_t>{};
}

std::vector<std::int64_t> tracesOfPageLoad(Database& db, std::int64_t pageLoadId)
{
    Statement q = db.prepare(
        "SELECT t.id FROM traces t WHERE t.span_count > 0 AND t.id IN ("
        "SELECT trace FROM page_loads WHERE id = ?1 AND trace IS NOT NULL UNION "
        "SELECT trace FROM resources WHERE page_load_id = ?1 AND trace IS NOT NULL UNION "
        "SELECT l.trace FROM links l JOIN resources r ON r.id = l.resource_id WHERE r.page_load_id = ?1) "
        "ORDER BY t.id");
    q.bind(1, pageLoadId);
    std::vector<std::int64_t> out;
    while (q.step())
        out.push_back(q.int64(0));
    return out;
}

std::string traceHex(Database& db, std::int64_t traceRow)
{
    Statement q = db.prepare("SELECT trace_id FROM traces WHERE id = ?1");
    q.bind(1, traceRow);
    if (!q.step())
        return {};
    const auto id = TraceId::fromBytes(q.blob(0));
    return id ? id->hex() : std::string();
}

std::int64_t writeOtlpJson(Database& db, const std::vector<std::int64_t>& traces,
                           const std::function<void(std::string_view)>& out)
{
    Statement spans = db.prepare(
        "SELECT s.span_id, s.parent_span_id, s.service_id, o.name, s.kind, s.start_ns, s.end_ns, "
        "s.status_code, "
        "p.status_message, span_attributes(p.attributes), span_events(p.events), span_links(p.links), "
        "coalesce(span_scope(p.scope), '') FROM spans s "
        "JOIN operations o ON o.id = s.operation_id LEFT JOIN span_payloads p ON p.id = s.payload "
        "WHERE s.trace = ?1 ORDER BY s.start_ns, s.span_id");
    Statement service =
        db.prepare("SELECT name, namespace, version, environment, is_browser FROM services WHERE id = ?1");
    // (service, scope) -> spans; std::map: groups in a stable order.
    std::map<std::tuple<std::int64_t, std::string>, QJsonArray> groups;
    std::int64_t written = 0;
    for (const std::int64_t trace : traces) {
        const QString traceId = qs(traceHex(db, trace));
        spans.reset();
        spans.bind(1, trace);
        while (spans.step()) {
            QJsonObject span{
                {QStringLiteral("traceId"), traceId},
                {QStringLiteral("spanId"), qs(spanIdHex(SpanId(spans.int64(0))))},
                {QStringLiteral("name"), qs(spans.text(3))},
                {QStringLiteral("kind"), int(spans.int64(4))},
                {QStringLiteral("startTimeUnixNano"), QString::number(spans.int64(5))},
                {QStringLiteral("endTimeUnixNano"), QString::number(spans.int64(6))},
            };
            if (spans.int64(1) != 0)
                span.insert(QStringLiteral("parentSpanId"), qs(spanIdHex(SpanId(spans.int64(1)))));
            QJsonObject status{{QStringLiteral("code"), int(spans.int64(7))}};
            if (!spans.isNull(8))
                status.insert(QStringLiteral("message"), qs(spans.text(8)));
            span.insert(QStringLiteral("status"), status);
            if (const QJsonValue a = parsed(spans, 9); a.isObject() && !a.toObject().isEmpty())
                span.insert(QStringLiteral("attributes"), keyValues(a.toObject()));
            if (const QJsonValue e = parsed(spans, 10); e.isArray() && !e.toArray().isEmpty())
                span.insert(QStringLiteral("events"), events(e.toArray()));
            if (const QJsonValue l = parsed(spans, 11); l.isArray() && !l.toArray().isEmpty())
                span.insert(QStringLiteral("links"), links(l.toArray()));
            groups[{spans.int64(2), std::string(spans.text(12))}].append(span);
            ++written;
        }
    }
    QJsonArray resourceSpans;
    for (auto it = groups.begin(); it != groups.end();) {
        const std::int64_t serviceId = std::get<0>(it->first);
        service.reset();
        service.bind(1, serviceId);
        QJsonObject resource;
        if (service.step()) {
            QJsonObject attrs{{QStringLiteral("service.name"), qs(service.text(0))}};
            const auto optional = [&](int col, const char* key) {
                if (!service.isNull(col) && !service.text(col).empty())
                    attrs.insert(QLatin1String(key), qs(service.text(col)));
            };
            optional(1, "service.namespace");
            optional(2, "service.version");
            optional(3, "deployment.environment");
            if (service.int64(4))
                attrs.insert(QStringLiteral("telemetry.sdk.language"), QStringLiteral("webjs"));
            resource.insert(QStringLiteral("attributes"), keyValues(attrs));
        }
        QJsonArray scopeSpans;
        for (; it != groups.end() && std::get<0>(it->first) == serviceId; ++it) {
            QJsonObject scope;
            if (!std::get<1>(it->first).empty())
                scope.insert(QStringLiteral("name"), qs(std::get<1>(it->first)));
            scopeSpans.append(
                QJsonObject{{QStringLiteral("scope"), scope}, {QStringLiteral("spans"), it->second}});
        }
        resourceSpans.append(
            QJsonObject{{QStringLiteral("resource"), resource}, {QStringLiteral("scopeSpans"), scopeSpans}});
    }
    const QByteArray json = QJsonDocument(QJsonObject{{QStringLiteral("resourceSpans"), resourceSpans}})
                                .toJson(QJsonDocument::Compact);
    out(std::string_view(json.constData(), std::size_t(json.size())));
    out("\n");
    return written;
}

} // namespace seam::report
