#include "Route.h"

namespace seam {
namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}
bool isHex(char c)
{
    return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool isAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isUuid(std::string_view s)
{
    if (s.size() != 36)
        return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !isHex(s[i]))
            return false;
    }
    return true;
}

/// The path part of a URL: after "scheme://authority", before '?' or '#'.
std::string_view pathOf(std::string_view url)
{
    const std::size_t end = url.find_first_of("?#");
    if (end != std::string_view::npos)
        url = url.substr(0, end);
    const std::size_t scheme = url.find("://");
    if (scheme != std::string_view::npos) {
        const std::size_t slash = url.find('/', scheme + 3);
        return slash == std::string_view::npos ? std::string_view() : url.substr(slash);
    }
    if (url.starts_with("//")) { // protocol-relative
        const std::size_t slash = url.find('/', 2);
        return slash == std::string_view::npos ? std::string_view() : url.substr(slash);
    }
    return url;
}

} // namespace

bool isIdentifierSegment(std::string_view s)
{
    if (s.empty())
        return false;
    bool allDigits = true, allHex = true, hasDigit = false, hasAlpha = false, allToken = true;
    for (char c : s) {
        allDigits = allDigits && isDigit(c);
        allHex = allHex && isHex(c);
        hasDigit = hasDigit || isDigit(c);
        hasAlpha = hasAlpha || isAlpha(c);
        allToken = allToken && (isDigit(c) || isAlpha(c) || c == '-' || c == '_');
    }
    if (allDigits || isUuid(s))
        return true;
    if (allHex && hasDigit && s.size() >= 8)
        return true;
    return allToken && hasDigit && hasAlpha && s.size() >= 16;
}

std::string routeFromUrl(std::string_view url)
{
    const std::string_view path = pathOf(url);
    std::string route;
    route.reserve(path.size());
    std::size_t i = 0;
    while (i < path.size()) {
        if (path[i] == '/') {
            ++i;
            continue;
        }
        std::size_t end = path.find('/', i);
        if (end == std::string_view::npos)
            end = path.size();
        const std::string_view segment = path.substr(i, end - i);
        route.push_back('/');
        if (isIdentifierSegment(segment))
            route.append(":id");
        else
            route.append(segment);
        i = end;
    }
    if (route.empty())
        route.push_back('/'); // (not `route = "/"`: GCC 12 warns falsely about memcpy overlap there)
    return route;
}

} // namespace seam
