// Seam's OTLP JSON export read by a consumer that is not Seam: protobufjs (npm) over the official
// opentelemetry-proto definitions. The export of a demo page load's traces must use only the fields
// the protos define (no misspelt or invented key: protobufjs's fromObject would drop it silently, so
// every key is checked against the message type), the OTLP JSON encodings (ids in hex, 64-bit
// integers as decimal strings, enums as numbers), and carry the same spans as `seam trace --json`:
// count, ids, parents, names, start and end times, attributes.
//
// usage: node check-otlp-json.mjs --seam SEAM --proto-dir DIR
// Exit 0: passed; 1: failed (what differs is printed); 77: skipped (node modules cannot be installed).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : undefined;
};
const seam = arg('--seam');
const protoDir = arg('--proto-dir');
if (!seam || !protoDir) {
    console.error('usage: node check-otlp-json.mjs --seam SEAM --proto-dir DIR');
    process.exit(2);
}

function skip(why) {
    console.log(`SKIPPED: ${why}`);
    process.exit(77);
}

// protobufjs from npm, installed here on first use (the lock file pins it).
if (!existsSync(join(here, 'node_modules', 'protobufjs'))) {
    const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: here, encoding: 'utf8' });
    if (npm.error || npm.status !== 0)
        skip(`npm ci in ${here} failed (npm or the npm registry unreachable?): ${npm.error ?? npm.stderr.slice(-400)}`);
}
const protobuf = createRequire(join(here, 'package.json'))('protobufjs');

const failures = [];
const fail = (what) => failures.push(what);

