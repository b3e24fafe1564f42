#!/usr/bin/env python3
"""Writes the reconciliation fixtures: ONE browser session (Chrome 120 on Linux, three navigations:
/, /product/4711, /checkout) as four instrumentations of the same page report it, plus the backend.

No recording of the four SDKs on one page exists (tests/e2e records each SDK on its own), so these files
are built by hand in the shapes the real SDKs emit (compare tests/data/datadog-rum/browser-rum-7.16.2-
intake.ndjson, tests/data/faro/faro-web-sdk-2.12.1.ndjson, tests/e2e's OTel page and Playwright HAR):

  otel-web.json     OTLP JSON from @opentelemetry/sdk-trace-web: documentLoad (+ documentFetch) spans
                    joined to the backend by <meta name="traceparent">, one fetch span per page.
  datadog-rum.ndjson  @datadog/browser-rum intake: one view per navigation (dates taken from the SDK's
                    server-corrected clock: +350 ms), a fetch resource per page; only the checkout call
                    carries `_dd.trace_id` that the backend continued (the others were not in
                    allowedTracingUrls).
  faro.ndjson       @grafana/faro-web-sdk payloads: faro.performance.navigation per page (Faro 2: no page
                    id, a faroNavigationId), web vitals; no trace ids.
  page.har          Playwright's HAR of the same visit: pages + entries, the document's HTML carries the
                    meta traceparent, the fetches their traceparent request header.
  backend.json      OTLP JSON of the backend: the server spans that served each document and call. The
                    checkout call fails (502).
  dup-traceparent-*.json  a second app version where two SDKs both inject traceparent: the header arrives
                    comma-joined, the backend rejects it and starts its own trace (no parent): the calls
                    stay unlinked (seam propagation: backend_started_new_trace).

Run it from this folder; the output is deterministic.
"""
import json

T0 = 1772442000_000_000_000  # 2026-03-02T09:00:00Z in ns
UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36")
ORIGIN = "https://shop.example.com"
DD_SKEW_NS = 350_000_000

NAVS = [
    # path, start offset (ms), load ms, ttfb ms, fcp ms, fetch (method, path, status, offset ms, ms)
    ("/", 0, 1200, 150, 480, ("GET", "/api/home", 200, 700, 90)),
    ("/product/4711", 8000, 1500, 180, 520, ("GET", "/api/stock/4711", 200, 900, 120)),
    ("/checkout", 20000, 2400, 210, 610, ("POST", "/api/checkout", 502, 1300, 640)),
]


def tid(i, kind):
    # Distinct in both halves: Datadog ids carry the low 64 bits only.
    return ("%02x%02x" % (i + 1, kind) + "5eab" * 3) * 2


def sid(i, kind, n=0):
    return "%02x%02x%02x" % (i + 1, kind, n) + "5eab" * 2 + "00"


