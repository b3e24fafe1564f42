#include "DemoBrowser.h"

#include <algorithm>

namespace seam::demo {

namespace {

using Span = otlp::trace::v1::Span;

std::string_view statusText(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 402:
        return "Payment Required";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 504:
        return "Gateway Timeout";
    }
    return "";
}

std::string browserLanguage(std::string_view iso)
{
    if (iso == "US")
        return "en-US";
    if (iso == "GB")
        return "en-GB";
    if (iso == "SE")
        return "sv-SE";
    if (iso == "JP")
        return "ja-JP";
    if (iso == "BR")
        return "pt-BR";
    std::string lang{char(iso[0] - 'A' + 'a'), char(iso[1] - 'A' + 'a')};
    return lang + "-" + std::string(iso);
}

/// A stack trace line in the browser's own format (V8 vs. JavaScriptCore/SpiderMonkey).
std::string stackFrame(const BrowserProfile& b, std::string_view function, std::string_view file, int column)
{
    const std::string location =
        std::string(kShopOrigin) + "/assets/" + std::string(file) + ":1:" + std::to_string(column);
    if (b.family == "Chrome" || b.family == "Edge")
        return "    at " + std::string(function) + " (" + location + ")\n";
    return std::string(function) + "@" + location + "\n";
}

std::string stackTrace(const BrowserProfile& b, std::string_view type, std::string_view message,
                       std::string_view appBundle,
                       std::initializer_list<std::pair<std::string_view, int>> frames)
{
    std::string out;
    if (b.family == "Chrome" || b.family == "Edge")
        out = std::string(type) + ": " + std::string(message) + "\n";
    for (const auto& [function, column] : frames)
        out += stackFrame(b, function, appBundle, column);
    if (!out.empty() && out.back() == '\n')
        out.pop_back();
    return out;
}

// Per page: the images it shows, besides the shared CSS, JS and fonts.
struct Asset
{
    std::string path;
    std::int64_t bytes;
};

} // namespace

DemoBrowser::DemoBrowser(DemoWorld& world, DemoBackend& backend)
    : m_world(world), m_backend(backend),
      m_documentLoadScope(world.chunk.addScope("@opentelemetry/instrumentation-document-load", "0.44.0")),
      m_fetchScope(world.chunk.addScope("@opentelemetry/instrumentation-fetch", "0.57.0")),
      m_userInteractionScope(
          world.chunk.addScope("@opentelemetry/instrumentation-user-interaction", "0.44.0")),
      m_longTaskScope(world.chunk.addScope("@opentelemetry/instrumentation-long-task", "0.44.0"))
{}

void DemoBrowser::startSession(DemoSession& s)
{
    otlp::resource::v1::Resource r;
    auto* a = r.mutable_attributes();
    addString(a, "service.name", "shop-web");
    addString(a, "service.namespace", "shop");
    addString(a, "service.version", s.appVersion);
    addString(a, "deployment.environment.name", "production");
    addString(a, "telemetry.sdk.language", "webjs");
    addString(a, "telemetry.sdk.name", "opentelemetry");
    addString(a, "telemetry.sdk.version", "1.30.0");
    addString(a, "user_agent.original", s.browser.userAgent);
    addString(a, "browser.platform", s.browser.os);
    addBool(a, "browser.mobile", s.browser.mobile);
    addString(a, "browser.language", browserLanguage(s.country->isoCode));
    // Added by the collector's geoip processor from the client address.
    addString(a, "geo.country.iso_code", s.country->isoCode);
    s.resource = m_world.chunk.addResource(std::move(r));
    ++m_world.stats.sessions;
}

TraceId DemoBrowser::newTraceId(DemoRandom& rng)
{
    std::uint64_t hi = 0, lo = 0;
    while (hi == 0 && lo == 0) {
        hi = rng.next();
        lo = rng.next();
    }
    return TraceId::fromHalves(hi, lo);
}

SpanId DemoBrowser::newSpanId(DemoRandom& rng)
{
    SpanId id = 0;
    while (id == 0)
        id = rng.next();
    return id;
}

Span* DemoBrowser::newSpan(DemoSession& s, ScopeHandle scope)
{
    ++m_world.stats.spans;
    ++m_world.stats.browserSpans;
    return m_world.chunk.newSpan(s.resource, scope);
}

void DemoBrowser::addSessionAttributes(const DemoSession& s, Span* span)
{
    // What a session span processor in the app adds to every span.
    addString(span->mutable_attributes(), "session.id", s.sessionId);
    if (!s.userId.empty())
        addString(span->mutable_attributes(), "user.id", s.userId);
}

