#pragma once

// One visitor's session and the journey model that decides where they go next.

#include "DemoCatalog.h"
#include "DemoOtlp.h"

#include <optional>
#include <string>

namespace seam::demo {

enum class Page
{
    Home,
    Search,
    Product,
    Cart,
    Checkout,
    Confirmation
};

struct DemoSession
{
    /// Each session draws from its own stream, so a session's data does not depend on how the
    /// generator interleaves it with the others.
    DemoSession(int index, std::uint64_t seed, TimeNs start);

    int index;
    /// Seeds the values of the session's orders. Not drawn from `rng`: an order keeps its value in a
    /// counterfactual run (DemoOptions::harmlessIncidents) where the harm changed the draws before it,
    /// so the revenue an incident cost is the value of the orders it prevented, not of re-drawn ones.
    std::uint64_t basketSeed;
    DemoRandom rng;
    std::string sessionId; // 32 hex digits, as the OTel web session processor makes them
    std::string userId;    // empty: anonymous
    BrowserProfile browser;
    const Country* country;
    std::string appVersion;
    TimeNs clockSkew; // browser clock minus true time
    ResourceHandle resource = 0;

    // Journey state.
    TimeNs nextStart;
    Page page = Page::Home;
    int views = 0;
    int productId = 0;
    std::string searchTerm;
    std::string previousUrl;
    int ordersPlaced = 0; ///< POST /api/checkout calls so far (the n-th order's value is fixed)
};

/// The value of the session's next order: 15.00 .. 314.99, skewed low like basket sizes, a function
/// of the session and of how many orders it placed before.
double nextOrderValue(const DemoSession& s);

/// What happened on a page, as far as the journey cares.
struct PageResult
{
    TimeNs leftAt = 0;          // true time the user navigates away (if they go on)
    bool productFailed = false; // the product could not be loaded
    int checkoutStatus = 0;     // status of POST /api/checkout, 0 if not placed
    bool placedOrder = false;   // the user clicked "Place order" on this page
};

/// Decides on the page the user opens after this one, before the page is generated (the page's
/// clicks depend on it: "Add to cart" only when they go on to the cart). nullopt: the session ends.
std::optional<Page> plannedNext(DemoSession& s);
/// Revises the plan after the page happened (a failed product page or checkout changes minds).
std::optional<Page> revisedNext(DemoSession& s, std::optional<Page> planned, const PageResult& result);

/// Route template of a page, as the page-load table shows it (e.g. "/product/:id").
std::string_view pageRoute(Page page);

} // namespace seam::demo
