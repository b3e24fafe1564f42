// The page-load filter's parser: text -> expression tree (terms under AND, OR and NOT) -> one
// parameterised SQL condition. The field table is in PageLoadFilterFields.cpp, completion in
// PageLoadFilter.cpp.

#include "PageLoadFilter.h"
#include "PageLoadFilterFields.h"
#include "PageLoadFilterTree.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace seam {

using namespace filter_fields;
using filter_tree::Node;

namespace {

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

// An HTTP status of the page load's document or of any of its calls: "which pages got a 502" is
// asked of the calls far more often than of the document (whose status many RUM agents do not
// report). One index seek per page load (resources_by_page_load).
constexpr const char* kHttpStatusCondition =
    "EXISTS (SELECT 1 FROM resources r WHERE r.page_load_id = p.id AND r.status ";

// A source that reported the page load (page_load_reports: a navigation several instrumentations
// reported is one page load with several reports): the report's instrumentation ("otel", "datadog",
// "faro", "har"), or its source's format as the importer detected it ("otlp-json", "datadog-rum": "otlp"
// matches every OTLP encoding) or kind ("demo", "live"). One index seek per page load.
constexpr const char* kSourceCondition =
    "EXISTS (SELECT 1 FROM page_load_reports r LEFT JOIN sources src ON src.id = r.source_id "
    "WHERE r.page_load_id = p.id AND (r.format = ? OR lower(src.format) = ? OR lower(src.format) LIKE ? "
    "ESCAPE '\\' OR src.kind = ?))";
constexpr const char* kSourceSubstringCondition =
    "EXISTS (SELECT 1 FROM page_load_reports r LEFT JOIN sources src ON src.id = r.source_id "
    "WHERE r.page_load_id = p.id AND (r.format LIKE ? ESCAPE '\\' OR src.format LIKE ? ESCAPE '\\' "
    "OR src.kind LIKE ? ESCAPE '\\'))";

} // namespace

/// Recursive descent over one line:
///
///     filter  := or?
///     or      := and ("OR" and)*
///     and     := unary (("AND")? unary)*        AND binds tighter than OR; juxtaposition is AND
///     unary   := "-"? primary
///     primary := "(" or ")" | term
///
/// The first problem stops the parse with its position.
class PageLoadFilterParser
{
public:
    explicit PageLoadFilterParser(QStringView text) : m_text(text) {}

    PageLoadFilter run()
    {
        PageLoadFilter f;
        f.m_text = m_text.toString();
        Node root;
        bool any = false;
        if (skipSpaces() && orExpression(root)) {
            any = true;
            skipSpaces();
            if (!atEnd() && peek() == QLatin1Char(')'))
                fail(int(m_pos), 1, QStringLiteral("')' without a matching '('"));
        }
        if (m_error.message.isEmpty()) {
            if (any) {
                std::string sql;
                compile(root, false, sql, f.m_values);
                f.m_sql = sql;
                f.m_termCount = countTerms(root);
                f.m_structure = describe(root);
                f.m_tree = std::make_shared<const Node>(std::move(root));
            }
        } else {
            f.m_sql = "0";
            f.m_termCount = 0;
            f.m_error = m_error;
        }
        return f;
    }

private:
    using Op = filter_tree::Op;

    struct Token
    {
        QString text;
        int offset = 0;
        int length = 0;
    };

    using Value = PageLoadFilter::Value;

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

    /// Where a value or a term ends: a space, the end, or a ')' (a value with one is quoted, so that a
    /// stray ')' is an error rather than part of a word).
    bool atTermEnd() const { return atEnd() || peek().isSpace() || peek() == QLatin1Char(')'); }

    /// The keyword `word` (any case) as a whole word at the cursor.
    bool atKeyword(QLatin1String word) const
    {
        if (m_text.mid(m_pos, word.size()).compare(word, Qt::CaseInsensitive) != 0)
            return false;
        const QChar after = peek(int(word.size()));
        return after.isNull() || after.isSpace() || after == QLatin1Char('(') || after == QLatin1Char(')');
    }

    /// After an operator: the next operand must be there.
    bool expectOperand(int keywordOffset, QLatin1String keyword)
    {
        if (!skipSpaces() || peek() == QLatin1Char(')') || atKeyword(QLatin1String("OR")) ||
            atKeyword(QLatin1String("AND")))
            return fail(keywordOffset, int(keyword.size()),
                        QStringLiteral("expected a term after '%1'").arg(keyword));
        return true;
    }

