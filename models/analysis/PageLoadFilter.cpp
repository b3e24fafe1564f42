#include "PageLoadFilter.h"

#include "PageLoadFilterFields.h"
#include "QtText.h"
#include "Sqlite.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace seam {

using namespace filter_fields;
int PageLoadFilter::bind(Statement& statement, const std::vector<Value>& values, int firstIndex)
{
    int index = firstIndex;
    for (const Value& v : values) {
        if (const auto* i = std::get_if<std::int64_t>(&v))
            statement.bindInt64(index, *i);
        else if (const auto* d = std::get_if<double>(&v))
            statement.bind(index, *d);
        else
            statement.bindText(index, std::get<std::string>(v));
        ++index;
    }
    return index;
}

namespace {

QString quotedIfNeeded(const QString& value)
{
    if (!value.isEmpty() && !value.contains(QLatin1Char(' ')) && !value.contains(QLatin1Char('"')))
        return value;
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"))
        .replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + escaped + QLatin1Char('"');
}

QStringList column(Statement&& st, const std::string& prefix)
{
    QStringList out;
    st.bindText(1, prefix);
    while (st.step())
        if (!st.isNull(0))
            out.append(qs(st.text(0)));
    return out;
}

// Sessions have no index on these columns: look at the most recent sessions only, so that the cost
// of a keystroke stays bounded on a cache of millions (a rare value of last week may be missing).
constexpr int kSessionSample = 20000;

QStringList sessionValues(Database& db, const char* columnName, const std::string& likePrefix)
{
    const std::string c = columnName;
    return column(db.prepare("SELECT DISTINCT " + c + " FROM (SELECT " + c +
                             " FROM sessions ORDER BY id DESC LIMIT " + std::to_string(kSessionSample) +
                             ") WHERE " + c + " LIKE ?1 ESCAPE '\\' ORDER BY 1 LIMIT 50"),
                  likePrefix);
}

/// Distinct values of `field` starting with `prefix`, from the cache.
QStringList cachedValues(Database& db, QStringView fieldName, const QString& prefix)
{
    const std::string like = likeEscaped(prefix) + "%";
    if (fieldName == QLatin1String("route")) {
        // A loose index scan: one seek per distinct route in page_loads_by_route, however many rows.
        return column(
            db.prepare("WITH RECURSIVE r(v) AS ("
                       " SELECT (SELECT route FROM page_loads WHERE route >= ?1 ORDER BY route LIMIT 1)"
                       " UNION ALL"
                       " SELECT (SELECT route FROM page_loads WHERE route > r.v ORDER BY route LIMIT 1)"
                       " FROM r WHERE r.v IS NOT NULL AND substr(r.v, 1, length(?1)) = ?1 LIMIT 51)"
                       "SELECT v FROM r WHERE v IS NOT NULL AND substr(v, 1, length(?1)) = ?1 LIMIT 50"),
            prefix.toStdString());
    }
    if (fieldName == QLatin1String("service"))
        return column(db.prepare("SELECT DISTINCT name FROM services WHERE is_browser = 0 AND name LIKE ?1 "
                                 "ESCAPE '\\' ORDER BY 1 LIMIT 50"),
                      like);
    if (fieldName == QLatin1String("operation")) {
        // operations is one row per (service, span name): small, read whole.
        return column(
            db.prepare("SELECT DISTINCT v.name || ':' || o.name AS n FROM operations o "
                       "JOIN services v ON v.id = o.service_id WHERE v.is_browser = 0 AND n LIKE ?1 "
                       "ESCAPE '\\' ORDER BY 1 LIMIT 50"),
            like);
    }
    if (fieldName == QLatin1String("version")) {
        QStringList out = column(db.prepare("SELECT DISTINCT version FROM services WHERE is_browser = 1 AND "
                                            "version LIKE ?1 ESCAPE '\\' ORDER BY 1 LIMIT 50"),
                                 like);
        out += sessionValues(db, "app_version", like);
        out.removeDuplicates();
        out.sort();
        return out.mid(0, 50);
    }
    for (const char* c : {"browser", "os", "device", "country"})
        if (fieldName == QLatin1String(c))
            return sessionValues(db, c, like);
    return {};
}

} // namespace

