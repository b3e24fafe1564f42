#pragma once

// A bounded search of a trace store by service, operation, time and duration, and the traces it names,
// through the OTLP path files take.
//
// Neither API pages a search, so a search is one request with a bound, and the report says when the
// answer reached it (more traces may match: narrow the range):
// - Tempo: GET /api/search?q=<TraceQL>&start=&end= (unix seconds)&limit=N&spss=1 answers at most N trace
//   summaries ({"traces":[{"traceID",...}],"metrics":{...}}), then each trace comes by id (fetchTraces).
// - Jaeger: GET /api/v3/traces?query.service_name=&query.start_time_min= (RFC 3339)&query.search_depth=N
//   answers the whole traces as OTLP JSON ({"result": TracesData}, possibly one object per chunk), read
//   directly; the store looks at N traces at most (its search depth), so an answer of N traces is capped.

#include "TraceFetch.h"

#include <QByteArray>
#include <QString>
#include <QUrl>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace seam::remote {

inline constexpr int kDefaultSearchLimit = 100;
/// The hard cap: a wider search is a range to narrow, not a bigger answer to hold.
inline constexpr int kMaxSearchLimit = 1000;

struct TraceSearchQuery
{
    QString service;   ///< required
    QString operation; ///< span name; empty: any
    std::int64_t fromNs = 0, toNs = 0;
    std::int64_t minDurationNs = 0; ///< whole-trace duration at least this; 0: any
    int limit = kDefaultSearchLimit;
    qint64 maxAnswerBytes = qint64(256) << 20; ///< Jaeger's answer holds the traces themselves
};

struct TraceSearchReport
{
    std::int64_t named = 0;              ///< traces the search answered
    bool limitReached = false;           ///< the answer held `limit` traces: others may match
    std::int64_t found = 0, missing = 0; ///< of the named traces, with spans / without
    std::int64_t requests = 0, bytes = 0;
    QString error; ///< the first failure, naming the store and the request
    bool cancelled = false;
    double seconds = 0;
    QString request; ///< the search's path and query as sent (no credentials), for the report
};

/// `{ resource.service.name = "S" && name = "O" && traceDuration >= 250ms }`, strings escaped.
QString traceQlOf(const TraceSearchQuery& query);
/// Go's duration syntax (Tempo's TraceQL and Jaeger's query.duration_min both read it): 250ms, 1500us.
QString goDuration(std::int64_t ns);
/// RFC 3339 with nanoseconds, UTC: 2024-03-01T10:00:00.123456789Z.
QString rfc3339(std::int64_t ns);
QUrl tempoSearchUrl(const TraceStore& store, const TraceSearchQuery& query);
QUrl jaegerSearchUrl(const TraceStore& store, const TraceSearchQuery& query);

struct TempoSearchHit
{
    std::string traceId; ///< 32 lower-case hex digits
    std::int64_t startNs = 0, durationMs = 0;
    QString rootService, rootName;
};

/// Tempo's SearchResponse JSON. Tempo writes trace ids without their leading zeros (a 64-bit id as 16
/// digits, others as 30 or 31): they are left-padded to 32. nullopt, with `error`, when it is not one.
std::optional<std::vector<TempoSearchHit>> readTempoSearch(const QByteArray& body, QString& error);

/// What to tell the user when an answer reached `limit`: that the store does not page a search (Tempo)
/// or caps it by depth (Jaeger), and to narrow the range.
QString limitNote(const TraceStore& store, int limit);

/// The search, then its traces into `sink`. A refused or failed request stops it and names the store
/// and the request; what was imported before stays.
TraceSearchReport searchTraces(const TraceStore& store, const TraceSearchQuery& query,
                               const TraceFetchOptions& options, BatchSink& sink, ImportReport& report);

} // namespace seam::remote
