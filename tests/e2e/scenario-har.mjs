// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { log, check, seamBinary, recordDir, workDir, stop, query, scalar, waitFor } from './e2e-common.mjs';
import { bundleWeb, chromiumPath, launchChromium, startShop, visit, stopBackend } from './e2e-browser.mjs';

// ---- Playwright HAR scenario -----------------------------------------------------------------------

// Accepts the page's OTLP/JSON exports without passing them to seam: in this scenario the browser's own
// telemetry is what Playwright records in the HAR (the bodies are kept: the navigations part imports them).
export function startSink() {
    const bodies = [];
    return new Promise((resolve) => {
        const server = http.createServer((req, res) => {
            const chunks = [];
            req.on('data', (c) => chunks.push(c));
            req.on('end', () => {
                if (req.method === 'POST')
                    bodies.push(Buffer.concat(chunks).toString('utf8'));
                res.writeHead(req.method === 'OPTIONS' ? 204 : 200, {
                    'Access-Control-Allow-Origin': req.headers.origin || '*',
                    'Access-Control-Allow-Methods': 'POST, OPTIONS',
                    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] || 'content-type',
                    'Content-Type': 'application/json',
                });
                res.end(req.method === 'OPTIONS' ? '' : '{}');
            });
        });
        server.listen(0, '127.0.0.1', () => resolve({ server, bodies, url: `http://127.0.0.1:${server.address().port}` }));
    });
}

export async function runHar() {
    console.log('\n== har: a HAR recorded by Playwright, imported beside the backend spans seam received');
    const chromium = chromiumPath();
    const bundleDir = await bundleWeb(['app']);
    const cache = path.join(workDir, 'har.seam');
    const sink = await startSink();
    const { seam, backend, origin } = await startShop({ cache, page: 'index.html', bundleDir, pagePostsToSeam: false,
                                                        browserEndpoint: sink.url });
    const harPath = path.join(workDir, 'shop.har');
    const context = await launchChromium(chromium, harPath);
    await visit(context, `${origin}/`, async (page, done) => {
        check(!done.error, 'the page ran', done);
    });
    sink.server.close();
    const summary = await stopBackend(backend);
    const seen = await waitFor('spans', () => {
        const n = scalar(cache, 'SELECT count(*) FROM spans');
        return { done: n >= summary.exported, n };
    });
    check(seen.done, 'the backend spans are in the cache', seen);
    const seamStop = await stop(seam.child);
    check(seamStop.code === 0, 'seam serve exits 0 on SIGTERM', seamStop);

    const har = JSON.parse(fs.readFileSync(harPath, 'utf8'));
    // Beside the shop's page, Playwright records the blank page the persistent context opened with.
    check(har.log.creator.name === 'Playwright' && har.log.pages.length >= 1, 'Playwright wrote a HAR', har.log.creator);
    const imported = spawnSync(seamBinary, ['import', '--db', cache, '--json', harPath], { encoding: 'utf8' });
    let report = [];
    try {
        report = JSON.parse(imported.stdout);
    } catch {
        report = [{ error: imported.stdout + imported.stderr }];
    }
    check(imported.status === 0 && report[0]?.format === 'har' && report[0].imported > 0 && report[0].rejected === 0,
          'seam import reads the HAR (exit 0, format har, nothing rejected)', { status: imported.status, report });
    const again = spawnSync(seamBinary, ['import', '--db', cache, '--json', harPath], { encoding: 'utf8' });
    const before = query(cache, 'SELECT (SELECT count(*) FROM page_loads) AS loads, (SELECT count(*) FROM resources) AS resources');
    check(again.status === 0, 'importing the HAR again succeeds', again.stderr);
    checkHarCache(cache, har, before);
}

