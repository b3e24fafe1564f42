// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).

import os from 'node:os';
import path from 'node:path';
import { check, workDir, stop, query, scalar, waitFor } from './e2e-common.mjs';
import { bundleWeb, chromiumPath, launchChromium, startShop, visit, stopBackend } from './e2e-browser.mjs';

// ---- Datadog browser RUM scenario ----------------------------------------------------------------

export async function runDatadog() {
    console.log('\n== datadog: Datadog browser RUM SDK (proxy option) in headless Chromium, node backend');
    const chromium = chromiumPath();
    const bundleDir = await bundleWeb(['datadog']);
    const cache = path.join(workDir, 'datadog.seam');
    const { seam, backend, origin } = await startShop({ cache, page: 'datadog.html', bundleDir });
    const context = await launchChromium(chromium);
    const { result, consoleErrors } = await visit(context, `${origin}/`, async (page, done) => {
        check(!done.error && done.sessionId && done.viewId, 'the SDK started a session and the page ran', done);
        await page.click('#buy');
        check((await page.textContent('#status')) === 'bought', 'the page took the click');
        // Leaving the page makes the SDK send its last view update and everything still batched.
        await page.goto('about:blank');
    });
    const unexpected = consoleErrors.filter((e) => !/status of 500|e2e checkout exploded/.test(e));
    check(unexpected.length === 0, 'no console errors in the page but the expected 500 and the thrown error', consoleErrors);

    await stopBackend(backend);
    const seen = await waitFor('rum', () => {
        const loads = scalar(cache, 'SELECT count(*) FROM page_loads WHERE inp_ns IS NOT NULL OR duration_ns IS NOT NULL');
        const fetches = scalar(cache, "SELECT count(*) FROM resources WHERE type = 'fetch'");
        const actions = scalar(cache, 'SELECT count(*) FROM actions');
        const links = scalar(cache, 'SELECT count(*) FROM links');
        return { done: loads === 1 && fetches === 2 && actions >= 1 && links >= 2, loads, fetches, actions, links };
    });
    check(seen.done, 'the view, both fetches, the click and their links are in the cache while seam runs', seen);
    const seamStop = await stop(seam.child);
    check(seamStop.code === 0, 'seam serve exits 0 on SIGTERM', seamStop);
    checkDatadogCache(cache, result);
}

