// Browser side of the e2e test, bundled by esbuild in the driver (not committed as a bundle).
// The OpenTelemetry web SDK with the document-load and fetch instrumentations, exporting OTLP/HTTP
// JSON to seam serve (another origin: seam must answer CORS for this page's origin). After the
// load event the page fetches /api/items and /api/fail from its own origin (the fetch
// instrumentation adds traceparent), flushes the spans and sets window.e2eDone.

import { WebTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-web';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';

const endpoint = document.querySelector('meta[name="seam-otlp-endpoint"]').content;
const sessionId = `e2e-${Date.now().toString(16)}-${Math.random().toString(16).slice(2, 10)}`;

const exported = { spans: 0, failed: 0, errors: [] };
const otlp = new OTLPTraceExporter({ url: `${endpoint}/v1/traces` });
// Counts what the exporter reports, like the node services do.
const exporter = {
    export(spans, done) {
        otlp.export(spans, (result) => {
            if (result.code === 0) {
                exported.spans += spans.length;
            } else {
                exported.failed += spans.length;
                exported.errors.push(String(result.error));
            }
            done(result);
        });
    },
    forceFlush: () => otlp.forceFlush(),
    shutdown: () => otlp.shutdown(),
};

// Watches spans end, so that the page flushes only once the document-load and both fetch spans are done
// (the fetch instrumentation ends its span when the resource timing entry shows up).
const ended = { documentLoad: 0, fetch: 0 };
const watcher = {
    onStart() {},
    onEnd(span) {
        if (span.name === 'documentLoad')
            ended.documentLoad++;
        else if ((span.instrumentationScope || span.instrumentationLibrary || {}).name === '@opentelemetry/instrumentation-fetch')
            ended.fetch++;
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
};

const provider = new WebTracerProvider({
    resource: resourceFromAttributes({
        'service.name': 'e2e-web',
        'service.version': '1.0.0',
        'session.id': sessionId,
    }),
    spanProcessors: [watcher, new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
});
provider.register();

registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
        new DocumentLoadInstrumentation(),
        // Same-origin calls always carry traceparent; the OTLP posts to seam are not traced.
        new FetchInstrumentation({ ignoreUrls: [endpoint], clearTimingResources: true }),
    ],
});

function until(condition, what, timeoutMs = 10000) {
    return new Promise((resolve, reject) => {
        const started = performance.now();
        const poll = () => {
            if (condition())
                resolve();
            else if (performance.now() - started > timeoutMs)
                reject(new Error(`timed out waiting for ${what}: ${JSON.stringify(ended)}`));
            else
                setTimeout(poll, 20);
        };
        poll();
    });
}

async function run() {
    // The document-load instrumentation ends its spans in a task after the load event.
    await until(() => ended.documentLoad === 1, 'the documentLoad span');
    const items = await fetch('/api/items').then((r) => r.json());
    const list = document.getElementById('items');
    for (const item of items.items) {
        const li = document.createElement('li');
        li.textContent = item.name;
        list.appendChild(li);
    }
    const fail = await fetch('/api/fail');
    document.getElementById('status').textContent = `fail route answered ${fail.status}`;
    await until(() => ended.fetch === 2, 'both fetch spans');
    await provider.forceFlush();
    return { sessionId, ...exported };
}

window.e2eDone = run().catch((err) => ({ error: String(err && err.stack ? err.stack : err), ...exported }));
