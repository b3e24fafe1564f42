#include "PageLoadFilter.h"

#include "QtText.h"
#include "Sqlite.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace seam {
namespace {

enum class Kind
{
    Text,     // exact or ~substring
    Services, // one element of the comma-separated page_loads.services
    Duration, // ns column, values with a unit
    Count,    // non-negative integer column
    Number,   // real column (CLS)
    Status,   // error / ok
    Operation, // service:operation reached by one of the page load's linked backend traces
    Source     // a reporter of the page load (page_load_reports.format): otel, datadog, faro, har
};

struct Field
{
    QLatin1String name;
    Kind kind;
    const char* column;
    bool caseInsensitive = false; // values people type in any case ("safari", "de")
};

// The app version lives on the session when the RUM agent reported one, else on the app's service.
constexpr const char* kAppVersion =
    "coalesce(s.app_version, (SELECT version FROM services WHERE id = p.app_service_id))";

const Field kFields[] = {
    {QLatin1String("route"), Kind::Text, "p.route"},
    {QLatin1String("url"), Kind::Text, "p.url"},
    {QLatin1String("duration"), Kind::Duration, "p.duration_ns"},
    {QLatin1String("status"), Kind::Status, "p.error_count"},
    {QLatin1String("errors"), Kind::Count, "p.error_count"}, // JS + network
    {QLatin1String("js_errors"), Kind::Count, "(p.error_count - p.network_error_count)"},
    {QLatin1String("network_errors"), Kind::Count, "p.network_error_count"},
    {QLatin1String("service"), Kind::Services, "p.services"},
    {QLatin1String("backend"), Kind::Duration, "p.backend_ns"},
    {QLatin1String("browser"), Kind::Text, "s.browser", true},
    {QLatin1String("os"), Kind::Text, "s.os", true},
    {QLatin1String("device"), Kind::Text, "s.device", true},
    {QLatin1String("country"), Kind::Text, "s.country", true},
    {QLatin1String("version"), Kind::Text, kAppVersion},
    {QLatin1String("user"), Kind::Text, "s.user_id"},
    {QLatin1String("session"), Kind::Text, "s.key"},
    {QLatin1String("ttfb"), Kind::Duration, "p.ttfb_ns"},
    {QLatin1String("fcp"), Kind::Duration, "p.fcp_ns"},
    {QLatin1String("lcp"), Kind::Duration, "p.lcp_ns"},
    {QLatin1String("inp"), Kind::Duration, "p.inp_ns"},
    {QLatin1String("cls"), Kind::Number, "p.cls"},
    {QLatin1String("resources"), Kind::Count, "p.resource_count"},
    {QLatin1String("operation"), Kind::Operation, "p.id"},
    {QLatin1String("source"), Kind::Source, "r.format"},
};

// Page loads one of whose reports came from a format (?): an index seek on the reports per page load.
// A merged page load matches every source that reported it.
constexpr const char* kSourceCondition =
    "EXISTS (SELECT 1 FROM page_load_reports r WHERE r.page_load_id = p.id AND ";

// Page loads whose linked backend traces contain a span of one operation (?1 service name, ?2 span
// name). Uncorrelated, so SQLite evaluates it once per statement into an ephemeral index, starting from
// the operation: operations (tiny) -> spans of those operations -> their traces -> links_by_trace ->
// resources (primary key) -> page_load_id. spans has no index on operation_id, so the middle step is
// one scan of spans (small rows, no payload) per statement rather than one per page load.
constexpr const char* kOperationCondition =
    "p.id IN (SELECT r.page_load_id FROM links l JOIN resources r ON r.id = l.resource_id "
    "WHERE l.trace IN (SELECT sp.trace FROM spans sp WHERE sp.operation_id IN "
    "(SELECT o.id FROM operations o JOIN services v ON v.id = o.service_id "
    "WHERE v.is_browser = 0 AND v.name = ? AND o.name = ?)))";

const Field* findField(QStringView name)
{
    for (const Field& f : kFields)
        if (name.compare(f.name, Qt::CaseInsensitive) == 0)
            return &f;
    return nullptr;
}

bool isNumeric(Kind kind)
{
    return kind == Kind::Duration || kind == Kind::Count || kind == Kind::Number;
}

int editDistance(QStringView a, QStringView b)
{
    std::vector<int> row(std::size_t(b.size()) + 1);
    for (std::size_t j = 0; j < row.size(); ++j)
        row[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        int diagonal = row[0];
        row[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int above = row[std::size_t(j)];
            const int cost = a[i - 1].toLower() == b[j - 1].toLower() ? 0 : 1;
            row[std::size_t(j)] = std::min({above + 1, row[std::size_t(j - 1)] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row.back();
}

QString didYouMean(QStringView name)
{
    const Field* best = nullptr;
    int bestDistance = 3; // more than two edits away is a different word, not a typo
    for (const Field& f : kFields) {
        const int d = editDistance(name, QString(f.name));
        if (d < bestDistance) {
            best = &f;
            bestDistance = d;
        }
    }
    return best ? QStringLiteral(" (did you mean %1?)").arg(best->name) : QString();
}

std::string likeEscaped(const QString& text)
{
    std::string out;
    for (const char c : text.toStdString()) {
        if (c == '\\' || c == '%' || c == '_')
            out += '\\';
        out += c;
    }
    return out;
}

bool isFieldChar(QChar c)
{
    return (c >= QLatin1Char('a') && c <= QLatin1Char('z')) || (c >= QLatin1Char('A') && c <= QLatin1Char('Z')) ||
           c == QLatin1Char('_'); // js_errors, network_errors
}

bool isOperatorChar(QChar c)
{
    return c == QLatin1Char(':') || c == QLatin1Char('>') || c == QLatin1Char('<') || c == QLatin1Char('=');
}

} // namespace

/// Recursive descent over one line: term (space term)*. Each term appends one parenthesised condition
/// and its values; the first problem stops the parse with its position.
class PageLoadFilterParser
{
public:
    explicit PageLoadFilterParser(QStringView text) : m_text(text) {}

    PageLoadFilter run()
    {
        PageLoadFilter f;
        f.m_text = m_text.toString();
        std::string sql;
        while (skipSpaces()) {
            if (!term())
                break;
            if (!sql.empty())
                sql += " AND ";
            sql += m_term;
            ++f.m_termCount;
        }
        if (m_error.message.isEmpty()) {
            f.m_sql = f.m_termCount == 0 ? "1" : sql;
            f.m_values = std::move(m_values);
        } else {
            f.m_sql = "0";
            f.m_termCount = 0;
            f.m_error = m_error;
        }
        return f;
    }

private:
    enum class Op
    {
        Exact,
        Substring,
        Less,
        LessEqual,
        Greater,
        GreaterEqual,
        Equal
    };

    struct Token
    {
        QString text;
        int offset = 0;
        int length = 0;
    };

    bool atEnd() const { return m_pos >= m_text.size(); }
    QChar peek(int ahead = 0) const
    {
        return m_pos + ahead < m_text.size() ? m_text[m_pos + ahead] : QChar();
    }

    bool skipSpaces()
    {
        while (!atEnd() && peek().isSpace())
            ++m_pos;
        return !atEnd();
    }

    bool fail(int offset, int length, const QString& what)
    {
        if (m_error.message.isEmpty())
            m_error = {offset, std::max(length, 1),
                       QStringLiteral("position %1: %2").arg(QString::number(offset + 1), what)};
        return false;
    }

    bool term()
    {
        const int start = int(m_pos);
        bool negated = false;
        if (peek() == QLatin1Char('-')) {
            negated = true;
            ++m_pos;
            if (atEnd() || peek().isSpace())
                return fail(start, 1, QStringLiteral("expected a term after '-'"));
        }
        std::string condition;
        if (!(looksLikeField() ? fieldTerm(condition) : bareTerm(condition)))
            return false;
        if (!atEnd() && !peek().isSpace())
            return fail(int(m_pos), 1, QStringLiteral("expected a space after the closing quote"));
        // NULL (unknown) must not vanish from both a term and its negation.
        m_term = negated ? "NOT coalesce(" + condition + ", 0)" : "(" + condition + ")";
        return true;
    }

    /// `name` followed by an operator, except URL schemes ("https://..."), which read as bare words.
    bool looksLikeField() const
    {
        int i = 0;
        while (isFieldChar(peek(i)))
            ++i;
        if (i == 0 || !isOperatorChar(peek(i)))
            return false;
        return !(peek(i) == QLatin1Char(':') && peek(i + 1) == QLatin1Char('/') &&
                 peek(i + 2) == QLatin1Char('/'));
    }

    bool bareTerm(std::string& condition)
    {
        Token word;
        if (!value(word))
            return false;
        const std::string pattern = "%" + likeEscaped(word.text) + "%";
        condition = "p.route LIKE ? ESCAPE '\\' OR p.url LIKE ? ESCAPE '\\'";
        m_values.emplace_back(pattern);
        m_values.emplace_back(pattern);
        return true;
    }

    bool fieldTerm(std::string& condition)
    {
        const int nameStart = int(m_pos);
        while (isFieldChar(peek()))
            ++m_pos;
        const QStringView name = m_text.mid(nameStart, m_pos - nameStart);
        const Field* field = findField(name);
        if (!field)
            return fail(nameStart, int(name.size()),
                        QStringLiteral("unknown field '%1'").arg(name) + didYouMean(name));

        const int opStart = int(m_pos);
        const Op op = readOperator();
        const int opLength = int(m_pos) - opStart;
        if (atEnd() || peek().isSpace())
            return fail(
                int(m_pos), 1,
                QStringLiteral("expected a value after '%1'").arg(m_text.mid(nameStart, m_pos - nameStart)));
        Token v;
        if (!value(v))
            return false;

        const bool comparison = op != Op::Exact && op != Op::Substring;
        if (!isNumeric(field->kind) && comparison && op != Op::Equal)
            return fail(opStart, opLength,
                        QStringLiteral("'%1' is not a number: use %1:value or %1:~text").arg(field->name));
        if (isNumeric(field->kind) && op == Op::Substring)
            return fail(
                opStart, opLength,
                QStringLiteral("'%1' is a number: compare it with >, >=, <, <= or =").arg(field->name));

        const std::string column = field->column;
        switch (field->kind) {
        case Kind::Text:
            if (op == Op::Substring) {
                condition = column + " LIKE ? ESCAPE '\\'";
                m_values.emplace_back("%" + likeEscaped(v.text) + "%");
            } else {
                condition = column + (field->caseInsensitive ? " = ? COLLATE NOCASE" : " = ?");
                m_values.emplace_back(v.text.toStdString());
            }
            return true;
        case Kind::Services:
            if (op == Op::Substring) {
                condition = column + " LIKE ? ESCAPE '\\'";
                m_values.emplace_back("%" + likeEscaped(v.text) + "%");
            } else {
                // Delimit both sides so "pay" does not match "payments".
                condition = "instr(',' || " + column + " || ',', ?) > 0";
                m_values.emplace_back("," + v.text.toStdString() + ",");
            }
            return true;
        case Kind::Operation: {
            if (op == Op::Substring)
                return fail(opStart, opLength,
                            QStringLiteral("'operation' takes an exact service:operation (no ~)"));
            const qsizetype colon = v.text.indexOf(QLatin1Char(':'));
            if (colon <= 0 || colon + 1 == v.text.size())
                return fail(v.offset, v.length,
                            QStringLiteral("'%1' is not service:operation (e.g. operation:\"payments:POST "
                                           "/charge\")")
                                .arg(v.text));
            condition = kOperationCondition;
            m_values.emplace_back(v.text.left(colon).toStdString());
            m_values.emplace_back(v.text.mid(colon + 1).toStdString());
            return true;
        }
        case Kind::Source:
            if (op == Op::Substring) {
                condition = std::string(kSourceCondition) + column + " LIKE ? ESCAPE '\\')";
                m_values.emplace_back("%" + likeEscaped(v.text) + "%");
            } else {
                condition = std::string(kSourceCondition) + column + " = ? COLLATE NOCASE)";
                m_values.emplace_back(v.text.toStdString());
            }
            return true;
        case Kind::Status:
            if (v.text.compare(QLatin1String("error"), Qt::CaseInsensitive) == 0)
                condition = column + " > 0";
            else if (v.text.compare(QLatin1String("ok"), Qt::CaseInsensitive) == 0)
                condition = column + " = 0";
            else
                return fail(v.offset, v.length,
                            QStringLiteral("'%1' is not a status (error or ok)").arg(v.text));
            return true;
        case Kind::Duration:
        case Kind::Count:
        case Kind::Number:
            return numericTerm(*field, op, v, condition);
        }
        return false;
    }

    Op readOperator()
    {
        if (peek() == QLatin1Char(':')) {
            ++m_pos;
            if (peek() == QLatin1Char('~')) {
                ++m_pos;
                return Op::Substring;
            }
            if (peek() != QLatin1Char('>') && peek() != QLatin1Char('<') && peek() != QLatin1Char('='))
                return Op::Exact;
        }
        const QChar c = peek();
        ++m_pos;
        if (c == QLatin1Char('=')) {
            return Op::Equal;
        }
        const bool orEqual = peek() == QLatin1Char('=');
        if (orEqual)
            ++m_pos;
        if (c == QLatin1Char('>'))
            return orEqual ? Op::GreaterEqual : Op::Greater;
        return orEqual ? Op::LessEqual : Op::Less;
    }

    bool numericTerm(const Field& field, Op op, const Token& v, std::string& condition)
    {
        Value number;
        if (field.kind == Kind::Duration) {
            const auto ns = parseDuration(v.text);
            if (!ns)
                return fail(v.offset, v.length, durationProblem(v.text));
            number = *ns;
        } else if (field.kind == Kind::Count) {
            bool ok = false;
            const qlonglong n = v.text.toLongLong(&ok);
            if (!ok || n < 0)
                return fail(v.offset, v.length,
                            QStringLiteral("'%1' is not a count (e.g. 0, 3)").arg(v.text));
            number = std::int64_t(n);
        } else {
            bool ok = false;
            const double d = v.text.toDouble(&ok);
            if (!ok || !std::isfinite(d))
                return fail(v.offset, v.length,
                            QStringLiteral("'%1' is not a number (e.g. 0.1)").arg(v.text));
            number = d;
        }
        const char* sqlOp = "=";
        switch (op) {
        case Op::Less:
            sqlOp = "<";
            break;
        case Op::LessEqual:
            sqlOp = "<=";
            break;
        case Op::Greater:
            sqlOp = ">";
            break;
        case Op::GreaterEqual:
            sqlOp = ">=";
            break;
        case Op::Exact:
        case Op::Equal:
        case Op::Substring:
            break;
        }
        condition = std::string(field.column) + " " + sqlOp + " ?";
        std::visit([this](auto x) { m_values.emplace_back(x); }, number);
        return true;
    }

    using Value = PageLoadFilter::Value;

    static std::optional<std::int64_t> parseDuration(const QString& text)
    {
        qsizetype unitStart = 0;
        while (unitStart < text.size() && (text[unitStart].isDigit() || text[unitStart] == QLatin1Char('.')))
            ++unitStart;
        const QStringView unit = QStringView(text).mid(unitStart);
        double factor = 0;
        if (unit == QLatin1String("ms"))
            factor = 1e6;
        else if (unit == QLatin1String("s"))
            factor = 1e9;
        else if (unit == QLatin1String("m") || unit == QLatin1String("min"))
            factor = 60e9;
        bool ok = false;
        const double amount = QStringView(text).left(unitStart).toDouble(&ok);
        if (!ok || factor == 0 || !std::isfinite(amount) || amount * factor > 9.2e18)
            return std::nullopt;
        return std::int64_t(std::llround(amount * factor));
    }

    static QString durationProblem(const QString& text)
    {
        bool isNumber = false;
        (void)text.toDouble(&isNumber);
        if (isNumber)
            return QStringLiteral("'%1' needs a unit (e.g. %1ms, %1s)").arg(text);
        return QStringLiteral("'%1' is not a duration (e.g. 2s, 300ms)").arg(text);
    }

    /// A quoted string or a run of non-space characters.
    bool value(Token& out)
    {
        out.offset = int(m_pos);
        if (peek() == QLatin1Char('"')) {
            ++m_pos;
            while (!atEnd() && peek() != QLatin1Char('"')) {
                if (peek() == QLatin1Char('\\') && m_pos + 1 < m_text.size())
                    ++m_pos;
                out.text += peek();
                ++m_pos;
            }
            if (atEnd())
                return fail(out.offset, int(m_pos) - out.offset, QStringLiteral("missing closing quote"));
            ++m_pos;
            out.length = int(m_pos) - out.offset;
            return true;
        }
        while (!atEnd() && !peek().isSpace()) {
            if (peek() == QLatin1Char('"'))
                return fail(int(m_pos), 1, QStringLiteral("unexpected quote (quote the whole value)"));
            out.text += peek();
            ++m_pos;
        }
        out.length = int(m_pos) - out.offset;
        return true;
    }

    QStringView m_text;
    qsizetype m_pos = 0;
    std::string m_term;
    std::vector<Value> m_values;
    PageLoadFilter::Error m_error;
};

PageLoadFilter PageLoadFilter::parse(QStringView text)
{
    return PageLoadFilterParser(text).run();
}

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
    if (fieldName == QLatin1String("source")) {
        // The reporters the importers write (page_load_reports.format): a fixed set, no query.
        QStringList out;
        for (const char* f : {"datadog", "faro", "har", "otel"})
            if (QLatin1String(f).startsWith(prefix, Qt::CaseInsensitive))
                out.append(QLatin1String(f));
        return out;
    }
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
        else if (!quoted && c.isSpace())
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
        for (const Field& f : kFields)
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

QStringList PageLoadFilter::fieldNames()
{
    QStringList names;
    for (const Field& f : kFields)
        names.append(f.name);
    return names;
}

} // namespace seam
