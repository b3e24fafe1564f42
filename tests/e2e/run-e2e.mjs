#!/usr/bin/env node
// End-to-end tests of `seam serve` with the real OpenTelemetry JavaScript SDKs.
//
//   node tests/e2e/run-e2e.mjs --seam PATH/TO/seam (node|browser) [--keep]
//
// node:    for each OTLP/HTTP encoding (protobuf with exporter-trace-otlp-proto, JSON with
//          exporter-trace-otlp-http): start `seam serve` on a free loopback port, start two
//          instrumented node services (frontend -> backend over HTTP), send them requests (one route
//          fails with a 500), stop the services (they flush their spans and report what seam
//          acknowledged), wait for the spans in the cache, stop seam with SIGTERM and check the cache
//          with `seam query`: services, spans, parent/child across the two services, error status.
// browser: an instrumented node backend serves a page (OpenTelemetry web SDK with the document-load
//          and fetch instrumentations, bundled here with esbuild) to headless Chromium driven by
//          playwright-core; the page posts OTLP/JSON to seam cross-origin (--cors-origin), the backend
//          posts protobuf. Checks the page load, its fetch resources and their links to the backend
//          server spans, the document joined to the backend trace through <meta name="traceparent">.
//
// Installs tests/e2e/node_modules with `npm ci --no-audit --no-fund --prefer-offline` when it is
// missing or older than package-lock.json. Exit codes: 0 passed, 1 failed, 77 skipped (npm or the
// registry unreachable, Chromium missing), after printing "SKIPPED: <why>".

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SKIP = 77;
const SCENARIOS = ['node', 'browser', 'datadog', 'faro', 'har', 'multi'];
const here = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();
const children = new Set();
let failures = 0;

function log(msg) {
    console.log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${msg}`);
}

function skip(why) {
    console.log(`SKIPPED: ${why}`);
    cleanupAndExit(SKIP);
}

function check(cond, what, detail) {
    if (cond) {
        console.log(`  ok   ${what}`);
    } else {
        failures++;
        console.log(`  FAIL ${what}${detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
    }
    return cond;
}

function cleanupAndExit(code) {
    for (const child of children) {
        if (child.exitCode === null && child.signalCode === null)
            child.kill('SIGKILL');
    }
    process.exit(code);
}

// ---- arguments -----------------------------------------------------------------------------------

