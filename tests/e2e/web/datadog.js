// Browser side of the Datadog e2e test, bundled by esbuild in the driver. The real Datadog browser RUM
// SDK, sending its intake to seam serve through the SDK's `proxy` option (seam's Datadog route). Fetches
// to this page's own origin carry W3C traceparent and x-datadog-* headers (allowedTracingUrls), so the
// OpenTelemetry-instrumented backend continues the SDK's 64-bit trace ids and seam links the RUM
// resources to the backend spans by `_dd.trace_id`. The page fetches /api/items and /api/fail, throws
// an uncaught error, and sets window.e2eDone; the driver clicks #buy (a click, the view's context gains
// checkout.total, and a custom "purchase" action whose context carries order.value) and leaves the page, which makes
// the SDK flush its last view update.

import { datadogRum } from '@datadog/browser-rum';

const endpoint = document.querySelector('meta[name="seam-endpoint"]').content;

datadogRum.init({
    applicationId: '5eab1c0e-0000-4000-8000-00000000e2e0',
    clientToken: 'pube2e0000000000000000000000000000',
    site: 'datadoghq.com',
    service: 'e2e-dd-web',
    env: 'e2e',
    version: '1.2.3',
    proxy: `${endpoint}/datadog-intake`,
    sessionSampleRate: 100,
    sessionReplaySampleRate: 0,
    trackResources: true,
    trackLongTasks: true,
    trackUserInteractions: true,
    allowedTracingUrls: [{ match: location.origin, propagatorTypes: ['tracecontext', 'datadog'] }],
    traceSampleRate: 100,
});
datadogRum.setUser({ id: 'e2e-user-42', name: 'Ada' });

// The SDK starts its session asynchronously (cookie checks): until then it does not trace fetches.
async function sessionStarted() {
    for (let i = 0; i < 100 && !datadogRum.getInternalContext(); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
    return datadogRum.getInternalContext();
}

window.addEventListener('load', async () => {
    const status = document.getElementById('status');
    try {
        const context = await sessionStarted();
        if (!context)
            throw new Error('the Datadog RUM session did not start');
        const items = await fetch('/api/items');
        await items.json();
        const fail = await fetch('/api/fail');
        await fail.text();
        document.getElementById('buy').addEventListener('click', () => {
            // A conversion with its value, as shops report one to Datadog: the view's context (which the
            // SDK copies onto the view's later events) and a custom action's context.
            datadogRum.setViewContextProperty('checkout', { total: 129.5, items: 2 });
            datadogRum.addAction('purchase', { order: { value: 129.5, currency: 'EUR' } });
            status.textContent = 'bought';
        });
        setTimeout(() => {
            throw new Error('e2e checkout exploded');
        }, 0);
        status.textContent = `fail route answered ${fail.status}`;
        window.e2eDone = { sessionId: context.session_id, viewId: context.view.id };
    } catch (err) {
        window.e2eDone = { error: String(err) };
    }
});