const work = mkdtempSync(join(tmpdir(), 'seam-otlp-json-'));
try {
    const run = (...args) => execFileSync(seam, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
    const db = join(work, 'demo.seam');
    run('demo', '--db', db, '--sessions', '60', '--seed', '5');
    // A page load whose resources called the backend: its traces have browser and backend spans.
    const query = JSON.parse(run('query', '--db', db, '--json',
        'SELECT r.page_load_id FROM resources r JOIN spans s ON s.trace = r.trace WHERE r.page_load_id IS NOT NULL ' +
        'GROUP BY r.page_load_id ORDER BY count(*) DESC, r.page_load_id LIMIT 1'));
    const pageLoad = String(query.rows[0][0]);
    const file = join(work, 'load.json');
    run('export', '--db', db, '--page-load', pageLoad, '--format', 'otlp-json', '--out', file);
    const json = JSON.parse(readFileSync(file, 'utf8'));

    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => join(protoDir, target);
    root.loadSync('opentelemetry/proto/trace/v1/trace.proto', { keepCase: false });
    root.resolveAll();
    const TracesData = root.lookupType('opentelemetry.proto.trace.v1.TracesData');

    // OTLP JSON differs from the proto3 JSON mapping in its ids: hex, not base64.
    const idFields = new Set(['traceId', 'spanId', 'parentSpanId']);
    // Every key a field of its message type, each value of the field's JSON shape; ids to bytes.
    const strict = (type, value, path) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            fail(`${path}: a ${type.name} must be an object`);
            return value;
        }
        const out = {};
        for (const [key, v] of Object.entries(value)) {
            const field = type.fields[key] ?? Object.values(type.fields).find((f) => f.name === key);
            if (!field) {
                fail(`${path}.${key}: no such field in ${type.fullName}`);
                continue;
            }
            field.resolve();
            const one = (x, p) => {
                if (idFields.has(key)) {
                    if (typeof x !== 'string' || !/^([0-9a-f]{2})*$/.test(x))
                        fail(`${p}: an id must be lower-case hex, got ${JSON.stringify(x)}`);
                    return Buffer.from(x, 'hex');
                }
                if (field.resolvedType instanceof protobuf.Type)
                    return strict(field.resolvedType, x, p);
                if (field.resolvedType instanceof protobuf.Enum) {
                    if (!Number.isInteger(x) || !Object.values(field.resolvedType.values).includes(x))
                        fail(`${p}: ${x} is not a value of ${field.resolvedType.fullName}`);
                    return x;
                }
                if (/^(fixed64|sfixed64|int64|uint64|sint64)$/.test(field.type) && !(typeof x === 'string' && /^-?\d+$/.test(x)))
                    fail(`${p}: a 64-bit integer must be a decimal string, got ${JSON.stringify(x)}`);
                return x;
            };
            if (field.repeated) {
                if (!Array.isArray(v)) {
                    fail(`${path}.${key}: must be an array`);
                    continue;
                }
                out[field.name] = v.map((x, i) => one(x, `${path}.${key}[${i}]`));
            } else {
                out[field.name] = one(v, `${path}.${key}`);
            }
        }
        return out;
    };
    const message = TracesData.fromObject(strict(TracesData, json, '$'));
    const decoded = TracesData.toObject(TracesData.decode(TracesData.encode(message).finish()), {
        longs: String, bytes: String, defaults: false, arrays: true,
    });

    const hex = (b64) => (b64 ? Buffer.from(b64, 'base64').toString('hex') : '');
    const anyValue = (v) => v.stringValue ?? (v.boolValue !== undefined ? v.boolValue : undefined) ??
        (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue;
    const byTrace = new Map();
    for (const rs of decoded.resourceSpans)
        for (const ss of rs.scopeSpans)
            for (const s of ss.spans) {
                const t = hex(s.traceId);
                if (!byTrace.has(t))
                    byTrace.set(t, []);
                byTrace.get(t).push(s);
            }
    if (byTrace.size === 0)
        fail('no spans decoded');
    let spans = 0;
    for (const [trace, decodedSpans] of byTrace) {
        // Nanoseconds exceed a double's 53 bits: read them as text.
        const text = run('trace', '--db', db, trace, '--json').replace(/("(?:start_ns|end_ns)":\s*)(-?\d+)/g, '$1"$2"');
        const expected = JSON.parse(text).spans;
        if (decodedSpans.length !== expected.length) {
            fail(`trace ${trace}: ${decodedSpans.length} spans decoded, seam trace has ${expected.length}`);
            continue;
        }
        const bySpan = new Map(decodedSpans.map((s) => [hex(s.spanId), s]));
        for (const e of expected) {
            const s = bySpan.get(e.span_id);
            const where = `trace ${trace} span ${e.span_id}`;
            if (!s) {
                fail(`${where}: missing`);
                continue;
            }
            ++spans;
            if (hex(s.parentSpanId) !== (e.parent_span_id ?? ''))
                fail(`${where}: parent ${hex(s.parentSpanId)}, expected ${e.parent_span_id}`);
            if (s.name !== e.name)
                fail(`${where}: name ${s.name}, expected ${e.name}`);
            if (s.startTimeUnixNano !== String(e.start_ns) || s.endTimeUnixNano !== String(e.end_ns))
                fail(`${where}: times ${s.startTimeUnixNano}..${s.endTimeUnixNano}, expected ${e.start_ns}..${e.end_ns}`);
            const attributes = Object.fromEntries((s.attributes ?? []).map((a) => [a.key, anyValue(a.value)]));
            for (const [k, v] of Object.entries(e.attributes ?? {}))
                if (typeof v !== 'object' && attributes[k] !== v)
                    fail(`${where}: attribute ${k} = ${JSON.stringify(attributes[k])}, expected ${JSON.stringify(v)}`);
        }
    }
    if (failures.length) {
        console.error(failures.slice(0, 40).join('\n'));
        process.exit(1);
    }
    console.log(`page load ${pageLoad}: ${spans} spans in ${byTrace.size} trace(s) read back by protobufjs ` +
        'over opentelemetry-proto as seam trace shows them');
} finally {
    rmSync(work, { recursive: true, force: true });
}
