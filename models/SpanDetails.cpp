#include "SpanDetails.h"

#include "QtText.h"
#include "Sqlite.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace seam {
namespace {

QString textOrEmpty(const Statement& st, int col)
{
    return st.isNull(col) ? QString() : qs(st.text(col));
}

qint64 intOr(const Statement& st, int col, qint64 fallback)
{
    return st.isNull(col) ? fallback : st.int64(col);
}

DetailAttribute attribute(const QString& key, const QJsonValue& v)
{
    DetailAttribute a;
    a.key = key;
    switch (v.type()) {
    case QJsonValue::Bool:
        a.type = QStringLiteral("bool");
        a.value = v.toBool();
        break;
    case QJsonValue::Double: {
        // Qt keeps integers that fit in 64 bits exactly; a double that is an integer came as one.
        const double d = v.toDouble();
        const qint64 i = v.toInteger();
        if (double(i) == d) {
            a.type = QStringLiteral("int");
            a.value = i;
        } else {
            a.type = QStringLiteral("double");
            a.value = d;
        }
        break;
    }
    case QJsonValue::String:
        a.type = QStringLiteral("string");
        a.value = v.toString();
        break;
    case QJsonValue::Array:
        a.type = QStringLiteral("array");
        a.value = QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
        break;
    case QJsonValue::Object:
        a.type = QStringLiteral("object");
        a.value = QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
        break;
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        a.type = QStringLiteral("null");
        break;
    }
    return a;
}

std::vector<DetailAttribute> attributesOf(const QJsonObject& o)
{
    std::vector<DetailAttribute> out;
    out.reserve(std::size_t(o.size()));
    for (auto it = o.begin(); it != o.end(); ++it)
        out.push_back(attribute(it.key(), it.value()));
    std::sort(out.begin(), out.end(),
              [](const DetailAttribute& a, const DetailAttribute& b) { return a.key < b.key; });
    return out;
}

QJsonDocument parse(std::string_view json)
{
    if (json.empty())
        return {};
    return QJsonDocument::fromJson(QByteArray::fromRawData(json.data(), qsizetype(json.size())));
}

QString attributeText(const std::vector<DetailAttribute>& attrs, QLatin1String key)
{
    for (const DetailAttribute& a : attrs)
        if (a.key == key)
            return a.text();
    return {};
}

void loadLogs(Database& db, SpanDetails& d)
{
    // logs_by_trace (trace, span_id): the span's own logs are one index range.
    static constexpr const char* kColumns =
        "SELECT l.time_ns, l.severity, l.severity_text, l.body, l.attributes, l.span_id, v.name "
        "FROM logs l LEFT JOIN services v ON v.id = l.service_id ";
    auto read = [&](Statement& st) {
        while (st.step()) {
            if (int(d.logs.size()) == SpanDetails::kMaxLogs) {
                ++d.moreLogs;
                continue;
            }
            LogDetail log;
            log.timeNs = st.int64(0);
            log.offsetNs = log.timeNs - d.startNs;
            log.severity = int(st.int64(1));
            log.severityText = textOrEmpty(st, 2);
            log.body = textOrEmpty(st, 3);
            if (!st.isNull(4))
                log.attributes = SpanDetails::parseAttributes(st.text(4));
            log.spanId = intOr(st, 5, 0);
            log.service = textOrEmpty(st, 6);
            d.logs.push_back(std::move(log));
        }
    };
    {
        auto st = db.prepare(std::string(kColumns) +
                             "WHERE l.trace = ?1 AND l.span_id = ?2 ORDER BY l.time_ns LIMIT ?3");
        st.bind(1, d.traceRowId).bind(2, d.spanId).bind(3, SpanDetails::kMaxLogs + 1000);
        read(st);
    }
    if (!d.logs.empty())
        return;
    auto st = db.prepare(std::string(kColumns) +
                         "WHERE l.trace = ?1 AND l.time_ns BETWEEN ?2 AND ?3 ORDER BY l.time_ns LIMIT ?4");
    st.bind(1, d.traceRowId)
        .bind(2, d.startNs - SpanDetails::kTraceLogMarginNs)
        .bind(3, d.startNs + d.durationNs + SpanDetails::kTraceLogMarginNs)
        .bind(4, SpanDetails::kMaxLogs + 1000);
    read(st);
    d.logsAreFromTrace = !d.logs.empty();
}

} // namespace

