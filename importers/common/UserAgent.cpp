#include "UserAgent.h"

#include <array>

namespace seam {
namespace {

bool contains(std::string_view s, std::string_view what)
{
    return s.find(what) != std::string_view::npos;
}

/// The digits right after `token` (e.g. "Chrome/" -> "120"), or "" if the token is absent.
std::string majorVersionAfter(std::string_view ua, std::string_view token)
{
    const std::size_t at = ua.find(token);
    if (at == std::string_view::npos)
        return {};
    std::size_t i = at + token.size();
    std::size_t end = i;
    while (end < ua.size() && ua[end] >= '0' && ua[end] <= '9')
        ++end;
    return std::string(ua.substr(i, end - i));
}

struct BrowserRule
{
    std::string_view token;        // what identifies the family
    std::string_view name;         // what we call it
    std::string_view versionToken; // where its version is
};

// Most specific first.
constexpr std::array kBrowserRules{
    BrowserRule{"SamsungBrowser/", "Samsung Internet", "SamsungBrowser/"},
    BrowserRule{"Edg/", "Edge", "Edg/"},
    BrowserRule{"EdgA/", "Edge", "EdgA/"},
    BrowserRule{"EdgiOS/", "Edge", "EdgiOS/"},
    BrowserRule{"Edge/", "Edge", "Edge/"}, // EdgeHTML (Edge 12-18)
    BrowserRule{"OPR/", "Opera", "OPR/"},
    BrowserRule{"OPT/", "Opera", "OPT/"},
    BrowserRule{"OPiOS/", "Opera", "OPiOS/"},
    BrowserRule{"Opera/", "Opera", "Version/"}, // Presto-era Opera puts its version in Version/
    BrowserRule{"FxiOS/", "Firefox", "FxiOS/"},
    BrowserRule{"Firefox/", "Firefox", "Firefox/"},
    BrowserRule{"CriOS/", "Chrome", "CriOS/"},
    BrowserRule{"Chrome/", "Chrome", "Chrome/"},
    BrowserRule{"Chromium/", "Chrome", "Chromium/"},
    // Only now is "Safari/" really Safari; its own version is in Version/.
    BrowserRule{"Safari/", "Safari", "Version/"},
};

} // namespace

UserAgentInfo parseUserAgent(std::string_view ua)
{
    UserAgentInfo info;
    if (ua.empty())
        return info;

    info.browser = "Other";
    for (const BrowserRule& rule : kBrowserRules) {
        if (contains(ua, rule.token)) {
            info.browser = rule.name;
            info.browserVersion = majorVersionAfter(ua, rule.versionToken);
            break;
        }
    }

    const bool iPad = contains(ua, "iPad");
    const bool iPhone = contains(ua, "iPhone") || contains(ua, "iPod");
    const bool android = contains(ua, "Android");
    if (contains(ua, "Windows"))
        info.os = "Windows";
    else if (iPad || iPhone) // before macOS: iOS user agents say "like Mac OS X"
        info.os = "iOS";
    else if (android) // before Linux: Android user agents say "Linux"
        info.os = "Android";
    else if (contains(ua, "CrOS"))
        info.os = "ChromeOS";
    else if (contains(ua, "Macintosh") || contains(ua, "Mac OS X"))
        info.os = "macOS";
    else if (contains(ua, "Linux") || contains(ua, "X11"))
        info.os = "Linux";

    // Android tablets omit "Mobile"; iPadOS 13+ may pose as a Mac, which a UA cannot reveal.
    if (iPad || contains(ua, "Tablet") || (android && !contains(ua, "Mobile")))
        info.device = "tablet";
    else if (iPhone || android || contains(ua, "Mobi"))
        info.device = "mobile";
    else
        info.device = "desktop";
    return info;
}

} // namespace seam
