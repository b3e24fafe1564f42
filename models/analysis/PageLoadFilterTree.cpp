#include "PageLoadFilterTree.h"

#include <QStringList>

namespace seam::filter_tree {

/// The tree as a parenthesised prefix expression, e.g. "(OR (AND a b) -c)", for tests and debugging.
QString describe(const Node& n)
{
    if (n.type == Node::Type::Term)
        return n.text; // the source text, with its '-'
    QStringList parts{n.type == Node::Type::And ? QStringLiteral("AND") : QStringLiteral("OR")};
    for (const Node& c : n.children)
        parts << describe(c);
    const QString out = QLatin1Char('(') + parts.join(QLatin1Char(' ')) + QLatin1Char(')');
    return n.negated ? QLatin1Char('-') + out : out;
}

/// Appends `n`'s SQL to `sql` and its values, in the order of their `?`. A top-level AND keeps the
/// plain "(a) AND (b)" form; nested groups are parenthesised.
void compile(const Node& n, bool nested, std::string& sql, std::vector<PageLoadFilter::Value>& values)
{
    std::string own;
    if (n.type == Node::Type::Term) {
        own = n.condition;
        values.insert(values.end(), n.values.begin(), n.values.end());
    } else {
        const char* join = n.type == Node::Type::And ? " AND " : " OR ";
        for (std::size_t i = 0; i < n.children.size(); ++i) {
            if (i)
                own += join;
            compile(n.children[i], true, own, values);
        }
    }
    // NULL (unknown) must not vanish from both a term and its negation.
    if (n.negated)
        sql += "NOT coalesce(" + own + ", 0)";
    else if (n.type == Node::Type::Term || nested)
        sql += "(" + own + ")";
    else
        sql += own;
}

int countTerms(const Node& n)
{
    if (n.type == Node::Type::Term)
        return 1;
    int count = 0;
    for (const Node& c : n.children)
        count += countTerms(c);
    return count;
}

} // namespace seam::filter_tree
