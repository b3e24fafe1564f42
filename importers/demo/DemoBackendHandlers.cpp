// What each operation of the shop does: which services it calls, what it queries, how long it takes
// and how it fails (the incidents included). Written in the span primitives of DemoBackend.cpp.

#include "DemoBackend.h"

#include <cmath>

namespace seam::demo {

// --- Handlers, one per operation. Latency medians are what such services show in production. ---

int DemoBackend::bff(Ctx& c, const BackendRequest& r)
{
    const auto upstream = [](int status) { return status >= 500 ? (status == 504 ? 504 : 502) : status; };
    const std::string id = std::to_string(r.productId);
    switch (r.endpoint) {
    case Endpoint::PageHome:
        // Featured items and recommendations are optional: the page renders without them.
        parallel(c, {[&](Ctx& x) {
                         call(
                             x, Service::Catalog, "GET", "/products/featured", "/products/featured",
                             [&](Ctx& y) { return catalogFeatured(y); }, 800);
                     },
                     [&](Ctx& x) {
                         call(
                             x, Service::Recommendations, "GET", "/recommendations",
                             "/recommendations?context=home",
                             [&](Ctx& y) { return recommendations(y, "home"); }, 800);
                     }});
        c.now += ms(c.rng.logNormal(14, 0.35)); // server-side rendering
        return 200;
    case Endpoint::PageSearch:
    case Endpoint::PageProduct:
    case Endpoint::PageCart:
        // Server-rendered shells; the page's data comes from its fetch calls.
        redis(c, "GET", "session:{sid}", c.rng.logNormalClamped(0.45, 0.4, 0.1, 20));
        c.now += ms(c.rng.logNormal(9, 0.35));
        return 200;
    case Endpoint::PageCheckout: {
        const int status = call(c, Service::Checkout, "GET", "/checkout/session", "/checkout/session",
                                [&](Ctx& y) { return checkoutSession(y); });
        c.now += ms(c.rng.logNormal(11, 0.35));
        return upstream(status);
    }
    case Endpoint::PageConfirmation: {
        const int status = call(c, Service::Checkout, "GET", "/orders/{id}", "/orders/" + id,
                                [&](Ctx& y) { return orderGet(y); });
        c.now += ms(c.rng.logNormal(9, 0.35));
        return upstream(status);
    }
    case Endpoint::ApiProduct: {
        int status = 200;
        parallel(c, {[&](Ctx& x) {
                         status = call(x, Service::Catalog, "GET", "/products/{id}", "/products/" + id,
                                       [&](Ctx& y) { return catalogProduct(y, r.productId); });
                     },
                     [&](Ctx& x) {
                         call(x, Service::Pricing, "GET", "/prices/{id}", "/prices/" + id,
                              [&](Ctx& y) { return price(y, r.productId); });
                     },
                     [&](Ctx& x) {
                         call(x, Service::Inventory, "GET", "/stock/{id}", "/stock/" + id,
                              [&](Ctx& y) { return stock(y, r.productId); });
                     }});
        return upstream(status);
    }
    case Endpoint::ApiRecommendations:
        return upstream(call(c, Service::Recommendations, "GET", "/recommendations",
                             "/recommendations?context=" + std::string(r.context),
                             [&](Ctx& y) { return recommendations(y, r.context); }));
    case Endpoint::ApiCart:
        return upstream(call(c, Service::Cart, "GET", "/cart", "/cart", [&](Ctx& y) { return cartGet(y); }));
    case Endpoint::ApiCartAdd:
        return upstream(call(c, Service::Cart, "POST", "/cart/items", "/cart/items",
                             [&](Ctx& y) { return cartAdd(y, r.productId); }));
    case Endpoint::ApiSearch:
        return upstream(call(c, Service::Search, "GET", "/search", "/search?q=" + std::string(r.searchTerm),
                             [&](Ctx& y) { return search(y, r.searchTerm); }));
    case Endpoint::ApiCheckout:
        return upstream(call(c, Service::Checkout, "POST", "/checkout", "/checkout",
                             [&](Ctx& y) { return checkoutPlace(y, r.orderValue); }));
    }
    return 200;
}

namespace {
/// The coin is drawn on a bad instance even when the deploy is harmless, so that a counterfactual run
/// (DemoOptions::harmlessIncidents) draws exactly what the real one does.
bool failsAfterBadDeploy(DemoRandom& rng, bool badDeploy, bool harmful)
{
    return badDeploy && rng.chance(DemoIncidents::kBadCatalogErrorRate) && harmful;
}
constexpr std::string_view kCatalogNpe =
    "Cannot invoke \"com.shop.catalog.model.Price.amount()\" because the return value of "
    "\"com.shop.catalog.model.Product.getListPrice()\" is null";
constexpr std::string_view kCatalogNpeStack =
    "java.lang.NullPointerException: Cannot invoke \"com.shop.catalog.model.Price.amount()\" because the "
    "return "
    "value of \"com.shop.catalog.model.Product.getListPrice()\" is null\n"
    "\tat com.shop.catalog.api.ProductMapper.toDto(ProductMapper.java:61)\n"
    "\tat com.shop.catalog.api.ProductController.getProduct(ProductController.java:48)\n"
    "\tat "
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)\n"
    "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)";
} // namespace