export function checkDatadogCache(cache, { sessionId, viewId }) {
    const source = query(cache, "SELECT count(*) AS requests, sum(accepted) AS accepted, sum(rejected) AS rejected FROM sources WHERE kind = 'live'");
    check(source[0].accepted > 0 && source[0].rejected === 0, 'the live source accepted the intake events, rejected none', source);
    const sessions = query(cache, 'SELECT key, user_id, browser, os, app_version FROM sessions');
    check(sessions.length === 1 && sessions[0].key === sessionId && sessions[0].user_id === 'e2e-user-42' &&
          sessions[0].app_version === '1.2.3', 'one session, keyed by the SDK\'s session id, with its user and version', sessions);
    check(sessions.length === 1 && sessions[0].browser === 'Chrome' && sessions[0].os === 'Linux',
          'the session\'s browser and OS from the intake request\'s User-Agent (the events carry none)', sessions);

    const loads = query(cache, `SELECT p.id, p.key, p.url, p.route, p.duration_ns, p.ttfb_ns, p.fcp_ns, p.lcp_ns, p.error_count,
        p.linked_count, p.services, s.name AS app FROM page_loads p LEFT JOIN services s ON s.id = p.app_service_id`);
    check(loads.length === 1 && loads[0].key === viewId && loads[0].app === 'e2e-dd-web' && loads[0].route === '/',
          'one page load: the SDK\'s view, of e2e-dd-web', loads);
    if (loads.length !== 1)
        return;
    const load = loads[0];
    check(load.duration_ns > 0 && load.ttfb_ns > 0 && load.ttfb_ns <= load.duration_ns && load.fcp_ns > 0,
          'loading time, TTFB and FCP from the view (nanoseconds)', load);
    check(load.error_count >= 1, 'the page load counts the uncaught error', load);

    const resources = query(cache, `SELECT r.id, r.type, r.method, r.url, r.status, r.duration_ns, r.ttfb_ns, r.page_load_id,
        printf('%016x', r.span_id) AS span_id, lower(hex(t.trace_id)) AS trace FROM resources r LEFT JOIN traces t ON t.id = r.trace ORDER BY r.start_ns`);
    check(resources.length >= 3 && resources.every((r) => r.page_load_id === load.id), 'the view\'s resources belong to its page load', resources);
    check(resources.some((r) => r.type === 'document' && r.status === 200), 'the document resource', resources);
    const fetches = resources.filter((r) => r.type === 'fetch');
    const byPath = Object.fromEntries(fetches.map((r) => [new URL(r.url).pathname, r]));
    check(fetches.length === 2 && byPath['/api/items']?.status === 200 && byPath['/api/fail']?.status === 500,
          'the fetches of /api/items (200) and /api/fail (500)', fetches);
    check(fetches.every((r) => r.duration_ns > 0 && r.ttfb_ns > 0 && r.ttfb_ns <= r.duration_ns), 'fetch durations and TTFB phases', fetches);

    // The SDK's 64-bit trace ids, continued by the OpenTelemetry backend (W3C traceparent with the
    // high half zero): the resources' _dd.trace_id finds the backend trace by its low 64 bits.
    const links = query(cache, `SELECT l.resource_id, l.method, l.confidence, v.name AS service, s.kind, s.status_code,
        printf('%016x', s.parent_span_id) AS parent, lower(hex(t.trace_id)) AS trace, span_attribute(p.attributes, 'url.path') AS path
        FROM links l JOIN traces t ON t.id = l.trace JOIN spans s ON s.trace = l.trace AND s.span_id = l.span_id
        JOIN services v ON v.id = s.service_id LEFT JOIN span_payloads p ON p.id = s.payload`);
    for (const [what, r] of Object.entries(byPath)) {
        const link = links.find((l) => l.resource_id === r.id);
        check(link && link.method === 'datadog-id' && link.service === 'e2e-shop-backend' && link.kind === 2 && link.path === what &&
              link.trace.startsWith('0000000000000000') && link.trace === r.trace,
              `fetch ${what} is linked by its Datadog trace id to the backend server span of ${what}`, { resource: r, link });
        check(link && link.parent === r.span_id && link.confidence === 1,
              `the ${what} backend span is the child of the browser's span id (confidence 1)`, { resource: r, link });
    }
    check(links.find((l) => l.path === '/api/fail')?.status_code === 2, 'the linked /api/fail backend span has error status', links);
    check(load.linked_count >= 2 && load.services === 'e2e-shop-backend', 'the page load counts its linked calls and the backend service', load);

    const errors = query(cache, 'SELECT type, message, source, stack FROM rum_errors');
    check(errors.some((e) => e.message === 'e2e checkout exploded' && e.type === 'Error' && /datadog\.js/.test(e.stack || '')),
          'the uncaught error with its type and stack', errors);
    const actions = query(cache, 'SELECT type, name FROM actions');
    check(actions.some((a) => a.type === 'click' && /buy/i.test(a.name || '')), 'the click on Buy', actions);
    const values = query(cache, `SELECT a.type, a.name, v.key, v.value FROM action_values v JOIN actions a ON a.id = v.action_id WHERE v.key = 'order.value'`);
    check(values.length === 1 && values[0].type === 'custom' && values[0].name === 'purchase' &&
          values[0].value === 129.5, 'the custom purchase action keeps its numeric context (order.value 129.5)', values);
    const viewValues = query(cache, `SELECT p.key AS view, v.key, v.value FROM page_load_values v JOIN page_loads p ON p.id = v.page_load_id`);
    check(viewValues.some((v) => v.key === 'checkout.total' && v.value === 129.5) && viewValues.some((v) => v.key === 'checkout.items' && v.value === 2),
          'the view keeps its numeric context (setViewContextProperty: checkout.total 129.5, checkout.items 2)', viewValues);
    // The SDK copies the view's context onto the view's later events: what impact must not count twice.
    const inherited = query(cache, `SELECT a.name, v.value FROM action_values v JOIN actions a ON a.id = v.action_id WHERE v.key = 'checkout.total'`);
    check(inherited.some((v) => v.name === 'purchase') && inherited.every((v) => v.value === 129.5),
          'the purchase action carries the view context too, with its value', inherited);
}