PageResult DemoBrowser::pageView(DemoSession& s, std::optional<Page> next)
{
    DemoRandom& rng = s.rng;
    const TimeNs t0 = s.nextStart; // navigation start, true time
    const bool firstView = s.views == 0;
    ++s.views;
    ++m_world.stats.pageLoads;
    const BrowserProfile& b = s.browser;
    const Network net{
        s.country->rttMs * (b.mobile ? 1.5 : 1.0) * rng.logNormalClamped(1.0, 0.2, 0.6, 3.0),
        (b.mobile ? rng.logNormalClamped(14, 0.6, 1.5, 150) : rng.logNormalClamped(45, 0.6, 4, 500)) *
            125.0, // Mbit/s to bytes/ms
        (b.mobile ? 2.2 : 1.0) * rng.logNormalClamped(1.0, 0.25, 0.6, 3.0)};

    // --- The document request, served by the backend (its trace is the page load's trace). ---
    BackendRequest doc;
    std::string path;
    const std::string product = std::to_string(s.productId);
    switch (s.page) {
    case Page::Home:
        doc.endpoint = Endpoint::PageHome, doc.route = "/", path = "/";
        break;
    case Page::Search:
        doc.endpoint = Endpoint::PageSearch, doc.route = "/search", path = "/search?q=" + s.searchTerm;
        break;
    case Page::Product:
        doc.endpoint = Endpoint::PageProduct, doc.route = "/product/{id}", path = "/product/" + product;
        break;
    case Page::Cart:
        doc.endpoint = Endpoint::PageCart, doc.route = "/cart", path = "/cart";
        break;
    case Page::Checkout:
        doc.endpoint = Endpoint::PageCheckout, doc.route = "/checkout", path = "/checkout";
        break;
    case Page::Confirmation: {
        doc.productId = int(rng.range(4000000, 4999999)); // the order number
        doc.endpoint = Endpoint::PageConfirmation, doc.route = "/checkout/confirmation";
        path = "/checkout/confirmation?order=" + std::to_string(doc.productId);
        break;
    }
    }
    if (doc.productId == 0)
        doc.productId = s.productId;
    doc.target = path;
    doc.userAgent = b.userAgent;
    doc.searchTerm = s.searchTerm;
    const PageContext page{s,
                           t0,
                           firstView,
                           net,
                           product,
                           path,
                           std::string(kShopOrigin) + path,
                           s.appVersion == "4.2.0" ? "3f9c2a1b" : "8e1d7c40"};

    const DocumentTimeline timeline = loadDocument(page, doc);
    Span* documentLoad = emitDocumentSpans(page, timeline);
    // A rendering bug in the product detail bundle hits now and then, in every browser's words.
    if (rng.chance(0.012)) {
        const std::string_view message =
            b.family == "Safari"    ? "undefined is not an object (evaluating 'product.variants.length')"
            : b.family == "Firefox" ? "product.variants is undefined"
                                    : "Cannot read properties of undefined (reading 'variants')";
        const std::string bundleFile = "app." + page.bundle + ".js";
        recordException(
            documentLoad, browserTime(s, page.at(timeline.dclStart + rng.uniform(1, 20))), "TypeError",
            message,
            stackTrace(b, "TypeError", message, bundleFile,
                       {{"VariantPicker.render", 73421}, {"renderComponent", 18844}, {"hydrate", 20417}}));
        ++m_world.stats.jsErrors;
        ++m_world.stats.errorSpans;
    }
    const bool alreadyFailed = documentLoad->status().code() == otlp::trace::v1::Status::STATUS_CODE_ERROR;
    if (timeline.served.status >= 500) {
        const std::string message = "Page unavailable: " + std::to_string(timeline.served.status) + " " +
                                    std::string(statusText(timeline.served.status));
        recordException(documentLoad, browserTime(s, page.at(timeline.dclEnd)), "Error", message,
                        stackTrace(b, "Error", message, "app." + page.bundle + ".js", {{"bootstrap", 1022}}));
        ++m_world.stats.jsErrors;
        m_world.stats.errorSpans += alreadyFailed ? 0 : 1;
    }

    // --- Long tasks while the app hydrates. The long-task instrumentation reports one span per
    // PerformanceLongTaskTiming entry with its duration in ms as `longtask.duration`. ---
    if (rng.chance(b.mobile ? 0.6 : 0.3)) {
        const int count = int(rng.range(1, 3));
        for (int i = 0; i < count; ++i) {
            // One draw per statement: argument evaluation order is unspecified, the output must not be.
            const double at =
                timeline.domInteractive + rng.uniform(0, timeline.dclEnd - timeline.domInteractive + 400);
            longTask(s, page.at(at), rng.logNormalClamped(85, 0.5, 51, 1500) * net.cpu);
        }
    }

    PageResult result;
    const double lastActivity = appCalls(page, timeline, result);
    userActions(page, timeline, next, std::max(timeline.loadEventEnd, lastActivity), result);
    return result;
}