def iso(ns):
    import datetime
    dt = datetime.datetime.fromtimestamp(ns // 1_000_000_000, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ((ns // 1_000_000) % 1000)


def attr(k, v):
    if isinstance(v, int):
        return {"key": k, "value": {"intValue": str(v)}}
    return {"key": k, "value": {"stringValue": v}}


def otel_web():
    doc_spans, fetch_spans = [], []
    for i, (path, off, load, ttfb, fcp, fetch) in enumerate(NAVS):
        start = T0 + off * 1_000_000
        ms = lambda x: str(start + x * 1_000_000)
        doc_trace, doc_span = tid(i, 1), sid(i, 1, 1)
        events = [{"timeUnixNano": ms(t), "name": n} for n, t in
                  [("fetchStart", 0), ("requestStart", 20), ("responseStart", ttfb), ("responseEnd", ttfb + 40),
                   ("domInteractive", load - 400), ("domContentLoadedEventEnd", load - 300),
                   ("loadEventEnd", load), ("firstContentfulPaint", fcp)]]
        doc_spans.append({"traceId": doc_trace, "spanId": doc_span, "parentSpanId": sid(i, 1, 0),
                          "name": "documentLoad", "kind": 1, "startTimeUnixNano": ms(0), "endTimeUnixNano": ms(load),
                          "attributes": [attr("session.id", "otel-sess-1"), attr("url.full", ORIGIN + path),
                                         attr("user_agent.original", UA)],
                          "events": events})
        doc_spans.append({"traceId": doc_trace, "spanId": sid(i, 1, 2), "parentSpanId": doc_span,
                          "name": "documentFetch", "kind": 1, "startTimeUnixNano": ms(0),
                          "endTimeUnixNano": ms(ttfb + 40),
                          "attributes": [attr("session.id", "otel-sess-1"), attr("http.url", ORIGIN + path)]})
        method, fpath, status, foff, fms = fetch
        fetch_spans.append({"traceId": tid(i, 2), "spanId": sid(i, 2, 1), "name": "HTTP " + method, "kind": 3,
                            "startTimeUnixNano": ms(foff), "endTimeUnixNano": ms(foff + fms),
                            "attributes": [attr("session.id", "otel-sess-1"), attr("http.method", method),
                                           attr("http.url", ORIGIN + fpath), attr("http.status_code", status)]})
    resource = {"attributes": [attr("service.name", "shop-web"), attr("service.version", "3.1.0"),
                               attr("telemetry.sdk.language", "webjs"), attr("user_agent.original", UA)]}
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [
        {"scope": {"name": "@opentelemetry/instrumentation-document-load", "version": "0.39.0"}, "spans": doc_spans},
        {"scope": {"name": "@opentelemetry/instrumentation-fetch", "version": "0.52.1"}, "spans": fetch_spans}]}]}


def backend(navs_traces, name="gateway", version="5.2.0", parented=True):
    spans = []
    for i, (path, off, load, ttfb, fcp, fetch) in enumerate(NAVS):
        start = T0 + off * 1_000_000
        ms = lambda x: str(start + x * 1_000_000)
        doc_trace, fetch_trace = navs_traces(i)
        spans.append({"traceId": doc_trace, "spanId": sid(i, 1, 0), "name": "GET " + (path if path == "/" else path),
                      "kind": 2, "startTimeUnixNano": ms(25), "endTimeUnixNano": ms(ttfb - 5),
                      "attributes": [attr("http.request.method", "GET"), attr("url.path", path),
                                     attr("http.response.status_code", 200)]})
        method, fpath, status, foff, fms = fetch
        span = {"traceId": fetch_trace, "spanId": sid(i, 2, 9), "name": method + " " + fpath, "kind": 2,
                "startTimeUnixNano": ms(foff + 10), "endTimeUnixNano": ms(foff + fms - 10),
                "attributes": [attr("http.request.method", method), attr("url.path", fpath),
                               attr("http.route", fpath), attr("http.response.status_code", status)]}
        if parented:
            span["parentSpanId"] = sid(i, 2, 1)
        if status >= 500:
            span["status"] = {"code": 2, "message": "upstream payments timed out"}
        spans.append(span)
    return {"resourceSpans": [{"resource": {"attributes": [attr("service.name", name),
                                                            attr("service.version", version)]},
                               "scopeSpans": [{"scope": {"name": "@opentelemetry/instrumentation-http"},
                                               "spans": spans}]}]}


