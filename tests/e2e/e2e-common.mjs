// End-to-end tests of Seam (tests/e2e/run-e2e.mjs runs one scenario).
// Shared by every scenario: arguments, the work directory, checks and failures, npm ci of
// tests/e2e/node_modules, child processes, `seam serve` and `seam query`.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SKIP = 77;
export const SCENARIOS = ['node', 'browser', 'datadog', 'faro', 'har', 'multi'];
export const here = path.dirname(fileURLToPath(import.meta.url));
export const t0 = Date.now();
export const children = new Set();
export let failures = 0;

export function log(msg) {
    console.log(`[${((Date.now() - t0) / 1000).toFixed(2)}s] ${msg}`);
}

export function skip(why) {
    console.log(`SKIPPED: ${why}`);
    cleanupAndExit(SKIP);
}

export function check(cond, what, detail) {
    if (cond) {
        console.log(`  ok   ${what}`);
    } else {
        failures++;
        console.log(`  FAIL ${what}${detail === undefined ? '' : `: ${typeof detail === 'string' ? detail : JSON.stringify(detail)}`}`);
    }
    return cond;
}

export function cleanupAndExit(code) {
    for (const child of children) {
        if (child.exitCode === null && child.signalCode === null)
            child.kill('SIGKILL');
    }
    process.exit(code);
}

// ---- arguments -----------------------------------------------------------------------------------

export const args = process.argv.slice(2);
export let seamBinary = process.env.SEAM_BINARY || '';
export let scenario = '';
export let keep = false;
export let recordDir = ''; // multi: where to write the recorded payloads as fixtures
for (let i = 0; i < args.length; i++) {
    if (args[i] === '--seam')
        seamBinary = args[++i];
    else if (args[i] === '--keep')
        keep = true;
    else if (args[i] === '--record')
        recordDir = path.resolve(args[++i]);
    else if (SCENARIOS.includes(args[i]))
        scenario = args[i];
    else {
        console.error(`unknown argument ${args[i]}\nusage: run-e2e.mjs --seam PATH (${SCENARIOS.join('|')}) [--keep] [--record DIR]`);
        process.exit(2);
    }
}
if (!scenario || !seamBinary) {
    console.error(`usage: run-e2e.mjs --seam PATH (${SCENARIOS.join('|')}) [--keep]`);
    process.exit(2);
}
if (!fs.existsSync(seamBinary)) {
    console.error(`seam binary not found: ${seamBinary}`);
    process.exit(1);
}

