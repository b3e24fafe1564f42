#pragma once

// The conversion definition saved in the investigation file (issue 11): what counts as a conversion
// (`route:/checkout/confirmation`, `action:Place order`) and which span attribute carries its value,
// kept in the `meta` table under `conversion.definition` and `conversion.revenue_attribute`, so the
// incidents panel and `seam impact` agree without retyping it. Also a first guess for a cache that has
// none: the most common last route of sessions whose traces carry a value attribute.

#include <cstdint>
#include <optional>
#include <string>

namespace seam {

class Database;

struct SavedConversion
{
    std::string definition;       ///< canonical ConversionDefinition text
    std::string revenueAttribute; ///< empty: no revenue
    friend bool operator==(const SavedConversion&, const SavedConversion&) = default;
};

/// The saved definition; nullopt when none is saved (or what is saved no longer parses).
std::optional<SavedConversion> readSavedConversion(Database& db);

/// Saves (or, with an empty definition, forgets) the definition in one short write transaction on a
/// writable connection. The definition must parse (ConversionDefinition::parse): throws
/// std::invalid_argument otherwise, SqliteError when the cache cannot be written.
void saveConversion(Database& db, const SavedConversion& conversion);

/// A guess for a cache without a saved definition, from an evenly strided sample of at most
/// `sampleTraces` traces: the first of the usual value attributes (order.value, order.total, ...) their
/// spans carry, and the route most sessions of those traces ended on. When no span carries one, the
/// first that the browser's RUM SDK reported (page_load_values, action_values) for at most
/// `sampleTraces` sessions. nullopt when nothing carries one.
struct ConversionSuggestion
{
    SavedConversion conversion;
    std::int64_t sessions = 0;    ///< sampled sessions carrying the attribute
    std::int64_t endingThere = 0; ///< of which ended on the suggested route
};
std::optional<ConversionSuggestion> suggestConversion(Database& db, int sampleTraces = 2000);

} // namespace seam
