#include "DemoSession.h"

#include <array>
#include <span>

namespace seam::demo {

namespace {
constexpr int kMaxViews = 15;

std::string hex128(DemoRandom& rng)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out(32, '0');
    std::uint64_t a = rng.next(), b = rng.next();
    for (int i = 0; i < 16; ++i, a >>= 4, b >>= 4) {
        out[std::size_t(i)] = kDigits[a & 0xf];
        out[std::size_t(16 + i)] = kDigits[b & 0xf];
    }
    return out;
}
} // namespace

DemoSession::DemoSession(int i, std::uint64_t seed, TimeNs start)
    : index(i), basketSeed(seed ^ 0x6f72646572ULL), rng(seed), sessionId(hex128(rng)),
      browser(pickBrowser(rng)), country(&pickCountry(rng)), nextStart(start)
{
    if (rng.chance(0.55))
        userId = "u-" + std::to_string(rng.range(100000, 999999));
    // A tail of visitors still runs the previous release from their browser cache.
    appVersion = rng.chance(0.15) ? "4.1.3" : "4.2.0";
    // Browser clocks are NTP-synced to within a few ms usually, off by up to a few hundred ms sometimes.
    const double skewMs = rng.logNormalClamped(12, 1.1, 1, 200);
    clockSkew = TimeNs(skewMs * 1e6) * (rng.chance(0.5) ? 1 : -1);

    const std::size_t landing =
        rng.weighted({60, 15, 25}); // home, search (from a search engine), product (ads)
    page = landing == 0 ? Page::Home : landing == 1 ? Page::Search : Page::Product;
    productId = pickProduct(rng);
    searchTerm = std::string(pickSearchTerm(rng));
}

std::optional<Page> plannedNext(DemoSession& s)
{
    if (s.views + 1 >= kMaxViews)
        return std::nullopt;
    using P = Page;
    struct Step
    {
        std::optional<Page> to;
        double weight;
    };
    const auto choose = [&](std::initializer_list<Step> steps) {
        std::array<double, 8> weights{};
        std::size_t n = 0;
        for (const auto& step : steps)
            weights[n++] = step.weight;
        const std::size_t i = s.rng.weighted(std::span(weights.data(), n));
        return (steps.begin() + i)->to;
    };
    switch (s.page) {
    case P::Home:
        return choose({{P::Search, 40}, {P::Product, 38}, {P::Cart, 5}, {std::nullopt, 12}});
    case P::Search:
        return choose({{P::Product, 68}, {P::Search, 12}, {P::Home, 4}, {std::nullopt, 12}});
    case P::Product:
        return choose({{P::Product, 26}, {P::Cart, 34}, {P::Search, 15}, {P::Home, 5}, {std::nullopt, 15}});
    case P::Cart:
        return choose({{P::Checkout, 62}, {P::Product, 14}, {P::Home, 6}, {std::nullopt, 16}});
    case P::Checkout:
        return choose({{P::Confirmation, 80}, {P::Cart, 7}, {std::nullopt, 13}});
    case P::Confirmation:
        return choose({{P::Home, 25}, {std::nullopt, 75}});
    }
    return std::nullopt;
}

std::optional<Page> revisedNext(DemoSession& s, std::optional<Page> planned, const PageResult& result)
{
    if (result.productFailed) {
        // Reload once in a while, otherwise look elsewhere or give up.
        const std::size_t i = s.rng.weighted({25, 20, 15, 40});
        return i == 0   ? std::optional(Page::Product)
               : i == 1 ? std::optional(Page::Search)
               : i == 2 ? std::optional(Page::Home)
                        : std::nullopt;
    }
    if (result.placedOrder && result.checkoutStatus >= 400) {
        // A failed order: some try again (reloading checkout), most leave.
        return s.rng.chance(0.4) && s.views + 1 < kMaxViews ? std::optional(Page::Checkout) : std::nullopt;
    }
    return planned;
}

std::string_view pageRoute(Page page)
{
    switch (page) {
    case Page::Home:
        return "/";
    case Page::Search:
        return "/search";
    case Page::Product:
        return "/product/:id";
    case Page::Cart:
        return "/cart";
    case Page::Checkout:
        return "/checkout";
    case Page::Confirmation:
        return "/checkout/confirmation";
    }
    return "/";
}

double nextOrderValue(const DemoSession& s)
{
    std::uint64_t state = s.basketSeed + std::uint64_t(s.ordersPlaced);
    const double u = double(splitMix64(state) >> 11) * 0x1.0p-53;
    return std::round((15.0 + 300.0 * u * u) * 100.0) / 100.0;
}

} // namespace seam::demo
