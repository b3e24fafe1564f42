#include "InvestigationState.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace seam {
namespace {

std::string compact(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

QJsonValue parse(const std::map<std::string, std::string>& values, const char* key)
{
    const auto it = values.find(key);
    if (it == values.end())
        return QJsonValue::Undefined;
    // Wrapped in an array so that any JSON value (an array of causes) parses as a document.
    const QJsonDocument doc = QJsonDocument::fromJson("[" + QByteArray::fromStdString(it->second) + "]");
    return doc.isArray() ? doc.array().at(0) : QJsonValue(QJsonValue::Undefined);
}

} // namespace

InvestigationFocus InvestigationFocus::capture(const Investigation& investigation, const QString& pane)
{
    return {investigation.filterText(), investigation.timeRange(), investigation.selection(), pane};
}

QString InvestigationFocus::toJson() const
{
    QJsonObject o;
    if (!filter.isEmpty())
        o[QStringLiteral("filter")] = filter;
    if (timeRange) {
        o[QStringLiteral("from_ns")] = timeRange->from;
        o[QStringLiteral("to_ns")] = timeRange->to;
    }
    const std::pair<const char*, qint64> ids[] = {
        {"page_load", selection.pageLoad}, {"resource", selection.resource}, {"span", selection.span}};
    for (const auto& [key, id] : ids)
        if (id != 0)
            o[QLatin1String(key)] = id;
    if (!pane.isEmpty())
        o[QStringLiteral("pane")] = pane;
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<InvestigationFocus> InvestigationFocus::fromJson(const QString& json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8());
    if (!doc.isObject())
        return std::nullopt;
    const QJsonObject o = doc.object();
    InvestigationFocus f;
    f.filter = o[QStringLiteral("filter")].toString();
    if (o.contains(QStringLiteral("from_ns")) && o.contains(QStringLiteral("to_ns")))
        f.timeRange = Investigation::TimeRange{o[QStringLiteral("from_ns")].toInteger(),
                                               o[QStringLiteral("to_ns")].toInteger()};
    f.selection = {o[QStringLiteral("page_load")].toInteger(), o[QStringLiteral("resource")].toInteger(),
                   o[QStringLiteral("span")].toInteger()};
    f.pane = o[QStringLiteral("pane")].toString();
    return f;
}

void InvestigationFocus::applyTo(Investigation& investigation) const
{
    investigation.setFilterText(filter);
    investigation.setTimeRange(timeRange);
    investigation.navigate(selection);
}

InvestigationState InvestigationState::capture(const Investigation& investigation, const QString& pane,
                                               const QByteArray& layout)
{
    InvestigationState s;
    s.focus = InvestigationFocus::capture(investigation, pane);
    s.history = investigation.history();
    s.historyIndex = investigation.historyIndex();
    s.pinnedCauses = investigation.pinnedCauses();
    s.layout = layout;
    return s;
}

void InvestigationState::applyTo(Investigation& investigation) const
{
    investigation.setFilterText(focus.filter);
    investigation.setTimeRange(focus.timeRange);
    investigation.setPinnedCauses(pinnedCauses);
    if (!history.empty())
        investigation.restoreHistory(history, historyIndex);
    else
        investigation.navigate(focus.selection);
}

std::map<std::string, std::string> InvestigationState::toKeyValues() const
{
    QJsonArray entries;
    for (const Investigation::Selection& s : history)
        entries.append(QJsonArray{s.pageLoad, s.resource, s.span});
    return {
        {"focus", focus.toJson().toStdString()},
        {"history", compact({{QStringLiteral("entries"), entries}, {QStringLiteral("index"), historyIndex}})},
        {"pinned_causes", QJsonDocument(QJsonArray::fromStringList(pinnedCauses))
                              .toJson(QJsonDocument::Compact)
                              .toStdString()},
        {"layout", layout.toBase64().toStdString()},
    };
}

std::optional<InvestigationState>
InvestigationState::fromKeyValues(const std::map<std::string, std::string>& values)
{
    if (values.empty())
        return std::nullopt;
    InvestigationState s;
    if (const auto it = values.find("focus"); it != values.end())
        s.focus =
            InvestigationFocus::fromJson(QString::fromStdString(it->second)).value_or(InvestigationFocus{});
    const QJsonObject history = parse(values, "history").toObject();
    for (const QJsonValue& v : history[QStringLiteral("entries")].toArray()) {
        const QJsonArray e = v.toArray();
        if (e.size() == 3)
            s.history.push_back({e[0].toInteger(), e[1].toInteger(), e[2].toInteger()});
    }
    s.historyIndex = s.history.empty() ? -1 : int(history[QStringLiteral("index")].toInteger(-1));
    for (const QJsonValue& v : parse(values, "pinned_causes").toArray())
        if (v.isString())
            s.pinnedCauses << v.toString();
    if (const auto it = values.find("layout"); it != values.end())
        s.layout = QByteArray::fromBase64(QByteArray::fromStdString(it->second));
    return s;
}

} // namespace seam
