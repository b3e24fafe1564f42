// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { log, check, seamBinary, recordDir, workDir, stop, startSeam, startService, query, scalar, waitFor, freePort } from './e2e-common.mjs';
import { bundleWeb, chromiumPath, launchChromium, stopBackend } from './e2e-browser.mjs';

export const MULTI_PATHS = ['/', '/product', '/checkout'];

// Sits between the senders (the page's three SDKs, the backend) and seam serve: forwards every request as
// it came and keeps each POST body, so that the scenario's payloads can be written out as fixtures.
export function startRecorder(target) {
    const records = [];
    return new Promise((resolve) => {
        const server = http.createServer((req, res) => {
            const chunks = [];
            req.on('data', (c) => chunks.push(c));
            req.on('end', () => {
                const body = Buffer.concat(chunks);
                if (req.method === 'POST')
                    records.push({ path: req.url, browser: Boolean(req.headers.origin), encoding: req.headers['content-encoding'] || '', body });
                const to = new URL(target);
                const forward = http.request({ host: to.hostname, port: to.port, path: req.url, method: req.method,
                                               headers: { ...req.headers, host: to.host } }, (r) => {
                    res.writeHead(r.statusCode, r.headers);
                    r.pipe(res);
                });
                forward.on('error', (e) => {
                    res.writeHead(502);
                    res.end(String(e));
                });
                forward.end(body);
            });
        });
        server.listen(0, '127.0.0.1', () => resolve({ server, records, url: `http://127.0.0.1:${server.address().port}` }));
    });
}

export function recordedText(record) {
    if (record.encoding === 'gzip')
        return zlib.gunzipSync(record.body).toString('utf8');
    if (record.encoding === 'deflate')
        return zlib.inflateSync(record.body).toString('utf8');
    return record.body.toString('utf8');
}

// Writes what seam received as files `seam import` reads, in any order: the page's and the backend's OTLP
// JSON posts (each merged into one document), the Datadog intake lines, one Faro payload per line, and the
// HAR without the bodies of its scripts (the bundles, ~1 MB; the documents keep theirs: the meta traceparent).
export function writeRecording(dir, records, harPath, stamp) {
    fs.mkdirSync(dir, { recursive: true });
    const otlp = (browser) => ({
        resourceSpans: records.filter((r) => r.path.startsWith('/v1/traces') && r.browser === browser)
            .flatMap((r) => JSON.parse(recordedText(r)).resourceSpans || []),
    });
    fs.writeFileSync(path.join(dir, 'otel-web.json'), JSON.stringify(otlp(true)) + '\n');
    fs.writeFileSync(path.join(dir, 'backend.json'), JSON.stringify(otlp(false)) + '\n');
    const intake = records.filter((r) => r.path.startsWith('/datadog-intake') && decodeURIComponent(r.path).includes('/rum'))
        .map((r) => recordedText(r).trim()).join('\n');
    fs.writeFileSync(path.join(dir, 'datadog-rum.ndjson'), intake + '\n');
    const faroLines = records.filter((r) => r.path.startsWith('/collect')).map((r) => JSON.stringify(JSON.parse(recordedText(r))));
    fs.writeFileSync(path.join(dir, 'faro.ndjson'), faroLines.join('\n') + '\n');
    const har = JSON.parse(fs.readFileSync(harPath, 'utf8'));
    for (const e of har.log.entries)
        if (e.response && e.response.content && !/html/.test(e.response.content.mimeType || ''))
            delete e.response.content.text;
    fs.writeFileSync(path.join(dir, 'page.har'), JSON.stringify(har, null, 1) + '\n');
    fs.writeFileSync(path.join(dir, 'RECORDED'), `${stamp}\n`);
    log(`recorded ${records.length} requests into ${dir}`);
}

