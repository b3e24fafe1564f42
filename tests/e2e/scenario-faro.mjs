// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).

import os from 'node:os';
import path from 'node:path';
import { check, workDir, stop, query, scalar, waitFor } from './e2e-common.mjs';
import { bundleWeb, chromiumPath, launchChromium, startShop, visit, stopBackend } from './e2e-browser.mjs';

// ---- Grafana Faro scenario -------------------------------------------------------------------------

export async function runFaro() {
    console.log('\n== faro: Grafana Faro web SDK with tracing in headless Chromium, node backend');
    const chromium = chromiumPath();
    const bundleDir = await bundleWeb(['faro']);
    const cache = path.join(workDir, 'faro.seam');
    const { seam, backend, origin } = await startShop({ cache, page: 'faro.html', bundleDir });
    const context = await launchChromium(chromium);
    const { result, consoleErrors } = await visit(context, `${origin}/`, async (page, done) => {
        check(!done.error && done.sessionId, 'the page ran and flushed its spans', done);
        check((await page.textContent('#status')) === 'fail route answered 500', 'the page saw the 500 of /api/fail');
        await page.click('#buy');
        await page.waitForFunction(() => document.getElementById('status').textContent === 'bought');
        check(await page.evaluate(() => window.e2eFlush()), 'the page flushed its spans');
        await page.goto('about:blank');
    });
    const unexpected = consoleErrors.filter((e) => !/status of 500|e2e payment widget failed/.test(e));
    check(unexpected.length === 0, 'no console errors in the page but the expected 500', consoleErrors);

    await stopBackend(backend);
    const seen = await waitFor('faro', () => {
        const loads = scalar(cache, 'SELECT count(*) FROM page_loads');
        const browserSpans = scalar(cache, 'SELECT count(*) FROM spans s JOIN services v ON v.id = s.service_id WHERE v.is_browser = 1');
        const links = scalar(cache, 'SELECT count(*) FROM links');
        const errors = scalar(cache, 'SELECT count(*) FROM rum_errors');
        const actions = scalar(cache, 'SELECT count(*) FROM actions');
        return { done: loads === 1 && browserSpans >= 3 && links >= 3 && errors >= 1 && actions >= 1, loads, browserSpans, links,
                 errors, actions };
    });
    check(seen.done, 'the page load, the fetch spans, their links and the error are in the cache while seam runs', seen);
    const seamStop = await stop(seam.child);
    check(seamStop.code === 0, 'seam serve exits 0 on SIGTERM', seamStop);
    checkFaroCache(cache, result);
}

export function checkFaroCache(cache, { sessionId }) {
    const source = query(cache, "SELECT sum(accepted) AS accepted, sum(rejected) AS rejected FROM sources WHERE kind = 'live'");
    check(source[0].accepted > 0 && source[0].rejected === 0, 'the live source accepted the payloads, rejected none', source);
    const sessions = query(cache, 'SELECT key, user_id, browser, os, app_version FROM sessions');
    check(sessions.length === 1 && sessions[0].key === sessionId && sessions[0].user_id === 'e2e-user-7' &&
          sessions[0].browser === 'Chrome' && sessions[0].app_version === '2.0.0',
          'one session: Faro\'s session id, user, browser from meta, app version', sessions);
    const loads = query(cache, `SELECT p.id, p.url, p.route, p.duration_ns, p.ttfb_ns, p.fcp_ns, p.lcp_ns, p.error_count, p.linked_count,
        p.services, s.name AS app FROM page_loads p LEFT JOIN services s ON s.id = p.app_service_id`);
    check(loads.length === 1 && loads[0].app === 'e2e-faro-web' && loads[0].route === '/', 'one page load of e2e-faro-web', loads);
    if (loads.length !== 1)
        return;
    const load = loads[0];
    check(load.duration_ns > 0 && load.ttfb_ns > 0 && load.ttfb_ns <= load.duration_ns && load.fcp_ns > 0 && load.lcp_ns > 0,
          'duration and TTFB from faro.performance.navigation, FCP and LCP from web-vitals measurements', load);

    // Faro reports each fetch three times: a faro.performance.resource event (timings), a
    // faro.tracing.fetch event and an OpenTelemetry fetch span (trace ids). One resource each.
    const fetches = query(cache, `SELECT r.id, r.method, r.url, r.status, r.duration_ns, r.ttfb_ns, r.page_load_id,
        printf('%016x', r.span_id) AS span_id, lower(hex(t.trace_id)) AS trace FROM resources r LEFT JOIN traces t ON t.id = r.trace
        WHERE r.type = 'fetch' ORDER BY r.start_ns`);
    const byPath = Object.fromEntries(fetches.map((r) => [new URL(r.url).pathname + new URL(r.url).search, r]));
    check(fetches.length === 3 && byPath['/api/items']?.status === 200 && byPath['/api/fail']?.status === 500 &&
          byPath['/api/items?buy=1']?.status === 200 && fetches.every((r) => r.page_load_id === load.id),
          'one resource per fetch (/api/items 200, /api/fail 500, /api/items?buy=1 200) in the page load', fetches);
    check(fetches.every((r) => r.trace && r.ttfb_ns > 0 && r.method === 'GET'),
          'each fetch has its trace id (from the span) and its timing phases (from the performance entry)', fetches);
    const links = query(cache, `SELECT l.resource_id, l.method, l.confidence, v.name AS service, s.kind,
        printf('%016x', s.parent_span_id) AS parent, span_attribute(p.attributes, 'url.path') AS path
        FROM links l JOIN spans s ON s.trace = l.trace AND s.span_id = l.span_id
        JOIN services v ON v.id = s.service_id LEFT JOIN span_payloads p ON p.id = s.payload`);
    for (const [what, r] of Object.entries(byPath)) {
        const link = links.find((l) => l.resource_id === r.id);
        check(link && link.service === 'e2e-shop-backend' && link.kind === 2 && link.path === what.split('?')[0] &&
              link.parent === r.span_id &&
              link.confidence === 1, `fetch ${what} is linked to the backend server span its fetch span started`, { resource: r, link });
    }
    const errors = query(cache, 'SELECT type, message, stack FROM rum_errors');
    check(errors.some((e) => e.message === 'e2e payment widget failed' && e.type === 'Error' && /faro\.js/.test(e.stack || '')),
          'the pushed error with its stack', errors);
    const logs = query(cache, 'SELECT body FROM logs');
    check(logs.some((l) => String(l.body).includes('e2e page fetched its items')), 'the pushed log', logs);
    const actions = query(cache, 'SELECT type, name, duration_ns FROM actions');
    check(actions.length === 1 && actions[0].type === 'click' && actions[0].name === 'buy-button' && actions[0].duration_ns > 0,
          'the click on Buy is the one user action (Faro\'s own bookkeeping events are not)', actions);
}