const args = process.argv.slice(2);
let seamBinary = process.env.SEAM_BINARY || '';
let scenario = '';
let keep = false;
let recordDir = ''; // multi: where to write the recorded payloads as fixtures
for (let i = 0; i < args.length; i++) {
    if (args[i] === '--seam')
        seamBinary = args[++i];
    else if (args[i] === '--keep')
        keep = true;
    else if (args[i] === '--record')
        recordDir = path.resolve(args[++i]);
    else if (SCENARIOS.includes(args[i]))
        scenario = args[i];
    else {
        console.error(`unknown argument ${args[i]}\nusage: run-e2e.mjs --seam PATH (${SCENARIOS.join('|')}) [--keep] [--record DIR]`);
        process.exit(2);
    }
}
if (!scenario || !seamBinary) {
    console.error(`usage: run-e2e.mjs --seam PATH (${SCENARIOS.join('|')}) [--keep]`);
    process.exit(2);
}
if (!fs.existsSync(seamBinary)) {
    console.error(`seam binary not found: ${seamBinary}`);
    process.exit(1);
}

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `seam-e2e-${scenario}-`));
process.on('exit', () => {
    if (!keep && failures === 0)
        fs.rmSync(workDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => cleanupAndExit(1));

// ---- npm dependencies ----------------------------------------------------------------------------

function lockHash() {
    return createHash('sha256').update(fs.readFileSync(path.join(here, 'package-lock.json'))).digest('hex');
}

const NETWORK_ERRORS = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|ENOTCACHED|proxy/i;

function sleepMs(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function installDependencies() {
    const stamp = path.join(here, 'node_modules', '.seam-e2e-lock');
    const want = lockHash();
    const upToDate = () => fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want;
    if (upToDate())
        return;
    // Several build directories share tests/e2e: one npm ci at a time (a directory is an atomic lock).
    const lock = path.join(here, '.npm-ci.lock');
    const until = Date.now() + 180000;
    while (!tryLock(lock)) {
        if (Date.now() > until) {
            console.log(`another npm ci in ${here} holds ${lock} for over 3 minutes; remove it if stale`);
            cleanupAndExit(1);
        }
        sleepMs(250);
    }
    const unlock = () => fs.rmSync(lock, { recursive: true, force: true });
    process.on('exit', unlock); // also when npm ci ends in a skip or failure exit
    if (!upToDate())
        runNpmCi(stamp, want);
    unlock();
    process.off('exit', unlock);
}

function tryLock(lock) {
    try {
        fs.mkdirSync(lock);
        return true;
    } catch (err) {
        if (err.code !== 'EEXIST')
            throw err;
        // A lock left by a killed run: older than any npm ci we would wait for.
        if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 300000)
            fs.rmSync(lock, { recursive: true, force: true });
        return false;
    }
}

function runNpmCi(stamp, want) {
    const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
    if (npm.error || npm.status !== 0)
        skip(`npm is not installed (${npm.error ? npm.error.code : `exit ${npm.status}`}); the e2e tests need Node.js and npm`);
    log(`npm ${npm.stdout.trim()}: npm ci in ${here}`);
    const started = Date.now();
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: here,
        encoding: 'utf8',
        timeout: 180000,
    });
    const output = `${ci.stdout || ''}${ci.stderr || ''}`;
    if (ci.error || ci.status !== 0) {
        const tail = output.trim().split('\n').slice(-6).join('\n');
        if ((ci.error && ci.error.code === 'ETIMEDOUT') || NETWORK_ERRORS.test(output))
            skip(`npm ci could not reach the npm registry and the npm cache lacks the packages:\n${tail}`);
        console.log(`npm ci failed (exit ${ci.status}):\n${tail}`);
        cleanupAndExit(1);
    }
    fs.writeFileSync(stamp, want);
    log(`npm ci done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// ---- processes -----------------------------------------------------------------------------------

// Starts a process and resolves with the first stdout match of `ready` once it appears.
function start(name, command, argv, { env = {}, ready, timeoutMs = 20000 } = {}) {
    const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.output = '';
    child.name = name;
    child.exited = new Promise((resolve) =>
        child.on('exit', (code, signal) => {
            children.delete(child);
            resolve({ code, signal });
        }));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
        child.output += d;
        for (const line of d.split('\n').filter(Boolean))
            console.log(`    ${name}! ${line}`);
    });
    child.stdout.setEncoding('utf8');
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not get ready in ${timeoutMs} ms`)), timeoutMs);
        child.on('error', (err) => reject(new Error(`${name}: ${err.message}`)));
        child.exited.then(({ code, signal }) => {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${signal || code}) before it was ready:\n${child.output}`));
        });
        child.stdout.on('data', (d) => {
            child.output += d;
            const m = ready && child.output.match(ready);
            if (m) {
                clearTimeout(timer);
                resolve({ child, match: m });
            }
        });
    });
}

async function stop(child, timeoutMs = 15000) {
    if (child.exitCode !== null || child.signalCode !== null)
        return { code: child.exitCode, signal: child.signalCode };
    child.kill('SIGTERM');
    let timer;
    const result = await Promise.race([
        child.exited,
        new Promise((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!result) {
        child.kill('SIGKILL');
        throw new Error(`${child.name} did not stop within ${timeoutMs} ms of SIGTERM`);
    }
    return result;
}

// A node service's last stdout line is its exporter summary (see node/tracing.js).
function exportSummary(child) {
    const lines = child.output.trim().split('\n');
    try {
        return JSON.parse(lines[lines.length - 1]);
    } catch {
        return { exported: 0, failed: -1, errors: [`no summary in output: ${child.output}`] };
    }
}

function startSeam(cache, corsOrigins = []) {
    const argv = ['serve', '--db', cache, '--listen', '127.0.0.1:0'];
    for (const origin of corsOrigins)
        argv.push('--cors-origin', origin);
    return start('seam', seamBinary, argv, { ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/ }).then(
        ({ child, match }) => ({ child, url: match[1] }));
}

function startService(file, env) {
    return start(path.basename(file, '.js'), process.execPath, [path.join(here, 'node', file)], {
        env,
        ready: /listening (\d+)/,
    }).then(({ child, match }) => ({ child, url: `http://127.0.0.1:${match[1]}` }));
}

