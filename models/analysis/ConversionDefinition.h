#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace seam {

/// What counts as a conversion, as the user says it: `route:/checkout/confirmation` (a page load of
/// that route), `url:*order=*` (a page load whose URL matches), or `action:Place order` (a user
/// action with that name). Patterns are globs: `*` any run of characters, `?` one, case-sensitive
/// (SQLite GLOB). A bare pattern starting with '/' means `route:`.
struct ConversionDefinition
{
    enum class Kind
    {
        Route,
        Url,
        Action,
    };
    Kind kind = Kind::Route;
    std::string pattern;

    /// The definition in its canonical form ("route:/checkout/confirmation").
    std::string text() const;
    /// nullopt (with `error` set) when the text is not a definition.
    static std::optional<ConversionDefinition> parse(std::string_view text, std::string* error = nullptr);
};

} // namespace seam
