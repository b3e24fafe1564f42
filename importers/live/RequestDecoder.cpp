#include "RequestDecoder.h"

#include "InputSource.h"
#include "StoreWriter.h"
#include "UserAgent.h"

namespace seam::live {

namespace {

/// Datadog's intake takes the browser, OS and device from the request's User-Agent (the SDK's events
/// do not carry them); so does Seam when the SDK posts to it directly.
void fillBrowserFromUserAgent(std::vector<SessionRecord>& sessions, const std::string& userAgent)
{
    const UserAgentInfo ua = parseUserAgent(userAgent);
    for (SessionRecord& s : sessions) {
        if (!s.browser.empty())
            continue;
        s.browser = ua.browser;
        s.browserVersion = ua.browserVersion;
        if (s.os.empty())
            s.os = ua.os;
        if (s.device.empty())
            s.device = ua.device;
    }
}

} // namespace

DecodeResult decodeRequest(ReceiverShared& shared, DecodeJob& job)
{
    DecodeResult result;
    result.requestLine = job.requestLine;
    const bool rum = job.route == Route::DatadogRum || job.route == Route::Faro;
    const Signal signal = job.route == Route::Logs ? Signal::Logs : Signal::Traces;
    auto success = [&](std::uint64_t rejected, const QByteArray& message) {
        if (rum) {
            result.response.status = 202;
            result.response.contentType = "application/json";
            result.response.body = rejected
                                       ? QByteArray("{\"rejected\":") + QByteArray::number(rejected) + '}'
                                       : QByteArray("{}");
        } else {
            result.response.status = 200;
            result.response.contentType = contentTypeFor(job.encoding);
            result.response.body = exportResponse(job.encoding, signal, rejected, message);
        }
    };
    // A request refused as a whole: the answer, and the reason kept for the list of rejected requests.
    auto refuse = [&](int status, const QByteArray& message) {
        result.response = otlpError(job.encoding, status, message);
        result.failure = message;
    };
    if (job.body.isEmpty()) { // an empty request is a valid, empty export
        success(0, {});
        return result;
    }

    // Read in place: `job.body` outlives the source (this function), and a copy of every body cost the
    // decoders more than anything else the file import does not do.
    const std::unique_ptr<InputSource> in =
        InputSource::fromView(std::string_view(job.body.constData(), std::size_t(job.body.size())),
                              "request " + std::to_string(job.requestNumber));
    in->setMaxBytes(std::uint64_t(shared.options.maxBodyBytes));
    in->peek(2);
    // The source inflates what it recognises from the bytes; a body that contradicts its
    // Content-Encoding is refused rather than read as something else.
    if (job.gzip && !in->isGzip()) {
        refuse(400, "Content-Encoding is gzip but the body is not gzip data");
        return result;
    }
    if (job.deflate && in->compression() != InputSource::Compression::Zlib) {
        refuse(400, "Content-Encoding is deflate but the body is not zlib data");
        return result;
    }

    std::string format;
    switch (job.route) {
    case Route::Traces:
        format = job.encoding == Encoding::Json ? std::string(formats::kOtlpJson)
                                                : std::string(formats::kOtlpProtobufTraces);
        break;
    case Route::Logs:
        format = job.encoding == Encoding::Json ? std::string(formats::kOtlpJson)
                                                : std::string(formats::kOtlpProtobufLogs);
        break;
    case Route::DatadogRum:
        format = std::string(kDatadogRumFormat);
        break;
    case Route::Faro:
        format = std::string(kFaroFormat);
        break;
    case Route::Metrics:
    case Route::Unknown:
        break;
    }

    // Spans come out encoded for the cache (no JSON text to write and read back on this thread).
    CollectingSink sink(shared.writer.payloadDictionary());
    ImportReport report = importSource(*in, sink, nullptr, format, {}, &shared.memory);
    const std::string& inputError = in->error();
    if (!inputError.empty() && (inputError.find("exceeds the limit") != std::string::npos ||
                                inputError.find("expands beyond") != std::string::npos)) {
        refuse(413, QByteArray("the body is larger than the limit after decompression: ") +
                        QByteArray::fromStdString(inputError));
        return result;
    }
    if (report.hasFatal()) {
        // The request as a whole cannot be decoded: store none of it (the client does not retry a 400,
        // and a half-read protobuf message is not something another receiver would keep either).
        QByteArray message = "cannot decode the request";
        if (!report.fatalLocation().empty())
            message += " at " + QByteArray::fromStdString(report.fatalLocation());
        message += ": " + QByteArray::fromStdString(report.fatalMessage());
        refuse(400, message);
        return result;
    }

    RecordBatch batch;
    for (RecordBatch& b : sink.batches)
        batch.append(std::move(b));
    sink.batches.clear();
    if (job.route == Route::DatadogRum && !job.userAgent.isEmpty())
        fillBrowserFromUserAgent(batch.sessions, job.userAgent.toStdString());
    result.spans = batch.spans.size();
    result.logs = batch.logs.size();
    result.records = batch.size();
    result.rejected = report.rejected();

    if (!batch.empty()) {
        result.sequence = shared.writer.trySubmit(shared.sourceId, batch);
        if (result.sequence == 0) {
            result.response = otlpError(job.encoding, 503, "the store is behind; retry later");
            result.response.headers.append(
                {QByteArray("Retry-After"), QByteArray::number(shared.options.retryAfterSeconds)});
            result.spans = result.logs = result.records = result.rejected = 0;
            return result;
        }
    }
    QByteArray message;
    if (report.rejected() > 0) {
        message = QByteArray::number(qulonglong(report.rejected())) + " record(s) rejected";
        const auto& samples = report.samples();
        for (std::size_t i = 0; i < samples.size() && i < 3; ++i)
            message += (i == 0 ? ": " : "; ") + QByteArray::fromStdString(samples[i].location) + ": " +
                       QByteArray::fromStdString(samples[i].message);
    }
    success(report.rejected(), message);
    result.report = std::move(report);
    return result;
}

} // namespace seam::live
