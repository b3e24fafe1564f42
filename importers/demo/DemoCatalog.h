#pragma once

// The static world of the demo shop: its services, the browsers and countries of its visitors, its
// products. Data only; behaviour lives in DemoBackend and DemoBrowser.

#include "DemoRandom.h"

#include <array>
#include <string>
#include <string_view>

namespace seam::demo {

enum class Service
{
    Gateway,
    StorefrontBff,
    Catalog,
    Search,
    Cart,
    Checkout,
    Payments,
    Inventory,
    Recommendations,
    Pricing,
};
inline constexpr int kServiceCount = 10;

/// What instrumentation produced a backend span; selects the instrumentation scope per language.
enum class ScopeRole
{
    HttpServer,
    HttpClient,
    Sql,
    Redis,
    Search,
    Logs
};
inline constexpr int kScopeRoleCount = 6;

struct ServiceInfo
{
    std::string_view name;
    std::string_view version;
    std::string_view language; // telemetry.sdk.language
    std::string_view podHash;  // Kubernetes-style host names: <name>-<podHash>-<suffix>
    int instances;
    double selfMedianMs; // the service's own work per request, excluding downstream calls
};

const ServiceInfo& serviceInfo(Service s);

/// Instrumentation scope (name, version) a service of this language reports for the role.
std::pair<std::string_view, std::string_view> scopeFor(std::string_view language, ScopeRole role);

struct BrowserProfile
{
    std::string family;  // Chrome, Safari, Firefox, Edge
    std::string version; // major (minor for Safari: "17.4")
    std::string os;      // Windows, macOS, Android, iOS
    bool mobile = false;
    std::string userAgent;
};

BrowserProfile pickBrowser(DemoRandom& rng);

struct Country
{
    std::string_view isoCode;
    double rttMs; // round trip to the shop's (EU) edge
};

const Country& pickCountry(DemoRandom& rng);

/// Popularity follows a power law: a few products get most views, as in any real shop.
int pickProduct(DemoRandom& rng);
std::string_view pickSearchTerm(DemoRandom& rng);

inline constexpr std::string_view kShopHost = "www.shop.example";
inline constexpr std::string_view kShopOrigin = "https://www.shop.example";

} // namespace seam::demo
