#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

namespace seam {

class Database;
class Statement;
namespace filter_tree {
struct Node;
}

/// The filter language of the page-load table, compiled to a parameterised SQL condition.
///
///     route:/checkout duration>2s browser:Safari -country:US url:~checkout "add to cart"
///
/// Terms are separated by spaces and ANDed; `OR` between terms (any case, a word of its own) makes
/// alternatives, AND binding tighter (`a b OR c` is `(a AND b) OR c`); parentheses group and a `-`
/// before them negates the group: `route:/checkout (duration>2s OR errors>0)`, `-(status:ok lcp<2.5s)`.
/// `AND` may be written out. To search for the word "or" itself, quote it. A term is
///   - `field:value` (exact), `field:~text` (substring, case-insensitive), or for numbers
///     `field>v`, `field>=v`, `field<v`, `field<=v`, `field=v` (`field:>v` works too);
///   - a bare word, matching a substring of the route or the URL;
///   - either of these negated with a leading `-` (`-browser:Chrome`): the complement, so page loads
///     whose value is unknown match a negated term.
/// `operation:<service>:<operation>` (e.g. `operation:"payments:POST /charge"`) matches page loads one
/// of whose linked backend traces (links -> resources.page_load_id) contains a span of that operation
/// (span name) of that backend service; the value splits at its first ':', so it must name the
/// service. It is exact only (no `~`). Its cost is one scan of `spans` per query (no index on
/// operation_id), not one per page load.
/// `status:` is `error` / `ok` (any RUM error or none), or an HTTP status of the document or of one
/// of the page's calls: `status:502`, `status:5xx`, `status>=500`. `source:` is the format of the data
/// source the page load was imported from: `otlp` (any OTLP encoding), `datadog`, `faro`, `har`, or the
/// source kind `demo` / `live`.
/// Values with spaces are quoted ("Mobile Safari"; `\"` and `\\` inside quotes). Durations need a
/// unit (ms, s, m): a bare "200" is ambiguous between the tools people come from, so it is refused.
///
/// The SQL refers to `page_loads p LEFT JOIN sessions s ON s.id = p.session_id` and never contains a
/// user's text: every value is a bound `?` and LIKE patterns are escaped (ESCAPE '\').
class PageLoadFilter
{
public:
    /// A value bound to one `?` of sql(), in order.
    using Value = std::variant<std::int64_t, double, std::string>;

    struct Error
    {
        int offset = -1; ///< 0-based index into the text (where a line edit puts the cursor)
        int length = 0;  ///< characters to highlight from offset
        QString message; ///< "position 12: 'fast' is not a duration (e.g. 2s, 300ms)", 1-based
    };

    /// The empty filter: matches every page load.
    PageLoadFilter() = default;
    static PageLoadFilter parse(QStringView text);

    bool isValid() const { return m_error.message.isEmpty(); }
    /// No terms (blank text): every page load matches.
    bool isEmpty() const { return m_termCount == 0; }
    const Error& error() const { return m_error; }
    const QString& text() const { return m_text; }
    /// The parsed expression as a prefix form, e.g. "(OR (AND route:/a duration>2s) errors>0)"; empty
    /// for an empty or invalid filter. For tests and for saying how a filter was read.
    const QString& structure() const { return m_structure; }

    /// A boolean SQL expression: "1" when empty, "0" when invalid (an invalid filter selects nothing
    /// rather than everything).
    const std::string& sql() const { return m_sql; }
    /// The parsed expression (PageLoadFilterTree.h), for translating it to another engine; null when
    /// the filter is empty or invalid.
    const filter_tree::Node* tree() const { return m_tree.get(); }
    const std::vector<Value>& values() const { return m_values; }
    /// Binds values() from `firstIndex` on; returns the next free index. Text is bound without a copy:
    /// this filter must outlive the statement's next step()/reset().
    int bind(Statement& statement, int firstIndex = 1) const { return bind(statement, m_values, firstIndex); }
    /// The same for values kept apart from their filter (e.g. handed to another thread with sql()).
    static int bind(Statement& statement, const std::vector<Value>& values, int firstIndex = 1);

    /// The term selecting page loads that reached `operation` of backend `service`, quoted as needed:
    /// `operation:"payments:POST /charge"`.
    static QString operationTerm(const QString& service, const QString& operation);

    /// The field names, in the order completion offers them.
    static QStringList fieldNames();

    /// What the Help menu's syntax page says of one field, from the same table the parser reads.
    struct FieldHelp
    {
        QString name;
        QString operators; ///< ":value :~text" or "> >= < <= ="
        QString units;     ///< "ms s m" for durations, empty otherwise
        QString description;
        QString example;
    };
    static std::vector<FieldHelp> fieldHelp();
    /// Where the term under `cursor` starts: completions() replace text[start, cursor).
    static int completionStart(QStringView text, int cursor);
    /// Replacements for the term under `cursor`: field names ("browser:", "duration>"), and with a
    /// cache, its values for route, browser, os, device, country, version, service and operation (at most 50;
    /// the queries are bounded: index seeks, small tables or a sample of recent sessions).
    static QStringList completions(QStringView text, int cursor, Database* db = nullptr);

    friend bool operator==(const PageLoadFilter& a, const PageLoadFilter& b) { return a.m_text == b.m_text; }

private:
    friend class PageLoadFilterParser;

    QString m_text;
    QString m_structure;
    std::string m_sql = "1";
    std::vector<Value> m_values;
    std::shared_ptr<const filter_tree::Node> m_tree; // shared: filters are copied by value
    int m_termCount = 0;
    Error m_error;
};

} // namespace seam
