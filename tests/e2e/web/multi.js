// Browser side of the `multi` e2e scenario, bundled by esbuild in the driver: ONE page instrumented at the
// same time with the OpenTelemetry web SDK (document load + fetch, OTLP/HTTP JSON), Datadog browser RUM
// (`proxy` option, tracecontext + datadog headers on same-origin calls) and Grafana Faro (web
// instrumentations: navigation and resource timings, web vitals, errors; its tracing package is left
// out: it would register a second OpenTelemetry provider and wrap fetch a second time). All three send
// to the endpoint in <meta name="seam-endpoint">. Every navigation fetches /api/items; /checkout also
// POSTs /api/checkout, which the backend answers 502. window.e2eDone tells the driver what was done.

import { WebTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-web';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { DocumentLoadInstrumentation } from '@opentelemetry/instrumentation-document-load';
import { FetchInstrumentation } from '@opentelemetry/instrumentation-fetch';
import { datadogRum } from '@datadog/browser-rum';
import { initializeFaro, getWebInstrumentations } from '@grafana/faro-web-sdk';

const endpoint = document.querySelector('meta[name="seam-endpoint"]').content;
// The OTel SDK has no session of its own: one id for the visit, kept across navigations.
let sessionId = localStorage.getItem('e2e-otel-session');
if (!sessionId) {
    sessionId = `otel-${Date.now().toString(16)}-${Math.random().toString(16).slice(2, 10)}`;
    localStorage.setItem('e2e-otel-session', sessionId);
}

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
    resource: resourceFromAttributes({ 'service.name': 'e2e-multi-web', 'service.version': '3.0.0', 'session.id': sessionId }),
    spanProcessors: [watcher, new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }),
                                                     { scheduledDelayMillis: 200 })],
});
provider.register();
registerInstrumentations({
    tracerProvider: provider,
    // Not the SDKs' own exports to the endpoint (a string in ignoreUrls must match a URL whole).
    instrumentations: [new DocumentLoadInstrumentation(),
                       new FetchInstrumentation({ ignoreUrls: [new RegExp(`^${endpoint.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)] })],
});

datadogRum.init({
    applicationId: '5eab1c0e-0000-4000-8000-00000000e2e1',
    clientToken: 'pube2e0000000000000000000000000001',
    site: 'datadoghq.com',
    service: 'e2e-multi-web',
    env: 'e2e',
    version: '3.0.0',
    proxy: `${endpoint}/datadog-intake`,
    sessionSampleRate: 100,
    sessionReplaySampleRate: 0,
    trackResources: true,
    trackLongTasks: true,
    trackUserInteractions: false,
    allowedTracingUrls: [{ match: location.origin, propagatorTypes: ['tracecontext', 'datadog'] }],
    traceSampleRate: 100,
});
datadogRum.setUser({ id: 'e2e-user-9' });

const faro = initializeFaro({
    url: `${endpoint}/collect`,
    app: { name: 'e2e-multi-web', version: '3.0.0', environment: 'e2e' },
    instrumentations: [...getWebInstrumentations({ captureConsole: false })],
    sessionTracking: { persistent: true },
    batching: { sendTimeout: 100 },
});
faro.api.setUser({ id: 'e2e-user-9' });

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
    await until(() => ended.documentLoad === 1, 'the documentLoad span');
    await until(() => datadogRum.getInternalContext(), 'the Datadog session');
    const calls = [['GET', '/api/items']];
    if (location.pathname === '/checkout')
        calls.push(['POST', '/api/checkout']);
    const statuses = [];
    for (const [method, url] of calls) {
        const r = await fetch(url, { method });
        await r.text();
        statuses.push(r.status);
    }
    document.getElementById('status').textContent = statuses.join(',');
    await until(() => ended.fetch === calls.length, 'the fetch spans');
    await provider.forceFlush();
    const dd = datadogRum.getInternalContext();
    return { otelSession: sessionId, ddSession: dd.session_id, ddView: dd.view.id, faroSession: faro.api.getSession().id,
             statuses };
}

window.e2eDone = null;
run().then((r) => (window.e2eDone = r), (err) => (window.e2eDone = { error: String(err && err.stack ? err.stack : err) }));
