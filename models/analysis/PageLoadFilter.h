#pragma once

#include <QString>
#include <QStringList>
#include <QStringView>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace seam {

class Database;
class Statement;

/// The filter language of the page-load table, compiled to a parameterised SQL condition.
///
///     route:/checkout duration>2s browser:Safari -country:US url:~checkout "add to cart"
///
/// Terms are separated by spaces and ANDed. A term is
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
/// `source:<format>` (otel, datadog, faro, har) matches page loads one of whose reports (page_load_reports)
/// came from that kind of instrumentation: a page load several sources reported matches each of them.
/// `errors` counts JS and network errors together; `js_errors` and `network_errors` (failed calls) apart.
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

    /// A boolean SQL expression: "1" when empty, "0" when invalid (an invalid filter selects nothing
    /// rather than everything).
    const std::string& sql() const { return m_sql; }
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
    std::string m_sql = "1";
    std::vector<Value> m_values;
    int m_termCount = 0;
    Error m_error;
};

} // namespace seam
