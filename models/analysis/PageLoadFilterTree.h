#pragma once

// The page-load filter's expression tree (PageLoadFilterParser.cpp builds it) and its compilation to
// one parameterised SQL condition.

#include "PageLoadFilter.h"

#include <QString>
#include <string>
#include <vector>

namespace seam::filter_tree {

/// A term's operator, as typed: `:` (Exact), `:~` (Substring), `<`, `<=`, `>`, `>=`, `=` (Equal).
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

/// The SQL comparison an operator stands for ("=" for the ones that are not comparisons); one home for
/// the cache's SQL and the ClickHouse push-down.
inline const char* sqlComparison(Op op)
{
    switch (op) {
    case Op::Less:
        return "<";
    case Op::LessEqual:
        return "<=";
    case Op::Greater:
        return ">";
    case Op::GreaterEqual:
        return ">=";
    case Op::Exact:
    case Op::Equal:
    case Op::Substring:
        break;
    }
    return "=";
}

/// One node of the parsed filter. A term carries its SQL condition and values; AND and OR carry
/// children. `negated` is a leading '-'.
struct Node
{
    enum class Type
    {
        Term,
        And,
        Or
    };
    Type type = Type::Term;
    bool negated = false;
    QString text;          // a term's source text, for structure()
    std::string condition; // a term's SQL, unparenthesised
    std::vector<PageLoadFilter::Value> values;
    std::vector<Node> children;
    // A term as read, for translating it to another engine (the ClickHouse push-down): the field name
    // as in the fields table (empty for a bare word), its operator and its value's text (unquoted).
    // For numeric fields values.front() holds the parsed number (a duration in ns).
    QString field;
    Op op = Op::Exact;
    QString value;
};

/// The tree as a parenthesised prefix expression, e.g. "(OR (AND a b) -c)", for tests and debugging.
QString describe(const Node& n);
/// Appends `n`'s SQL to `sql` and its values, in the order of their `?`. A top-level AND keeps the
/// plain "(a) AND (b)" form; nested groups are parenthesised.
void compile(const Node& n, bool nested, std::string& sql, std::vector<PageLoadFilter::Value>& values);
int countTerms(const Node& n);

} // namespace seam::filter_tree
