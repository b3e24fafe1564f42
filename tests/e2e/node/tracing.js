'use strict';
// OpenTelemetry set-up shared by the e2e node services: a NodeTracerProvider with a batch processor
// and an OTLP/HTTP exporter (protobuf or JSON), plus the http instrumentation. Must be required
// before anything requires 'http', so that the instrumentation can patch it.

const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

function required(name) {
    const value = process.env[name];
    if (!value) {
        console.error(`${name} is not set`);
        process.exit(2);
    }
    return value;
}

// Counts what the real exporter reports as acknowledged or failed, so that the driver can compare
// the cache with what the SDK believes it delivered.
class CountingExporter {
    constructor(inner) {
        this.inner = inner;
        this.exported = 0;
        this.failed = 0;
        this.errors = [];
    }
    export(spans, resultCallback) {
        this.inner.export(spans, (result) => {
            if (result.code === 0) {
                this.exported += spans.length;
            } else {
                this.failed += spans.length;
                this.errors.push(String(result.error));
            }
            resultCallback(result);
        });
    }
    forceFlush() {
        return this.inner.forceFlush ? this.inner.forceFlush() : Promise.resolve();
    }
    shutdown() {
        return this.inner.shutdown();
    }
}

function startTracing(serviceName) {
    const protocol = required('E2E_OTLP_PROTOCOL'); // "proto" or "json"
    const url = `${required('E2E_OTLP_ENDPOINT')}/v1/traces`;
    let OTLPTraceExporter;
    if (protocol === 'proto')
        ({ OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto'));
    else if (protocol === 'json')
        ({ OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http'));
    else
        throw new Error(`E2E_OTLP_PROTOCOL must be proto or json, not ${protocol}`);

    const exporter = new CountingExporter(new OTLPTraceExporter({ url, timeoutMillis: 10000 }));
    const provider = new NodeTracerProvider({
        resource: resourceFromAttributes({
            'service.name': serviceName,
            'service.version': process.env.E2E_SERVICE_VERSION || '1.0.0',
            'deployment.environment.name': 'e2e',
        }),
        spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 200 })],
    });
    provider.register();
    registerInstrumentations({
        tracerProvider: provider,
        instrumentations: [new HttpInstrumentation()],
    });
    return { provider, exporter };
}

// Stops the server, then flushes every span to the exporter (an export succeeds only when seam has
// acknowledged, i.e. committed, it) and exits: 0 when every export succeeded.
// The last stdout line is a JSON summary the driver reads.
function shutdownOnSignal(server, { provider, exporter }, name) {
    let stopping = false;
    const stop = async (signal) => {
        if (stopping)
            return;
        stopping = true;
        server.closeAllConnections?.();
        server.close();
        let error = '';
        try {
            await provider.shutdown();
        } catch (err) {
            error = String(err);
        }
        const summary = { service: name, signal, exported: exporter.exported, failed: exporter.failed,
                          errors: exporter.errors.concat(error ? [error] : []) };
        process.stdout.write(`${JSON.stringify(summary)}\n`, () =>
            process.exit(summary.failed || error ? 1 : 0));
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
}

module.exports = { startTracing, shutdownOnSignal };
