#!/usr/bin/env python3
"""Writes one page load per format whose fetch got no response (HTTP status 0 because the request failed),
next to a call whose status is simply unknown, in the shapes the real SDKs emit:

  datadog.ndjson  @datadog/browser-rum: the fetch resource with `status_code: 0` and the network error event
                  the SDK sends for it (`error.source: network`, `error.resource.status_code: 0`); an image
                  whose Resource Timing gave no status (`status_code: 0`: unknown, not a failure).
  page.har        Chrome/Playwright HAR: the failed fetch as `response.status: 0` with `response._error`
                  (Chrome) and one as `status: -1` with `response._failureText` (Playwright); an entry with status 0
                  and no error (unknown).
  otel-web.json   @opentelemetry/instrumentation-fetch 0.5x: the failed fetch ends with status ERROR and no
                  `http.response.status_code`; a fetch without status code and no error (unknown).
  faro.ndjson     @grafana/faro-web-tracing: the same OpenTelemetry fetch span inside Faro's `traces`.

Run it from this folder; the output is deterministic.
"""
import json

T0 = 1772445600_000_000_000  # 2026-03-02T10:00:00Z
ORIGIN = "https://shop.example.com"
UA = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/120.0.0.0 Safari/537.36")


def iso(ns):
    import datetime
    dt = datetime.datetime.fromtimestamp(ns // 1_000_000_000, datetime.timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + ".%03dZ" % ((ns // 1_000_000) % 1000)


def attr(k, v):
    if isinstance(v, int):
        return {"key": k, "value": {"intValue": str(v)}}
    return {"key": k, "value": {"stringValue": v}}


def datadog():
    common = {"application": {"id": "7f3e2c1a-0b9d-4e8f-a6c5-d4b3a2918070"}, "service": "shop-web",
              "version": "3.1.0", "source": "browser", "session": {"id": "dd-sess-f", "type": "user"},
              "view": {"id": "dd-view-f", "url": ORIGIN + "/cart"}}
    ms = T0 // 1_000_000
    view = dict(common, type="view", date=ms,
                view={"id": "dd-view-f", "url": ORIGIN + "/cart", "loading_time": 900_000_000},
                _dd={"document_version": 1, "format_version": 2})
    res = dict(common, type="resource", date=ms + 400,
               resource={"id": "dd-res-f1", "type": "fetch", "method": "POST", "url": ORIGIN + "/api/cart",
                         "status_code": 0, "duration": 30_000_000}, _dd={"format_version": 2})
    err = dict(common, type="error", date=ms + 430,
               error={"id": "dd-err-f1", "message": "Fetch error POST " + ORIGIN + "/api/cart", "source": "network",
                      "type": "TypeError", "resource": {"method": "POST", "status_code": 0,
                                                       "url": ORIGIN + "/api/cart"}},
               _dd={"format_version": 2})
    img = dict(common, type="resource", date=ms + 200,
               resource={"id": "dd-res-f2", "type": "image", "url": "https://cdn.other.example/hero.png",
                         "status_code": 0, "duration": 80_000_000}, _dd={"format_version": 2})
    return "\n".join(json.dumps(x) for x in [view, res, err, img]) + "\n"


def har():
    def entry(url, start_ms, status, resource_type, **extra):
        e = {"pageref": "page@1", "startedDateTime": iso(T0 + start_ms * 1_000_000), "time": 30,
             "request": {"method": "POST" if "api" in url else "GET", "url": url, "httpVersion": "HTTP/1.1",
                         "headers": [{"name": "user-agent", "value": UA}], "cookies": [], "queryString": [],
                         "headersSize": -1, "bodySize": 0},
             "response": {"status": status, "statusText": "", "httpVersion": "", "headers": [], "cookies": [],
                          "content": {"size": 0, "mimeType": "x-unknown"}, "redirectURL": "",
                          "headersSize": -1, "bodySize": -1},
             "cache": {}, "timings": {"blocked": 1, "dns": -1, "connect": -1, "ssl": -1, "send": 0, "wait": 28,
                                      "receive": 1},
             "_resourceType": resource_type}
        for k, v in extra.items():
            if k.startswith("response_"):
                e["response"][k[len("response"):]] = v
            else:
                e[k] = v
        return e
    html = "<!doctype html><html><body>cart</body></html>"
    doc = entry(ORIGIN + "/cart", 0, 200, "document")
    doc["request"]["method"] = "GET"
    doc["response"]["content"] = {"size": len(html), "mimeType": "text/html", "text": html}
    entries = [doc,
               entry(ORIGIN + "/api/cart", 400, 0, "fetch", response_error="net::ERR_CONNECTION_REFUSED"),
               entry(ORIGIN + "/api/coupons", 450, -1, "fetch", response_failureText="net::ERR_FAILED"),
               entry("https://cdn.other.example/hero.png", 200, 0, "image")]
    pages = [{"startedDateTime": iso(T0), "id": "page@1", "title": ORIGIN + "/cart",
              "pageTimings": {"onContentLoad": 500, "onLoad": 900}}]
    return {"log": {"version": "1.2", "creator": {"name": "Playwright", "version": "1.44.0"},
                    "browser": {"name": "chromium", "version": "120.0.6099.28"}, "pages": pages,
                    "entries": entries}}


def otel_spans(session, ids=("f1", "f2", "f3")):
    ms = lambda x: str(T0 + x * 1_000_000)
    doc = {"traceId": ids[0] * 16, "spanId": ids[0] * 8, "name": "documentLoad", "kind": 1,
           "startTimeUnixNano": ms(0), "endTimeUnixNano": ms(900),
           "attributes": [attr("session.id", session), attr("url.full", ORIGIN + "/cart")],
           "events": [{"timeUnixNano": ms(0), "name": "fetchStart"}, {"timeUnixNano": ms(900), "name": "loadEventEnd"}]}
    failed = {"traceId": ids[1] * 16, "spanId": ids[1] * 8, "name": "POST", "kind": 3,
              "startTimeUnixNano": ms(400), "endTimeUnixNano": ms(430),
              "attributes": [attr("session.id", session), attr("http.request.method", "POST"),
                             attr("url.full", ORIGIN + "/api/cart"), attr("error.type", "TypeError")],
              "status": {"code": 2, "message": "Failed to fetch"}}
    unknown = {"traceId": ids[2] * 16, "spanId": ids[2] * 8, "name": "GET", "kind": 3,
               "startTimeUnixNano": ms(500), "endTimeUnixNano": ms(520),
               "attributes": [attr("session.id", session), attr("http.request.method", "GET"),
                              attr("url.full", ORIGIN + "/api/flags")],
               "status": {"code": 0}}
    return doc, failed, unknown


def otel():
    doc, failed, unknown = otel_spans("otel-sess-f")
    resource = {"attributes": [attr("service.name", "shop-web"), attr("telemetry.sdk.language", "webjs"),
                               attr("user_agent.original", UA)]}
    return {"resourceSpans": [{"resource": resource, "scopeSpans": [
        {"scope": {"name": "@opentelemetry/instrumentation-document-load"}, "spans": [doc]},
        {"scope": {"name": "@opentelemetry/instrumentation-fetch", "version": "0.52.1"},
         "spans": [failed, unknown]}]}]}


def faro():
    _, failed, unknown = otel_spans("faro-sess-f", ("f4", "f5", "f6"))  # the SDK's own spans
    meta = {"sdk": {"name": "faro-web", "version": "2.12.1"},
            "app": {"name": "shop-web", "version": "3.1.0", "environment": "production"},
            "session": {"id": "faro-sess-f"}, "page": {"url": ORIGIN + "/cart"},
            "browser": {"name": "Chrome", "version": "120.0.0.0", "os": "Linux", "userAgent": UA}}
    nav = {"meta": meta, "events": [{"name": "faro.performance.navigation", "domain": "browser",
                                     "timestamp": iso(T0), "attributes": {"name": ORIGIN + "/cart",
                                                                          "duration": "900",
                                                                          "faroNavigationId": "faro-nav-f",
                                                                          "initiatorType": "navigation"}}]}
    resource = {"attributes": [attr("service.name", "shop-web"), attr("service.version", "3.1.0")]}
    traces = {"meta": meta, "traces": {"resourceSpans": [{"resource": resource, "scopeSpans": [
        {"scope": {"name": "@opentelemetry/instrumentation-fetch", "version": "0.222.0"},
         "spans": [failed, unknown]}]}]}}
    return json.dumps(nav) + "\n" + json.dumps(traces) + "\n"


def write(name, data):
    with open(name, "w") as f:
        f.write(data if isinstance(data, str) else json.dumps(data, indent=1) + "\n")


write("datadog.ndjson", datadog())
write("page.har", har())
write("otel-web.json", otel())
write("faro.ndjson", faro())
