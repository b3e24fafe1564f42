#include "DemoIncidents.h"

namespace seam::demo {

DemoIncidents::DemoIncidents(TimeNs windowStart, TimeNs windowEnd)
{
    const double window = double(windowEnd - windowStart);
    const auto at = [&](double minuteOf30) { return windowStart + TimeNs(window * minuteOf30 / 30.0); };

    Incident lock;
    lock.id = "payments-db-lock";
    lock.kind = "backend-latency";
    lock.service = "payments";
    lock.operation = "SELECT payment_accounts";
    lock.start = at(8);
    lock.end = at(14);
    lock.affectedRoutes = {"/checkout"};
    lock.description =
        "Row lock contention on payment_accounts: payments' SELECT ... FOR UPDATE waits 1.5-4 s, "
        "so POST /api/checkout and the /checkout page (which creates a payment intent) are "
        "slow; calls over checkout's 3 s budget time out with 504.";
    lock.details = {{"db.system", "postgresql"}, {"timeout_status", "504"}};

    Incident deploy;
    deploy.id = "catalog-bad-deploy";
    deploy.kind = "backend-errors";
    deploy.service = "catalog";
    deploy.operation = "GET /products/{id}";
    deploy.start = at(17);
    deploy.end = at(21);
    deploy.affectedRoutes = {"/product/:id"};
    deploy.description = "catalog 2.8.0 replaced 2.7.3 on all instances and fails about 25% of requests with "
                         "500; product pages show \"Failed to load product\" errors until the rollback.";
    deploy.details = {{"version", std::string(kBadCatalogVersion)}, {"previous_version", "2.7.3"}};

    Incident hero;
    hero.id = "safari-hero-image";
    hero.kind = "frontend-resource";
    hero.service = "shop-web";
    hero.operation = "resourceFetch hero-4k.webp";
    hero.start = at(23);
    hero.end = at(29);
    hero.affectedRoutes = {"/"};
    hero.description =
        "A CDN image rule serves the home page hero as an 8-12 MB 4K original to Safari, which "
        "downloads it in full (3-6 s): home page loads are slow on Safari only; the backend is not "
        "at fault.";
    hero.details = {{"browser", "Safari"}, {"resource", "/assets/img/hero-4k.webp"}};

    m_incidents = {std::move(lock), std::move(deploy), std::move(hero)};
}

} // namespace seam::demo
