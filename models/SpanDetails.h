#pragma once

#include <QString>
#include <QVariant>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace seam {

class Database;

/// What SpanDetails::load reads: a span of some traces, else a resource.
struct SpanDetailsRequest
{
    std::vector<qint64> traceRowIds;
    qint64 spanId = 0;
    qint64 resourceId = 0;

    friend bool operator==(const SpanDetailsRequest&, const SpanDetailsRequest&) = default;
};

/// One attribute of a span, event, link or log: the key and its value with the JSON type it had
/// (string, int, double, bool; arrays and objects are kept as compact JSON text).
struct DetailAttribute
{
    QString key;
    QVariant value;
    QString type; ///< "string", "int", "double", "bool", "array", "object", "null"

    /// The value as one line of text (what a cell shows and Ctrl+C copies).
    QString text() const;
    friend bool operator==(const DetailAttribute&, const DetailAttribute&) = default;
};

/// A span event. Exception events (OTel semantic conventions) get their type, message and stack
/// trace lifted out of the attributes so they read like an exception, not a bag of keys.
struct SpanEventDetail
{
    qint64 offsetNs = 0; ///< from the span's start
    QString name;
    std::vector<DetailAttribute> attributes;
    bool isException = false;
    QString exceptionType;
    QString exceptionMessage;
    QString stacktrace;
};

struct SpanLinkDetail
{
    QString traceIdHex;
    QString spanIdHex;
    std::vector<DetailAttribute> attributes;
};

struct LogDetail
{
    qint64 timeNs = 0;
    qint64 offsetNs = 0; ///< from the span's start (negative: before it)
    int severity = 0;    ///< OTel severity number
    QString severityText;
    QString service;
    QString body;
    qint64 spanId = 0;
    std::vector<DetailAttribute> attributes;
};

/// What the details panel shows for the current selection: one span (its own fields, attributes,
/// events, links and logs) or, when only a resource is selected, that resource. Built by load() on a
/// worker thread from a read-only connection; reads one span row, its payload and an index range of
/// logs, so the cost does not depend on the cache's size.
struct SpanDetails
{
    enum class What
    {
        Nothing,  ///< nothing selected, or the selection is no longer in the cache
        Span,     ///< the span fields below
        Resource, ///< the resource fields below
    };
    What what = What::Nothing;

    // --- span ---
    qint64 traceRowId = 0; ///< traces.id
    qint64 spanId = 0;
    qint64 parentSpanId = 0;
    QString traceIdHex;
    QString service;
    QString serviceVersion;
    bool isBrowserService = false; ///< the span is the browser's (RUM app), not a backend service's
    QString operation;
    QString parentOperation; ///< the parent span's "service · operation", empty for a root / unknown parent
    int kind = 0;            ///< 0 unspecified 1 internal 2 server 3 client 4 producer 5 consumer
    int statusCode = 0;      ///< 0 unset 1 ok 2 error
    QString statusMessage;
    qint64 startNs = 0;
    qint64 durationNs = 0;
    qint64 traceStartNs = 0;
    qint64 traceDurationNs = 0; ///< 0 when unknown
    QString scope;
    std::vector<DetailAttribute> attributes; ///< sorted by key
    std::vector<SpanEventDetail> events;     ///< in time order
    std::vector<SpanLinkDetail> links;
    std::vector<LogDetail> logs; ///< in time order
    /// The span has no logs of its own: `logs` are its trace's logs around the span's time.
    bool logsAreFromTrace = false;
    int moreLogs = 0; ///< logs left out beyond kMaxLogs (counted up to 1000)

    // --- resource ---
    qint64 resourceId = 0;
    QString resourceType;
    QString method;
    QString url;
    int httpStatus = 0;           ///< 0 unknown / network error
    qint64 resourceOffsetNs = -1; ///< start relative to its page load's start; -1 unknown
    qint64 resourceDurationNs = -1;
    qint64 transferSize = -1;
    qint64 dnsNs = -1, connectNs = -1, sslNs = -1, ttfbNs = -1, downloadNs = -1;
    QString linkMethod; ///< links.method, empty when the resource is not linked to a backend trace
    double linkConfidence = -1;
    QString linkedTraceIdHex;
    qint64 linkedSpanId = 0;

    /// Share of the trace's duration the span took, 0..1 (0 when the trace duration is unknown).
    double traceShare() const
    {
        return traceDurationNs > 0 ? double(durationNs) / double(traceDurationNs) : 0.0;
    }
    static QString kindName(int kind);
    static QString spanIdHex(qint64 spanId);

    static constexpr int kMaxLogs = 200;
    /// How far around the span a trace's logs are taken when the span has none of its own.
    static constexpr qint64 kTraceLogMarginNs = 1'000'000'000;

    /// The span of `request` when its traces have it, else its resource (What::Nothing when neither
    /// is there). Throws SqliteError.
    static SpanDetails load(Database& db, const SpanDetailsRequest& request);
    /// The span `spanId` of the first of `traceRowIds` that has it. Throws SqliteError.
    static SpanDetails loadSpan(Database& db, const std::vector<qint64>& traceRowIds, qint64 spanId);
    /// The resource `resourceId` with its link. Throws SqliteError.
    static SpanDetails loadResource(Database& db, qint64 resourceId);

    /// Parses a compact JSON object of attributes; the result is sorted by key. Bad JSON gives one
    /// "(unreadable)" string attribute holding the raw text rather than nothing.
    static std::vector<DetailAttribute> parseAttributes(std::string_view json);
    /// Parses the events JSON array ([{t, name, attributes}]) relative to `spanStartNs`.
    static std::vector<SpanEventDetail> parseEvents(std::string_view json, qint64 spanStartNs);
    static std::vector<SpanLinkDetail> parseLinks(std::string_view json);
};

} // namespace seam
