// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).
// The browser scenario: the OpenTelemetry web SDK in headless Chromium, posting to `seam serve`.

import path from 'node:path';
import { log, check, workDir, stop, query, scalar, waitFor } from './e2e-common.mjs';
import { bundleWeb, chromiumPath, launchChromium, startShop, visit, stopBackend } from './e2e-browser.mjs';

export async function runBrowser() {
    console.log('\n== browser: OpenTelemetry web SDK in headless Chromium, node backend');
    const chromium = chromiumPath();
    const bundleDir = await bundleWeb(['app']);
    const cache = path.join(workDir, 'browser.seam');
    const { seam, backend, origin } = await startShop({ cache, page: 'index.html', bundleDir });
    const context = await launchChromium(chromium);
    const { result, consoleErrors } = await visit(context, `${origin}/`, async (page, done) => {
        check(!done.error && done.failed === 0 && done.spans > 0, 'the page ran and its exporter was acknowledged', done);
        check((await page.textContent('#status')) === 'fail route answered 500', 'the page saw the 500 of /api/fail');
    });
    const unexpected = consoleErrors.filter((e) => !/status of 500/.test(e));
    check(unexpected.length === 0, 'no console errors in the page but the expected 500', consoleErrors);
    log(`page done, browser exported ${result.spans} spans`);

    const summary = await stopBackend(backend);
    const acknowledged = summary.exported + result.spans;
    const seen = await waitFor('spans', () => {
        const n = scalar(cache, 'SELECT count(*) FROM spans');
        return { done: n >= acknowledged, n };
    });
    log(`${seen.n} spans in the cache (${summary.exported} backend, ${result.spans} browser)`);
    check(seen.done, 'every acknowledged span is readable in the cache while seam runs', seen);
    // Live correlation: the document and both fetches are linked before seam stops.
    const live = await waitFor('links', () => {
        const n = scalar(cache, 'SELECT count(*) FROM links');
        return { done: n >= 3, n };
    }, 5000);
    check(live.done, 'the 3 links are made live, while seam runs', live);
    const seamStop = await stop(seam.child);
    check(seamStop.code === 0, 'seam serve exits 0 on SIGTERM', seamStop);

    checkBrowserCache(cache, acknowledged, result.sessionId);
}

