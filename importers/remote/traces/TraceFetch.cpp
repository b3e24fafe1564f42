#include "TraceFetch.h"

#include "BatchSink.h"
#include "HttpFetcher.h"
#include "ImportReport.h"
#include "InputSource.h"
#include "OtlpJsonReader.h"
#include "OtlpMapper.h"
#include "Sqlite.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/wire_format_lite.h>

namespace seam::remote {
namespace otlp = opentelemetry::proto;

std::vector<std::string> missingTraceIds(Database& db, std::optional<std::int64_t> pageLoad,
                                         std::int64_t limit)
{
    std::vector<std::string> ids;
    Statement st = db.prepare(
        "SELECT DISTINCT lower(hex(t.trace_id)) FROM resources r JOIN traces t ON t.id = r.trace "
        "WHERE r.trace IS NOT NULL AND NOT EXISTS (SELECT 1 FROM links l WHERE l.resource_id = r.id) "
        "AND (?1 IS NULL OR r.page_load_id = ?1) ORDER BY 1 LIMIT ?2");
    if (pageLoad)
        st.bind(1, *pageLoad);
    else
        st.bindNull(1);
    st.bind(2, limit);
    while (st.step())
        ids.emplace_back(st.text(0));
    return ids;
}

std::string tracesDataOfTempoResponse(const std::string& body)
{
    // TraceByIDResponse { Trace trace = 1; TraceByIDMetrics metrics = 2; status = 3 }; Trace {
    // repeated ResourceSpans resource_spans = 1 } is TracesData on the wire. A v1 answer is the
    // Trace itself: its field 1 holds ResourceSpans, whose own field 1 is a Resource, so look one
    // level down to tell them apart.
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(body.data()),
                                              int(body.size()));
    std::string inner;
    bool sawTrace = false;
    while (const std::uint32_t tag = in.ReadTag()) {
        const int field = int(tag >> 3);
        const int wire = int(tag & 7);
        if (field == 1 && wire == 2) {
            std::uint32_t length = 0;
            if (!in.ReadVarint32(&length) || !in.ReadString(&inner, int(length)))
                return {};
            sawTrace = true;
            break;
        }
        if (!google::protobuf::internal::WireFormatLite::SkipField(&in, tag))
            return {};
    }
    if (!sawTrace)
        return {};
    otlp::trace::v1::TracesData asResponse;
    if (asResponse.ParseFromString(inner) && asResponse.resource_spans_size() > 0 &&
        asResponse.resource_spans(0).scope_spans_size() + asResponse.resource_spans(0).has_resource() > 0)
        return inner;
    otlp::trace::v1::TracesData asTrace;
    if (asTrace.ParseFromString(body))
        return body;
    return {};
}

namespace {

/// One trace's outcome into the pull's report, its reject locations prefixed with the trace, so a
/// message says which trace of which store it came from.
void mergeTraceReport(const ImportReport& trace, const std::string& where, ImportReport& into)
{
    into.addAccepted(trace.read());
    std::uint64_t listed = 0;
    for (const auto& r : trace.samples()) {
        into.addRejected(where + ", " + r.location, r.message, r.count);
        listed += r.count;
    }
    if (trace.rejected() > listed)
        into.addRejected(where, "more records refused", trace.rejected() - listed);
    if (trace.warnings())
        into.addWarning(where + ", " + trace.firstWarningLocation(), trace.firstWarningMessage(),
                        trace.warnings());
}

/// The `traceId` of every span of an OTLP JSON TracesData, lower-case hex as Jaeger writes them.
void collectTraceIds(const QJsonObject& tracesData, std::set<std::string>& out)
{
    const auto array = [](const QJsonObject& o, const char* key) {
        return o.value(QLatin1String(key)).toArray();
    };
    for (const QJsonValue& rs : array(tracesData, "resourceSpans"))
        for (const QJsonValue& ss : array(rs.toObject(), "scopeSpans"))
            for (const QJsonValue& span : array(ss.toObject(), "spans")) {
                const QString id = span.toObject().value(QStringLiteral("traceId")).toString();
                if (!id.isEmpty())
                    out.insert(id.toLower().toStdString());
            }
}

} // namespace