export function checkHarCache(cache, har, countsAfterFirstImport) {
    const counts = query(cache, 'SELECT (SELECT count(*) FROM page_loads) AS loads, (SELECT count(*) FROM resources) AS resources');
    check(JSON.stringify(counts) === JSON.stringify(countsAfterFirstImport), 'the second import added nothing', { counts, countsAfterFirstImport });
    const loads = query(cache, 'SELECT id, url, route, duration_ns, ttfb_ns, linked_count, services FROM page_loads');
    check(loads.length === 1 && /^http:\/\/127\.0\.0\.1:\d+\/$/.test(loads[0].url) && loads[0].duration_ns > 0 && loads[0].ttfb_ns > 0,
          'one page load: the HAR page, with its load time and the document\'s TTFB', loads);
    if (loads.length !== 1)
        return;
    const entries = har.log.entries.length;
    const resources = query(cache, `SELECT r.id, r.type, r.method, r.url, r.status, r.page_load_id, r.id_source, lower(hex(t.trace_id)) AS trace
        FROM resources r LEFT JOIN traces t ON t.id = r.trace ORDER BY r.start_ns`);
    check(resources.length === entries && resources.every((r) => r.page_load_id === loads[0].id),
          `every HAR entry (${entries}) is a resource of the page load`, resources);
    const links = query(cache, `SELECT l.resource_id, l.method, l.confidence, v.name AS service, s.kind,
        span_attribute(p.attributes, 'url.path') AS path FROM links l JOIN spans s ON s.trace = l.trace AND s.span_id = l.span_id
        JOIN services v ON v.id = s.service_id LEFT JOIN span_payloads p ON p.id = s.payload`);
    const sameOrigin = (r) => new URL(r.url).origin === new URL(loads[0].url).origin;
    const doc = resources.find((r) => r.type === 'document' && sameOrigin(r));
    const docLink = doc && links.find((l) => l.resource_id === doc.id);
    check(docLink && docLink.method === 'document-meta' && docLink.service === 'e2e-shop-backend' && docLink.kind === 2 && docLink.path === '/',
          'the document is linked through its <meta name="traceparent"> to the backend span that served it', { doc, docLink });
    for (const what of ['/api/items', '/api/fail']) {
        const r = resources.find((x) => sameOrigin(x) && new URL(x.url).pathname === what);
        const link = r && links.find((l) => l.resource_id === r.id);
        check(link && link.method === 'traceparent-header' && link.service === 'e2e-shop-backend' && link.kind === 2 && link.path === what &&
              link.confidence === 1, `the ${what} entry is linked through its traceparent request header (confidence 1)`, { resource: r, link });
    }
    const exports = resources.filter((r) => !sameOrigin(r));
    check(exports.length > 0 && exports.every((r) => !links.some((l) => l.resource_id === r.id)),
          'the page\'s calls to another origin (its OTLP exports) are resources without links', exports);
    check(loads[0].linked_count === 3 && loads[0].services === 'e2e-shop-backend', 'the page load counts 3 linked resources', loads[0]);
}

// One tab that navigates three times (page.goto, a click on a link, page.goto) with an iframe on the second
// page: Playwright writes ONE HAR page for the tab, seam makes a page load per navigation (the iframe's
// document is not one) and reconciles each with the OpenTelemetry documentLoad of the same navigation.
export const HAR_NAV_PATHS = ['/', '/product', '/checkout'];

