#include "SavedConversion.h"

#include "ConversionDefinition.h"
#include "Sqlite.h"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

namespace seam {
namespace {

constexpr const char* kDefinitionKey = "conversion.definition";
constexpr const char* kRevenueKey = "conversion.revenue_attribute";
/// The attribute names shops commonly put an order's value in, most specific first.
constexpr const char* kValueAttributes[] = {"order.value",    "order.total", "order.amount", "purchase.value",
                                            "checkout.value", "cart.value",  "revenue",      "value"};

std::optional<std::string> metaValue(Database& db, const char* key)
{
    auto st = db.prepare("SELECT value FROM meta WHERE key = ?1");
    st.bindText(1, key);
    if (!st.step() || st.isNull(0))
        return std::nullopt;
    return std::string(st.text(0));
}

} // namespace

std::optional<SavedConversion> readSavedConversion(Database& db)
{
    const auto definition = metaValue(db, kDefinitionKey);
    if (!definition || definition->empty())
        return std::nullopt;
    const auto parsed = ConversionDefinition::parse(*definition);
    if (!parsed)
        return std::nullopt;
    SavedConversion c;
    c.definition = parsed->text();
    c.revenueAttribute = metaValue(db, kRevenueKey).value_or(std::string());
    return c;
}

void saveConversion(Database& db, const SavedConversion& conversion)
{
    std::string definition;
    if (!conversion.definition.empty()) {
        std::string error;
        const auto parsed = ConversionDefinition::parse(conversion.definition, &error);
        if (!parsed)
            throw std::invalid_argument(error);
        definition = parsed->text();
    }
    Transaction tx(db);
    auto del = db.prepare("DELETE FROM meta WHERE key = ?1");
    auto put = db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)");
    for (const auto& [key, value] :
         {std::pair{kDefinitionKey, definition},
          std::pair{kRevenueKey, definition.empty() ? std::string() : conversion.revenueAttribute}}) {
        if (value.empty()) {
            del.reset();
            del.bindText(1, key);
            del.run();
        } else {
            put.reset();
            put.bindText(1, key).bindText(2, value);
            put.run();
        }
    }
    tx.commit();
}

namespace {

/// The route most of `sessions` ended on, as the suggested conversion with `attribute` as its value.
std::optional<ConversionSuggestion> suggestionFrom(Database& db, const std::set<std::int64_t>& sessions,
                                                   int attribute)
{
    auto lastRoute = db.prepare("SELECT route FROM page_loads WHERE session_id = ?1 AND route IS NOT NULL "
                                "ORDER BY start_ns DESC LIMIT 1");
    std::map<std::string, std::int64_t> endings;
    for (const std::int64_t s : sessions) {
        lastRoute.reset();
        lastRoute.bind(1, s);
        if (lastRoute.step())
            ++endings[std::string(lastRoute.text(0))];
    }
    if (endings.empty())
        return std::nullopt;
    const auto best = std::max_element(endings.begin(), endings.end(), [](const auto& a, const auto& b) {
        return a.second < b.second || (a.second == b.second && a.first > b.first);
    });
    ConversionSuggestion s;
    s.conversion.definition = "route:" + best->first;
    s.conversion.revenueAttribute = kValueAttributes[attribute];
    s.sessions = std::int64_t(sessions.size());
    s.endingThere = best->second;
    return s;
}

/// When no span carries a value: the sessions whose RUM SDK reported one (a Datadog view's or action's
/// context, a Faro event's attributes), the most specific attribute name first, at most `limit`.
std::optional<ConversionSuggestion> suggestFromRumValues(Database& db, int limit)
{
    auto sessionsWith = db.prepare(
        "SELECT p.session_id FROM page_load_values v JOIN page_loads p ON p.id = v.page_load_id WHERE "
        "v.key = ?1 AND p.session_id IS NOT NULL UNION SELECT a.session_id FROM action_values v JOIN actions "
        "a "
        "ON a.id = v.action_id WHERE v.key = ?1 AND a.session_id IS NOT NULL LIMIT ?2");
    for (int a = 0; a < int(std::size(kValueAttributes)); ++a) {
        sessionsWith.reset();
        sessionsWith.bindText(1, kValueAttributes[a]).bind(2, limit);
        std::set<std::int64_t> sessions;
        while (sessionsWith.step())
            sessions.insert(sessionsWith.int64(0));
        if (!sessions.empty())
            return suggestionFrom(db, sessions, a);
    }
    return std::nullopt;
}

} // namespace

std::optional<ConversionSuggestion> suggestConversion(Database& db, int sampleTraces)
{
    if (sampleTraces <= 0)
        return std::nullopt;
    const std::int64_t maxId = db.queryInt("SELECT coalesce(max(id), 0) FROM traces");
    const std::int64_t stride = std::max<std::int64_t>(1, maxId / sampleTraces);
    // Per candidate attribute, the sampled traces carrying it (spans by their primary key).
    auto attrs = db.prepare(
        "SELECT span_attributes(pp.attributes) FROM spans s JOIN span_payloads pp ON pp.id = s.payload "
        "WHERE s.trace = ?1 AND pp.attributes IS NOT NULL");
    auto has = db.prepare("SELECT json_extract(?1, ?2) IS NOT NULL");
    std::map<int, std::vector<std::int64_t>> tracesByAttribute;
    for (std::int64_t id = 1; id <= maxId; id += stride) {
        attrs.reset();
        attrs.bind(1, id);
        std::set<int> seen;
        while (attrs.step()) {
            const std::string json(attrs.text(0));
            for (int a = 0; a < int(std::size(kValueAttributes)); ++a) {
                if (seen.count(a) || json.find(kValueAttributes[a]) == std::string::npos)
                    continue;
                const std::string path = std::string("$.\"") + kValueAttributes[a] + "\"";
                has.reset();
                has.bindText(1, json).bindText(2, path); // bound without a copy: both outlive step()
                if (has.step() && has.int64(0) == 1)
                    seen.insert(a);
            }
        }
        for (const int a : seen)
            tracesByAttribute[a].push_back(id);
    }
    if (tracesByAttribute.empty())
        return suggestFromRumValues(db, sampleTraces);
    const auto& [attribute, traces] = *tracesByAttribute.begin(); // the most specific name found
    // Their sessions (the calls linked to the trace, or whose own trace it is: a browser span carrying
    // the value), and the route each session ended on.
    auto sessionsOf = db.prepare("SELECT x.session_id FROM links l JOIN resources x ON x.id = l.resource_id "
                                 "WHERE l.trace = ?1 AND x.session_id IS NOT NULL UNION SELECT x.session_id "
                                 "FROM resources x WHERE x.trace = ?1 AND x.session_id IS NOT NULL");
    std::set<std::int64_t> sessions;
    for (const std::int64_t t : traces) {
        sessionsOf.reset();
        sessionsOf.bind(1, t);
        while (sessionsOf.step())
            sessions.insert(sessionsOf.int64(0));
    }
    return suggestionFrom(db, sessions, attribute);
}

} // namespace seam