int DemoBackend::catalogProduct(Ctx& c, int productId)
{
    const std::string id = std::to_string(productId);
    redis(c, "GET", "product:" + id, c.rng.logNormalClamped(0.4, 0.4, 0.1, 20));
    if (c.rng.chance(0.3)) { // cache miss
        sql(c, "catalog", "SELECT", "products",
            "SELECT id, sku, name, description, list_price_cents, currency, image_url FROM products WHERE id "
            "= $1",
            c.rng.logNormalClamped(2.5, 0.5, 0.5, 200));
        redis(c, "SET", "product:" + id, c.rng.logNormalClamped(0.35, 0.4, 0.1, 20));
    }
    if (failsAfterBadDeploy(c.rng, c.instance.badDeploy,
                            m_world.harms(m_world.incidents.catalogBadDeploy()))) {
        c.errorType = "java.lang.NullPointerException";
        c.errorMessage = kCatalogNpe;
        c.errorStack = kCatalogNpeStack;
        return 500;
    }
    return 200;
}

int DemoBackend::catalogBatch(Ctx& c, int count)
{
    sql(c, "catalog", "SELECT", "products",
        "SELECT id, sku, name, list_price_cents, currency, image_url FROM products WHERE id = ANY($1)",
        c.rng.logNormalClamped(3.0 + 0.2 * count, 0.5, 0.5, 300));
    if (failsAfterBadDeploy(c.rng, c.instance.badDeploy,
                            m_world.harms(m_world.incidents.catalogBadDeploy()))) {
        c.errorType = "java.lang.NullPointerException";
        c.errorMessage = kCatalogNpe;
        c.errorStack = kCatalogNpeStack;
        return 500;
    }
    return 200;
}

int DemoBackend::catalogFeatured(Ctx& c)
{
    redis(c, "GET", "featured:home", c.rng.logNormalClamped(0.4, 0.4, 0.1, 20));
    if (failsAfterBadDeploy(c.rng, c.instance.badDeploy,
                            m_world.harms(m_world.incidents.catalogBadDeploy()))) {
        c.errorType = "java.lang.NullPointerException";
        c.errorMessage = kCatalogNpe;
        c.errorStack = kCatalogNpeStack;
        return 500;
    }
    return 200;
}