export async function runMulti() {
    console.log('\n== multi: OpenTelemetry web + Datadog RUM + Faro on one page, a Playwright HAR, ' +
                `${MULTI_PATHS.length} navigations`);
    const chromium = chromiumPath();
    const bundleDir = await bundleWeb(['multi']);
    const cache = path.join(workDir, 'multi.seam');
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const seam = await startSeam(cache, [origin]);
    const recorder = await startRecorder(seam.url);
    log(`seam serve at ${seam.url} behind a recorder at ${recorder.url}, CORS origin ${origin}`);
    const backend = await startService('backend.js', {
        E2E_OTLP_PROTOCOL: 'json',
        E2E_OTLP_ENDPOINT: recorder.url,
        E2E_SERVICE_NAME: 'e2e-shop-backend',
        E2E_WEB_DIR: bundleDir,
        E2E_WEB_PAGE: 'multi.html',
        E2E_WEB_PATHS: MULTI_PATHS.join(','),
        E2E_BROWSER_OTLP: recorder.url,
        PORT: String(port),
    });
    const harPath = path.join(workDir, 'multi.har');
    const context = await launchChromium(chromium, harPath);
    const consoleErrors = [];
    const pages = [];
    try {
        for (const p of MULTI_PATHS) {
            // A tab per navigation, each left for about:blank so that Datadog and Faro send their last view
            // updates (one tab navigating is the har scenario's second part).
            const page = await context.newPage();
            page.on('console', (msg) => msg.type() === 'error' && consoleErrors.push(msg.text()));
            page.on('pageerror', (err) => consoleErrors.push(String(err)));
            await page.goto(`${origin}${p}`, { waitUntil: 'load' });
            await page.waitForFunction(() => window.e2eDone, null, { timeout: 20000 });
            const done = await page.evaluate(() => window.e2eDone);
            check(!done.error, `${p}: the three SDKs started and the page made its calls`, done);
            pages.push(done);
            // Leaving the page makes Datadog and Faro send what they batched (the view's last update).
            await page.goto('about:blank');
            await page.close();
        }
    } finally {
        await context.close();
    }
    const unexpected = consoleErrors.filter((e) => !/status of 502/.test(e));
    check(unexpected.length === 0, 'no console errors in the pages but the expected 502', consoleErrors);
    check(pages.length === MULTI_PATHS.length && pages.every((d) => d.otelSession === pages[0].otelSession &&
          d.ddSession === pages[0].ddSession && d.faroSession === pages[0].faroSession),
          'one session per SDK across the navigations', pages);

    await stopBackend(backend);
    const seen = await waitFor('reports', () => {
        const reports = query(cache, 'SELECT format, count(*) AS n FROM page_load_reports GROUP BY format ORDER BY format');
        const spans = scalar(cache, "SELECT count(*) FROM spans s JOIN services v ON v.id = s.service_id WHERE v.is_browser = 0");
        const done = reports.length === 3 && reports.every((r) => r.n === MULTI_PATHS.length) && spans > 0;
        return { done, reports, spans };
    }, 20000);
    check(seen.done, 'each SDK reported every navigation to seam serve', seen);
    await new Promise((resolve) => setTimeout(resolve, 500)); // the last views' updates
    recorder.server.close();
    const seamStop = await stop(seam.child);
    check(seamStop.code === 0, 'seam serve exits 0 on SIGTERM', seamStop);
    const imported = spawnSync(seamBinary, ['import', '--db', cache, harPath], { encoding: 'utf8' });
    check(imported.status === 0, 'seam import reads the HAR', imported.stdout + imported.stderr);
    if (recordDir)
        writeRecording(recordDir, recorder.records, harPath, new Date().toISOString());
    checkMultiCache(cache, JSON.parse(fs.readFileSync(harPath, 'utf8')));
}

