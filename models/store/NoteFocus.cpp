#include "NoteFocus.h"

#include "Ids.h"
#include "Sqlite.h"
#include "TraceLookup.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace seam::notes {
namespace {

struct Place
{
    std::int64_t pageLoad = 0, resource = 0;
};

/// The page load (and resource) that called trace row `trace`: the resource whose request it served,
/// else a linked resource, else the page load's own document trace.
Place placeOfTrace(Database& db, std::int64_t trace)
{
    Statement byResource =
        db.prepare("SELECT id, page_load_id FROM resources WHERE trace = ?1 AND page_load_id IS NOT NULL "
                   "UNION ALL SELECT r.id, r.page_load_id FROM links l JOIN resources r ON r.id = "
                   "l.resource_id WHERE l.trace = ?1 AND r.page_load_id IS NOT NULL LIMIT 1");
    byResource.bind(1, trace);
    if (byResource.step())
        return {byResource.int64(1), byResource.int64(0)};
    Statement byDocument = db.prepare("SELECT id FROM page_loads WHERE trace = ?1 ORDER BY id LIMIT 1");
    byDocument.bind(1, trace);
    if (byDocument.step())
        return {byDocument.int64(0), 0};
    return {};
}

std::int64_t traceRow(Database& db, const std::string& hex)
{
    const auto id = TraceId::fromHex(hex);
    if (!id)
        return 0;
    Statement st = db.prepare("SELECT id FROM traces WHERE trace_lo = ?2 AND trace_id = ?1");
    trace_lookup::bind(st, 1, 2, *id);
    return st.step() ? st.int64(0) : 0;
}

/// The filter language's spelling of a value: quoted (backslash escapes) only when it has a space or a
/// quote, as PageLoadFilter writes its terms.
QString filterValue(QString value)
{
    if (!value.isEmpty() && !value.contains(QLatin1Char(' ')) && !value.contains(QLatin1Char('"')))
        return value;
    value.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + value + QLatin1Char('"');
}

std::string compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

} // namespace

std::string focusForTarget(Database& db, const Target& target)
{
    QJsonObject o;
    switch (target.kind) {
    case TargetKind::Span:
    case TargetKind::Trace: {
        const std::int64_t trace = traceRow(db, target.traceId);
        const Place place = trace != 0 ? placeOfTrace(db, trace) : Place{};
        if (place.pageLoad == 0)
            return {};
        o[QStringLiteral("page_load")] = qint64(place.pageLoad);
        if (place.resource != 0)
            o[QStringLiteral("resource")] = qint64(place.resource);
        if (target.kind == TargetKind::Span)
            if (const auto span = spanIdFromHex(target.spanId))
                o[QStringLiteral("span")] = qint64(*span);
        o[QStringLiteral("pane")] =
            target.kind == TargetKind::Span ? QStringLiteral("flameGraph") : QStringLiteral("waterfall");
        return compact(o);
    }
    case TargetKind::Resource: {
        Statement st = db.prepare("SELECT page_load_id FROM resources WHERE id = ?1");
        st.bind(1, target.id);
        if (!st.step() || st.isNull(0))
            return {};
        o[QStringLiteral("page_load")] = qint64(st.int64(0));
        o[QStringLiteral("resource")] = qint64(target.id);
        o[QStringLiteral("pane")] = QStringLiteral("waterfall");
        return compact(o);
    }
    case TargetKind::Session: {
        Statement st =
            db.prepare("SELECT id FROM page_loads WHERE session_id = ?1 ORDER BY start_ns, id LIMIT 1");
        st.bind(1, target.id);
        if (!st.step())
            return {};
        o[QStringLiteral("page_load")] = qint64(st.int64(0));
        o[QStringLiteral("pane")] = QStringLiteral("journey");
        return compact(o);
    }
    case TargetKind::Service:
    case TargetKind::Incident: {
        o[QStringLiteral("filter")] = serviceFilter(target.name);
        if (target.from && target.to) {
            o[QStringLiteral("from_ns")] = qint64(*target.from);
            o[QStringLiteral("to_ns")] = qint64(*target.to);
        }
        o[QStringLiteral("pane")] = QStringLiteral("serviceRates");
        return compact(o);
    }
    default:
        return {};
    }
}

QString serviceFilter(const std::string& service)
{
    return QStringLiteral("service:") + filterValue(QString::fromStdString(service));
}

} // namespace seam::notes
