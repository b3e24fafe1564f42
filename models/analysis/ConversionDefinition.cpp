#include "ConversionDefinition.h"

namespace seam {

std::string ConversionDefinition::text() const
{
    switch (kind) {
    case Kind::Route:
        return "route:" + pattern;
    case Kind::Url:
        return "url:" + pattern;
    case Kind::Action:
        return "action:" + pattern;
    }
    return pattern;
}

std::optional<ConversionDefinition> ConversionDefinition::parse(std::string_view text, std::string* error)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    ConversionDefinition d;
    const auto take = [&](std::string_view prefix, Kind kind) {
        if (!text.starts_with(prefix))
            return false;
        d.kind = kind;
        d.pattern = std::string(text.substr(prefix.size()));
        return true;
    };
    if (!take("route:", Kind::Route) && !take("url:", Kind::Url) && !take("action:", Kind::Action)) {
        if (!text.starts_with('/')) {
            if (error)
                *error = "a conversion is route:PATTERN, url:PATTERN or action:NAME";
            return std::nullopt;
        }
        d.kind = Kind::Route;
        d.pattern = std::string(text);
    }
    if (d.pattern.empty()) {
        if (error)
            *error = "the conversion's pattern is empty";
        return std::nullopt;
    }
    return d;
}

} // namespace seam