double DemoBrowser::appCalls(const PageContext& page, const DocumentTimeline& doc, PageResult& result)
{
    DemoSession& s = page.s;
    DemoRandom& rng = s.rng;
    const BrowserProfile& b = s.browser;
    const Network& net = page.net;
    double lastActivity = 0;

    // --- The app's data calls, issued together once the app has booted. ---
    struct Call
    {
        Endpoint endpoint;
        std::string_view route;
        std::string target;
        std::string_view context;
    };
    std::vector<Call> calls;
    switch (s.page) {
    case Page::Home:
        calls = {{Endpoint::ApiRecommendations, "/api/recommendations", "/api/recommendations?context=home",
                  "home"},
                 {Endpoint::ApiCart, "/api/cart", "/api/cart", {}}};
        break;
    case Page::Search:
        calls = {{Endpoint::ApiSearch, "/api/search", "/api/search?q=" + s.searchTerm, {}},
                 {Endpoint::ApiCart, "/api/cart", "/api/cart", {}}};
        break;
    case Page::Product:
        calls = {{Endpoint::ApiProduct, "/api/products/{id}", "/api/products/" + page.product, {}},
                 {Endpoint::ApiRecommendations, "/api/recommendations",
                  "/api/recommendations?context=product&product=" + page.product, "product"},
                 {Endpoint::ApiCart, "/api/cart", "/api/cart", {}}};
        break;
    case Page::Cart:
        calls = {{Endpoint::ApiCart, "/api/cart", "/api/cart", {}},
                 {Endpoint::ApiRecommendations, "/api/recommendations", "/api/recommendations?context=cart",
                  "cart"}};
        break;
    case Page::Checkout:
        if (doc.served.status < 500)
            calls = {{Endpoint::ApiCart, "/api/cart", "/api/cart", {}}};
        break;
    case Page::Confirmation:
        break;
    }
    double callStart = doc.dclEnd + rng.uniform(3, 25) * net.cpu;
    for (const Call& call : calls) {
        BackendRequest request;
        request.endpoint = call.endpoint;
        request.route = std::string(call.route);
        request.target = call.target;
        request.userAgent = b.userAgent;
        request.productId = s.productId;
        request.searchTerm = s.searchTerm;
        request.context = call.context;
        const FetchResult f = fetch(s, net, page.at(callStart), "GET", request, nullptr, 0);
        lastActivity = std::max(lastActivity, page.offsetOf(f.end));
        if (call.endpoint == Endpoint::ApiProduct && f.status >= 500) {
            // The product page cannot render without its product: the app reports and shows an
            // error.
            const std::string message = "Failed to load product " + page.product + ": " +
                                        std::to_string(f.status) + " " + std::string(statusText(f.status));
            recordException(f.proto, browserTime(s, f.end) - ms(0.2), "Error", message,
                            stackTrace(b, "Error", message, "app." + page.bundle + ".js",
                                       {{"loadProduct", 48213}, {"ProductPage.mount", 51877}}));
            ++m_world.stats.jsErrors;
            result.productFailed = true;
        }
        callStart += rng.uniform(0.2, 3);
    }
    return lastActivity;
}

