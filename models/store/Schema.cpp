#include "Schema.h"

#include "SchemaMigrations.h"
#include "Sqlite.h"

#include <algorithm>
#include <string>

namespace seam::schema {
namespace {

// Schema v1, as the first Seam wrote it; never edited: later versions are steps in
// SchemaMigrations.cpp, applied to new files too. Times are int64 ns since the Unix epoch. Trace ids live
// once in `traces` (16-byte blob); everything else refers to a trace by its integer row id, which keeps the
// big `spans` table clustered by trace and its primary-key inserts near the end of the B-tree (new traces get
// increasing ids), the difference between ~180k and ~350k rows/s on this hardware. Span ids are 64-bit
// integers (the signed reinterpretation of the 8 bytes); the v_* views show them as hex.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT
) WITHOUT ROWID;

CREATE TABLE sources (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,            -- file, demo, live
    path        TEXT NOT NULL,            -- file path, endpoint or generator description
    format      TEXT,                     -- detected format
    started_ns  INTEGER NOT NULL,
    finished_ns INTEGER,
    status      TEXT NOT NULL DEFAULT 'running', -- running, done, failed, cancelled
    accepted    INTEGER NOT NULL DEFAULT 0,
    rejected    INTEGER NOT NULL DEFAULT 0,
    bytes       INTEGER NOT NULL DEFAULT 0,
    error       TEXT                      -- the fatal error that stopped the source, if any
);

CREATE TABLE source_errors (
    source_id INTEGER NOT NULL,
    location  TEXT NOT NULL,
    message   TEXT NOT NULL,
    count     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX source_errors_by_source ON source_errors(source_id);

CREATE TABLE services (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    namespace   TEXT NOT NULL DEFAULT '',
    version     TEXT NOT NULL DEFAULT '',
    environment TEXT NOT NULL DEFAULT '',
    is_browser  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (name, namespace, version, environment)
);

CREATE TABLE operations (
    id         INTEGER PRIMARY KEY,
    service_id INTEGER NOT NULL,
    name       TEXT NOT NULL,
    UNIQUE (service_id, name)
);

CREATE TABLE traces (
    id                 INTEGER PRIMARY KEY,
    trace_id           BLOB NOT NULL UNIQUE,  -- 16 bytes
    trace_lo           INTEGER NOT NULL,      -- low 64 bits (Datadog ids)
    start_ns           INTEGER,               -- NULL until a span arrives
    end_ns             INTEGER,
    span_count         INTEGER NOT NULL DEFAULT 0,
    backend_span_count INTEGER NOT NULL DEFAULT 0,
    error_count        INTEGER NOT NULL DEFAULT 0,
    root_service_id    INTEGER,
    root_operation_id  INTEGER
);
CREATE INDEX traces_by_lo ON traces(trace_lo);
CREATE INDEX traces_by_start ON traces(start_ns) WHERE start_ns IS NOT NULL;

-- Spans are split in two: the small fixed-size part every click and every correlation reads, kept
-- clustered by trace (WITHOUT ROWID), and the large, rarely read payload (attributes, events) appended
-- to its own table. Inserting 400-byte rows into a clustered B-tree costs twice what these two
-- inserts cost together, and reading a trace's structure no longer drags its attributes along.
CREATE TABLE spans (
    trace          INTEGER NOT NULL,          -- traces.id
    span_id        INTEGER NOT NULL,
    parent_span_id INTEGER NOT NULL,          -- 0 for a root span
    service_id     INTEGER NOT NULL,
    operation_id   INTEGER NOT NULL,          -- operations.id (the span name, per service)
    kind           INTEGER NOT NULL,          -- 0 unspecified 1 internal 2 server 3 client 4 producer 5 consumer
    start_ns       INTEGER NOT NULL,
    end_ns         INTEGER NOT NULL,
    status_code    INTEGER NOT NULL,          -- 0 unset 1 ok 2 error
    payload        INTEGER,                   -- span_payloads.id; NULL when the span has none
    source_id      INTEGER,
    PRIMARY KEY (trace, span_id)
) WITHOUT ROWID;
CREATE TABLE span_payloads (
    id             INTEGER PRIMARY KEY,
    status_message TEXT,
    attributes     TEXT,                      -- JSON object
    events         TEXT,                      -- JSON array [{t, name, attributes}]
    links          TEXT,                      -- JSON array [{trace_id, span_id, attributes}]
    scope          TEXT
);
CREATE INDEX spans_errors_by_start ON spans(start_ns) WHERE status_code = 2;

CREATE TABLE logs (
    id          INTEGER PRIMARY KEY,
    fingerprint INTEGER NOT NULL UNIQUE,      -- hash of the record: re-import is idempotent
    time_ns     INTEGER NOT NULL,
    service_id  INTEGER,
    severity    INTEGER NOT NULL,
    severity_text TEXT,
    body        TEXT,
    attributes  TEXT,
    trace       INTEGER,                      -- traces.id
    span_id     INTEGER,
    source_id   INTEGER
);
CREATE INDEX logs_by_trace ON logs(trace, span_id) WHERE trace IS NOT NULL;
CREATE INDEX logs_by_time ON logs(time_ns);

CREATE TABLE sessions (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    user_id         TEXT,
    browser         TEXT,
    browser_version TEXT,
    os              TEXT,
    device          TEXT,
    country         TEXT,
    app_version     TEXT,
    start_ns        INTEGER,
    end_ns          INTEGER,
    page_load_count INTEGER NOT NULL DEFAULT 0,
    error_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_start ON sessions(start_ns);

CREATE TABLE page_loads (
    id             INTEGER PRIMARY KEY,
    key            TEXT NOT NULL UNIQUE,
    session_id     INTEGER,
    app_service_id INTEGER,
    url            TEXT NOT NULL,
    route          TEXT NOT NULL,
    start_ns       INTEGER NOT NULL,
    duration_ns    INTEGER,
    ttfb_ns        INTEGER,
    fcp_ns         INTEGER,
    lcp_ns         INTEGER,
    cls            REAL,
    inp_ns         INTEGER,
    error_count    INTEGER NOT NULL DEFAULT 0,
    resource_count INTEGER NOT NULL DEFAULT 0,
    linked_count   INTEGER NOT NULL DEFAULT 0, -- resources linked to a backend trace
    backend_ns     INTEGER,                    -- union of linked backend entry spans' time
    services       TEXT,                       -- comma-separated backend services reached
    trace          INTEGER,                    -- traces.id of the document's trace
    span_id        INTEGER,
    version        INTEGER NOT NULL DEFAULT 0,
    source_id      INTEGER
);
CREATE INDEX page_loads_by_start ON page_loads(start_ns);
CREATE INDEX page_loads_by_duration ON page_loads(duration_ns);
CREATE INDEX page_loads_by_session ON page_loads(session_id, start_ns);
CREATE INDEX page_loads_by_route ON page_loads(route, start_ns);

CREATE TABLE resources (
    id                 INTEGER PRIMARY KEY,
    key                TEXT NOT NULL UNIQUE,
    page_load_id       INTEGER,
    page_load_key      TEXT,             -- the importer's reference, until that page load arrives
    page_load_by_time  INTEGER NOT NULL DEFAULT 0, -- 1: attached by session + time, may move
    session_id         INTEGER,
    type               TEXT NOT NULL,
    method             TEXT,
    url                TEXT NOT NULL,
    status             INTEGER,
    start_ns           INTEGER NOT NULL,
    duration_ns        INTEGER,
    transfer_size      INTEGER,
    dns_ns             INTEGER,
    connect_ns         INTEGER,
    ssl_ns             INTEGER,
    ttfb_ns            INTEGER,
    download_ns        INTEGER,
    trace              INTEGER,          -- traces.id of the propagated / own trace id
    trace_lo           INTEGER,          -- only the low 64 bits known (Datadog), until resolved
    span_id            INTEGER,
    id_source          INTEGER NOT NULL DEFAULT 0, -- see TraceIdSource in models/Records.h
    source_id          INTEGER
);
CREATE INDEX resources_by_page_load ON resources(page_load_id, start_ns);
CREATE INDEX resources_by_session ON resources(session_id, start_ns);
CREATE INDEX resources_by_trace ON resources(trace) WHERE trace IS NOT NULL;
CREATE INDEX resources_by_trace_lo ON resources(trace_lo) WHERE trace IS NULL AND trace_lo IS NOT NULL;
CREATE INDEX resources_pending_page ON resources(page_load_key) WHERE page_load_id IS NULL AND page_load_key IS NOT NULL;

CREATE TABLE links (
    resource_id INTEGER PRIMARY KEY,       -- resources.id
    trace       INTEGER NOT NULL,          -- traces.id of the backend trace
    span_id     INTEGER,                   -- the backend entry span, when identified
    method      TEXT NOT NULL,             -- trace, traceparent-header, server-timing, datadog-id, document-meta, inferred
    confidence  REAL NOT NULL,             -- 0..1
    created_ns  INTEGER NOT NULL
);
CREATE INDEX links_by_trace ON links(trace);

CREATE TABLE rum_errors (
    id              INTEGER PRIMARY KEY,
    key             TEXT NOT NULL UNIQUE,
    page_load_id    INTEGER,
    page_load_key   TEXT,
    page_load_by_time INTEGER NOT NULL DEFAULT 0,
    session_id      INTEGER,
    time_ns         INTEGER NOT NULL,
    type            TEXT,
    message         TEXT,
    source          TEXT,
    stack           TEXT,
    resource_url    TEXT,
    resource_status INTEGER,
    source_id       INTEGER
);
CREATE INDEX rum_errors_by_page_load ON rum_errors(page_load_id);
CREATE INDEX rum_errors_by_session ON rum_errors(session_id, time_ns);
CREATE INDEX rum_errors_by_time ON rum_errors(time_ns);
CREATE INDEX rum_errors_pending_page ON rum_errors(page_load_key) WHERE page_load_id IS NULL AND page_load_key IS NOT NULL;

CREATE TABLE actions (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    page_load_id  INTEGER,
    page_load_key TEXT,
    page_load_by_time INTEGER NOT NULL DEFAULT 0,
    session_id    INTEGER,
    time_ns       INTEGER NOT NULL,
    duration_ns   INTEGER,
    type          TEXT,
    name          TEXT,
    frustration   TEXT,
    source_id     INTEGER
);
CREATE INDEX actions_by_session ON actions(session_id, time_ns);
CREATE INDEX actions_by_page_load ON actions(page_load_id);
CREATE INDEX actions_pending_page ON actions(page_load_key) WHERE page_load_id IS NULL AND page_load_key IS NOT NULL;

CREATE TABLE long_tasks (
    id            INTEGER PRIMARY KEY,
    key           TEXT NOT NULL UNIQUE,
    page_load_id  INTEGER,
    page_load_key TEXT,
    page_load_by_time INTEGER NOT NULL DEFAULT 0,
    session_id    INTEGER,
    time_ns       INTEGER NOT NULL,
    duration_ns   INTEGER NOT NULL,
    source_id     INTEGER
);
CREATE INDEX long_tasks_by_session ON long_tasks(session_id, time_ns);
CREATE INDEX long_tasks_by_page_load ON long_tasks(page_load_id);
CREATE INDEX long_tasks_pending_page ON long_tasks(page_load_key) WHERE page_load_id IS NULL AND page_load_key IS NOT NULL;

-- Web vitals that arrived before their page load; applied and deleted when it arrives.
CREATE TABLE pending_vitals (
    page_load_key TEXT,
    session_key   TEXT,
    time_ns       INTEGER NOT NULL,
    name          TEXT NOT NULL,
    value         REAL NOT NULL
);
CREATE INDEX pending_vitals_by_key ON pending_vitals(page_load_key);
CREATE INDEX pending_vitals_by_session ON pending_vitals(session_key, time_ns);

CREATE TABLE rollups (
    service_id      INTEGER NOT NULL,
    operation_id    INTEGER NOT NULL,       -- 0: all entry spans (server/consumer/root) of the service
    bucket_ns       INTEGER NOT NULL,       -- bucket start; width in meta 'rollup_bucket_ns'
    requests        INTEGER NOT NULL,
    errors          INTEGER NOT NULL,
    duration_sum_ns INTEGER NOT NULL,
    duration_max_ns INTEGER NOT NULL,
    histogram       BLOB NOT NULL,          -- LatencyHistogram encoding (models/LatencyHistogram.h)
    PRIMARY KEY (service_id, operation_id, bucket_ns)
) WITHOUT ROWID;
CREATE INDEX rollups_by_bucket ON rollups(bucket_ns);

CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    created_ns  INTEGER NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'note', -- note, bookmark
    target_type TEXT,                         -- page_load, resource, trace, span, service, time_range
    target_id   TEXT,
    from_ns     INTEGER,
    to_ns       INTEGER,
    title       TEXT,
    text        TEXT
);

-- Readable views for `seam query`.
CREATE VIEW v_spans AS
SELECT lower(hex(t.trace_id)) AS trace_id, printf('%016x', s.span_id) AS span_id,
       CASE s.parent_span_id WHEN 0 THEN NULL ELSE printf('%016x', s.parent_span_id) END AS parent_span_id,
       v.name AS service, v.version AS service_version, o.name AS name, s.kind, s.start_ns, s.end_ns,
       s.end_ns - s.start_ns AS duration_ns, s.status_code, p.status_message, p.attributes, p.events, p.links,
       p.scope
FROM spans s JOIN traces t ON t.id = s.trace JOIN services v ON v.id = s.service_id
JOIN operations o ON o.id = s.operation_id LEFT JOIN span_payloads p ON p.id = s.payload;

CREATE VIEW v_links AS
SELECT l.resource_id, r.page_load_id, r.method AS http_method, r.url, lower(hex(t.trace_id)) AS trace_id,
       CASE WHEN l.span_id IS NULL THEN NULL ELSE printf('%016x', l.span_id) END AS span_id,
       l.method, l.confidence
FROM links l JOIN resources r ON r.id = l.resource_id JOIN traces t ON t.id = l.trace;
)sql";

// Page-load reconciliation (issue 17): one navigation reported by several sources (OTel documentLoad,
// Datadog view, Faro navigation, HAR page) is one page_loads row with one report per source. Every
// page load has at least one report (its own); the importers' page-load keys live here, so an item that
// names a merged-away report's key still finds its page load. Kept as its own string so that the v1
// DDL of new caches and the migration step of old ones run the very same statements.
constexpr const char* kReconciliationDdl = R"sql(
CREATE TABLE page_load_reports (
    id             INTEGER PRIMARY KEY,
    page_load_id   INTEGER NOT NULL,          -- page_loads.id of the navigation it reports
    key            TEXT NOT NULL UNIQUE,      -- the importer's page-load key
    format         TEXT NOT NULL,             -- otel, datadog, faro, har
    source_id      INTEGER,
    session_id     INTEGER,                   -- the session as this source knows it
    app_service_id INTEGER,
    url            TEXT NOT NULL,
    route          TEXT NOT NULL,
    start_ns       INTEGER NOT NULL,          -- in this source's clock
    duration_ns    INTEGER,
    ttfb_ns        INTEGER,
    fcp_ns         INTEGER,
    lcp_ns         INTEGER,
    cls            REAL,
    inp_ns         INTEGER,
    trace          INTEGER,                   -- traces.id of the document's trace
    span_id        INTEGER,
    version        INTEGER NOT NULL DEFAULT 0,
    matched_by     TEXT                       -- NULL for the first report; document-trace, resource-trace, url-time
);
CREATE INDEX page_load_reports_by_page_load ON page_load_reports(page_load_id);
CREATE INDEX page_loads_by_trace ON page_loads(trace) WHERE trace IS NOT NULL;
-- Failed calls (HTTP >= 500) and network errors of the page load; error_count becomes JS + network.
-- The partial indexes keep the counters' cost where it was (index-only counts): few rows qualify.
ALTER TABLE page_loads ADD COLUMN network_error_count INTEGER NOT NULL DEFAULT 0;
CREATE INDEX resources_failed_by_page_load ON resources(page_load_id, url) WHERE status >= 500;
CREATE INDEX rum_errors_network_by_page_load ON rum_errors(page_load_id, resource_url) WHERE source = 'network';
)sql";

} // namespace

