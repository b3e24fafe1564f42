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
//
// The scenarios live in scenario-<name>.mjs, what they share in e2e-common.mjs (arguments, checks,
// processes, npm ci) and e2e-browser.mjs (Chromium, the bundled page, the shop backend).

import { failures, countFailure, log, check, cleanupAndExit, scenario, keep, workDir, installDependencies } from './e2e-common.mjs';
import { runNode } from './scenario-node.mjs';
import { runBrowser } from './scenario-browser.mjs';
import { runDatadog } from './scenario-datadog.mjs';
import { runFaro } from './scenario-faro.mjs';
import { runHar, runHarNavigations } from './scenario-har.mjs';
import { runMulti } from './scenario-multi.mjs';

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
    countFailure();
    console.log(`FAIL ${err.stack || err}`);
}
log(failures ? `${failures} check(s) failed; caches kept in ${workDir}` : `passed${keep ? `; caches in ${workDir}` : ''}`);
cleanupAndExit(failures ? 1 : 0);