export function seamJson(argv) {
    const r = spawnSync(seamBinary, argv, { encoding: 'utf8' });
    if (r.status !== 0)
        throw new Error(`seam ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout);
}

export function checkMultiCache(cache, har) {
    const n = MULTI_PATHS.length;
    const stats = seamJson(['stats', '--db', cache, '--json']);
    check(stats.page_loads === n && stats.page_load_reports === 4 * n && stats.sessions === 1,
          `seam stats: ${n} page loads (one per navigation) with 4 reports each, one session`, stats);
    const loads = query(cache, `SELECT p.id, p.route, p.network_error_count, (SELECT group_concat(format) FROM
        (SELECT format FROM page_load_reports WHERE page_load_id = p.id ORDER BY format)) AS formats FROM page_loads p ORDER BY p.start_ns`);
    check(loads.length === n && loads.every((l) => l.formats === 'datadog,faro,har,otel'),
          'every page load has a report from OpenTelemetry, Datadog, Faro and the HAR', loads);
    for (const l of loads) {
        const detail = seamJson(['pageload', '--db', cache, String(l.id), '--json']);
        const api = detail.resources.filter((r) => new URL(r.url).pathname.startsWith('/api/'));
        const want = l.route === '/checkout' ? ['/api/checkout', '/api/items'] : ['/api/items'];
        const got = api.map((r) => new URL(r.url).pathname).sort();
        check(JSON.stringify(got) === JSON.stringify(want), `${l.route}: each fetch once in seam pageload --json`, got);
        for (const r of api) {
            const sources = (r.reports || []).map((x) => x.source).sort();
            check(sources.includes('otel') && sources.includes('datadog') && sources.includes('har'),
                  `${l.route}: ${new URL(r.url).pathname} keeps the OTel, Datadog and HAR reports`, sources);
    
        }
        check(l.network_error_count === (l.route === '/checkout' ? 1 : 0), `${l.route}: the 502 counts once as a network error`, l);
    }
    // Backend links: every document joins the backend trace that served it (its <meta name="traceparent">).
    const docs = query(cache, `SELECT p.route, count(l.resource_id) AS linked FROM page_loads p JOIN resources r ON
        r.page_load_id = p.id AND r.type = 'document' AND r.merged_into IS NULL LEFT JOIN links l ON l.resource_id IN
        (SELECT id FROM resources WHERE id = r.id OR merged_into = r.id) GROUP BY p.id ORDER BY p.start_ns`);
    check(docs.length === n && docs.every((d) => d.linked > 0), 'each page load\'s document is linked to the backend trace that served it', docs);
    // What two tracing SDKs on one page do to the header: OTel's fetch instrumentation and Datadog's both add
    // one, and the browser sends them comma-joined; the backend's propagator rejects the value and starts
    // a trace of its own.
    const pageOrigin = new URL(query(cache, 'SELECT url FROM page_loads LIMIT 1')[0].url).origin;
    const headers = har.log.entries.filter((e) => new URL(e.request.url).origin === pageOrigin && new URL(e.request.url).pathname.startsWith('/api/'))
        .map((e) => e.request.headers.filter((h) => h.name.toLowerCase() === 'traceparent').map((h) => h.value).join(' | '));
    log(`traceparent on the API calls: ${JSON.stringify(headers)}`);
    const propagation = seamJson(['propagation', '--db', cache, '--json']).filter((g) => g.origin === pageOrigin);
    log(`seam propagation (page origin): ${JSON.stringify(propagation)}`);
    const calls = propagation.reduce((s, g) => s + g.calls, 0);
    const byId = propagation.reduce((s, g) => s + g.linked_by_id, 0);
    const newTrace = propagation.reduce((s, g) => s + (g.reasons.backend_started_new_trace || 0), 0);
    check(calls === n + 1, `seam propagation counts each of the ${n + 1} API calls once`, propagation);
    if (headers.length && headers.every((h) => h.includes(','))) {
        check(newTrace === calls && byId === 0,
              'both SDKs injected traceparent (comma-joined): every API call is diagnosed backend_started_new_trace', propagation);
    } else {
        check(byId === calls, 'one traceparent reached the backend: every API call is linked by id', { headers, propagation });
    }
}