export function checkBrowserCache(cache, acknowledged, sessionId) {
    check(scalar(cache, 'SELECT count(*) FROM spans') === acknowledged, `the cache holds all ${acknowledged} acknowledged spans`,
          scalar(cache, 'SELECT count(*) FROM spans'));
    const services = query(cache, 'SELECT name, is_browser FROM services ORDER BY name');
    check(JSON.stringify(services) === JSON.stringify([{ name: 'e2e-shop-backend', is_browser: 0 }, { name: 'e2e-web', is_browser: 1 }]),
          'services: the backend and the browser app (is_browser)', services);

    const sessions = query(cache, 'SELECT key, browser, page_load_count FROM sessions');
    check(sessions.length === 1 && sessions[0].key === sessionId && sessions[0].page_load_count === 1,
          'one session, keyed by the page\'s session.id, with one page load', sessions);

    const loads = query(cache, `SELECT p.id, p.url, p.route, p.duration_ns, p.ttfb_ns, p.resource_count, p.linked_count, p.services,
        lower(hex(t.trace_id)) AS trace, s.name AS app FROM page_loads p JOIN services s ON s.id = p.app_service_id
        LEFT JOIN traces t ON t.id = p.trace`);
    check(loads.length === 1, 'one page_loads row', loads);
    if (loads.length !== 1)
        return;
    const load = loads[0];
    check(load.app === 'e2e-web' && /^http:\/\/127\.0\.0\.1:\d+\/$/.test(load.url), 'the page load is e2e-web\'s, for the page URL', load);
    check(load.duration_ns > 0 && load.ttfb_ns > 0 && load.ttfb_ns <= load.duration_ns, 'page load duration and TTFB from the document-load timings', load);
    // The timing marks arrive as span events (OTLP/JSON from the browser): all of them, in order.
    const marks = query(cache, `SELECT o.name AS span, json_group_array(json_extract(e.value, '$.name')) AS events
        FROM spans s JOIN operations o ON o.id = s.operation_id JOIN span_payloads p ON p.id = s.payload, json_each(span_events(p.events)) e
        WHERE o.name IN ('documentLoad', 'documentFetch') GROUP BY o.name ORDER BY o.name`);
    const eventsOf = (name) => JSON.parse((marks.find((m) => m.span === name) || { events: '[]' }).events);
    check(['fetchStart', 'domInteractive', 'domContentLoadedEventEnd', 'loadEventEnd'].every((e) => eventsOf('documentLoad').includes(e)),
          'the documentLoad span has its timing events', marks);
    check(['fetchStart', 'requestStart', 'responseStart', 'responseEnd'].every((e) => eventsOf('documentFetch').includes(e)),
          'the documentFetch span has its network timing events', marks);

    // The document joined the backend trace that served the HTML (<meta name="traceparent">).
    const docTrace = query(cache, `SELECT v.name AS service, s.kind, o.name AS operation, printf('%016x', s.span_id) AS span_id
        FROM page_loads p JOIN spans s ON s.trace = p.trace JOIN services v ON v.id = s.service_id
        JOIN operations o ON o.id = s.operation_id WHERE v.name = 'e2e-shop-backend'`);
    check(docTrace.length === 1 && docTrace[0].kind === 2, 'the page load\'s trace is the backend trace that served the document', { load, docTrace });
    const docLoad = query(cache, `SELECT printf('%016x', d.span_id) AS span_id, printf('%016x', d.parent_span_id) AS parent,
        printf('%016x', p.span_id) AS page_load_span FROM page_loads p JOIN spans d ON d.trace = p.trace
        JOIN operations o ON o.id = d.operation_id WHERE o.name = 'documentLoad'`);
    check(docLoad.length === 1 && docTrace.length === 1 && docLoad[0].parent === docTrace[0].span_id,
          'the documentLoad span is a child of the backend span that served the HTML', { docLoad, docTrace });

    const resources = query(cache, `SELECT r.id, r.type, r.method, r.url, r.status, r.id_source, r.page_load_id,
        lower(hex(t.trace_id)) AS trace, printf('%016x', r.span_id) AS span_id FROM resources r LEFT JOIN traces t ON t.id = r.trace
        WHERE r.type = 'fetch' ORDER BY r.url`);
    check(resources.length === 2 && resources.every((r) => r.page_load_id === load.id),
          'two fetch resources, in the page load', resources);
    const byPath = Object.fromEntries(resources.map((r) => [new URL(r.url).pathname, r]));
    check(byPath['/api/items'] && byPath['/api/fail'], 'the fetches of /api/items and /api/fail', resources.map((r) => r.url));
    check(byPath['/api/fail'] && byPath['/api/fail'].status === 500 && byPath['/api/items'] && byPath['/api/items'].status === 200,
          'fetch statuses 200 and 500', resources);

    // Each fetch is linked to the backend server span whose parent is the browser's fetch span.
    const links = query(cache, `SELECT l.resource_id, l.method, l.confidence, printf('%016x', l.span_id) AS span_id,
        lower(hex(t.trace_id)) AS trace, s.kind, s.status_code, printf('%016x', s.parent_span_id) AS parent, v.name AS service,
        span_attribute(p.attributes, 'url.path') AS path
        FROM links l JOIN traces t ON t.id = l.trace JOIN spans s ON s.trace = l.trace AND s.span_id = l.span_id
        JOIN services v ON v.id = s.service_id LEFT JOIN span_payloads p ON p.id = s.payload ORDER BY l.resource_id`);
    for (const r of resources) {
        const link = links.find((l) => l.resource_id === r.id);
        const what = new URL(r.url).pathname;
        check(link && link.service === 'e2e-shop-backend' && link.kind === 2 && link.trace === r.trace && link.parent === r.span_id &&
              link.path === what,
              `fetch ${what} is linked to the backend server span of ${what}, child of the browser's fetch span`, { resource: r, link });
        check(link && link.confidence === 1, `the ${what} link has confidence 1 (${link ? link.method : 'none'})`, link);
    }
    const failLink = links.find((l) => l.path === '/api/fail');
    check(failLink && failLink.status_code === 2, 'the linked /api/fail backend span has error status', failLink);
    const linkedLoad = query(cache, 'SELECT linked_count, services, backend_ns FROM page_loads');
    // Linked: the document (to the span that served the HTML) and both fetches.
    check(linkedLoad[0].linked_count === 3 && linkedLoad[0].services === 'e2e-shop-backend' && linkedLoad[0].backend_ns > 0,
          'the page load counts 3 linked resources (document and fetches) reaching e2e-shop-backend', linkedLoad);
    const docLink = query(cache, `SELECT l.method, l.confidence FROM links l JOIN resources r ON r.id = l.resource_id
        JOIN page_loads p ON p.id = r.page_load_id AND l.trace = p.trace WHERE r.type = 'document'`);
    check(docLink.length === 1 && docLink[0].confidence === 1, 'the document resource is linked to the trace that served it', docLink);
}