int DemoBackend::recommendations(Ctx& c, std::string_view context)
{
    redis(c, "GET", "reco:features:" + std::string(context), c.rng.logNormalClamped(0.6, 0.4, 0.1, 20));
    // Candidate details fetched in parallel shards; a failing shard degrades the list, not the call.
    bool degraded = false;
    parallel(c, {[&](Ctx& x) {
                     degraded |= call(x, Service::Catalog, "GET", "/products", "/products?ids=batch-a",
                                      [&](Ctx& y) { return catalogBatch(y, 6); }) >= 500;
                 },
                 [&](Ctx& x) {
                     degraded |= call(x, Service::Catalog, "GET", "/products", "/products?ids=batch-b",
                                      [&](Ctx& y) { return catalogBatch(y, 6); }) >= 500;
                 }});
    if (degraded)
        log(c, kSeverityWarn, "serving fallback recommendations: catalog unavailable");
    return 200;
}

int DemoBackend::search(Ctx& c, std::string_view term)
{
    elasticsearch(c, "products", c.rng.logNormalClamped(22, 0.5, 4, 1500));
    (void)term;
    return call(c, Service::Catalog, "GET", "/products", "/products?ids=search",
                [&](Ctx& y) { return catalogBatch(y, 24); }) >= 500
               ? 502
               : 200;
}

int DemoBackend::cartGet(Ctx& c)
{
    redis(c, "HGETALL", "cart:{session}", c.rng.logNormalClamped(0.5, 0.4, 0.1, 20));
    return 200;
}

int DemoBackend::cartAdd(Ctx& c, int productId)
{
    const int status =
        call(c, Service::Inventory, "GET", "/stock/{id}", "/stock/" + std::to_string(productId),
             [&](Ctx& y) { return stock(y, productId); });
    if (status >= 500)
        return 502;
    redis(c, "HSET", "cart:{session}", c.rng.logNormalClamped(0.5, 0.4, 0.1, 20));
    return 201;
}

int DemoBackend::stock(Ctx& c, int productId)
{
    (void)productId;
    sql(c, "inventory", "SELECT", "stock", "SELECT available, reserved FROM stock WHERE sku = $1",
        c.rng.logNormalClamped(1.4, 0.5, 0.3, 150));
    return 200;
}

int DemoBackend::reserve(Ctx& c)
{
    sql(c, "inventory", "UPDATE", "stock",
        "UPDATE stock SET reserved = reserved + $1 WHERE sku = $2 AND available - reserved >= $1",
        c.rng.logNormalClamped(2.2, 0.5, 0.4, 200));
    return 200;
}

int DemoBackend::price(Ctx& c, int productId)
{
    redis(c, "GET", "price:" + std::to_string(productId), c.rng.logNormalClamped(0.35, 0.4, 0.1, 20));
    return 200;
}

// Checkout gives payments 3 s; during the lock incident the slowest calls run out of it.
constexpr double kPaymentsTimeoutMs = 3000;

int DemoBackend::checkoutSession(Ctx& c)
{
    call(c, Service::Cart, "GET", "/cart", "/cart", [&](Ctx& y) { return cartGet(y); });
    const int status = call(
        c, Service::Payments, "POST", "/payment-intents", "/payment-intents",
        [&](Ctx& y) { return paymentIntent(y); }, kPaymentsTimeoutMs);
    if (status == 504) {
        c.errorType = "com.shop.checkout.PaymentTimeoutException";
        c.errorMessage = "payment intent not created within 3000 ms";
        c.errorStack =
            "com.shop.checkout.PaymentTimeoutException: payment intent not created within 3000 ms\n"
            "\tat com.shop.checkout.PaymentClient.createIntent(PaymentClient.java:77)\n"
            "\tat com.shop.checkout.SessionController.session(SessionController.java:39)";
        return 504;
    }
    return status >= 500 ? 502 : 200;
}