QString DetailAttribute::text() const
{
    if (type == QLatin1String("null"))
        return QStringLiteral("null");
    if (type == QLatin1String("bool"))
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    return value.toString();
}

QString SpanDetails::kindName(int kind)
{
    switch (kind) {
    case 1:
        return QStringLiteral("internal");
    case 2:
        return QStringLiteral("server");
    case 3:
        return QStringLiteral("client");
    case 4:
        return QStringLiteral("producer");
    case 5:
        return QStringLiteral("consumer");
    default:
        return QStringLiteral("unspecified");
    }
}

QString SpanDetails::spanIdHex(qint64 spanId)
{
    return QStringLiteral("%1").arg(quint64(spanId), 16, 16, QLatin1Char('0'));
}

std::vector<DetailAttribute> SpanDetails::parseAttributes(std::string_view json)
{
    if (json.empty())
        return {};
    const QJsonDocument doc = parse(json);
    if (!doc.isObject())
        return {DetailAttribute{QStringLiteral("(unreadable)"), qs(json), QStringLiteral("string")}};
    return attributesOf(doc.object());
}

std::vector<SpanEventDetail> SpanDetails::parseEvents(std::string_view json, qint64 spanStartNs)
{
    std::vector<SpanEventDetail> out;
    const QJsonDocument doc = parse(json);
    for (const QJsonValue& v : doc.array()) {
        const QJsonObject o = v.toObject();
        SpanEventDetail e;
        e.offsetNs = o.value(QLatin1String("t")).toInteger() - spanStartNs;
        e.name = o.value(QLatin1String("name")).toString();
        e.attributes = attributesOf(o.value(QLatin1String("attributes")).toObject());
        e.exceptionType = attributeText(e.attributes, QLatin1String("exception.type"));
        e.exceptionMessage = attributeText(e.attributes, QLatin1String("exception.message"));
        e.stacktrace = attributeText(e.attributes, QLatin1String("exception.stacktrace"));
        e.isException = e.name == QLatin1String("exception") || !e.exceptionType.isEmpty() ||
                        !e.exceptionMessage.isEmpty();
        out.push_back(std::move(e));
    }
    std::stable_sort(out.begin(), out.end(), [](const SpanEventDetail& a, const SpanEventDetail& b) {
        return a.offsetNs < b.offsetNs;
    });
    return out;
}

std::vector<SpanLinkDetail> SpanDetails::parseLinks(std::string_view json)
{
    std::vector<SpanLinkDetail> out;
    const QJsonDocument doc = parse(json);
    for (const QJsonValue& v : doc.array()) {
        const QJsonObject o = v.toObject();
        SpanLinkDetail l;
        l.traceIdHex = o.value(QLatin1String("trace_id")).toString();
        l.spanIdHex = o.value(QLatin1String("span_id")).toString();
        l.attributes = attributesOf(o.value(QLatin1String("attributes")).toObject());
        out.push_back(std::move(l));
    }
    return out;
}

