#include "DemoCatalog.h"

#include <cmath>

namespace seam::demo {

namespace {

// clang-format off
constexpr std::array<ServiceInfo, kServiceCount> kServices = {{
    {"gateway",         "1.14.2", "go",     "5d8f7c9b6d", 3, 0.6},
    {"storefront-bff",  "3.9.1",  "nodejs", "7b9c6d5f48", 3, 4.0},
    {"catalog",         "2.7.3",  "java",   "6f7c9d8b54", 3, 3.0},
    {"search",          "1.22.0", "python", "84c6b7d9f5", 2, 6.0},
    {"cart",            "4.3.0",  "go",     "59b8d7c6f4", 2, 1.2},
    {"checkout",        "2.11.4", "java",   "7d6c5b8f9a", 2, 8.0},
    {"payments",        "5.2.1",  "java",   "6c9f8d7b5e", 2, 5.0},
    {"inventory",       "1.8.7",  "go",     "8f5d6c7b9d", 2, 1.5},
    {"recommendations", "0.19.2", "python", "9b7c8d6f5c", 2, 35.0},
    {"pricing",         "1.3.5",  "go",     "4d7b9c8f6a", 2, 0.8},
}};
// clang-format on

struct Scopes
{
    std::string_view language;
    std::array<std::pair<std::string_view, std::string_view>, kScopeRoleCount> roles;
};

// clang-format off
constexpr std::array<Scopes, 4> kScopes = {{
    {"go", {{{"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "0.57.0"},
             {"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp", "0.57.0"},
             {"github.com/XSAM/otelsql", "0.35.0"},
             {"github.com/redis/go-redis/extra/redisotel", "9.7.0"},
             {"github.com/elastic/go-elasticsearch", "8.16.0"},
             {"go.opentelemetry.io/contrib/bridges/otelslog", "0.8.0"}}}},
    {"java", {{{"io.opentelemetry.tomcat-10.0", "2.10.0-alpha"},
               {"io.opentelemetry.java-http-client", "2.10.0-alpha"},
               {"io.opentelemetry.jdbc", "2.10.0-alpha"},
               {"io.opentelemetry.lettuce-5.1", "2.10.0-alpha"},
               {"io.opentelemetry.elasticsearch-rest-7.0", "2.10.0-alpha"},
               {"io.opentelemetry.logback-appender-1.0", "2.10.0-alpha"}}}},
    {"nodejs", {{{"@opentelemetry/instrumentation-http", "0.55.0"},
                 {"@opentelemetry/instrumentation-undici", "0.8.0"},
                 {"@opentelemetry/instrumentation-pg", "0.48.0"},
                 {"@opentelemetry/instrumentation-ioredis", "0.45.0"},
                 {"@opentelemetry/instrumentation-undici", "0.8.0"},
                 {"@opentelemetry/instrumentation-pino", "0.44.0"}}}},
    {"python", {{{"opentelemetry.instrumentation.flask", "0.49b0"},
                 {"opentelemetry.instrumentation.requests", "0.49b0"},
                 {"opentelemetry.instrumentation.psycopg2", "0.49b0"},
                 {"opentelemetry.instrumentation.redis", "0.49b0"},
                 {"opentelemetry.instrumentation.elasticsearch", "0.49b0"},
                 {"opentelemetry.sdk._logs", "1.28.0"}}}},
}};

struct Country_ { Country c; double weight; };
constexpr std::array<Country_, 11> kCountries = {{
    {{"DE", 18}, 22}, {{"US", 95}, 20}, {{"FR", 22}, 10}, {{"GB", 20}, 10}, {{"NL", 15}, 7},
    {{"ES", 35}, 6},  {{"PL", 28}, 6},  {{"SE", 30}, 4},  {{"IT", 32}, 6},  {{"JP", 230}, 4},
    {{"BR", 190}, 5},
}};

constexpr std::array<std::string_view, 24> kSearchTerms = {
    "running+shoes", "rain+jacket", "wool+socks", "backpack", "yoga+mat", "headphones", "water+bottle",
    "hiking+boots", "sunglasses", "tent", "sleeping+bag", "bike+helmet", "trail+running", "fleece",
    "gloves", "beanie", "thermos", "camping+stove", "daypack", "down+jacket", "shorts", "leggings",
    "sports+bra", "gift+card",
};
// clang-format on

} // namespace

const ServiceInfo& serviceInfo(Service s)
{
    return kServices[std::size_t(s)];
}

std::pair<std::string_view, std::string_view> scopeFor(std::string_view language, ScopeRole role)
{
    for (const auto& s : kScopes) {
        if (s.language == language)
            return s.roles[std::size_t(role)];
    }
    return kScopes[0].roles[std::size_t(role)];
}

BrowserProfile pickBrowser(DemoRandom& rng)
{
    enum Kind
    {
        ChromeWin,
        ChromeMac,
        ChromeAndroid,
        SafariIos,
        SafariMac,
        FirefoxWin,
        FirefoxMac,
        EdgeWin
    };
    // Roughly a European e-commerce audience: Safari (mostly iOS) about a quarter of sessions.
    const auto kind = Kind(rng.weighted({28, 10, 20, 17, 8, 6, 2, 9}));
    BrowserProfile p;
    const std::string chrome = std::to_string(rng.range(120, 131));
    const std::string firefox = std::to_string(rng.range(121, 133));
    const std::string safariMinor = std::to_string(rng.range(0, 6));
    switch (kind) {
    case ChromeWin:
    case ChromeMac:
    case ChromeAndroid: {
        p.family = "Chrome";
        p.version = chrome;
        const char* platform = kind == ChromeWin   ? "Windows NT 10.0; Win64; x64"
                               : kind == ChromeMac ? "Macintosh; Intel Mac OS X 10_15_7"
                                                   : "Linux; Android 10; K";
        p.os = kind == ChromeWin ? "Windows" : kind == ChromeMac ? "macOS" : "Android";
        p.mobile = kind == ChromeAndroid;
        // Chrome reports frozen platform tokens and x.0.0.0 versions since UA reduction (Chrome 110+).
        p.userAgent = std::string("Mozilla/5.0 (") + platform +
                      ") AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" + chrome + ".0.0.0 " +
                      (p.mobile ? "Mobile " : "") + "Safari/537.36";
        break;
    }
    case SafariIos:
        p.family = "Safari";
        p.version = "17." + safariMinor;
        p.os = "iOS";
        p.mobile = true;
        p.userAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_" + safariMinor +
                      " like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17." + safariMinor +
                      " Mobile/15E148 Safari/604.1";
        break;
    case SafariMac:
        p.family = "Safari";
        p.version = "17." + safariMinor;
        p.os = "macOS";
        p.userAgent =
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17." +
            safariMinor + " Safari/605.1.15";
        break;
    case FirefoxWin:
    case FirefoxMac:
        p.family = "Firefox";
        p.version = firefox;
        p.os = kind == FirefoxWin ? "Windows" : "macOS";
        p.userAgent =
            std::string("Mozilla/5.0 (") +
            (kind == FirefoxWin ? "Windows NT 10.0; Win64; x64" : "Macintosh; Intel Mac OS X 10.15") +
            "; rv:" + firefox + ".0) Gecko/20100101 Firefox/" + firefox + ".0";
        break;
    case EdgeWin:
        p.family = "Edge";
        p.version = chrome;
        p.os = "Windows";
        p.userAgent =
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/" +
            chrome + ".0.0.0 Safari/537.36 Edg/" + chrome + ".0.0.0";
        break;
    }
    return p;
}

const Country& pickCountry(DemoRandom& rng)
{
    std::array<double, kCountries.size()> weights{};
    for (std::size_t i = 0; i < kCountries.size(); ++i)
        weights[i] = kCountries[i].weight;
    return kCountries[rng.weighted(weights)].c;
}

int pickProduct(DemoRandom& rng)
{
    // Inverse-transform sample of a Pareto-like rank distribution over 500 products.
    const double u = rng.uniform();
    const int rank = int(std::pow(500.0, u)) - 1; // rank 0 is by far the most popular
    return 10001 + rank * 37 % 500 * 2;           // scatter ids so popular ones are not consecutive
}

std::string_view pickSearchTerm(DemoRandom& rng)
{
    return rng.pick(kSearchTerms);
}

} // namespace seam::demo