export const workDir = fs.mkdtempSync(path.join(os.tmpdir(), `seam-e2e-${scenario}-`));
process.on('exit', () => {
    if (!keep && failures === 0)
        fs.rmSync(workDir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => cleanupAndExit(1));

// ---- npm dependencies ----------------------------------------------------------------------------

export function lockHash() {
    return createHash('sha256').update(fs.readFileSync(path.join(here, 'package-lock.json'))).digest('hex');
}

export const NETWORK_ERRORS = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network|ENOTCACHED|proxy/i;

export function sleepMs(ms) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export function installDependencies() {
    const stamp = path.join(here, 'node_modules', '.seam-e2e-lock');
    const want = lockHash();
    const upToDate = () => fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === want;
    if (upToDate())
        return;
    // Several build directories share tests/e2e: one npm ci at a time (a directory is an atomic lock).
    const lock = path.join(here, '.npm-ci.lock');
    const until = Date.now() + 180000;
    while (!tryLock(lock)) {
        if (Date.now() > until) {
            console.log(`another npm ci in ${here} holds ${lock} for over 3 minutes; remove it if stale`);
            cleanupAndExit(1);
        }
        sleepMs(250);
    }
    const unlock = () => fs.rmSync(lock, { recursive: true, force: true });
    process.on('exit', unlock); // also when npm ci ends in a skip or failure exit
    if (!upToDate())
        runNpmCi(stamp, want);
    unlock();
    process.off('exit', unlock);
}

export function tryLock(lock) {
    try {
        fs.mkdirSync(lock);
        return true;
    } catch (err) {
        if (err.code !== 'EEXIST')
            throw err;
        // A lock left by a killed run: older than any npm ci we would wait for.
        if (Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 300000)
            fs.rmSync(lock, { recursive: true, force: true });
        return false;
    }
}

export function runNpmCi(stamp, want) {
    const npm = spawnSync('npm', ['--version'], { encoding: 'utf8' });
    if (npm.error || npm.status !== 0)
        skip(`npm is not installed (${npm.error ? npm.error.code : `exit ${npm.status}`}); the e2e tests need Node.js and npm`);
    log(`npm ${npm.stdout.trim()}: npm ci in ${here}`);
    const started = Date.now();
    const ci = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
        cwd: here,
        encoding: 'utf8',
        timeout: 180000,
    });
    const output = `${ci.stdout || ''}${ci.stderr || ''}`;
    if (ci.error || ci.status !== 0) {
        const tail = output.trim().split('\n').slice(-6).join('\n');
        if ((ci.error && ci.error.code === 'ETIMEDOUT') || NETWORK_ERRORS.test(output))
            skip(`npm ci could not reach the npm registry and the npm cache lacks the packages:\n${tail}`);
        console.log(`npm ci failed (exit ${ci.status}):\n${tail}`);
        cleanupAndExit(1);
    }
    fs.writeFileSync(stamp, want);
    log(`npm ci done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

// ---- processes -----------------------------------------------------------------------------------

// Starts a process and resolves with the first stdout match of `ready` once it appears.
export function start(name, command, argv, { env = {}, ready, timeoutMs = 20000 } = {}) {
    const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.output = '';
    child.name = name;
    child.exited = new Promise((resolve) =>
        child.on('exit', (code, signal) => {
            children.delete(child);
            resolve({ code, signal });
        }));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d) => {
        child.output += d;
        for (const line of d.split('\n').filter(Boolean))
            console.log(`    ${name}! ${line}`);
    });
    child.stdout.setEncoding('utf8');
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${name} did not get ready in ${timeoutMs} ms`)), timeoutMs);
        child.on('error', (err) => reject(new Error(`${name}: ${err.message}`)));
        child.exited.then(({ code, signal }) => {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${signal || code}) before it was ready:\n${child.output}`));
        });
        child.stdout.on('data', (d) => {
            child.output += d;
            const m = ready && child.output.match(ready);
            if (m) {
                clearTimeout(timer);
                resolve({ child, match: m });
            }
        });
    });
}

export async function stop(child, timeoutMs = 15000) {
    if (child.exitCode !== null || child.signalCode !== null)
        return { code: child.exitCode, signal: child.signalCode };
    child.kill('SIGTERM');
    let timer;
    const result = await Promise.race([
        child.exited,
        new Promise((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!result) {
        child.kill('SIGKILL');
        throw new Error(`${child.name} did not stop within ${timeoutMs} ms of SIGTERM`);
    }
    return result;
}

// A node service's last stdout line is its exporter summary (see node/tracing.js).
export function exportSummary(child) {
    const lines = child.output.trim().split('\n');
    try {
        return JSON.parse(lines[lines.length - 1]);
    } catch {
        return { exported: 0, failed: -1, errors: [`no summary in output: ${child.output}`] };
    }
}

export function startSeam(cache, corsOrigins = []) {
    const argv = ['serve', '--db', cache, '--listen', '127.0.0.1:0'];
    for (const origin of corsOrigins)
        argv.push('--cors-origin', origin);
    return start('seam', seamBinary, argv, { ready: /listening on (http:\/\/127\.0\.0\.1:\d+)/ }).then(
        ({ child, match }) => ({ child, url: match[1] }));
}

export function startService(file, env) {
    return start(path.basename(file, '.js'), process.execPath, [path.join(here, 'node', file)], {
        env,
        ready: /listening (\d+)/,
    }).then(({ child, match }) => ({ child, url: `http://127.0.0.1:${match[1]}` }));
}

// seam query takes no bound parameters: every statement here is a fixed string, values are joined
// in SQL rather than pasted into it.
export function query(cache, sql) {
    const r = spawnSync(seamBinary, ['query', '--db', cache, '--json', sql], { encoding: 'utf8' });
    if (r.status !== 0)
        throw new Error(`seam query failed (${r.status}): ${r.stderr}\n${sql}`);
    const { columns, rows } = JSON.parse(r.stdout);
    return rows.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i]])));
}

export function scalar(cache, sql) {
    const rows = query(cache, sql);
    return rows.length ? Object.values(rows[0])[0] : undefined;
}

export async function waitFor(what, fn, timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    let last;
    for (;;) {
        last = fn();
        if (last.done)
            return last;
        if (Date.now() > until)
            return last;
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}

export function get(url) {
    return new Promise((resolve, reject) => {
        http.get(url, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode, body }));
        }).on('error', reject);
    });
}

export function freePort() {
    return new Promise((resolve, reject) => {
        const srv = net.createServer();
        srv.on('error', reject);
        srv.listen(0, '127.0.0.1', () => {
            const { port } = srv.address();
            srv.close(() => resolve(port));
        });
    });
}

// The driver counts an exception that ends a scenario as one more failure.
export function countFailure() {
    failures++;
}
