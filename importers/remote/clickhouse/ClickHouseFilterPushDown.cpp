#include "ClickHouseFilterPushDown.h"

#include "PageLoadFilter.h"
#include "PageLoadFilterFields.h"
#include "PageLoadFilterTree.h"
#include "Sqlite.h"

#include <functional>
#include <variant>

namespace seam::remote {
namespace {

using filter_tree::Node;
using filter_tree::Op;

/// A node's server form: `sql` empty means "no constraint" (the node could not be pushed); `exact`
/// says the SQL selects exactly what the node selects, which negation and the report need.
struct Pushed
{
    QString sql;
    bool exact = false;
    QStringList terms; ///< the terms `sql` evaluates
};

bool isAscii(const QString& text)
{
    for (const QChar c : text)
        if (c.unicode() > 0x7f)
            return false;
    return true;
}

class Translator
{
public:
    explicit Translator(ServerFilter& out) : m_out(out) {}

    Pushed node(const Node& n)
    {
        Pushed own;
        if (n.type == Node::Type::Term) {
            own = term(n);
        } else {
            const bool isAnd = n.type == Node::Type::And;
            QStringList parts;
            own.exact = true;
            bool unconstrained = false;
            for (const Node& c : n.children) {
                Pushed p = node(c);
                own.exact = own.exact && p.exact;
                if (p.sql.isEmpty()) {
                    unconstrained = true; // AND: drop the part (a superset); OR: the whole is unconstrained
                    continue;
                }
                parts << QLatin1Char('(') + p.sql + QLatin1Char(')');
                own.terms << p.terms;
            }
            if (!isAnd && unconstrained) {
                own = {};
            } else {
                own.sql = parts.join(isAnd ? QStringLiteral(" AND ") : QStringLiteral(" OR "));
                if (own.sql.isEmpty())
                    own = {};
            }
        }
        if (!n.negated)
            return own;
        // The complement of a superset is no superset: only an exact node can be negated on the server.
        // Both sides agree on unknown values: the cache's NOT coalesce(x, 0) and the server's '' for a
        // missing Map key both let a negated term match.
        if (!own.exact || own.sql.isEmpty())
            return {};
        own.sql = QStringLiteral("NOT (") + own.sql + QLatin1Char(')');
        return own;
    }

private:
    QString param(const QString& type, const QString& value)
    {
        const QString name = QStringLiteral("f%1").arg(m_out.params.size());
        // ClickHouse reads a String parameter in its escaped text form: a backslash must be doubled.
        m_out.params.emplace_back(name,
                                  type == QLatin1String("String")
                                      ? QString(value).replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                                      : value);
        return QStringLiteral("{%1:%2}").arg(name, type);
    }

    QString likePattern(const QString& text)
    {
        // The cache's LIKE escaping (ESCAPE '\') is ClickHouse's default escaping in LIKE patterns.
        return param(QStringLiteral("String"), QLatin1Char('%') +
                                                   QString::fromStdString(filter_fields::likeEscaped(text)) +
                                                   QLatin1Char('%'));
    }

    /// Page loads whose route contains `text` (case-insensitively, as SQLite's LIKE) have URLs that
    /// contain each '/'-separated piece of it: routeFromUrl keeps literal segments and writes ":id" for
    /// identifiers, so a text without ':' lies in literal segments, except a leading "id"/"d" that may be
    /// the tail of ":id". Empty when nothing narrows.
    QString routeContains(const QString& text)
    {
        if (text.contains(QLatin1Char(':')))
            return {};
        QStringList parts;
        const QStringList pieces = text.split(QLatin1Char('/'));
        for (qsizetype i = 0; i < pieces.size(); ++i) {
            const QString& piece = pieces[i];
            if (piece.isEmpty())
                continue;
            if (i == 0 && (piece.compare(QLatin1String("id"), Qt::CaseInsensitive) == 0 ||
                           piece.compare(QLatin1String("d"), Qt::CaseInsensitive) == 0))
                continue;
            parts << QStringLiteral("positionCaseInsensitive(load_url, %1) > 0")
                         .arg(param(QStringLiteral("String"), piece));
        }
        return parts.join(QStringLiteral(" AND "));
    }