// seam query takes no bound parameters: every statement here is a fixed string, values are joined
// in SQL rather than pasted into it.
function query(cache, sql) {
    const r = spawnSync(seamBinary, ['query', '--db', cache, '--json', sql], { encoding: 'utf8' });
    if (r.status !== 0)
        throw new Error(`seam query failed (${r.status}): ${r.stderr}\n${sql}`);
    const { columns, rows } = JSON.parse(r.stdout);
    return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
}

function scalar(cache, sql) {
    const rows = query(cache, sql);
    return rows.length ? Object.values(rows[0])[0] : undefined;
}

async function waitFor(what, fn, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    let last;
    for (;;) {
        last = fn();
        if (last.done)
            return last;
        if (Date.now() > until)
            return last;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

function get(url) {
    return new Promise((resolve, reject) => {
        http.get(url, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode, body }));
        }).on('error', reject);
    });
}

function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

// ---- node scenario -------------------------------------------------------------------------------

const OK_REQUESTS = 4;
const FAIL_REQUESTS = 2;

async function runNode(protocol) {
    console.log(`\n== node services, OTLP/HTTP ${protocol === 'proto' ? 'protobuf' : 'JSON'} (${protocol})`);
    const cache = path.join(workDir, `node-${protocol}.seam`);
    const seam = await startSeam(cache);
    log(`seam serve at ${seam.url}`);
    const otlp = { E2E_OTLP_PROTOCOL: protocol, E2E_OTLP_ENDPOINT: seam.url };
    const backend = await startService('backend.js', { ...otlp, E2E_SERVICE_NAME: 'e2e-backend' });
    const frontend = await startService('frontend.js', {
        ...otlp,
        E2E_SERVICE_NAME: 'e2e-frontend',
        BACKEND_URL: backend.url,
    });
    log(`frontend ${frontend.url} -> backend ${backend.url}`);

    const statuses = [];
    for (let i = 0; i < OK_REQUESTS; i++)
        statuses.push((await get(`${frontend.url}/checkout`)).status);
    for (let i = 0; i < FAIL_REQUESTS; i++)
        statuses.push((await get(`${frontend.url}/checkout-fail`)).status);
    check(statuses.join() === [...Array(OK_REQUESTS).fill(200), ...Array(FAIL_REQUESTS).fill(502)].join(),
          'the services answer 200 for /checkout and 502 for /checkout-fail', statuses);

    // Stopping a service flushes its spans: its exporter reports success only for what seam acknowledged.
    const stopped = await Promise.all([stop(frontend.child), stop(backend.child)]);
    const summaries = [exportSummary(frontend.child), exportSummary(backend.child)];
    check(stopped.every((s) => s.code === 0) && summaries.every((s) => s.failed === 0),
          'both services flushed their spans and every export was acknowledged', { stopped, summaries });
    const acknowledged = summaries.reduce((n, s) => n + s.exported, 0);
    const expected = (OK_REQUESTS + FAIL_REQUESTS) * 3; // frontend server + client, backend server
    check(acknowledged === expected, `the SDKs exported ${expected} spans`, acknowledged);
    log(`services stopped, ${acknowledged} spans acknowledged`);

    const seen = await waitFor('spans', () => {
        const n = scalar(cache, 'SELECT count(*) FROM spans');
        return { done: n >= acknowledged, n };
    });
    check(seen.done, 'every acknowledged span is readable in the cache while seam runs', seen);
    const seamStop = await stop(seam.child);
    check(seamStop.code === 0, 'seam serve exits 0 on SIGTERM', seamStop);

    checkNodeCache(cache, acknowledged);
    return scalar(cache, "SELECT bytes FROM sources WHERE kind = 'live'");
}