    bool orExpression(Node& out)
    {
        if (atKeyword(QLatin1String("OR")))
            return fail(int(m_pos), 2, QStringLiteral("expected a term before 'OR'"));
        Node first;
        if (!andExpression(first))
            return false;
        std::vector<Node> alternatives;
        alternatives.push_back(std::move(first));
        while (skipSpaces() && atKeyword(QLatin1String("OR"))) {
            const int at = int(m_pos);
            m_pos += 2;
            if (!expectOperand(at, QLatin1String("OR")))
                return false;
            Node next;
            if (!andExpression(next))
                return false;
            alternatives.push_back(std::move(next));
        }
        if (alternatives.size() == 1) {
            out = std::move(alternatives.front());
        } else {
            out = Node{Node::Type::Or};
            out.children = std::move(alternatives);
        }
        return true;
    }

    bool andExpression(Node& out)
    {
        std::vector<Node> terms;
        while (skipSpaces()) {
            if (peek() == QLatin1Char(')') || atKeyword(QLatin1String("OR")))
                break;
            if (atKeyword(QLatin1String("AND"))) {
                const int at = int(m_pos);
                if (terms.empty())
                    return fail(at, 3, QStringLiteral("expected a term before 'AND'"));
                m_pos += 3;
                if (!expectOperand(at, QLatin1String("AND")))
                    return false;
            }
            Node next;
            if (!unary(next))
                return false;
            terms.push_back(std::move(next));
        }
        if (terms.empty())
            return fail(int(m_pos), 1, QStringLiteral("expected a term"));
        if (terms.size() == 1) {
            out = std::move(terms.front());
        } else {
            out = Node{Node::Type::And};
            out.children = std::move(terms);
        }
        return true;
    }

    bool unary(Node& out)
    {
        const int start = int(m_pos);
        bool negated = false;
        if (peek() == QLatin1Char('-')) {
            negated = true;
            ++m_pos;
            if (atEnd() || peek().isSpace())
                return fail(start, 1, QStringLiteral("expected a term after '-'"));
        }
        if (peek() == QLatin1Char('(')) {
            if (!group(out))
                return false;
        } else {
            if (!term(out))
                return false;
            out.text = m_text.mid(start, m_pos - start).toString(); // with its '-'
        }
        if (negated) {
            out.negated = !out.negated;
            if (out.type == Node::Type::Term && out.text.startsWith(QLatin1Char('-')) != out.negated)
                out.text = out.negated ? QLatin1Char('-') + out.text : out.text.mid(1); // -(a), -(-a)
        }
        return true;
    }

    bool group(Node& out)
    {
        const int open = int(m_pos);
        ++m_pos;
        if (!skipSpaces())
            return fail(open, 1, QStringLiteral("'(' is not closed"));
        if (peek() == QLatin1Char(')'))
            return fail(open, int(m_pos) - open + 1, QStringLiteral("empty parentheses"));
        if (!orExpression(out))
            return false;
        if (!skipSpaces() || peek() != QLatin1Char(')'))
            return fail(open, 1, QStringLiteral("'(' is not closed"));
        ++m_pos;
        if (!atEnd() && !peek().isSpace() && peek() != QLatin1Char(')'))
            return fail(int(m_pos), 1, QStringLiteral("expected a space after ')'"));
        return true;
    }