void readJaegerBody(const QByteArray& body, const QString& where, BatchSink& sink, ImportReport& report,
                    std::set<std::string>* traceIds)
{
    qsizetype start = 0;
    int chunk = 0;
    while (start < body.size()) {
        QJsonParseError error{};
        qsizetype end = body.indexOf('\n', start);
        if (end < 0)
            end = body.size();
        const QByteArray piece = body.mid(start, end - start).trimmed();
        start = end + 1;
        if (piece.isEmpty())
            continue;
        ++chunk;
        QJsonDocument doc = QJsonDocument::fromJson(piece, &error);
        if (doc.isNull() && chunk == 1) {
            // Pretty-printed single answer (the snapshot format): the whole body is one object.
            doc = QJsonDocument::fromJson(body, &error);
            start = body.size();
        }
        if (!doc.isObject()) {
            report.addRejected(where.toStdString(),
                               "not a JSON object: " + error.errorString().toStdString());
            continue;
        }
        const QJsonObject result = doc.object().value(QStringLiteral("result")).toObject();
        if (result.isEmpty()) {
            const QJsonObject err = doc.object().value(QStringLiteral("error")).toObject();
            report.addRejected(where.toStdString(),
                               err.isEmpty() ? std::string("no \"result\" in the answer")
                                             : err.value(QStringLiteral("message")).toString().toStdString());
            continue;
        }
        if (traceIds)
            collectTraceIds(result, *traceIds);
        const QByteArray json = QJsonDocument(result).toJson(QJsonDocument::Compact);
        auto source = InputSource::fromBuffer(std::string_view(json.constData(), std::size_t(json.size())),
                                              where.toStdString());
        ImportContext ctx{sink, report};
        OtlpJsonReader().read(*source, ctx);
    }
}

TraceFetchReport fetchTraces(const TraceStore& store, const std::vector<std::string>& traceIds,
                             const TraceFetchOptions& options, BatchSink& sink, ImportReport& report)
{
    const auto started = std::chrono::steady_clock::now();
    TraceFetchReport out;
    out.requested = std::int64_t(traceIds.size());
    report.format = store.kind == TraceStore::Kind::Tempo ? "tempo" : "jaeger";
    HttpFetcher fetcher;
    const QString where = store.where();
    for (const std::string& id : traceIds) {
        if (options.cancel && options.cancel->load()) {
            out.cancelled = true;
            break;
        }
        const QString idText = QString::fromStdString(id);
        HttpRequest request;
        request.url = store.traceUrl(idText);
        request.timeoutMs = options.timeoutSeconds * 1000;
        request.maxBodyBytes = options.maxTraceBytes;
        request.cancel = options.cancel;
        if (store.kind == TraceStore::Kind::Tempo)
            request.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/protobuf")});
        else
            request.headers.append({QByteArrayLiteral("Accept"), QByteArrayLiteral("application/json")});
        store.authorize(request);
        const HttpResponse response = fetcher.fetch(request);
        if (response.cancelled) {
            out.cancelled = true;
            break;
        }
        if (response.status == 404) {
            ++out.missing;
            continue;
        }
        if (!response.ok()) {
            const QString reason = TraceStore::failureReason(response);
            out.error = QStringLiteral("%1: fetching trace %2 failed: %3").arg(where, idText, reason);
            break;
        }
        const QString location = QStringLiteral("%1 trace %2").arg(where, idText);
        ImportReport traceReport;
        if (store.kind == TraceStore::Kind::Tempo) {
            const std::string traces = tracesDataOfTempoResponse(response.body.toStdString());
            otlp::trace::v1::TracesData data;
            if (traces.empty() || !data.ParseFromString(traces)) {
                report.addRejected(location.toStdString(), "not a Tempo trace (protobuf TraceByIDResponse)");
                continue;
            }
            BatchBuilder builder(sink);
            OtlpMapper mapper(builder, traceReport);
            for (const auto& rs : data.resource_spans())
                mapper.addResourceSpans(rs, "span");
        } else {
            readJaegerBody(response.body, location, sink, traceReport);
        }
        mergeTraceReport(traceReport, location.toStdString(), report);
        if (traceReport.read() > 0)
            ++out.found;
        else
            ++out.missing; // an empty trace: the store knows the id but holds no spans
        if (options.progress)
            options.progress(std::int64_t(&id - traceIds.data()) + 1, out.requested);
    }
    out.requests = fetcher.requests();
    out.bytes = fetcher.bytesReceived();
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!out.error.isEmpty())
        report.setFatal("", out.error.toStdString());
    report.cancelled = out.cancelled;
    return out;
}

} // namespace seam::remote
