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
