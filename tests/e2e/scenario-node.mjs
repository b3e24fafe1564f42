// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).

import http from 'node:http';
import path from 'node:path';
import { log, check, workDir, stop, exportSummary, startSeam, startService, query, scalar, waitFor, get } from './e2e-common.mjs';

// ---- node scenario -------------------------------------------------------------------------------

export const OK_REQUESTS = 4;
export const FAIL_REQUESTS = 2;

export async function runNode(protocol) {
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

export function checkNodeCache(cache, acknowledged) {
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