int DemoBackend::checkoutPlace(Ctx& c, double orderValue)
{
    if (call(c, Service::Cart, "GET", "/cart", "/cart", [&](Ctx& y) { return cartGet(y); }) >= 500)
        return 502;
    if (call(c, Service::Inventory, "POST", "/reservations", "/reservations",
             [&](Ctx& y) { return reserve(y); }) >= 500)
        return 502;
    const int status = call(
        c, Service::Payments, "POST", "/charges", "/charges", [&](Ctx& y) { return paymentCharge(y); },
        kPaymentsTimeoutMs);
    if (status == 504) {
        c.errorType = "com.shop.checkout.PaymentTimeoutException";
        c.errorMessage = "payment authorization not completed within 3000 ms";
        c.errorStack =
            "com.shop.checkout.PaymentTimeoutException: payment authorization not completed within "
            "3000 ms\n"
            "\tat com.shop.checkout.PaymentClient.charge(PaymentClient.java:112)\n"
            "\tat com.shop.checkout.CheckoutController.placeOrder(CheckoutController.java:64)";
        return 504;
    }
    if (status == 402) {
        log(c, kSeverityInfo, "payment declined by PSP");
        return 402;
    }
    if (status >= 500)
        return 502;
    sql(c, "orders", "INSERT", "orders",
        "INSERT INTO orders (id, customer_id, total_cents, currency, status) VALUES ($1, $2, $3, $4, "
        "'placed')",
        c.rng.logNormalClamped(3.0, 0.5, 0.5, 300));
    log(c, kSeverityInfo, "order placed");
    // The order's value (a conversion's revenue for `seam impact --revenue-attribute order.value`): the
    // session's basket (nextOrderValue), not a draw here, so the rest of the demo is unchanged.
    c.values.emplace_back("order.value", orderValue);
    return 201;
}

int DemoBackend::orderGet(Ctx& c)
{
    sql(c, "orders", "SELECT", "orders",
        "SELECT id, status, total_cents, currency, created_at FROM orders WHERE id = $1",
        c.rng.logNormalClamped(1.6, 0.5, 0.3, 200));
    return 200;
}

void DemoBackend::lockPaymentAccount(Ctx& c)
{
    double durationMs = c.rng.logNormalClamped(1.8, 0.5, 0.4, 120);
    const Incident& lock = m_world.incidents.paymentsDbLock();
    if (lock.contains(c.now) && c.rng.chance(0.92)) {
        const double wait = c.rng.uniform(1500, 4000); // waiting behind a long-running batch transaction
        if (m_world.harms(lock))
            durationMs = wait;
    }
    sql(c, "payments", "SELECT", "payment_accounts",
        "SELECT id, customer_id, balance_hold_cents, version FROM payment_accounts WHERE customer_id = $1 "
        "FOR "
        "UPDATE",
        durationMs);
    if (durationMs > 1000)
        log(c, kSeverityWarn,
            "slow query: lock wait on payment_accounts took " + std::to_string(int(durationMs)) + " ms");
}

int DemoBackend::paymentIntent(Ctx& c)
{
    lockPaymentAccount(c);
    sql(c, "payments", "INSERT", "payment_intents",
        "INSERT INTO payment_intents (id, account_id, amount_cents, currency, status) VALUES ($1, $2, $3, "
        "$4, "
        "'created')",
        c.rng.logNormalClamped(2.0, 0.5, 0.4, 200));
    return 201;
}

int DemoBackend::paymentCharge(Ctx& c)
{
    lockPaymentAccount(c);
    const int status = psp(c);
    if (status != 200)
        return status;
    sql(c, "payments", "UPDATE", "payment_accounts",
        "UPDATE payment_accounts SET balance_hold_cents = $1, version = version + 1 WHERE id = $2",
        c.rng.logNormalClamped(1.5, 0.5, 0.3, 200));
    sql(c, "payments", "INSERT", "charges",
        "INSERT INTO charges (id, intent_id, psp_reference, amount_cents, status) VALUES ($1, $2, $3, $4, "
        "'succeeded')",
        c.rng.logNormalClamped(2.0, 0.5, 0.4, 200));
    return 201;
}

} // namespace seam::demo
