// Browser side of the Grafana Faro e2e test, bundled by esbuild in the driver. The real Faro web SDK
// with its web instrumentations (session, page, performance, web vitals, errors, console) and the Faro
// tracing instrumentation (OpenTelemetry fetch spans, traceparent on same-origin fetches), posting to
// seam serve's /collect cross-origin. The page fetches /api/items and /api/fail, pushes a log and an
// error and sets window.e2eDone; the driver clicks #buy, a tracked user action that fetches
// /api/items?buy=1, then calls window.e2eFlush (Faro's batch span processor would wait seconds), leaves
// the page and waits for the payloads in the cache.

import { initializeFaro, getWebInstrumentations } from '@grafana/faro-web-sdk';
import { TracingInstrumentation } from '@grafana/faro-web-tracing';

const endpoint = document.querySelector('meta[name="seam-endpoint"]').content;

const faro = initializeFaro({
    url: `${endpoint}/collect`,
    app: { name: 'e2e-faro-web', version: '2.0.0', environment: 'e2e' },
    instrumentations: [...getWebInstrumentations(), new TracingInstrumentation()],
    batching: { sendTimeout: 100 },
});
faro.api.setUser({ id: 'e2e-user-7', username: 'grace' });

window.addEventListener('load', async () => {
    const status = document.getElementById('status');
    try {
        const items = await fetch('/api/items');
        await items.json();
        const fail = await fetch('/api/fail');
        await fail.text();
        faro.api.pushLog(['e2e page fetched its items']);
        faro.api.pushError(new Error('e2e payment widget failed'));
        status.textContent = `fail route answered ${fail.status}`;
        document.getElementById('buy').addEventListener('click', async () => {
            await (await fetch('/api/items?buy=1')).json();
            status.textContent = 'bought';
        });
        window.e2eDone = { sessionId: faro.api.getSession().id };
    } catch (err) {
        window.e2eDone = { error: String(err) };
    }
});

window.e2eFlush = async () => {
    // The fetch instrumentation ends its spans once the resource timing entries show up.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const provider = faro.api.getOTEL().trace.getTracerProvider();
    await (provider.getDelegate ? provider.getDelegate() : provider).forceFlush();
    return true;
};