function checkNodeCache(cache, acknowledged) {
    const n = OK_REQUESTS + FAIL_REQUESTS;
    const services = query(cache, 'SELECT name, version, environment, is_browser FROM services ORDER BY name');
    check(JSON.stringify(services.map((s) => s.name)) === '["e2e-backend","e2e-frontend"]',
          'services e2e-backend and e2e-frontend', services);
    check(services.every((s) => s.version === '1.0.0' && s.environment === 'e2e' && s.is_browser === 0),
          'service version and environment from the resource, not browsers', services);
    check(scalar(cache, 'SELECT count(*) FROM spans') === acknowledged, `the cache holds all ${acknowledged} acknowledged spans`,
          scalar(cache, 'SELECT count(*) FROM spans'));
    const source = query(cache, "SELECT kind, status, accepted, rejected FROM sources WHERE kind = 'live'");
    check(source.length === 1 && source[0].status === 'done' && source[0].accepted === acknowledged && source[0].rejected === 0,
          'one live source, done, every span accepted, none rejected', source);
    check(scalar(cache, 'SELECT count(*) FROM traces') === n, `${n} traces, one per request`,
          scalar(cache, 'SELECT count(*) FROM traces'));
    check(scalar(cache, 'SELECT count(*) FROM traces WHERE span_count <> 3') === 0, 'every trace has its 3 spans',
          query(cache, 'SELECT lower(hex(trace_id)) AS trace, span_count FROM traces WHERE span_count <> 3'));

    const kinds = query(cache, `SELECT service, kind, count(*) AS n FROM v_spans GROUP BY service, kind ORDER BY service, kind`);
    check(JSON.stringify(kinds) === JSON.stringify([
        { service: 'e2e-backend', kind: 2, n },
        { service: 'e2e-frontend', kind: 2, n },
        { service: 'e2e-frontend', kind: 3, n },
    ]), 'per service: frontend server + client spans, backend server spans', kinds);

    // Roots: the frontend's server spans (the driver's requests are not traced).
    const roots = query(cache, `SELECT service, kind FROM v_spans WHERE parent_span_id IS NULL OR parent_span_id IN ('', '0000000000000000')`);
    check(roots.length === n && roots.every((r) => r.service === 'e2e-frontend' && r.kind === 2),
          'each trace is rooted at a frontend server span', roots);
    check(scalar(cache, `SELECT count(*) FROM traces t JOIN services s ON s.id = t.root_service_id WHERE s.name = 'e2e-frontend'`) === n,
          'traces.root_service_id is the frontend', query(cache, 'SELECT root_service_id FROM traces'));

    // Across the services: backend server span -> frontend client span -> frontend server span.
    const chains = query(cache, `
        SELECT count(*) AS n FROM spans b
        JOIN services bs ON bs.id = b.service_id AND bs.name = 'e2e-backend'
        JOIN spans c ON c.trace = b.trace AND c.span_id = b.parent_span_id
        JOIN services cs ON cs.id = c.service_id AND cs.name = 'e2e-frontend'
        JOIN spans s ON s.trace = c.trace AND s.span_id = c.parent_span_id AND s.service_id = c.service_id
        WHERE b.kind = 2 AND c.kind = 3 AND s.kind = 2 AND s.parent_span_id = 0`);
    // (No check that children lie within their parents' times: the JS SDK starts spans on a
    // millisecond clock and ends them on a monotonic one, so an end may be off by a millisecond.)
    check(chains[0].n === n, `${n} backend server spans are children of frontend client spans, children of frontend server spans`, chains);

    // Error status: the backend's 500 and what the frontend saw; the successful route has none.
    const errors = query(cache, `
        SELECT service, kind, status_code, count(*) AS n, min(span_attribute(attributes, 'http.response.status_code')) AS http_status,
               min(coalesce(span_attribute(attributes, 'url.path'), span_attribute(attributes, 'http.target'), span_attribute(attributes, 'url.full'))) AS url
        FROM v_spans WHERE status_code = 2 GROUP BY service, kind, status_code ORDER BY service, kind`);
    const errorKey = errors.map((e) => `${e.service}/${e.kind}/${e.n}`).join(' ');
    check(errorKey === `e2e-backend/2/${FAIL_REQUESTS} e2e-frontend/2/${FAIL_REQUESTS} e2e-frontend/3/${FAIL_REQUESTS}`,
          'error status on the failing route: backend server (500), frontend client (got 500) and server (502)', errors);
    check(errors.length === 3 && errors[0].http_status === 500 && errors[1].http_status === 502 && errors[2].http_status === 500,
          'http.response.status_code attributes 500 / 502 / 500 on the error spans', errors);
    check(errors.length > 0 && errors[0].url && String(errors[0].url).includes('/api/fail'), 'the backend error span is /api/fail', errors[0]);
    check(scalar(cache, 'SELECT count(*) FROM traces WHERE error_count > 0') === FAIL_REQUESTS,
          `${FAIL_REQUESTS} traces count errors`, query(cache, 'SELECT error_count FROM traces'));
    const okErrors = scalar(cache, `SELECT count(*) FROM v_spans WHERE status_code = 2
        AND coalesce(span_attribute(attributes, 'url.path'), span_attribute(attributes, 'http.target'), '') LIKE '%/api/items%'`);
    check(okErrors === 0, 'no error status on /api/items', okErrors);
    const rollups = query(cache, `SELECT s.name, sum(r.requests) AS requests, sum(r.errors) AS errors FROM rollups r
        JOIN services s ON s.id = r.service_id WHERE r.operation_id = 0 GROUP BY s.name ORDER BY s.name`);
    check(JSON.stringify(rollups) === JSON.stringify([
        { name: 'e2e-backend', requests: n, errors: FAIL_REQUESTS },
        { name: 'e2e-frontend', requests: n, errors: FAIL_REQUESTS },
    ]), 'service rollups count requests and errors', rollups);
}

