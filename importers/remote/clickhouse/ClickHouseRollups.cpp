#include "ClickHouseRollups.h"

#include "ClickHouseClient.h"
#include "LatencyHistogram.h"
#include "OtlpBrowser.h"
#include "Records.h"
#include "RollupCoverage.h"
#include "Schema.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <map>
#include <tuple>

namespace seam::remote {
namespace {

std::int64_t int64Of(const QJsonValue& v)
{
    return v.isString() ? v.toString().toLongLong() : std::int64_t(v.toDouble());
}

struct Cell
{
    bool browser = false;
    std::int64_t requests = 0, errors = 0, sum = 0, max = 0;
    LatencyHistogram histogram;
};

} // namespace

/// The browser side, as OtlpMapper decides it, written as a ClickHouse predicate. Only our constants
/// enter the text (the scope prefixes are string literals of OtlpBrowser.h, without quotes in them).
QString browserPredicate(bool hasResourceAttributes)
{
    QStringList parts;
    if (hasResourceAttributes)
        parts << QStringLiteral("ResourceAttributes['%1'] = '%2'")
                     .arg(QString::fromLatin1(kBrowserSdkLanguageKey.data(),
                                              int(kBrowserSdkLanguageKey.size())),
                          QString::fromLatin1(kBrowserSdkLanguage.data(), int(kBrowserSdkLanguage.size())));
    for (std::string_view prefix : kBrowserScopePrefixes)
        parts << QStringLiteral("startsWith(ScopeName, '%1')")
                     .arg(QString::fromLatin1(prefix.data(), int(prefix.size())));
    return QStringLiteral("(") + parts.join(QStringLiteral(" OR ")) + QStringLiteral(")");
}

QString rollupQuery(const QString& browser, bool hasResourceAttributes)
{
    const QString attr =
        hasResourceAttributes ? QStringLiteral("ResourceAttributes['%1']") : QStringLiteral("''");
    // LatencyHistogram::bucketOf in SQL: e = floor(log2(d)) exactly (the float estimate corrected with
    // shifts), then 8 buckets per power of two; 1..7 ns have buckets of their own.
    return QStringLiteral(
               "SELECT service, ns, version, env, max(is_browser) AS browser, operation, toString(bucket) AS "
               "bucket, "
               "entry, count() AS n, countIf(is_error) AS errors, toString(sum(Duration)) AS sum_ns, "
               "toString(max(Duration)) AS max_ns, sumMap([lb], [toUInt64(1)]) AS hist FROM ("
               "SELECT ServiceName AS service, %1 AS ns, %2 AS version, if(%3 != '', %3, %4) AS env, "
               "toUInt8(%5) AS is_browser, SpanName AS operation, "
               "intDiv(toUnixTimestamp64Nano(Timestamp), {width:Int64}) * {width:Int64} AS bucket, "
               "toUInt8(SpanKind IN ('Server', 'Consumer', 'SPAN_KIND_SERVER', 'SPAN_KIND_CONSUMER') OR "
               "ParentSpanId = '') AS entry, StatusCode IN ('Error', 'STATUS_CODE_ERROR') AS is_error, "
               "Duration, "
               "greatest(Duration, 1) AS d, toInt32(floor(log2(toFloat64(d)))) AS e0, "
               "e0 - toInt32(bitShiftRight(d, e0) = 0) + toInt32(bitShiftRight(d, e0 + 1) > 0) AS e, "
               "if(e < 3, toInt32(d), e * 8 + toInt32(bitAnd(bitShiftRight(d, toUInt8(greatest(e - 3, 0))), "
               "7))) AS lb "
               "FROM {db:Identifier}.{table:Identifier} WHERE Timestamp >= "
               "fromUnixTimestamp64Nano({from:Int64}) "
               "AND Timestamp < fromUnixTimestamp64Nano({to:Int64})) "
               "GROUP BY service, ns, version, env, operation, bucket, entry "
               "ORDER BY service, ns, version, env, operation, bucket, entry")
        .arg(attr.arg(QStringLiteral("service.namespace")), attr.arg(QStringLiteral("service.version")),
             attr.arg(QStringLiteral("deployment.environment.name")),
             attr.arg(QStringLiteral("deployment.environment")), browser);
}

QString fetchRollups(ClickHouseClient& client, const QString& browser, bool hasResourceAttributes,
                     std::int64_t fromNs, std::int64_t toNs, std::vector<RollupRow>& out,
                     CoveredRange* counted)
{
    const std::int64_t width = schema::kRollupBucketNs;
    // Whole buckets only: a cell is replaced by the server's figure, so it must be complete.
    const std::int64_t from = fromNs - ((fromNs % width) + width) % width;
    std::int64_t to = toNs - ((toNs % width) + width) % width;
    if (to < toNs)
        to += width;
    const QueryResult r = client.query(QStringLiteral("computing the window's rollups"),
                                       rollupQuery(browser, hasResourceAttributes),
                                       {{QStringLiteral("from"), QString::number(from)},
                                        {QStringLiteral("to"), QString::number(to)},
                                        {QStringLiteral("width"), QString::number(width)}});
    if (!r.ok())
        return r.error;
    if (counted)
        *counted = {from, to};
    using Key = std::tuple<std::string, std::string, std::string, std::string, std::string, std::int64_t>;
    std::map<Key, Cell> cells;
    for (const QByteArray& line : r.body.split('\n')) {
        if (line.isEmpty())
            continue;
        const QJsonObject row = QJsonDocument::fromJson(line).object();
        if (row.isEmpty())
            return QStringLiteral("the rollup answer is not JSON rows");
        std::string service = row.value(QStringLiteral("service")).toString().toStdString();
        if (service.empty())
            service = "unknown_service"; // as the OTLP mapper names a resource without service.name
        const std::string ns = row.value(QStringLiteral("ns")).toString().toStdString();
        const std::string version = row.value(QStringLiteral("version")).toString().toStdString();
        const std::string env = row.value(QStringLiteral("env")).toString().toStdString();
        const std::string operation = row.value(QStringLiteral("operation")).toString().toStdString();
        const std::int64_t bucket = int64Of(row.value(QStringLiteral("bucket")));
        const bool entry = int64Of(row.value(QStringLiteral("entry"))) != 0;
        const QJsonArray hist = row.value(QStringLiteral("hist")).toArray();
        const QJsonArray keys = hist.at(0).toArray(), counts = hist.at(1).toArray();
        auto addTo = [&](const std::string& op) {
            Cell& c = cells[{service, ns, version, env, op, bucket}];
            c.browser = c.browser || int64Of(row.value(QStringLiteral("browser"))) != 0;
            c.requests += int64Of(row.value(QStringLiteral("n")));
            c.errors += int64Of(row.value(QStringLiteral("errors")));
            c.sum += int64Of(row.value(QStringLiteral("sum_ns")));
            c.max = std::max(c.max, int64Of(row.value(QStringLiteral("max_ns"))));
            for (qsizetype i = 0; i < keys.size() && i < counts.size(); ++i)
                c.histogram.add(LatencyHistogram::bucketValue(int(int64Of(keys.at(i)))),
                                std::uint64_t(int64Of(counts.at(i))));
        };
        addTo(operation);
        if (entry)
            addTo(std::string()); // the service as a whole: its entry spans
    }
    out.reserve(out.size() + cells.size());
    for (auto& [key, c] : cells) {
        RollupRow row;
        row.service =
            ServiceRef{std::get<0>(key), std::get<1>(key), std::get<2>(key), std::get<3>(key), c.browser};
        row.operation = std::get<4>(key);
        row.bucket = std::get<5>(key);
        row.requests = c.requests;
        row.errors = c.errors;
        row.durationSumNs = c.sum;
        row.durationMaxNs = c.max;
        row.histogram = c.histogram.encode();
        out.push_back(std::move(row));
    }
    return {};
}

} // namespace seam::remote