SpanDetails SpanDetails::loadSpan(Database& db, const std::vector<qint64>& traceRowIds, qint64 spanId)
{
    SpanDetails d;
    if (spanId == 0)
        return d;
    // The primary key (trace, span_id): one seek per candidate trace.
    auto st = db.prepare(
        "SELECT sp.parent_span_id, sp.kind, sp.start_ns, sp.end_ns, sp.status_code, v.name, v.version, "
        "o.name, "
        "pl.status_message, span_attributes(pl.attributes), span_events(pl.events), span_links(pl.links), "
        "span_scope(pl.scope), lower(hex(t.trace_id)), "
        "t.start_ns, "
        "t.end_ns, v.is_browser "
        "FROM spans sp JOIN traces t ON t.id = sp.trace "
        "LEFT JOIN services v ON v.id = sp.service_id LEFT JOIN operations o ON o.id = sp.operation_id "
        "LEFT JOIN span_payloads pl ON pl.id = sp.payload "
        "WHERE sp.trace = ?1 AND sp.span_id = ?2");
    for (const qint64 trace : traceRowIds) {
        st.reset();
        st.bind(1, trace).bind(2, spanId);
        if (!st.step())
            continue;
        d.what = What::Span;
        d.traceRowId = trace;
        d.spanId = spanId;
        d.parentSpanId = st.int64(0);
        d.kind = int(st.int64(1));
        d.startNs = st.int64(2);
        d.durationNs = std::max<qint64>(0, st.int64(3) - d.startNs);
        d.statusCode = int(st.int64(4));
        d.service = textOrEmpty(st, 5);
        d.serviceVersion = textOrEmpty(st, 6);
        d.operation = textOrEmpty(st, 7);
        d.statusMessage = textOrEmpty(st, 8);
        if (!st.isNull(9))
            d.attributes = parseAttributes(st.text(9));
        if (!st.isNull(10))
            d.events = parseEvents(st.text(10), d.startNs);
        if (!st.isNull(11))
            d.links = parseLinks(st.text(11));
        d.scope = textOrEmpty(st, 12);
        d.traceIdHex = textOrEmpty(st, 13);
        if (!st.isNull(14) && !st.isNull(15)) {
            d.traceStartNs = st.int64(14);
            d.traceDurationNs = std::max<qint64>(0, st.int64(15) - d.traceStartNs);
        }
        d.isBrowserService = !st.isNull(16) && st.int64(16) != 0;
        break;
    }
    if (d.what != What::Span)
        return d;
    st = Statement();
    if (d.parentSpanId != 0) {
        auto parent =
            db.prepare("SELECT v.name, o.name FROM spans sp LEFT JOIN services v ON v.id = sp.service_id "
                       "LEFT JOIN operations o ON o.id = sp.operation_id "
                       "WHERE sp.trace = ?1 AND sp.span_id = ?2");
        parent.bind(1, d.traceRowId).bind(2, d.parentSpanId);
        if (parent.step())
            d.parentOperation = textOrEmpty(parent, 0) + QStringLiteral(" · ") + textOrEmpty(parent, 1);
    }
    loadLogs(db, d);
    return d;
}

SpanDetails SpanDetails::loadResource(Database& db, qint64 resourceId)
{
    SpanDetails d;
    if (resourceId == 0)
        return d;
    auto st = db.prepare(
        "SELECT r.type, r.method, r.url, r.status, r.start_ns - p.start_ns, r.duration_ns, r.transfer_size, "
        "r.dns_ns, r.connect_ns, r.ssl_ns, r.ttfb_ns, r.download_ns, l.method, l.confidence, "
        "lower(hex(t.trace_id)), l.span_id "
        "FROM resources r LEFT JOIN page_loads p ON p.id = r.page_load_id "
        "LEFT JOIN links l ON l.resource_id = r.id LEFT JOIN traces t ON t.id = l.trace "
        "WHERE r.id = ?1");
    st.bind(1, resourceId);
    if (!st.step())
        return d;
    d.what = What::Resource;
    d.resourceId = resourceId;
    d.resourceType = textOrEmpty(st, 0);
    d.method = textOrEmpty(st, 1);
    d.url = textOrEmpty(st, 2);
    d.httpStatus = int(intOr(st, 3, 0));
    d.resourceOffsetNs = intOr(st, 4, -1);
    d.resourceDurationNs = intOr(st, 5, -1);
    d.transferSize = intOr(st, 6, -1);
    d.dnsNs = intOr(st, 7, -1);
    d.connectNs = intOr(st, 8, -1);
    d.sslNs = intOr(st, 9, -1);
    d.ttfbNs = intOr(st, 10, -1);
    d.downloadNs = intOr(st, 11, -1);
    d.linkMethod = textOrEmpty(st, 12);
    d.linkConfidence = st.isNull(13) ? -1.0 : st.real(13);
    d.linkedTraceIdHex = textOrEmpty(st, 14);
    d.linkedSpanId = intOr(st, 15, 0);
    return d;
}

SpanDetails SpanDetails::load(Database& db, const SpanDetailsRequest& request)
{
    if (request.spanId != 0) {
        SpanDetails span = loadSpan(db, request.traceRowIds, request.spanId);
        if (span.what == What::Span || request.resourceId == 0)
            return span;
    }
    return loadResource(db, request.resourceId);
}

} // namespace seam