    bool term(Node& out)
    {
        out = Node{};
        std::string condition;
        const std::size_t firstValue = m_values.size();
        m_term = {};
        if (!(looksLikeField() ? fieldTerm(condition) : bareTerm(condition)))
            return false;
        out.field = m_term.field;
        out.op = m_term.op;
        out.value = m_term.value;
        if (!atTermEnd())
            return fail(int(m_pos), 1, QStringLiteral("expected a space after the closing quote"));
        out.condition = std::move(condition);
        out.values.assign(m_values.begin() + std::ptrdiff_t(firstValue), m_values.end());
        m_values.resize(firstValue);
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
        m_term.value = word.text;
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
        if (atTermEnd())
            return fail(
                int(m_pos), 1,
                QStringLiteral("expected a value after '%1'").arg(m_text.mid(nameStart, m_pos - nameStart)));
        Token v;
        if (!value(v))
            return false;
        m_term = {QString(field->name), op, v.text};

        const bool comparison = op != Op::Exact && op != Op::Substring;
        const bool comparable = isNumeric(field->kind) || field->kind == Kind::Status;
        if (!comparable && comparison && op != Op::Equal)
            return fail(opStart, opLength,
                        QStringLiteral("'%1' is not a number: use %1:value or %1:~text").arg(field->name));
        if ((isNumeric(field->kind) || field->kind == Kind::Status) && op == Op::Substring)
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
        case Kind::Status:
            return statusTerm(*field, op, v, condition);
        case Kind::SourceFormat: {
            const std::string lower = v.text.toLower().toStdString();
            if (op == Op::Substring) {
                condition = kSourceSubstringCondition;
                for (int i = 0; i < 3; ++i)
                    m_values.emplace_back("%" + likeEscaped(v.text) + "%");
            } else {
                condition = kSourceCondition;
                // The reports say "otel" for every OpenTelemetry encoding; people say "otlp" too.
                m_values.emplace_back(lower == "otlp" ? std::string("otel") : lower);
                m_values.emplace_back(lower);
                m_values.emplace_back(likeEscaped(v.text.toLower()) + "-%");
                m_values.emplace_back(lower);
            }
            return true;
        }
        case Kind::Duration:
        case Kind::Count:
        case Kind::Number:
            return numericTerm(*field, op, v, condition);
        }
        return false;
    }

    /// `status:error` / `status:ok` (RUM errors), or an HTTP status: `status:404`, `status:5xx`,
    /// `status>=500`.
    bool statusTerm(const Field& field, Op op, const Token& v, std::string& condition)
    {
        const std::string column = field.column;
        const bool exact = op == Op::Exact || op == Op::Equal;
        if (exact && v.text.compare(QLatin1String("error"), Qt::CaseInsensitive) == 0) {
            condition = column + " > 0";
            return true;
        }
        if (exact && v.text.compare(QLatin1String("ok"), Qt::CaseInsensitive) == 0) {
            condition = column + " = 0";
            return true;
        }
        const QString problem = QStringLiteral("'%1' is not a status (error, ok, or an HTTP status such as "
                                               "404 or 5xx)")
                                    .arg(v.text);
        // A class: 4xx, 5xx.
        if (exact && v.text.size() == 3 && v.text[0] >= QLatin1Char('1') && v.text[0] <= QLatin1Char('5') &&
            v.text.mid(1).compare(QLatin1String("xx"), Qt::CaseInsensitive) == 0) {
            const std::int64_t hundreds = v.text[0].digitValue() * 100;
            condition = std::string(kHttpStatusCondition) + "BETWEEN ? AND ?)";
            m_values.emplace_back(hundreds);
            m_values.emplace_back(hundreds + 99);
            return true;
        }
        bool ok = false;
        const int code = v.text.toInt(&ok);
        if (!ok || code < 100 || code > 999)
            return fail(v.offset, v.length, problem);
        condition = std::string(kHttpStatusCondition) + filter_tree::sqlComparison(op) + " ?)";
        m_values.emplace_back(std::int64_t(code));
        return true;
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
        condition = std::string(field.column) + " " + filter_tree::sqlComparison(op) + " ?";
        std::visit([this](auto x) { m_values.emplace_back(x); }, number);
        return true;
    }

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

    /// A quoted string or a run of characters up to a space or a ')'.
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
        while (!atTermEnd()) {
            if (peek() == QLatin1Char('"'))
                return fail(int(m_pos), 1, QStringLiteral("unexpected quote (quote the whole value)"));
            out.text += peek();
            ++m_pos;
        }
        out.length = int(m_pos) - out.offset;
        return true;
    }

    struct TermParts
    {
        QString field;
        Op op = Op::Exact;
        QString value;
    };

    QStringView m_text;
    qsizetype m_pos = 0;
    TermParts m_term; // the term being read, for Node::field/op/value
    std::vector<Value> m_values;
    PageLoadFilter::Error m_error;
};

PageLoadFilter PageLoadFilter::parse(QStringView text)
{
    return PageLoadFilterParser(text).run();
}

} // namespace seam