void migrateToReconciliation(Database& db)
{
    db.exec(kReconciliationDdl);
    // Every page load of the older file becomes its own single report (format from its source, by the
    // importers' format names; live and demo sources are OTLP or browser SDKs that said nothing).
    db.exec("INSERT OR IGNORE INTO page_load_reports(page_load_id, key, format, source_id, session_id, "
            "app_service_id, url, route, start_ns, duration_ns, ttfb_ns, fcp_ns, lcp_ns, cls, inp_ns, trace, "
            "span_id, version) SELECT p.id, p.key, CASE s.format WHEN 'har' THEN 'har' WHEN 'datadog-rum' "
            "THEN 'datadog' WHEN 'faro' THEN 'faro' ELSE 'otel' END, p.source_id, p.session_id, "
            "p.app_service_id, p.url, p.route, p.start_ns, p.duration_ns, p.ttfb_ns, p.fcp_ns, p.lcp_ns, "
            "p.cls, p.inp_ns, p.trace, p.span_id, p.version FROM page_loads p LEFT JOIN sources s ON s.id = "
            "p.source_id");
    db.exec("UPDATE page_loads SET " + pageLoadErrorCountsSet("page_loads.id"));
}

std::string pageLoadErrorCountsSet(const std::string& id)
{
    // One failed call reported by several sources of a merged page load (an OTel fetch span, a HAR entry
    // and a Datadog resource of the same 502) counts once: by its trace, else by method, URL and second.
    const std::string failedCalls =
        "SELECT count(DISTINCT coalesce(r.trace, coalesce(r.method, '') || ' ' || r.url "
        "|| ' ' || (r.start_ns / 1000000000))) FROM resources r WHERE r.page_load_id = " +
        id + " AND r.status >= 500";
    // An SDK's error event about a failed call (Datadog/Faro source 'network') is that call when it names it.
    const std::string networkEvents =
        "SELECT count(*) FROM rum_errors e WHERE e.page_load_id = " + id +
        " AND e.source = 'network' AND NOT EXISTS (SELECT 1 FROM resources r WHERE r.page_load_id = " + id +
        " AND r.status >= 500 AND r.url = e.resource_url)";
    const std::string jsErrors = "(SELECT count(*) FROM rum_errors WHERE page_load_id = " + id +
                                 ") - (SELECT count(*) FROM rum_errors WHERE page_load_id = " + id +
                                 " AND source = 'network')";
    const std::string network = "(" + failedCalls + ") + (" + networkEvents + ")";
    return "network_error_count = " + network + ", error_count = " + jsErrors + " + " + network;
}

