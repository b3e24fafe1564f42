#pragma once

#include <string>
#include <string_view>

namespace seam {

/// What the session table shows about a browser. Fields are empty when unknown.
struct UserAgentInfo
{
    std::string browser;        // Chrome, Firefox, Safari, Edge, Opera, Samsung Internet, Other
    std::string browserVersion; // major version only, e.g. "120"
    std::string os;             // Windows, macOS, Linux, Android, iOS, ChromeOS
    std::string device;         // desktop, mobile, tablet
};

/// A deliberately small user-agent parser: the families RUM dashboards group by, not a full database.
/// Order matters because user agents lie by inclusion: Edge, Opera and Samsung Internet all say
/// "Chrome/", Chrome says "Safari/", and iOS says "like Mac OS X".
UserAgentInfo parseUserAgent(std::string_view userAgent);

} // namespace seam
