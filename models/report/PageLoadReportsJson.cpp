#include "PageLoadReportsJson.h"

#include "PageLoadReports.h"
#include "QtText.h"

#include <QJsonObject>

namespace seam {
namespace {

QJsonValue ms(const std::optional<std::int64_t>& ns)
{
    return ns ? QJsonValue(double(*ns) / 1e6) : QJsonValue(QJsonValue::Null);
}

QJsonValue textOrNull(const std::string& text)
{
    return text.empty() ? QJsonValue(QJsonValue::Null) : QJsonValue(qs(text));
}

} // namespace

QJsonArray pageLoadReportsJson(Database& db, std::int64_t pageLoadId)
{
    QJsonArray out;
    for (const PageLoadReport& r : pageLoadReports(db, pageLoadId)) {
        QJsonObject o;
        o[QStringLiteral("source")] = qs(r.format);
        o[QStringLiteral("source_id")] =
            r.sourceId ? QJsonValue(qint64(r.sourceId)) : QJsonValue(QJsonValue::Null);
        o[QStringLiteral("source_path")] = textOrNull(r.source);
        o[QStringLiteral("format")] = qs(r.format);
        o[QStringLiteral("key")] = qs(r.key);
        o[QStringLiteral("start_ns")] = qint64(r.startNs);
        o[QStringLiteral("duration_ms")] = ms(r.durationNs);
        o[QStringLiteral("ttfb_ms")] = ms(r.ttfbNs);
        o[QStringLiteral("fcp_ms")] = ms(r.fcpNs);
        o[QStringLiteral("lcp_ms")] = ms(r.lcpNs);
        o[QStringLiteral("inp_ms")] = ms(r.inpNs);
        o[QStringLiteral("cls")] = r.cls ? QJsonValue(*r.cls) : QJsonValue(QJsonValue::Null);
        o[QStringLiteral("trace_id")] = textOrNull(r.traceId);
        o[QStringLiteral("matched_by")] = textOrNull(r.matchedBy);
        o[QStringLiteral("canonical")] = r.canonical;
        out.append(o);
    }
    return out;
}

} // namespace seam