void configureConnection(Database& db, bool writer)
{
    if (writer) {
        // Bigger pages suit span rows of a few hundred bytes (fewer splits, shallower trees). Only takes
        // effect on a new, empty file, and must come before WAL is switched on.
        db.exec("PRAGMA page_size = 8192");
        db.exec("PRAGMA journal_mode = WAL");
        // NORMAL in WAL mode: a committed transaction survives a killed process; only a power loss
        // can lose the last few. That is the right trade for a cache of imported files.
        db.exec("PRAGMA synchronous = NORMAL");
    }
    db.exec("PRAGMA temp_store = MEMORY");
    db.exec("PRAGMA cache_size = -65536"); // 64 MiB
    // Readers map the file (fewer copies for big scans); the writer does not, so its memory stays at
    // the page cache plus the queue however large the cache file grows.
    if (!writer)
        db.exec("PRAGMA mmap_size = 268435456");
}

int schemaVersion(Database& db)
{
    return int(db.queryInt("PRAGMA user_version"));
}

void migrate(Database& db)
{
    const int version = int(db.queryInt("PRAGMA user_version"));
    if (version == kSchemaVersion)
        return;
    if (version > kSchemaVersion)
        throw SqliteError("the cache was written by a newer Seam (schema " + std::to_string(version) +
                              ", this build knows " + std::to_string(kSchemaVersion) + ")",
                          0);
    Transaction tx(db);
    // Another process may have created or migrated the file between the read above and taking the
    // write lock (two imports creating one new cache at the same instant): read again under the lock.
    const int lockedVersion = int(db.queryInt("PRAGMA user_version"));
    if (lockedVersion == kSchemaVersion) {
        tx.commit();
        return;
    }
    if (lockedVersion == 0) {
        // A file with tables but no version is not ours: refuse rather than write into it.
        if (db.queryInt("SELECT count(*) FROM sqlite_master") != 0)
            throw SqliteError("not a Seam investigation cache (unversioned tables present)", 0);
        db.exec(kSchemaV1);
        db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
        db.exec("INSERT INTO meta(key, value) VALUES ('rollup_bucket_ns', '" +
                std::to_string(kRollupBucketNs) + "'), ('created_by', 'seam " SEAM_VERSION "')");
    }
    // One step per version, oldest first, all in this transaction: a failure leaves the file as it was.
    for (const MigrationStep& step : migrationSteps())
        if (std::max(lockedVersion, 1) < step.toVersion)
            step.apply(db);
    db.exec("PRAGMA user_version = " + std::to_string(kSchemaVersion));
    tx.commit();
    // A step that rewrites much of an older file (v8 re-encodes every payload) leaves a -wal the size of
    // the changes; nothing else checkpoints it while a reader keeps the file open (a reader's upgrade,
    // the window): copy it back now and truncate it. PASSIVE would leave the -wal file at its size;
    // a busy reader only makes this a partial checkpoint, never an error.
    if (lockedVersion != 0)
        db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

} // namespace seam::schema
