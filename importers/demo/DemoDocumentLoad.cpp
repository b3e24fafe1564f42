// The document-load instrumentation's half of a page view: the navigation and its subresources, and
// the documentLoad / documentFetch / resourceFetch spans that report them.

#include "DemoBrowser.h"

#include <algorithm>

namespace seam::demo {

using Span = otlp::trace::v1::Span;

DemoBrowser::DocumentTimeline DemoBrowser::loadDocument(const PageContext& page,
                                                        const BackendRequest& request)
{
    DemoSession& s = page.s;
    DemoRandom& rng = s.rng;
    const Network& net = page.net;
    const bool firstView = page.firstView;
    const bool safari = s.browser.family == "Safari";
    const std::string& product = page.product;
    const std::string& bundle = page.bundle;
    const auto at = [&](double offsetMs) { return page.at(offsetMs); };
    const auto offsetOf = [&](TimeNs t) { return page.offsetOf(t); };

    const double fetchStart = rng.uniform(0.3, 2.5) + (firstView ? 0 : rng.uniform(1, 8) * net.cpu);
    const double dnsEnd = fetchStart + (firstView ? rng.logNormalClamped(12, 0.7, 1, 400) : 0);
    const double secureStart = dnsEnd + (firstView ? net.rttMs : 0);
    const double connectEnd = dnsEnd + (firstView ? 2 * net.rttMs : 0); // TCP + TLS 1.3, then kept alive
    const double requestStart = connectEnd + rng.uniform(0.1, 1.0);
    const TraceId docTrace = newTraceId(rng);
    ++m_world.stats.traces;
    const Outcome served = m_backend.serve(rng, request, Hop{docTrace, 0, at(requestStart + net.rttMs / 2)});
    const double responseStart = offsetOf(served.end) + net.rttMs / 2;
    const std::int64_t htmlBytes = served.status >= 500 ? 2400 : rng.range(14000, 42000);
    const double responseEnd = responseStart + double(htmlBytes) / net.bytesPerMs + 0.2;

    // --- Subresources: the preload scanner finds CSS and JS at once; fonts wait for the CSS. ---
    const double parseStart = responseEnd + rng.uniform(2, 10) * net.cpu;
    std::vector<Resource> resources;
    const auto load = [&](std::string url, std::int64_t bytes, double startMs, bool cacheable) {
        const bool cached = cacheable && !firstView;
        const double duration =
            cached ? rng.uniform(1.5, 6)
                   : net.rttMs + rng.logNormalClamped(18, 0.7, 2, 1500) + double(bytes) / net.bytesPerMs;
        resources.push_back({std::move(url), bytes, at(startMs), at(startMs + duration), cached});
        return startMs + duration;
    };
    const std::string assets = std::string(kShopOrigin) + "/assets/";
    const double cssEnd = load(assets + "styles." + bundle + ".css", 46210, parseStart, true);
    const double vendorEnd = load(assets + "vendor." + bundle + ".js", 211874, parseStart + 0.4, true);
    const double appEnd = load(assets + "app." + bundle + ".js", 96342, parseStart + 0.7, true);
    load(assets + "fonts/inter-var.woff2", 48256, cssEnd + rng.uniform(0.5, 3), true);
    double lcpElementEnd = -1;
    const double imagesStart = parseStart + rng.uniform(5, 30) * net.cpu;
    const auto images = [&](int count) {
        for (int i = 0; i < count; ++i) {
            // One draw per statement: argument evaluation order is unspecified, the output must not be.
            const int id = pickProduct(rng);
            const std::int64_t bytes = rng.range(14000, 32000);
            const double start = imagesStart + i * rng.uniform(0.2, 2);
            load(std::string(kShopOrigin) + "/images/products/" + std::to_string(id) + "-thumb.webp", bytes,
                 start, false);
        }
    };
    switch (s.page) {
    case Page::Home: {
        const bool hugeHero = safari && m_world.incidents.safariHeroImage().contains(page.t0);
        if (hugeHero) {
            // The incident: the 4K original, whatever the bandwidth; the LCP element of the page.
            const double duration = rng.uniform(3000, 6000);
            resources.push_back({std::string(kShopOrigin) + "/assets/img/hero-4k.webp",
                                 rng.range(8'000'000, 12'000'000), at(imagesStart),
                                 at(imagesStart + duration), false});
            lcpElementEnd = imagesStart + duration;
        } else {
            lcpElementEnd =
                load(assets + (safari ? "img/hero-spring-1600.webp" : "img/hero-spring-1600.avif"),
                     safari ? 241330 : 164870, imagesStart, true);
        }
        images(4);
        break;
    }
    case Page::Search:
        images(int(rng.range(6, 12)));
        break;
    case Page::Product:
        lcpElementEnd = load(std::string(kShopOrigin) + "/images/products/" + product + "-1200.webp",
                             rng.range(90000, 180000), imagesStart, false);
        images(3);
        break;
    case Page::Cart:
        images(int(rng.range(1, 3)));
        break;
    case Page::Checkout:
        // The payment provider's script: a third-party origin, so its own DNS, TCP and TLS on first use.
        load("https://js.psp.example/v3/checkout.js", 58120, parseStart + 1 + (firstView ? 3 * net.rttMs : 0),
             true);
        break;
    case Page::Confirmation:
        break;
    }

    const double domInteractive = parseStart + rng.uniform(20, 80) * net.cpu;
    const double dclStart =
        std::max({domInteractive, vendorEnd, appEnd}) + rng.logNormalClamped(220, 0.45, 40, 3000) * net.cpu;
    const double dclEnd = dclStart + rng.uniform(1, 12) * net.cpu;
    const double firstPaint = std::max(cssEnd, domInteractive) + rng.uniform(10, 50) * net.cpu;
    const double fcp = firstPaint + rng.uniform(0, 12);
    double resourcesEnd = 0;
    for (const auto& r : resources)
        resourcesEnd = std::max(resourcesEnd, offsetOf(r.end));
    const double domComplete = std::max(dclEnd, resourcesEnd) + rng.uniform(1, 8) * net.cpu;
    const double loadEventStart = domComplete + rng.uniform(0.05, 0.5);
    const double loadEventEnd = loadEventStart + rng.uniform(0.5, 12) * net.cpu;
    const double lcp = (lcpElementEnd > 0 ? std::max(lcpElementEnd, fcp) : fcp) + rng.uniform(2, 30);
    const double cls = std::clamp(rng.logNormal(0.03, 0.9), 0.0, 0.6);

    return {docTrace,
            served,
            htmlBytes,
            fetchStart,
            dnsEnd,
            secureStart,
            connectEnd,
            requestStart,
            responseStart,
            responseEnd,
            domInteractive,
            dclStart,
            dclEnd,
            firstPaint,
            fcp,
            domComplete,
            loadEventStart,
            loadEventEnd,
            lcp,
            cls,
            std::move(resources)};
}

otlp::trace::v1::Span* DemoBrowser::emitDocumentSpans(const PageContext& page, const DocumentTimeline& doc)
{
    DemoSession& s = page.s;
    DemoRandom& rng = s.rng;
    const BrowserProfile& b = s.browser;
    const bool firstView = page.firstView;
    const Network& net = page.net;
    const auto offsetOf = [&](TimeNs t) { return page.offsetOf(t); };

    // --- documentLoad and its children, in the browser's clock. ---
    const auto bt = [&](double offsetMs) { return browserTime(s, page.at(offsetMs)); };
    const SpanId documentLoadId = newSpanId(rng);
    Span* documentLoad = newSpan(s, m_documentLoadScope);
    // <meta name="traceparent"> from the server: the page load continues the backend's trace.
    setIds(documentLoad, doc.trace, documentLoadId, doc.served.span);
    documentLoad->set_name("documentLoad");
    documentLoad->set_kind(Span::SPAN_KIND_INTERNAL);
    setTimes(documentLoad, bt(doc.fetchStart), bt(doc.loadEventEnd));
    addString(documentLoad->mutable_attributes(), "url.full", page.url);
    addString(documentLoad->mutable_attributes(), "http.url", page.url);
    addString(documentLoad->mutable_attributes(), "user_agent.original", b.userAgent);
    addSessionAttributes(s, documentLoad);
    addEvent(documentLoad, "fetchStart", bt(doc.fetchStart));
    if (!firstView) { // only a same-origin previous document has unload timings
        const double unloadStart = doc.responseStart + rng.uniform(0.5, 3);
        addEvent(documentLoad, "unloadEventStart", bt(unloadStart));
        addEvent(documentLoad, "unloadEventEnd", bt(unloadStart + rng.uniform(0.1, 2)));
    }
    addEvent(documentLoad, "domInteractive", bt(doc.domInteractive));
    addEvent(documentLoad, "domContentLoadedEventStart", bt(doc.dclStart));
    addEvent(documentLoad, "domContentLoadedEventEnd", bt(doc.dclEnd));
    addEvent(documentLoad, "domComplete", bt(doc.domComplete));
    addEvent(documentLoad, "loadEventStart", bt(doc.loadEventStart));
    addEvent(documentLoad, "loadEventEnd", bt(doc.loadEventEnd));
    addEvent(documentLoad, "firstPaint", bt(doc.firstPaint));
    addEvent(documentLoad, "firstContentfulPaint", bt(doc.fcp));
    const auto vital = [&](std::string_view name, double value, double timeMs) {
        auto* ev = addEvent(documentLoad, "browser.web_vital", bt(timeMs));
        addString(ev->mutable_attributes(), "browser.web_vital.name", name);
        addDouble(ev->mutable_attributes(), "browser.web_vital.value", value);
    };
    vital("lcp", doc.lcp, doc.lcp);
    vital("cls", doc.cls, doc.loadEventEnd);

    const auto networkEvents = [&](Span* span, double start, double dnsStartMs, double dnsEndMs,
                                   double connectEndMs, double secureStartMs, double reqStart,
                                   double respStart, double respEnd) {
        addEvent(span, "fetchStart", bt(start));
        addEvent(span, "domainLookupStart", bt(dnsStartMs));
        addEvent(span, "domainLookupEnd", bt(dnsEndMs));
        addEvent(span, "connectStart", bt(dnsEndMs));
        if (secureStartMs > 0) // 0 in the Performance API when no TLS handshake happened (reused connection)
            addEvent(span, "secureConnectionStart", bt(secureStartMs));
        addEvent(span, "connectEnd", bt(connectEndMs));
        addEvent(span, "requestStart", bt(reqStart));
        addEvent(span, "responseStart", bt(respStart));
        addEvent(span, "responseEnd", bt(respEnd));
    };

    Span* documentFetch = newSpan(s, m_documentLoadScope);
    setIds(documentFetch, doc.trace, newSpanId(rng), documentLoadId);
    documentFetch->set_name("documentFetch");
    documentFetch->set_kind(Span::SPAN_KIND_INTERNAL);
    setTimes(documentFetch, bt(doc.fetchStart), bt(doc.responseEnd));
    addString(documentFetch->mutable_attributes(), "http.url", page.url);
    addString(documentFetch->mutable_attributes(), "url.full", page.url);
    addInt(documentFetch->mutable_attributes(), "http.response_content_length", doc.htmlBytes);
    addSessionAttributes(s, documentFetch);
    networkEvents(documentFetch, doc.fetchStart, doc.fetchStart, doc.dnsEnd, doc.connectEnd,
                  firstView ? doc.secureStart : 0, doc.requestStart, doc.responseStart, doc.responseEnd);

    for (const auto& r : doc.resources) {
        Span* span = newSpan(s, m_documentLoadScope);
        setIds(span, doc.trace, newSpanId(rng), documentLoadId);
        span->set_name("resourceFetch");
        span->set_kind(Span::SPAN_KIND_INTERNAL);
        setTimes(span, browserTime(s, r.start), browserTime(s, r.end));
        addString(span->mutable_attributes(), "http.url", r.url);
        addString(span->mutable_attributes(), "url.full", r.url);
        addInt(span->mutable_attributes(), "http.response_content_length", r.bytes);
        addSessionAttributes(s, span);
        const double start = offsetOf(r.start), end = offsetOf(r.end);
        const double firstByte = r.cached ? start + (end - start) * 0.6 : start + net.rttMs + 1;
        const double responseAt = std::min(firstByte, end);
        networkEvents(span, start, start, start, start, 0, std::min(start + 0.2, responseAt), responseAt,
                      end);
    }
    return documentLoad;
}

} // namespace seam::demo