// ---- browser scenario ----------------------------------------------------------------------------

const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

// Bundles web/<entry>.js for the browser (esbuild from node_modules) into one directory.
async function bundleWeb(entries) {
    const esbuild = await import(pathToFileURL(path.join(here, 'node_modules', 'esbuild', 'lib', 'main.js')).href);
    const bundleDir = path.join(workDir, 'web');
    const started = Date.now();
    await esbuild.default.build({
        entryPoints: entries.map((e) => path.join(here, 'web', `${e}.js`)),
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: 'es2020',
        outdir: bundleDir,
        logLevel: 'warning',
    });
    const sizes = entries.map((e) => `${e}.js ${(fs.statSync(path.join(bundleDir, `${e}.js`)).size / 1024).toFixed(0)} KiB`);
    log(`esbuild ${esbuild.default.version}: bundled ${sizes.join(', ')} in ${Date.now() - started} ms`);
    return bundleDir;
}

function chromiumPath() {
    const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
    if (!fs.existsSync(chromium))
        skip(`${chromium} not found: install Debian's chromium (scripts/deps.sh does) or set CHROMIUM`);
    return chromium;
}

// Headless Chromium with a fresh profile (and a HAR recording when harPath is given).
async function launchChromium(chromium, harPath) {
    const { chromium: pwChromium } = await import(pathToFileURL(path.join(here, 'node_modules', 'playwright-core', 'index.mjs')).href);
    const profile = fs.mkdtempSync(path.join(workDir, 'chromium-profile-'));
    const context = await pwChromium.launchPersistentContext(profile, {
        executablePath: chromium,
        headless: true,
        args: ['--headless', ...CHROMIUM_ARGS],
        ...(harPath ? { recordHar: { path: harPath, content: 'embed' } } : {}),
    });
    log(`Chromium ${context.browser() ? context.browser().version() : ''} started${harPath ? ', recording a HAR' : ''}`);
    return context;
}

// The shop: seam serve (allowing the page's origin when the page posts to it) and the instrumented
// backend serving web/<page> on a free loopback port. browserEndpoint is where the page posts its
// telemetry (seam by default).
async function startShop({ cache, page, bundleDir, pagePostsToSeam = true, browserEndpoint, paths = ['/'] }) {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const seam = await startSeam(cache, pagePostsToSeam ? [origin] : []);
    log(`seam serve at ${seam.url}${pagePostsToSeam ? `, CORS origin ${origin}` : ''}`);
    const backend = await startService('backend.js', {
        E2E_OTLP_PROTOCOL: 'proto',
        E2E_OTLP_ENDPOINT: seam.url,
        E2E_SERVICE_NAME: 'e2e-shop-backend',
        E2E_WEB_DIR: bundleDir,
        E2E_WEB_PAGE: page,
        E2E_WEB_PATHS: paths.join(','),
        E2E_BROWSER_OTLP: browserEndpoint || seam.url,
        PORT: String(port),
    });
    check(backend.url === origin, 'backend serves the page on the chosen origin', backend.url);
    return { seam, backend, origin };
}

