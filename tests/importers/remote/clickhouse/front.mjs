// A loopback front for a real ClickHouse engine: chdb runs ClickHouse in-process and this answers
// like ClickHouse's HTTP interface (POST /?database=..&param_x=..&max_execution_time=.. with the SQL
// as the body, JSONEachRow results, "Code: N. DB::Exception: ..." errors, X-ClickHouse-User/Key
// authentication, gzip when asked), so Seam's client meets the same engine, SQL dialect, typed
// parameters and errors as against a server. Listens on 127.0.0.1 only.
//
//   TZ=UTC node front.mjs --dir DIR --ddl otel_traces.sql [--rows FILE.jsonl]... [--user U --password P]
// prints "listening PORT" once the data is loaded.
import http from 'node:http';
import zlib from 'node:zlib';
import fs from 'node:fs';
import { Session } from 'chdb';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
    const i = args.indexOf('--' + name);
    return i >= 0 ? args[i + 1] : fallback;
};
const all = (name) => args.flatMap((a, i) => (a === '--' + name ? [args[i + 1]] : []));
const user = opt('user', '');
const password = opt('password', '');
const maxBody = 16 << 20;

const session = new Session(opt('dir'));
session.query('CREATE DATABASE IF NOT EXISTS otel');
for (const statement of fs.readFileSync(opt('ddl'), 'utf8').replace(/^--.*$/gm, '').split(';'))
    if (statement.trim()) session.query(statement);
for (const file of all('rows')) {
    const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l);
    for (let i = 0; i < lines.length; i += 5000)
        session.query('INSERT INTO otel.otel_traces FORMAT JSONEachRow\n' + lines.slice(i, i + 5000).join('\n'));
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;
const readOnly = /^\s*(SELECT|WITH|DESC|DESCRIBE|SHOW|EXISTS|EXPLAIN)\b/i;

function statusFor(code) {
    if (code === 60 || code === 81) return 404;
    if (code === 516 || code === 192 || code === 193 || code === 194) return 403;
    if (code === 47 || code === 62 || code === 36 || code === 456 || code === 457 || code === 164) return 400;
    if (code === 159) return 500;
    return 500;
}

function send(req, res, status, text, params) {
    let body = Buffer.from(text, 'utf8');
    const headers = { 'Content-Type': 'text/plain; charset=UTF-8', 'X-ClickHouse-Server-Display-Name': 'chdb-front' };
    if (params.get('enable_http_compression') === '1' && /\bgzip\b/.test(req.headers['accept-encoding'] || '')) {
        body = zlib.gzipSync(body);
        headers['Content-Encoding'] = 'gzip';
    }
    if (status !== 200) headers['X-ClickHouse-Exception-Code'] = String((/Code: (\d+)/.exec(text) || [])[1] || 0);
    res.writeHead(status, headers);
    res.end(body);
}

function authorised(req) {
    if (!user) return true;
    let u = req.headers['x-clickhouse-user'] || '';
    let p = req.headers['x-clickhouse-key'] || '';
    const basic = /^Basic (.+)$/.exec(req.headers.authorization || '');
    if (basic) [u, p] = Buffer.from(basic[1], 'base64').toString().split(/:(.*)/s);
    return u === user && p === password;
}

let queue = Promise.resolve(); // one query at a time: session settings are per session
const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const params = url.searchParams;
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
        size += c.length;
        if (size > maxBody) {
            send(req, res, 413, 'Code: 27. DB::Exception: request body too large. (CANNOT_PARSE_INPUT_ASSERTION_FAILED)\n', params);
            req.destroy();
        } else chunks.push(c);
    });
    req.on('end', () => {
        if (size > maxBody) return;
        if (url.pathname === '/ping') return send(req, res, 200, 'Ok.\n', params);
        if (!authorised(req))
            return send(req, res, 403, `Code: 516. DB::Exception: ${user}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED)\n`, params);
        const sql = [params.get('query') || '', Buffer.concat(chunks).toString('utf8')].join(' ').trim();
        const bind = {};
        for (const [k, v] of params) if (k.startsWith('param_')) bind[k.slice(6)] = v;
        queue = queue.then(async () => {
            try {
                const database = params.get('database') || 'default';
                if (!identifier.test(database)) throw new Error('Code: 81. DB::Exception: Database name is not valid. (UNKNOWN_DATABASE)');
                if (params.get('readonly') && params.get('readonly') !== '0' && !readOnly.test(sql))
                    throw new Error('Code: 164. DB::Exception: Cannot execute query in readonly mode. (READONLY)');
                session.query(`USE ${database}`);
                const timeout = Number(params.get('max_execution_time') || 0) * 1000 || undefined;
                const result = await session.queryBindAsync(sql, bind, { format: params.get('default_format') || 'TabSeparated', timeout });
                const text = result.text();
                const cap = Number(params.get('max_result_bytes') || 0);
                if (cap && Buffer.byteLength(text) > cap)
                    throw new Error(`Code: 396. DB::Exception: Limit for result exceeded, max bytes: ${cap}. (TOO_MANY_ROWS_OR_BYTES)`);
                send(req, res, 200, text, params);
            } catch (e) {
                const message = String(e && e.message ? e.message : e).replace(/^.*?Query failed: /s, '').trim();
                const code = Number((/Code: (\d+)/.exec(message) || [])[1] || 0);
                send(req, res, statusFor(code), (message.startsWith('Code:') ? message : `Code: 1000. DB::Exception: ${message}`) + '\n', params);
            }
        });
    });
});
server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening ${server.address().port}\n`);
});
