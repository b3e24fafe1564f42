#pragma once

// The shop's backend: builds the distributed trace of one request that reaches the gateway, with
// realistic call graphs (SERVER span in the callee, CLIENT span in the caller), database and cache
// client spans, log-normal latencies, errors, error logs and the backend incidents.

#include "DemoCatalog.h"
#include "DemoWorld.h"

#include <array>
#include <functional>
#include <string>
#include <vector>

namespace seam::demo {

/// What the browser asks of the gateway.
enum class Endpoint
{
    PageHome,
    PageSearch,
    PageProduct,
    PageCart,
    PageCheckout,
    PageConfirmation,
    ApiProduct,
    ApiRecommendations,
    ApiCart,
    ApiCartAdd,
    ApiSearch,
    ApiCheckout,
};

struct BackendRequest
{
    Endpoint endpoint = Endpoint::PageHome;
    std::string_view method = "GET";
    std::string route;  // the gateway's route template, e.g. "/api/products/{id}"
    std::string target; // path and query as requested, e.g. "/api/products/10023"
    std::string_view userAgent;
    int productId = 0;
    std::string_view searchTerm;
    std::string_view context; // recommendations: "home", "product", "cart"
    double orderValue = 0;    // checkout: the basket's value, on the order the call places
};

/// Where a call enters a service: the trace, the calling span (0 = none) and when it arrives.
struct Hop
{
    TraceId trace;
    SpanId parent = 0;
    TimeNs start = 0;
};

struct Outcome
{
    TimeNs end = 0;
    int status = 200;
    SpanId span = 0;
};

class DemoBackend
{
public:
    explicit DemoBackend(DemoWorld& world);

    /// Serves one browser request: the gateway SERVER span starting at hop.start and everything below.
    Outcome serve(DemoRandom& rng, const BackendRequest& request, const Hop& hop);

private:
    // OTLP severity numbers, for the primitives' logs and the handlers' alike.
    static constexpr int kSeverityInfo = 9;
    static constexpr int kSeverityWarn = 13;
    static constexpr int kSeverityError = 17;

    struct Instance
    {
        ResourceHandle resource = 0;
        bool badDeploy = false;
    };
    struct ServiceState
    {
        std::vector<Instance> instances;
        std::vector<Instance> badInstances; // catalog 2.8.0 pods during the deploy incident
        std::array<ScopeHandle, kScopeRoleCount> scopes{};
    };

    /// A server span in progress. Calls made from it advance `now`.
    struct Ctx
    {
        DemoRandom& rng;
        Service service;
        const Instance& instance;
        TraceId trace;
        SpanId span;
        TimeNs now;
        // An error raised by the handler itself (rather than propagated from a call).
        std::string errorType, errorMessage, errorStack;
        // Numeric business attributes the handler adds to its SERVER span (e.g. order.value).
        std::vector<std::pair<std::string, double>> values;
    };
    using Handler = std::function<int(Ctx&)>;

    Outcome server(DemoRandom& rng, Service service, std::string_view method, std::string_view route,
                   std::string_view target, const Hop& hop, const Handler& handler,
                   std::string_view userAgent = {});
    /// An HTTP call from ctx's service to `callee` (CLIENT span + callee's SERVER span). Returns the
    /// status the caller saw; 504 when the call outlived timeoutMs (0 = no timeout).
    int call(Ctx& ctx, Service callee, std::string_view method, std::string_view route,
             std::string_view target, const Handler& handler, double timeoutMs = 0);
    void sql(Ctx& ctx, std::string_view db, std::string_view operation, std::string_view table,
             std::string_view statement, double durationMs);
    void redis(Ctx& ctx, std::string_view operation, std::string_view key, double durationMs);
    void elasticsearch(Ctx& ctx, std::string_view index, double durationMs);
    int psp(Ctx& ctx);
    /// Runs the branches concurrently (same fork time); ctx.now ends at the slowest branch.
    void parallel(Ctx& ctx, std::initializer_list<std::function<void(Ctx&)>> branches);
    void log(Ctx& ctx, int severity, std::string_view body, std::string_view exceptionType = {});

    int bff(Ctx& ctx, const BackendRequest& request);
    int catalogProduct(Ctx& ctx, int productId);
    int catalogBatch(Ctx& ctx, int count);
    int catalogFeatured(Ctx& ctx);
    int recommendations(Ctx& ctx, std::string_view context);
    int search(Ctx& ctx, std::string_view term);
    int cartGet(Ctx& ctx);
    int cartAdd(Ctx& ctx, int productId);
    int checkoutSession(Ctx& ctx);
    int checkoutPlace(Ctx& ctx, double orderValue);
    int orderGet(Ctx& ctx);
    int paymentIntent(Ctx& ctx);
    int paymentCharge(Ctx& ctx);
    void lockPaymentAccount(Ctx& ctx);
    int stock(Ctx& ctx, int productId);
    int reserve(Ctx& ctx);
    int price(Ctx& ctx, int productId);

    const Instance& pickInstance(DemoRandom& rng, Service service, TimeNs t) const;
    void registerServices();
    SpanId nextSpanId(DemoRandom& rng);
    otlp::trace::v1::Span* newSpan(const Ctx& ctx, ScopeRole role);

    DemoWorld& m_world;
    std::array<ServiceState, kServiceCount> m_services;
};

} // namespace seam::demo
