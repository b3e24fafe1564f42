#include "NotesJson.h"

#include "Format.h"
#include "QtText.h"

#include <QJsonDocument>

namespace seam {

QJsonObject noteTargetJson(const notes::Target& t)
{
    using notes::TargetKind;
    QJsonObject o;
    o[QStringLiteral("kind")] = QLatin1String(notes::targetKindName(t.kind));
    switch (t.kind) {
    case TargetKind::PageLoad:
    case TargetKind::Resource:
    case TargetKind::Session:
        o[QStringLiteral("id")] = qint64(t.id);
        break;
    case TargetKind::Span:
        o[QStringLiteral("span_id")] = qs(t.spanId);
        [[fallthrough]];
    case TargetKind::Trace:
        o[QStringLiteral("trace_id")] = qs(t.traceId);
        break;
    case TargetKind::Service:
    case TargetKind::Incident:
        o[QStringLiteral("service")] = qs(t.name);
        break;
    case TargetKind::Cohort:
        o[QStringLiteral("filter")] = qs(t.name);
        break;
    case TargetKind::TimeRange:
        break;
    }
    if (t.from && t.to) {
        o[QStringLiteral("from")] = isoTime(*t.from);
        o[QStringLiteral("to")] = isoTime(*t.to);
        o[QStringLiteral("from_ns")] = qint64(*t.from);
        o[QStringLiteral("to_ns")] = qint64(*t.to);
    }
    return o;
}

QJsonObject noteJson(const notes::Note& n)
{
    QJsonObject o;
    o[QStringLiteral("id")] = qint64(n.id);
    o[QStringLiteral("kind")] = n.bookmark ? QStringLiteral("bookmark") : QStringLiteral("note");
    o[QStringLiteral("target")] = noteTargetJson(n.target);
    o[QStringLiteral("title")] = n.title.empty() ? QJsonValue() : QJsonValue(qs(n.title));
    o[QStringLiteral("text")] = qs(n.text);
    QJsonArray tags;
    for (const std::string& tag : n.tags)
        tags.append(qs(tag));
    o[QStringLiteral("tags")] = tags;
    o[QStringLiteral("author")] = qs(n.author);
    o[QStringLiteral("created")] = isoTime(n.createdNs);
    o[QStringLiteral("created_ns")] = qint64(n.createdNs);
    o[QStringLiteral("updated")] = n.updatedNs ? QJsonValue(isoTime(*n.updatedNs)) : QJsonValue();
    // The focus is stored as JSON text; a malformed one (hand-edited file) is left out, not guessed at.
    const QJsonDocument focus = QJsonDocument::fromJson(QByteArray::fromStdString(n.focus));
    o[QStringLiteral("focus")] = focus.isObject() ? QJsonValue(focus.object()) : QJsonValue();
    return o;
}

QJsonArray notesJson(const std::vector<notes::Note>& notes)
{
    QJsonArray out;
    for (const notes::Note& n : notes)
        out.append(noteJson(n));
    return out;
}

} // namespace seam