def datadog():
    lines = []
    common = {"application": {"id": "7f3e2c1a-0b9d-4e8f-a6c5-d4b3a2918070"}, "service": "shop-web",
              "version": "3.1.0", "source": "browser", "session": {"id": "dd-sess-9", "type": "user"},
              "usr": {"id": "u-7"}, "os": {"name": "Linux"}, "device": {"type": "desktop"}}
    for i, (path, off, load, ttfb, fcp, fetch) in enumerate(NAVS):
        date_ms = (T0 + off * 1_000_000 + DD_SKEW_NS) // 1_000_000
        view = {"id": "dd-view-%d" % (i + 1), "url": ORIGIN + path, "loading_time": (load + 15) * 1_000_000,
                "first_byte": (ttfb + 3) * 1_000_000, "first_contentful_paint": (fcp + 4) * 1_000_000,
                "largest_contentful_paint": (fcp + 300) * 1_000_000}
        for version in (1, 2):
            ev = dict(common, type="view", date=date_ms, view=view,
                      _dd={"document_version": version, "format_version": 2})
            lines.append(ev)
        method, fpath, status, foff, fms = fetch
        res = dict(common, type="resource", date=date_ms + foff, view={"id": view["id"], "url": view["url"]},
                   resource={"id": "dd-res-%d" % (i + 1), "type": "fetch", "method": method, "url": ORIGIN + fpath,
                             "status_code": status, "duration": fms * 1_000_000},
                   _dd={"format_version": 2})
        if status >= 500:  # the only call in allowedTracingUrls: the backend continued Datadog's id
            res["_dd"]["trace_id"] = str(int(tid(i, 2)[16:], 16))
            res["_dd"]["span_id"] = str(int(sid(i, 2, 1), 16))
        lines.append(res)
    return "\n".join(json.dumps(l) for l in lines) + "\n"


def faro():
    lines = []
    for i, (path, off, load, ttfb, fcp, fetch) in enumerate(NAVS):
        start = T0 + off * 1_000_000
        meta = {"sdk": {"name": "@grafana/faro-web-sdk", "version": "2.12.1"},
                "app": {"name": "shop-web", "version": "3.1.0", "environment": "production"},
                "user": {"id": "u-7"}, "session": {"id": "faro-sess-3", "attributes": {}},
                "page": {"url": ORIGIN + path},
                "browser": {"name": "Chrome", "version": "120.0.0.0", "os": "Linux", "mobile": False,
                            "userAgent": UA},
                "view": {"name": "default"}}
        events = [{"name": "faro.performance.navigation", "domain": "browser", "timestamp": iso(start),
                   "attributes": {"name": ORIGIN + path, "duration": str(load - 10), "ttfb": str(ttfb + 1),
                                  "faroNavigationId": "faro-nav-%d" % (i + 1), "initiatorType": "navigation"}}]
        measurements = [{"type": "web-vitals", "timestamp": iso(start + (load + 100) * 1_000_000),
                         "values": {"lcp": fcp + 290.5, "cls": 0.02 * (i + 1)}}]
        lines.append({"meta": meta, "events": events, "measurements": measurements})
    return "\n".join(json.dumps(l) for l in lines) + "\n"


