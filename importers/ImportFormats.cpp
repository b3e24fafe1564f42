#include "ImportFormats.h"

#include "DatadogRumReader.h"
#include "FaroReader.h"
#include "HarReader.h"
#include "InputSource.h"
#include "JaegerReader.h"
#include "NotTelemetry.h"
#include "OtlpJsonReader.h"
#include "OtlpProtobufReader.h"
#include "OtlpSniff.h"
#include "ZipkinReader.h"

#include <algorithm>
#include <cctype>

namespace seam {
namespace {

/// Stamps each batch with the items the report accepted since the previous batch (RecordBatch::items):
/// readers count an item once its records are added, and hand a batch over when it is full, so the
/// stamp is the items whose records the batch completes. The writer sums the stamps of what it
/// committed: what an import reports as imported when writing stopped halfway.
class ItemStampingSink : public BatchSink
{
public:
    ItemStampingSink(BatchSink& inner, const ImportReport& report) : m_inner(inner), m_report(report) {}
    void submit(RecordBatch&& batch) override
    {
        batch.items = m_report.read() - m_stamped;
        m_stamped = m_report.read();
        m_inner.submit(std::move(batch));
    }
    KeyDictionary* payloadDictionary() override { return m_inner.payloadDictionary(); }

private:
    BatchSink& m_inner;
    const ImportReport& m_report;
    std::uint64_t m_stamped = 0;
};

struct FormatEntry
{
    std::string_view name;
    std::unique_ptr<FormatReader> (*make)();
};

// One line per format: a new format adds its reader here and its looksLike... test to detectFormat.
const FormatEntry kFormats[] = {
    {formats::kOtlpJson, [] { return std::unique_ptr<FormatReader>(new OtlpJsonReader); }},
    {formats::kOtlpProtobufTraces,
     [] {
         return std::unique_ptr<FormatReader>(
             new OtlpProtobufReader(OtlpSignal::Traces, OtlpProtobufReader::Framing::Single));
     }},
    {formats::kOtlpProtobufLogs,
     [] {
         return std::unique_ptr<FormatReader>(
             new OtlpProtobufReader(OtlpSignal::Logs, OtlpProtobufReader::Framing::Single));
     }},
    {formats::kOtlpProtobufStream,
     [] {
         return std::unique_ptr<FormatReader>(
             new OtlpProtobufReader(OtlpSignal::Traces, OtlpProtobufReader::Framing::LengthPrefixed));
     }},
    {formats::kHar, [] { return std::unique_ptr<FormatReader>(new HarReader); }},
    {formats::kDatadogRum, [] { return std::unique_ptr<FormatReader>(new DatadogRumReader); }},
    {formats::kFaro, [] { return std::unique_ptr<FormatReader>(new FaroReader); }},
    {formats::kJaegerJson, [] { return std::unique_ptr<FormatReader>(new JaegerReader); }},
    {formats::kZipkinJson, [] { return std::unique_ptr<FormatReader>(new ZipkinReader); }},
};

bool looksLikeJson(std::string_view head)
{
    std::size_t i = 0;
    if (head.starts_with("\xef\xbb\xbf"))
        i = 3;
    auto skipSpace = [&] {
        while (i < head.size() && (head[i] == ' ' || head[i] == '\n' || head[i] == '\r' || head[i] == '\t'))
            ++i;
    };
    skipSpace();
    if (i >= head.size() || head[i] != '{')
        return false;
    ++i;
    skipSpace();
    return i >= head.size() || head[i] == '"' || head[i] == '}';
}

std::string lowerCase(std::string_view s)
{
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

/// A report that says "skipped: not telemetry" instead of a fatal error, when that is what the input
/// is (NotTelemetry.h).
ImportReport skipIfNotTelemetry(ImportReport report, std::string_view head)
{
    const std::optional<std::string> why = notTelemetryReason(report, head);
    if (!why)
        return report;
    ImportReport skipped;
    skipped.format = report.format;
    skipped.skipped = *why;
    skipped.bytesRead = report.bytesRead;
    return skipped;
}

} // namespace

std::string detectFormat(std::string_view head, bool complete, std::string_view fileNameHint)
{
    if (head.empty())
        return std::string(formats::kUnknown);
    const std::string hint = lowerCase(fileNameHint);
    const bool hintLogs = hint.find("log") != std::string::npos;

    const ProtobufSniff pb = sniffOtlpProtobuf(head, complete);
    const bool json = looksLikeJson(head);
    // A small protobuf can read as "\n{\n\"..." too, so JSON only wins over protobuf structure that did
    // not get as far as a recognisable span or log record.
    if (pb.plausible && (pb.signal != OtlpSignal::Unknown || !json)) {
        if (pb.signal == OtlpSignal::Logs || (pb.signal == OtlpSignal::Unknown && hintLogs))
            return std::string(formats::kOtlpProtobufLogs);
        return std::string(formats::kOtlpProtobufTraces);
    }
    if (json && looksLikeHar(head))
        return std::string(formats::kHar);
    // Datadog RUM events / export envelopes and Faro payloads: by their keys and event types.
    if (json && looksLikeDatadogRum(head))
        return std::string(formats::kDatadogRum);
    if (json && looksLikeFaro(head))
        return std::string(formats::kFaro);
    // Jaeger and Zipkin JSON: by their keys (a span array starts with '[', which looksLikeJson refuses).
    if (looksLikeJaegerJson(head))
        return std::string(formats::kJaegerJson);
    if (looksLikeZipkinJson(head))
        return std::string(formats::kZipkinJson);
    if (json)
        return std::string(formats::kOtlpJson);
    if (sniffFrameByteOrder(head, complete))
        return std::string(formats::kOtlpProtobufStream);
    return std::string(formats::kUnknown);
}

std::string detectFormat(InputSource& in, std::string_view fileNameHint)
{
    bool ended = false;
    const std::string_view head = peekOtlpHead(in, UINT64_MAX, &ended);
    return detectFormat(head, ended, fileNameHint.empty() ? in.name() : fileNameHint);
}

std::unique_ptr<FormatReader> makeReader(const std::string& format)
{
    for (const FormatEntry& entry : kFormats)
        if (entry.name == format)
            return entry.make();
    return nullptr;
}

std::vector<std::string> knownFormats()
{
    std::vector<std::string> names;
    for (const FormatEntry& entry : kFormats)
        names.emplace_back(entry.name);
    return names;
}

std::string knownFormatList()
{
    std::string list;
    for (const FormatEntry& entry : kFormats) {
        if (!list.empty())
            list += ", ";
        list += entry.name;
    }
    return list;
}

ImportReport importSource(InputSource& in, BatchSink& sink, const std::atomic<bool>* cancel,
                          std::string formatOverride, ImportProgress progress, StreamMemory* memory)
{
    ImportReport report;
    const bool detected = formatOverride.empty();
    report.format = detected ? detectFormat(in) : std::move(formatOverride);
    // Kept to tell, after a failed read, input that is not telemetry at all (NotTelemetry.h).
    const std::string head = detected ? std::string(in.peek(kDetectHeadBytes)) : std::string();
    if (!in.error().empty()) {
        report.setFatal("byte " + std::to_string(in.offset()), in.error());
        return report;
    }
    std::unique_ptr<FormatReader> reader = makeReader(report.format);
    if (!reader) {
        std::string why = "unknown format \"" + report.format + "\"";
        if (detected) {
            // Say what the bytes look like: "not recognised" alone sends the user guessing.
            const std::string_view start = in.peek(64);
            const auto first = start.find_first_not_of(" \t\r\n");
            if (start.empty())
                why = "the input is empty";
            else if (first != std::string_view::npos && start[first] == '[')
                why = "a JSON array, not OTLP JSON (an object with resourceSpans or resourceLogs)";
            else
                why = "not a recognised format; Seam reads " + knownFormatList() +
                      " (--format names one when detection cannot tell)";
        }
        report.setFatal("byte 0", why);
        return detected ? skipIfNotTelemetry(std::move(report), head) : report;
    }
    ItemStampingSink stamping(sink, report);
    ImportContext ctx{stamping, report, cancel, std::move(progress), memory};
    reader->read(in, ctx);
    // A decompression or I/O failure is the cause of whatever the reader then saw (usually a
    // "truncated" message): report the cause.
    if (!in.error().empty())
        report.setFatal("byte " + std::to_string(in.offset()), in.error());
    report.bytesRead = in.offset();
    if (ctx.progress)
        ctx.progress(in.rawOffset(), in.rawSize());
    return detected ? skipIfNotTelemetry(std::move(report), head) : report;
}

ImportReport importFile(const std::string& path, BatchSink& sink, const std::atomic<bool>* cancel,
                        std::string formatOverride, ImportProgress progress)
{
    const std::unique_ptr<InputSource> in = InputSource::openFile(path);
    return importSource(*in, sink, cancel, std::move(formatOverride), std::move(progress));
}

} // namespace seam
