#pragma once

// The shop's single-page web app as the OpenTelemetry web SDK reports it: documentLoad /
// documentFetch / resourceFetch spans, fetch CLIENT spans that propagate traceparent to the backend,
// user-interaction clicks, long tasks and JS exceptions. The backend requests it makes are built by
// DemoBackend in the same (true) time line; browser timestamps carry the session's clock skew.

#include "DemoBackend.h"
#include "DemoSession.h"
#include "DemoWorld.h"

namespace seam::demo {

class DemoBrowser
{
public:
    DemoBrowser(DemoWorld& world, DemoBackend& backend);

    /// Registers the session's browser resource (one ResourceSpans per session and chunk).
    void startSession(DemoSession& s);
    /// Generates the page view of s.page starting at s.nextStart (true time). `next` is where the user
    /// is headed, which decides the clicks on this page.
    PageResult pageView(DemoSession& s, std::optional<Page> next);

private:
    struct Network
    {
        double rttMs;
        double bytesPerMs;
        double cpu; // slowdown of script and layout work relative to a fast desktop
    };
    struct FetchResult
    {
        TimeNs end = 0;
        int status = 0;
        SpanId span = 0;
        otlp::trace::v1::Span* proto = nullptr;
    };
    struct Resource
    {
        std::string url;
        std::int64_t bytes;
        TimeNs start, end; // true time
        bool cached;
    };

    /// One page view in progress. Offsets are milliseconds from navigation start (true time).
    struct PageContext
    {
        DemoSession& s;
        TimeNs t0; // navigation start
        bool firstView;
        Network net;
        std::string product; // the product id as text
        std::string path;
        std::string url;
        std::string bundle; // content hash in the asset names, by app release

        TimeNs at(double offsetMs) const { return t0 + ms(offsetMs); }
        double offsetOf(TimeNs t) const { return double(t - t0) / 1e6; }
    };
    /// The navigation's PerformanceTiming marks and web vitals (offsets) and what it loaded.
    struct DocumentTimeline
    {
        TraceId trace;  // the backend trace that served the document (meta traceparent)
        Outcome served; // its gateway SERVER span
        std::int64_t htmlBytes;
        double fetchStart, dnsEnd, secureStart, connectEnd, requestStart, responseStart, responseEnd;
        double domInteractive, dclStart, dclEnd, firstPaint, fcp, domComplete, loadEventStart, loadEventEnd;
        double lcp, cls;
        std::vector<Resource> resources;
    };

    // DemoDocumentLoad.cpp: the navigation, then the document-load instrumentation's spans.
    DocumentTimeline loadDocument(const PageContext& page, const BackendRequest& request);
    otlp::trace::v1::Span* emitDocumentSpans(const PageContext& page, const DocumentTimeline& doc);
    /// The app's data calls once it has booted; returns when the last one finished (offset).
    double appCalls(const PageContext& page, const DocumentTimeline& doc, PageResult& result);
    /// Clicks (and the calls they trigger) until the user leaves; sets result.leftAt.
    void userActions(const PageContext& page, const DocumentTimeline& doc, std::optional<Page> next,
                     double lastActivity, PageResult& result);

    /// A fetch() call from the app: the CLIENT span and the backend trace it causes.
    FetchResult fetch(DemoSession& s, const Network& net, TimeNs start, std::string_view method,
                      const BackendRequest& request, const TraceId* parentTrace, SpanId parentSpan);
    /// A user-interaction click span. Its ids are chosen before the work it triggers, because the
    /// fetches a click causes are its children (the instrumentation's zone context).
    void clickSpanWith(DemoSession& s, const TraceId& trace, SpanId id, TimeNs start, TimeNs end,
                       std::string_view buttonId, std::string_view pageUrl);
    void longTask(DemoSession& s, TimeNs start, double durationMs);

    otlp::trace::v1::Span* newSpan(DemoSession& s, ScopeHandle scope);
    void addSessionAttributes(const DemoSession& s, otlp::trace::v1::Span* span);
    TraceId newTraceId(DemoRandom& rng);
    SpanId newSpanId(DemoRandom& rng);
    /// True time to the session's browser clock.
    static TimeNs browserTime(const DemoSession& s, TimeNs t) { return t + s.clockSkew; }

    DemoWorld& m_world;
    DemoBackend& m_backend;
    ScopeHandle m_documentLoadScope;
    ScopeHandle m_fetchScope;
    ScopeHandle m_userInteractionScope;
    ScopeHandle m_longTaskScope;
};

} // namespace seam::demo