    /// route:R (exact, case-sensitive): the URL's path holds each literal segment of R.
    QString routeIs(const QString& route)
    {
        QStringList parts;
        for (const QString& segment : route.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
            if (segment.startsWith(QLatin1Char(':')))
                continue; // an identifier the URL holds in any spelling
            parts << QStringLiteral("position(load_url, %1) > 0")
                         .arg(param(QStringLiteral("String"), QLatin1Char('/') + segment));
        }
        return parts.join(QStringLiteral(" AND "));
    }

    Pushed term(const Node& n)
    {
        Pushed p;
        const QString& v = n.value;
        const bool substring = n.op == Op::Substring;
        // An empty value would meet NULL (the cache) and '' (the server) differently: leave it local.
        if (v.isEmpty()) {
            m_out.localOnly << n.text;
            return p;
        }
        if (n.field.isEmpty()) { // a bare word: route or URL contains it
            p.sql = routeContains(v);
        } else if (n.field == QLatin1String("route")) {
            p.sql = substring ? routeContains(v) : routeIs(v);
        } else if (n.field == QLatin1String("url") || n.field == QLatin1String("version") ||
                   n.field == QLatin1String("country")) {
            const QString column = QStringLiteral("load_") + n.field;
            const bool noCase = n.field == QLatin1String("country"); // COLLATE NOCASE in the cache
            if (substring && isAscii(v)) {
                p.sql = column + QStringLiteral(" ILIKE ") + likePattern(v);
                p.exact = true;
            } else if (!substring && (!noCase || isAscii(v))) {
                const QString value = param(QStringLiteral("String"), v);
                p.sql = noCase ? QStringLiteral("lower(%1) = lower(%2)").arg(column, value)
                               : QStringLiteral("%1 = %2").arg(column, value);
                p.exact = true;
            }
        } else if (n.field == QLatin1String("duration") && !n.values.empty() &&
                   std::holds_alternative<std::int64_t>(n.values.front())) {
            p.sql = QStringLiteral("load_duration %1 %2")
                        .arg(QLatin1String(filter_tree::sqlComparison(n.op)),
                             param(QStringLiteral("Int64"),
                                   QString::number(std::get<std::int64_t>(n.values.front()))));
            p.exact = true;
        }
        if (p.sql.isEmpty()) {
            p.exact = false;
            m_out.localOnly << n.text;
        } else {
            p.terms << n.text;
        }
        return p;
    }

    ServerFilter& m_out;
};

} // namespace

ServerFilter pushDownFilter(const PageLoadFilter& filter)
{
    ServerFilter out;
    if (!filter.isValid() || !filter.tree())
        return out;
    Translator translator(out);
    const Pushed root = translator.node(*filter.tree());
    out.predicate = root.sql;
    out.exact = root.exact && !root.sql.isEmpty();
    out.pushed = root.terms;
    // A term the translator mapped but a negation or an OR left out is evaluated locally only.
    std::function<void(const Node&)> collect = [&](const Node& n) {
        if (n.type == Node::Type::Term) {
            if (!out.pushed.contains(n.text) && !out.localOnly.contains(n.text))
                out.localOnly << n.text;
            return;
        }
        for (const Node& c : n.children)
            collect(c);
    };
    collect(*filter.tree());
    if (out.predicate.isEmpty())
        out.params.clear();
    return out;
}

std::int64_t countMatchingPageLoads(Database& db, const PageLoadFilter& filter, std::int64_t fromNs,
                                    std::int64_t toNs)
{
    Statement st = db.prepare("SELECT count(*) FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
                              "WHERE p.start_ns >= ?1 AND p.start_ns < ?2 AND (" +
                              filter.sql() + ")");
    st.bindInt64(1, fromNs);
    st.bindInt64(2, toNs);
    filter.bind(st, 3);
    return st.step() ? st.int64(0) : 0;
}

} // namespace seam::remote