int PageLoadFilter::completionStart(QStringView text, int cursor)
{
    cursor = std::clamp(cursor, 0, int(text.size()));
    int start = 0;
    bool quoted = false;
    for (int i = 0; i < cursor; ++i) {
        const QChar c = text[i];
        if (quoted && c == QLatin1Char('\\'))
            ++i;
        else if (c == QLatin1Char('"'))
            quoted = !quoted;
        else if (!quoted && (c.isSpace() || c == QLatin1Char('(')))
            start = i + 1;
    }
    return std::min(start, cursor);
}

QStringList PageLoadFilter::completions(QStringView text, int cursor, Database* db)
{
    cursor = std::clamp(cursor, 0, int(text.size()));
    const int start = completionStart(text, cursor);
    QStringView term = text.mid(start, cursor - start);
    QString negation;
    if (term.startsWith(QLatin1Char('-'))) {
        negation = QStringLiteral("-");
        term = term.mid(1);
    }
    qsizetype nameEnd = 0;
    while (nameEnd < term.size() && isFieldChar(term[nameEnd]))
        ++nameEnd;

    QStringList out;
    if (nameEnd == term.size()) {
        for (const Field& f : fields())
            if (QString(f.name).startsWith(term, Qt::CaseInsensitive))
                out.append(negation + f.name + (isNumeric(f.kind) ? QLatin1Char('>') : QLatin1Char(':')));
        return out;
    }
    const Field* field = findField(term.left(nameEnd));
    if (!field || isNumeric(field->kind) || term[nameEnd] != QLatin1Char(':'))
        return out;
    QStringView op = term.mid(nameEnd, 1);
    if (term.mid(nameEnd).startsWith(QLatin1String(":~")))
        op = term.mid(nameEnd, 2);
    QString prefix = term.mid(nameEnd + op.size()).toString();
    if (prefix.startsWith(QLatin1Char('"')))
        prefix.remove(0, 1);

    QStringList values;
    if (field->kind == Kind::Status) {
        values = {QStringLiteral("error"), QStringLiteral("ok")};
    } else if (field->kind == Kind::SourceFormat) {
        values = {QStringLiteral("otlp"), QStringLiteral("datadog"), QStringLiteral("faro"),
                  QStringLiteral("har"),  QStringLiteral("demo"),    QStringLiteral("live")};
    } else if (db) {
        try {
            values = cachedValues(*db, QString(field->name), prefix);
        } catch (const SqliteError&) {
            // A completion is a convenience: a busy or odd cache just offers nothing.
        }
    }
    for (const QString& v : values)
        if (v.startsWith(prefix, field->caseInsensitive ? Qt::CaseInsensitive : Qt::CaseSensitive))
            out.append(negation + field->name + op + quotedIfNeeded(v));
    return out;
}

QString PageLoadFilter::operationTerm(const QString& service, const QString& operation)
{
    return QStringLiteral("operation:") + quotedIfNeeded(service + QLatin1Char(':') + operation);
}

std::vector<PageLoadFilter::FieldHelp> PageLoadFilter::fieldHelp()
{
    std::vector<FieldHelp> out;
    for (const Field& f : fields()) {
        FieldHelp h;
        h.name = f.name;
        switch (f.kind) {
        case Kind::Duration:
            h.operators = QStringLiteral("> >= < <= =");
            h.units = QStringLiteral("ms, s, m (a unit is required)");
            break;
        case Kind::Count:
        case Kind::Number:
            h.operators = QStringLiteral("> >= < <= =");
            break;
        case Kind::Status:
            h.operators = QStringLiteral(":value  > >= < <= =");
            break;
        case Kind::Operation:
            h.operators = QStringLiteral(":service:operation");
            break;
        case Kind::Text:
        case Kind::Services:
        case Kind::SourceFormat:
            h.operators = QStringLiteral(":value  :~text");
            break;
        }
        h.description = QString::fromUtf8(f.help);
        h.example = QString::fromUtf8(f.example);
        out.push_back(std::move(h));
    }
    return out;
}

QStringList PageLoadFilter::fieldNames()
{
    QStringList names;
    for (const Field& f : fields())
        names.append(f.name);
    return names;
}

} // namespace seam