// Opens the page, waits for window.e2eDone, runs `then(page)` and closes the browser.
async function visit(context, url, then = async () => {}) {
    const consoleErrors = [];
    let result;
    try {
        const page = await context.newPage();
        page.on('console', (msg) => {
            if (msg.type() === 'error')
                consoleErrors.push(msg.text());
        });
        page.on('pageerror', (err) => consoleErrors.push(String(err)));
        await page.goto(url, { waitUntil: 'load' });
        await page.waitForFunction(() => window.e2eDone, null, { timeout: 15000 });
        result = await page.evaluate(() => window.e2eDone);
        await then(page, result);
    } finally {
        await context.close();
    }
    return { result, consoleErrors };
}

async function stopBackend(backend) {
    const stopped = await stop(backend.child);
    const summary = exportSummary(backend.child);
    check(stopped.code === 0 && summary.failed === 0, 'the backend flushed its spans', { stopped, summary });
    return summary;
}

async function runBrowser() {
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

function checkBrowserCache(cache, acknowledged, sessionId) {
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

// ---- Datadog browser RUM scenario ----------------------------------------------------------------

async function runDatadog() {
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

function checkDatadogCache(cache, { sessionId, viewId }) {
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
}

// ---- Grafana Faro scenario -------------------------------------------------------------------------

async function runFaro() {
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

function checkFaroCache(cache, { sessionId }) {
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

// ---- Playwright HAR scenario -----------------------------------------------------------------------

// Accepts the page's OTLP/JSON exports without passing them to seam: in this scenario the browser's own
// telemetry is what Playwright records in the HAR (the bodies are kept: the navigations part imports them).
function startSink() {
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

async function runHar() {
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

function checkHarCache(cache, har, countsAfterFirstImport) {
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
const HAR_NAV_PATHS = ['/', '/product', '/checkout'];

async function runHarNavigations() {
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

const MULTI_PATHS = ['/', '/product', '/checkout'];

// Sits between the senders (the page's three SDKs, the backend) and seam serve: forwards every request as
// it came and keeps each POST body, so that the scenario's payloads can be written out as fixtures.
function startRecorder(target) {
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

function recordedText(record) {
    if (record.encoding === 'gzip')
        return zlib.gunzipSync(record.body).toString('utf8');
    if (record.encoding === 'deflate')
        return zlib.inflateSync(record.body).toString('utf8');
    return record.body.toString('utf8');
}

// Writes what seam received as files `seam import` reads, in any order: the page's and the backend's OTLP
// JSON posts (each merged into one document), the Datadog intake lines, one Faro payload per line, and the
// HAR without the bodies of its scripts (the bundles, ~1 MB; the documents keep theirs: the meta traceparent).
function writeRecording(dir, records, harPath, stamp) {
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

async function runMulti() {
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

function seamJson(argv) {
    const r = spawnSync(seamBinary, argv, { encoding: 'utf8' });
    if (r.status !== 0)
        throw new Error(`seam ${argv.join(' ')} failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout);
}

function checkMultiCache(cache, har) {
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

// ---- main ----------------------------------------------------------------------------------------

try {
    installDependencies();
    if (scenario === 'node') {
        const protoBytes = await runNode('proto');
        const jsonBytes = await runNode('json');
        // The same spans as JSON (hex ids, key names, nanosecond strings) are well over the protobuf size:
        // evidence that the two exporters really posted the two encodings.
        console.log('\n== both encodings');
        check(protoBytes > 0 && jsonBytes > 1.5 * protoBytes, 'seam received protobuf from the proto exporter and JSON from the http one',
              { protoBytes, jsonBytes });
    } else if (scenario === 'browser') {
        await runBrowser();
    } else if (scenario === 'datadog') {
        await runDatadog();
    } else if (scenario === 'faro') {
        await runFaro();
    } else if (scenario === 'multi') {
        await runMulti();
    } else {
        await runHar();
        await runHarNavigations();
    }
} catch (err) {
    failures++;
    console.log(`FAIL ${err.stack || err}`);
}
log(failures ? `${failures} check(s) failed; caches kept in ${workDir}` : `passed${keep ? `; caches in ${workDir}` : ''}`);
cleanupAndExit(failures ? 1 : 0);
