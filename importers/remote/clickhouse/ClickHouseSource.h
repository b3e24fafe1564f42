#pragma once

// Where the spans live: `clickhouse://[user[:password]@]host[:port]/database?table=otel_traces[&secure=1]`.
// Credentials may instead come from SEAM_CLICKHOUSE_USER / SEAM_CLICKHOUSE_PASSWORD; they are sent as
// headers (never in the URL, which proxies log) and never appear in display(), which is what Seam
// writes to the investigation and to messages.

#include <QString>
#include <QUrl>
#include <optional>

namespace seam::remote {

struct ClickHouseSource
{
    QString host;
    int port = 8123;
    bool secure = false;
    QString database = QStringLiteral("default");
    QString table = QStringLiteral("otel_traces");
    QString user;
    QString password; ///< never written anywhere

    /// The HTTP interface's base URL (no credentials).
    QUrl endpoint() const;
    /// For messages and the investigation's `sources` row: no password, ever.
    QString display() const;
    /// The exporter's trace-id/time side table (`<table>_trace_id_ts`).
    QString traceIdTable() const { return table + QStringLiteral("_trace_id_ts"); }

    /// Parses the URL; on failure returns nullopt and says why in `error`. Environment credentials
    /// fill what the URL leaves out.
    static std::optional<ClickHouseSource> parse(const QString& url, QString& error);
};

} // namespace seam::remote