export async function runHarNavigations() {
    console.log('\n== har navigations: one tab, three navigations and an iframe, beside the page\'s OpenTelemetry spans');
    const chromium = chromiumPath();
    const bundleDir = await bundleWeb(['app']);
    const cache = path.join(workDir, 'navigations.seam');
    const sink = await startSink();
    const { seam, backend, origin } = await startShop({ cache, page: 'index.html', bundleDir, pagePostsToSeam: false,
                                                        browserEndpoint: sink.url, paths: HAR_NAV_PATHS });
    const harPath = path.join(workDir, 'navigations.har');
    const context = await launchChromium(chromium, harPath);
    try {
        const page = await context.newPage();
        const ran = async (what) => {
            await page.waitForFunction(() => window.e2eDone, null, { timeout: 15000 });
            const done = await page.evaluate(() => window.e2eDone);
            check(!done.error, `${what}: the page ran and flushed its spans`, done);
        };
        await page.goto(`${origin}/`, { waitUntil: 'load' });
        await ran('/');
        await page.evaluate(() => {
            const a = document.createElement('a');
            a.id = 'next';
            a.href = '/product';
            a.textContent = 'next';
            document.body.append(a);
        });
        await Promise.all([page.waitForURL(`${origin}/product`, { waitUntil: 'load' }), page.click('#next')]);
        await ran('/product');
        await page.evaluate(() => new Promise((resolve) => {
            const frame = document.createElement('iframe');
            frame.src = '/api/items';
            frame.onload = resolve;
            document.body.append(frame);
        }));
        await page.goto(`${origin}/checkout`, { waitUntil: 'load' });
        await ran('/checkout');
    } finally {
        await context.close();
    }
    sink.server.close();
    await stopBackend(backend);
    const seamStop = await stop(seam.child);
    check(seamStop.code === 0, 'seam serve exits 0 on SIGTERM', seamStop);

    const har = JSON.parse(fs.readFileSync(harPath, 'utf8'));
    for (const e of har.log.entries)
        if (e.response && e.response.content && !/html/.test(e.response.content.mimeType || ''))
            delete e.response.content.text; // the bundle (~1 MB) is of no use here
    fs.writeFileSync(harPath, JSON.stringify(har, null, 1) + '\n');
    const otelPath = path.join(workDir, 'otel-web.json');
    fs.writeFileSync(otelPath, JSON.stringify({ resourceSpans: sink.bodies.flatMap((b) => JSON.parse(b).resourceSpans || []) }) + '\n');
    const tabPages = har.log.pages.filter((p) => har.log.entries.some((e) => e.pageref === p.id));
    check(tabPages.length === 1, 'Playwright wrote the three navigations as one HAR page', har.log.pages);
    if (recordDir) {
        fs.mkdirSync(recordDir, { recursive: true });
        fs.copyFileSync(harPath, path.join(recordDir, 'page.har'));
        fs.copyFileSync(otelPath, path.join(recordDir, 'otel-web.json'));
        log(`recorded page.har and otel-web.json into ${recordDir}`);
    }

    // The HAR alone: a page load per navigation, each with its own entries; the iframe is a resource.
    const harOnly = path.join(workDir, 'har-only.seam');
    const imported = spawnSync(seamBinary, ['import', '--db', harOnly, harPath], { encoding: 'utf8' });
    check(imported.status === 0, 'seam import reads the HAR', imported.stdout + imported.stderr);
    const loads = query(harOnly, `SELECT p.id, p.url, p.ttfb_ns, (SELECT count(*) FROM resources r WHERE r.page_load_id = p.id)
        AS resources FROM page_loads p ORDER BY p.start_ns`);
    check(loads.length === 3 && loads.every((l, i) => new URL(l.url).pathname === HAR_NAV_PATHS[i] && l.ttfb_ns > 0),
          'one page load per navigation (/, /product, /checkout), each with its document\'s TTFB', loads);
    const attached = loads.reduce((n, l) => n + l.resources, 0);
    check(attached === har.log.entries.length, `every HAR entry (${har.log.entries.length}) is a resource of one of them`, loads);
    const docs = query(harOnly, `SELECT r.url, p.url AS load FROM resources r JOIN page_loads p ON p.id = r.page_load_id
        WHERE r.type = 'document' ORDER BY r.start_ns`);
    const frame = docs.find((d) => new URL(d.url).pathname === '/api/items');
    check(docs.length === 4 && frame && new URL(frame.load).pathname === '/product',
          'the iframe\'s document is a resource of the /product load, not a navigation', docs);

    // With the page's own OpenTelemetry spans of the same navigations: still three, two reports each.
    const both = spawnSync(seamBinary, ['import', '--db', cache, harPath, otelPath], { encoding: 'utf8' });
    check(both.status === 0, 'seam import reads the HAR and the page\'s OTLP JSON', both.stdout + both.stderr);
    const reports = query(cache, `SELECT p.url, (SELECT group_concat(format) FROM (SELECT format FROM page_load_reports
        WHERE page_load_id = p.id ORDER BY format)) AS formats FROM page_loads p ORDER BY p.start_ns`);
    check(reports.length === 3 && reports.every((r) => r.formats === 'har,otel'),
          'three page loads, each reported by the HAR and by OpenTelemetry', reports);
}

// ---- multi: three SDKs on one page, a HAR of it ------------------------------------------------------
