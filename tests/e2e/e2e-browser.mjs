// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).
// Shared by the browser scenarios: the bundled page, headless Chromium through playwright-core,
// the instrumented shop backend and page visits.

import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { here, log, skip, check, workDir, stop, exportSummary, startSeam, startService, freePort } from './e2e-common.mjs';

// ---- browser scenario ----------------------------------------------------------------------------

export const CHROMIUM_ARGS = [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
];

// Bundles web/<entry>.js for the browser (esbuild from node_modules) into one directory.
export async function bundleWeb(entries) {
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

export function chromiumPath() {
    const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
    if (!fs.existsSync(chromium))
        skip(`${chromium} not found: install Debian's chromium (scripts/deps.sh does) or set CHROMIUM`);
    return chromium;
}

// Headless Chromium with a fresh profile (and a HAR recording when harPath is given).
export async function launchChromium(chromium, harPath) {
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
export async function startShop({ cache, page, bundleDir, pagePostsToSeam = true, browserEndpoint, paths = ['/'] }) {
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
export async function visit(context, url, then = async () => {}) {
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

export async function stopBackend(backend) {
    const stopped = await stop(backend.child);
    const summary = exportSummary(backend.child);
    check(stopped.code === 0 && summary.failed === 0, 'the backend flushed its spans', { stopped, summary });
    return summary;
}