void DemoBrowser::userActions(const PageContext& page, const DocumentTimeline& doc, std::optional<Page> next,
                              double lastActivity, PageResult& result)
{
    DemoSession& s = page.s;
    DemoRandom& rng = s.rng;
    const BrowserProfile& b = s.browser;
    const Network& net = page.net;

    // --- What the user does before leaving. ---
    if (s.page == Page::Product && next == Page::Cart && !result.productFailed) {
        const double clickAt = lastActivity + rng.logNormalClamped(6000, 0.6, 800, 60000);
        const auto [trace, clickId] = std::pair{newTraceId(rng), newSpanId(rng)};
        ++m_world.stats.traces;
        BackendRequest request;
        request.endpoint = Endpoint::ApiCartAdd;
        request.method = "POST";
        request.route = "/api/cart/items";
        request.target = "/api/cart/items";
        request.userAgent = b.userAgent;
        request.productId = s.productId;
        const FetchResult f =
            fetch(s, net, page.at(clickAt + rng.uniform(2, 15) * net.cpu), "POST", request, &trace, clickId);
        const double clickEnd = page.offsetOf(f.end) + rng.uniform(1, 10) * net.cpu;
        clickSpanWith(s, trace, clickId, page.at(clickAt), page.at(clickEnd), "add-to-cart", page.url);
        lastActivity = clickEnd + rng.uniform(20, 80);
        result.leftAt = page.at(lastActivity);
        return;
    }
    if (s.page == Page::Checkout && next == Page::Confirmation) {
        result.placedOrder = true;
        if (doc.served.status >= 500) {
            result.checkoutStatus = doc.served.status;
        } else {
            const double clickAt = lastActivity + rng.logNormalClamped(18000, 0.5, 4000, 120000);
            const auto [trace, clickId] = std::pair{newTraceId(rng), newSpanId(rng)};
            ++m_world.stats.traces;
            BackendRequest request;
            request.endpoint = Endpoint::ApiCheckout;
            request.method = "POST";
            request.route = "/api/checkout";
            request.target = "/api/checkout";
            request.userAgent = b.userAgent;
            request.orderValue = nextOrderValue(s);
            const FetchResult f = fetch(s, net, page.at(clickAt + rng.uniform(2, 15) * net.cpu), "POST",
                                        request, &trace, clickId);
            result.checkoutStatus = f.status;
            if (f.status < 400)
                ++s.ordersPlaced; // a retry after a failure carries the same basket
            if (f.status >= 400) {
                const std::string message =
                    "Checkout failed: " + std::to_string(f.status) + " " + std::string(statusText(f.status));
                recordException(f.proto, browserTime(s, f.end) - ms(0.2), "Error", message,
                                stackTrace(b, "Error", message, "app." + page.bundle + ".js",
                                           {{"placeOrder", 60931}, {"CheckoutForm.onSubmit", 62210}}));
                ++m_world.stats.jsErrors;
            }
            const double clickEnd = page.offsetOf(f.end) + rng.uniform(1, 10) * net.cpu;
            clickSpanWith(s, trace, clickId, page.at(clickAt), page.at(clickEnd), "place-order", page.url);
            lastActivity = clickEnd + rng.uniform(20, 80);
            result.leftAt = page.at(lastActivity);
            return;
        }
    }
    if (rng.chance(0.3)) {
        // An interaction that needs no network: gallery, size picker, cookie banner.
        static constexpr std::string_view kButtons[] = {"gallery-next", "size-picker", "accept-cookies",
                                                        "filter-toggle"};
        const double clickAt = lastActivity + rng.logNormalClamped(3000, 0.7, 300, 30000);
        const double clickEnd = clickAt + rng.logNormalClamped(12, 0.6, 2, 400) * net.cpu;
        const auto [trace, clickId] = std::pair{newTraceId(rng), newSpanId(rng)};
        ++m_world.stats.traces;
        clickSpanWith(s, trace, clickId, page.at(clickAt), page.at(clickEnd), rng.pick(kButtons), page.url);
        lastActivity = clickEnd;
    }
    result.leftAt = page.at(lastActivity + rng.logNormalClamped(12000, 0.7, 1500, 150000));
}