def har():
    pages, entries = [], []
    for i, (path, off, load, ttfb, fcp, fetch) in enumerate(NAVS):
        start = T0 + off * 1_000_000
        pid = "page@%d" % (i + 1)
        pages.append({"startedDateTime": iso(start + 2_000_000), "id": pid, "title": ORIGIN + path,
                      "pageTimings": {"onContentLoad": load - 290, "onLoad": load + 20}})
        html = ('<!doctype html><html><head><meta name="traceparent" content="00-%s-%s-01"></head>'
                '<body>shop</body></html>' % (tid(i, 1), sid(i, 1, 0)))
        entries.append({"pageref": pid, "startedDateTime": iso(start + 2_000_000), "time": ttfb + 40,
                        "request": {"method": "GET", "url": ORIGIN + path, "httpVersion": "HTTP/2",
                                    "headers": [{"name": "user-agent", "value": UA}], "cookies": [],
                                    "queryString": [], "headersSize": -1, "bodySize": 0},
                        "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/2",
                                     "headers": [{"name": "content-type", "value": "text/html"}], "cookies": [],
                                     "content": {"size": len(html), "mimeType": "text/html", "text": html},
                                     "redirectURL": "", "headersSize": -1, "bodySize": len(html)},
                        "cache": {}, "timings": {"blocked": 1, "dns": 2, "connect": 8, "ssl": 5, "send": 1,
                                                 "wait": ttfb - 15, "receive": 40},
                        "_resourceType": "document"})
        method, fpath, status, foff, fms = fetch
        entries.append({"pageref": pid, "startedDateTime": iso(start + foff * 1_000_000 + 1_000_000), "time": fms,
                        "request": {"method": method, "url": ORIGIN + fpath, "httpVersion": "HTTP/2",
                                    "headers": [{"name": "user-agent", "value": UA},
                                                {"name": "traceparent",
                                                 "value": "00-%s-%s-01" % (tid(i, 2), sid(i, 2, 1))}],
                                    "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
                        "response": {"status": status, "statusText": "", "httpVersion": "HTTP/2",
                                     "headers": [{"name": "content-type", "value": "application/json"}],
                                     "cookies": [], "content": {"size": 20, "mimeType": "application/json"},
                                     "redirectURL": "", "headersSize": -1, "bodySize": 20},
                        "cache": {}, "timings": {"blocked": 1, "dns": -1, "connect": -1, "ssl": -1, "send": 1,
                                                 "wait": fms - 12, "receive": 10},
                        "_resourceType": "fetch"})
    return {"log": {"version": "1.2", "creator": {"name": "Playwright", "version": "1.44.0"},
                    "browser": {"name": "chromium", "version": "120.0.6099.28"}, "pages": pages, "entries": entries}}


def dup_traceparent():
    """App version 3.2.0 ships the OTel SDK and Datadog RUM both injecting traceparent: fetch sends
    `traceparent: 00-<otel>-..-01, 00-0000000000000000<dd>-..-01`, which the backend's propagator
    rejects, so it starts a new trace of its own. The browser's fetch spans name traces the backend
    never recorded; the backend's server spans are roots of other traces."""
    web = otel_web()
    for rs in web["resourceSpans"]:
        for a in rs["resource"]["attributes"]:
            if a["key"] == "service.version":
                a["value"] = {"stringValue": "3.2.0"}
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                s["traceId"] = "d0" + s["traceId"][2:]
                if "parentSpanId" in s and s["name"] == "documentLoad":
                    del s["parentSpanId"]
                for a in s["attributes"]:
                    if a["key"] == "session.id":
                        a["value"] = {"stringValue": "otel-sess-dup"}
                if s["name"].startswith("HTTP "):
                    s["attributes"].append(attr("http.request.header.traceparent",
                                                "00-%s-%s-01, 00-0000000000000000%s-%s-01" % (
                                                    s["traceId"], s["spanId"], s["traceId"][16:], "00" * 8)))
                s["startTimeUnixNano"] = str(int(s["startTimeUnixNano"]) + 3600 * 10**9)
                s["endTimeUnixNano"] = str(int(s["endTimeUnixNano"]) + 3600 * 10**9)
                for e in s.get("events", []):
                    e["timeUnixNano"] = str(int(e["timeUnixNano"]) + 3600 * 10**9)
    back = backend(lambda i: ("e0" + tid(i, 1)[2:], "e0" + tid(i, 2)[2:]), parented=False)
    for rs in back["resourceSpans"]:
        for ss in rs["scopeSpans"]:
            for s in ss["spans"]:
                s["startTimeUnixNano"] = str(int(s["startTimeUnixNano"]) + 3600 * 10**9)
                s["endTimeUnixNano"] = str(int(s["endTimeUnixNano"]) + 3600 * 10**9)
    return web, back


def write(name, data):
    with open(name, "w") as f:
        f.write(data if isinstance(data, str) else json.dumps(data, indent=1) + "\n")


write("otel-web.json", otel_web())
write("backend.json", backend(lambda i: (tid(i, 1), tid(i, 2))))
write("datadog-rum.ndjson", datadog())
write("faro.ndjson", faro())
write("page.har", har())
web, back = dup_traceparent()
write("dup-traceparent-web.json", web)
write("dup-traceparent-backend.json", back)
