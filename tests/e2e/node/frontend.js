'use strict';
// The e2e "frontend" service: GET /checkout calls the backend's /api/items and answers 200;
// GET /checkout-fail calls the backend's /api/fail, gets its 500 and answers 502.
// Environment: E2E_OTLP_PROTOCOL, E2E_OTLP_ENDPOINT, BACKEND_URL, PORT (0 = any).
// Prints "listening PORT" on stdout when ready.

const { startTracing, shutdownOnSignal } = require('./tracing');
const tracing = startTracing(process.env.E2E_SERVICE_NAME || 'e2e-frontend');

const http = require('http');

const backend = process.env.BACKEND_URL;
if (!backend) {
    console.error('BACKEND_URL is not set');
    process.exit(2);
}

function callBackend(path) {
    return new Promise((resolve, reject) => {
        const req = http.get(`${backend}${path}`, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk) => (body += chunk));
            res.on('end', () => resolve({ status: res.statusCode, body }));
        });
        req.on('error', reject);
    });
}

const server = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://localhost');
    try {
        if (req.method === 'GET' && url.pathname === '/checkout') {
            const items = await callBackend('/api/items');
            const ok = items.status === 200;
            res.writeHead(ok ? 200 : 502, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ ok, items: ok ? JSON.parse(items.body).items.length : 0 }));
        } else if (req.method === 'GET' && url.pathname === '/checkout-fail') {
            const r = await callBackend('/api/fail');
            res.writeHead(r.status >= 500 ? 502 : 200, { 'Content-Type': 'application/json' });
            res.end(JSON.stringify({ ok: false, backendStatus: r.status }));
        } else {
            res.writeHead(404, { 'Content-Type': 'text/plain' });
            res.end('not found');
        }
    } catch (err) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(String(err));
    }
});

shutdownOnSignal(server, tracing, 'frontend');
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
});