DemoBrowser::FetchResult DemoBrowser::fetch(DemoSession& s, const Network& net, TimeNs start,
                                            std::string_view method, const BackendRequest& request,
                                            const TraceId* parentTrace, SpanId parentSpan)
{
    DemoRandom& rng = s.rng;
    FetchResult result;
    const TraceId trace = parentTrace ? *parentTrace : newTraceId(rng);
    if (!parentTrace)
        ++m_world.stats.traces;
    result.span = newSpanId(rng);
    // Drawn whether or not propagation is stripped, so a stripped run differs from an unstripped one
    // only in the stripped calls' backend trace ids.
    const bool strip = rng.uniform() < m_world.options.stripPropagation;
    const TraceId freshTrace = newTraceId(rng);
    const TraceId backendTrace = strip ? freshTrace : trace;

    const double queued = rng.uniform(0.2, 2.0);
    const TimeNs requestStart = start + ms(queued + 0.1);
    const Outcome o = m_backend.serve(
        rng, request, Hop{backendTrace, strip ? SpanId(0) : result.span, requestStart + ms(net.rttMs / 2)});
    const TimeNs responseStart = o.end + ms(net.rttMs / 2);
    std::int64_t bytes = 0;
    switch (request.endpoint) {
    case Endpoint::ApiProduct:
        bytes = rng.range(1800, 4200);
        break;
    case Endpoint::ApiRecommendations:
        bytes = rng.range(5000, 12000);
        break;
    case Endpoint::ApiSearch:
        bytes = rng.range(8000, 30000);
        break;
    default:
        bytes = rng.range(300, 2000);
        break;
    }
    if (o.status >= 500)
        bytes = rng.range(90, 160);
    const TimeNs responseEnd = responseStart + ms(double(bytes) / net.bytesPerMs + 0.1);
    result.end = responseEnd + ms(rng.uniform(0.3, 3) * net.cpu);
    result.status = o.status;

    const std::string url = std::string(kShopOrigin) + request.target;
    Span* span = newSpan(s, m_fetchScope);
    result.proto = span;
    setIds(span, trace, result.span, parentSpan);
    span->set_name("HTTP " + std::string(method));
    span->set_kind(Span::SPAN_KIND_CLIENT);
    setTimes(span, browserTime(s, start), browserTime(s, result.end));
    auto* a = span->mutable_attributes();
    addString(a, "component", "fetch");
    addString(a, "http.method", method);
    addString(a, "http.url", url);
    addInt(a, "http.status_code", o.status);
    addString(a, "http.status_text", statusText(o.status));
    addString(a, "http.host", kShopHost);
    addString(a, "http.scheme", "https");
    addString(a, "http.user_agent", s.browser.userAgent);
    addInt(a, "http.response_content_length", bytes);
    addSessionAttributes(s, span);
    const TimeNs connected = start + ms(0.05);
    addEvent(span, "fetchStart", browserTime(s, start));
    addEvent(span, "domainLookupStart", browserTime(s, connected));
    addEvent(span, "domainLookupEnd", browserTime(s, connected));
    addEvent(span, "connectStart", browserTime(s, connected));
    addEvent(span, "connectEnd", browserTime(s, connected));
    addEvent(span, "requestStart", browserTime(s, requestStart));
    addEvent(span, "responseStart", browserTime(s, responseStart));
    addEvent(span, "responseEnd", browserTime(s, responseEnd));
    if (o.status >= 400) {
        setError(span, {});
        ++m_world.stats.errorSpans;
    }

    ++m_world.stats.fetches;
    if (strip) {
        ++m_world.stats.strippedFetches;
        ++m_world.stats.traces;
        m_world.stripped.push_back({"otel:" + trace.hex() + ":" + spanIdHex(result.span), freshTrace});
    }
    return result;
}

void DemoBrowser::clickSpanWith(DemoSession& s, const TraceId& trace, SpanId id, TimeNs start, TimeNs end,
                                std::string_view buttonId, std::string_view pageUrl)
{
    ++m_world.stats.clicks;
    Span* span = newSpan(s, m_userInteractionScope);
    setIds(span, trace, id, 0);
    span->set_name("click");
    span->set_kind(Span::SPAN_KIND_INTERNAL);
    setTimes(span, browserTime(s, start), browserTime(s, end));
    auto* a = span->mutable_attributes();
    addString(a, "event_type", "click");
    addString(a, "target_element", "BUTTON");
    addString(a, "target_xpath", "//*[@id=\"" + std::string(buttonId) + "\"]");
    addString(a, "http.url", pageUrl);
    addSessionAttributes(s, span);
}

void DemoBrowser::longTask(DemoSession& s, TimeNs start, double durationMs)
{
    ++m_world.stats.longTasks;
    ++m_world.stats.traces;
    Span* span = newSpan(s, m_longTaskScope);
    setIds(span, newTraceId(s.rng), newSpanId(s.rng), 0);
    span->set_name("longtask");
    span->set_kind(Span::SPAN_KIND_INTERNAL);
    setTimes(span, browserTime(s, start), browserTime(s, start + ms(durationMs)));
    auto* a = span->mutable_attributes();
    addString(a, "component", "long-task");
    addString(a, "longtask.name", "self");
    addString(a, "longtask.entry_type", "longtask");
    addDouble(a, "longtask.duration", durationMs);
    addString(a, "longtask.attribution.name", "unknown");
    addString(a, "longtask.attribution.entry_type", "taskattribution");
    addString(a, "longtask.attribution.container_type", "window");
    addSessionAttributes(s, span);
}

} // namespace seam::demo
