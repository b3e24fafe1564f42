#pragma once
// What two investigations must agree on when they hold the same telemetry by different roads (file
// import, a ClickHouse pull, traces fetched by id): page loads with their figures, sessions,
// resources, links, the spans of linked traces and browser errors, each as a row count and a hash
// of the rows, so a failing comparison names the table that differs.

#include "ImportTestUtil.h"
#include "Store.h"

#include <QStringList>

namespace seam::test {

inline QStringList cacheFacts(const QString& cache)
{
    Database db = store::openForReading(cache.toStdString());
    QStringList out;
    auto add = [&](const char* name, const char* sql) {
        const QStringList rows = importtest::rows(db, sql);
        out << QStringLiteral("%1: %2 rows, hash %3")
                   .arg(QLatin1String(name))
                   .arg(rows.size())
                   .arg(qHash(rows.join(QLatin1Char('\n'))));
    };
    add("page loads",
        "SELECT resource_key_text(key) AS k, route, start_ns, duration_ns, ttfb_ns, lcp_ns, error_count, "
        "resource_count, linked_count, backend_ns, services FROM page_loads ORDER BY k");
    add("sessions", "SELECT key FROM sessions ORDER BY key");
    // Keys as text: an OTLP key's stored form names its trace by row id, which follows arrival order.
    add("resources", "SELECT resource_key_text(key) AS k, url, status, start_ns, duration_ns FROM resources "
                     "ORDER BY k");
    add("links", "SELECT resource_key_text(r.key), lower(hex(t.trace_id)), l.method FROM links l JOIN "
                 "resources r ON r.id = "
                 "l.resource_id "
                 "JOIN traces t ON t.id = l.trace ORDER BY 1, 2");
    add("linked spans",
        "SELECT lower(hex(t.trace_id)), printf('%016x', s.span_id), s.start_ns, s.end_ns, s.status_code "
        "FROM spans s JOIN traces t ON t.id = s.trace WHERE s.trace IN (SELECT trace FROM links) "
        "ORDER BY 1, 2");
    add("errors", "SELECT key FROM rum_errors ORDER BY key");
    add("rollups",
        "SELECT v.name, v.version, coalesce(o.name, ''), r.bucket_ns, r.requests, r.errors, "
        "r.duration_sum_ns, "
        "r.duration_max_ns, hex(r.histogram) FROM rollups r JOIN services v ON v.id = r.service_id "
        "LEFT JOIN operations o ON o.id = r.operation_id ORDER BY 1, 2, 3, 4");
    return out;
}

} // namespace seam::test
