'use strict';
// The e2e "backend" service. GET /api/items answers 200 with JSON, GET /api/fail answers 500 (its
// server span gets error status). With E2E_WEB_DIR set it also serves the browser test's page:
// GET / (index.html, with the document's own traceparent in a <meta> tag and the OTLP endpoint the
// page posts to; E2E_WEB_PAGE names another page of web/) and GET /<name>.js (the esbuild bundles in
// E2E_WEB_DIR).
// Environment: E2E_OTLP_PROTOCOL, E2E_OTLP_ENDPOINT, PORT (0 = any), E2E_WEB_DIR, E2E_WEB_PAGE,
// E2E_BROWSER_OTLP, E2E_WEB_PATHS (comma-separated paths that serve the page, default /).
// Prints "listening PORT" on stdout when ready.

const { startTracing, shutdownOnSignal } = require('./tracing');
const tracing = startTracing(process.env.E2E_SERVICE_NAME || 'e2e-backend');

const api = require('@opentelemetry/api');
const fs = require('fs');
const http = require('http');
const path = require('path');

const webDir = process.env.E2E_WEB_DIR || '';
const webPage = process.env.E2E_WEB_PAGE || 'index.html';
// Paths that serve the page (the multi scenario navigates between several).
const webPaths = (process.env.E2E_WEB_PATHS || '/').split(',');

function send(res, status, type, body, extraHeaders = {}) {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...extraHeaders });
    res.end(body);
}

function escapeAttr(s) {
    return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function indexHtml() {
    const ctx = api.trace.getActiveSpan().spanContext();
    const traceparent = `00-${ctx.traceId}-${ctx.spanId}-0${ctx.traceFlags & 1}`;
    return fs
        .readFileSync(path.join(__dirname, '..', 'web', webPage), 'utf8')
        .replace('{{TRACEPARENT}}', escapeAttr(traceparent))
        .replace('{{OTLP_ENDPOINT}}', escapeAttr(process.env.E2E_BROWSER_OTLP || ''));
}

const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    // Let the work take a little time so that durations and nesting are visible.
    setTimeout(() => {
        if (req.method === 'GET' && url.pathname === '/api/items') {
            send(res, 200, 'application/json', JSON.stringify({ items: [{ id: 1, name: 'lamp' }, { id: 2, name: 'desk' }] }));
        } else if (req.method === 'GET' && url.pathname === '/api/fail') {
            send(res, 500, 'application/json', JSON.stringify({ error: 'inventory database unavailable' }));
        } else if (req.method === 'POST' && url.pathname === '/api/checkout') {
            req.resume();
            send(res, 502, 'application/json', JSON.stringify({ error: 'payments upstream unavailable' }));
        } else if (webDir && req.method === 'GET' && webPaths.includes(url.pathname)) {
            send(res, 200, 'text/html; charset=utf-8', indexHtml(), { 'Cache-Control': 'no-store' });
        } else if (webDir && req.method === 'GET' && /^\/[a-z]+\.js$/.test(url.pathname) &&
                   fs.existsSync(path.join(webDir, url.pathname))) {
            send(res, 200, 'text/javascript', fs.readFileSync(path.join(webDir, url.pathname), 'utf8'));
        } else if (req.method === 'GET' && url.pathname === '/favicon.ico') {
            send(res, 204, 'image/x-icon', '');
        } else {
            send(res, 404, 'text/plain', 'not found');
        }
    }, 5);
});

shutdownOnSignal(server, tracing, 'backend');
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
    console.log(`listening ${server.address().port}`);
});
