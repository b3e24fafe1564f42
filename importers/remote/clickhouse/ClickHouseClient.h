#pragma once

// Queries over ClickHouse's HTTP interface. Every value a query needs travels as a typed query
// parameter (`{from:Int64}`, `{db:Identifier}`), never spliced into SQL text; server-side limits
// (max_execution_time, max_result_bytes) back up the client's own time and size caps. Errors name
// the server, what Seam was asking, and ClickHouse's own reason, classified when it is a common one.

#include "ClickHouseSource.h"

#include <QByteArray>
#include <QString>
#include <atomic>
#include <utility>
#include <vector>

namespace seam::remote {

class HttpFetcher;

using QueryParams = std::vector<std::pair<QString, QString>>;

struct QueryResult
{
    QByteArray body; ///< JSONEachRow lines
    QString error;   ///< empty on success
    bool cancelled = false;
    bool ok() const { return error.isEmpty(); }
};

class ClickHouseClient
{
public:
    ClickHouseClient(ClickHouseSource source, HttpFetcher& fetcher);

    void setCancelFlag(const std::atomic<bool>* cancel) { m_cancel = cancel; }
    void setTimeoutSeconds(int seconds) { m_timeoutSeconds = seconds; }
    void setMaxResultBytes(qint64 bytes) { m_maxResultBytes = bytes; }

    /// `purpose` says what the query is for ("browser spans, page 3"), for messages. The database and
    /// table are bound as the `db` and `table` Identifier parameters.
    QueryResult query(const QString& purpose, const QString& sql, const QueryParams& params = {});

    const ClickHouseSource& source() const { return m_source; }

private:
    ClickHouseSource m_source;
    HttpFetcher& m_fetcher;
    const std::atomic<bool>* m_cancel = nullptr;
    int m_timeoutSeconds = 60;
    qint64 m_maxResultBytes = qint64(256) << 20;
};

/// "Code: 60. DB::Exception: Unknown table ... (UNKNOWN_TABLE)" -> "unknown table: Unknown table ...".
QString describeClickHouseError(int httpStatus, const QByteArray& body);

} // namespace seam::remote
