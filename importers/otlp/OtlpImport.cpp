#include "OtlpImport.h"

#include "FormatDetector.h"
#include "OtlpJsonReader.h"
#include "OtlpProtobufReader.h"
#include "datadog/DatadogRumReader.h"
#include "faro/FaroReader.h"
#include "har/HarReader.h"
#include "jaeger/JaegerReader.h"
#include "zipkin/ZipkinReader.h"

namespace seam {
namespace {

struct FormatEntry
{
    std::string_view name;
    std::unique_ptr<FormatReader> (*make)();
};

// One line per format. Later readers (Jaeger, Zipkin, HAR, Datadog RUM, Faro) add theirs here and a
// sniffer in FormatDetector.
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

} // namespace

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

ImportReport importSource(InputSource& in, BatchSink& sink, const std::atomic<bool>* cancel,
                          std::string formatOverride, ImportProgress progress, StreamMemory* memory)
{
    ImportReport report;
    const bool detected = formatOverride.empty();
    report.format = detected ? detectFormat(in) : std::move(formatOverride);
    if (!in.error().empty()) {
        report.setFatal("byte " + std::to_string(in.offset()), in.error());
        return report;
    }
    std::unique_ptr<FormatReader> reader = makeReader(report.format);
    if (!reader) {
        std::string why = "unknown format \"" + report.format + "\"";
        if (detected) {
            // Say what the bytes look like: "not recognised" alone sends the user guessing.
            const std::string_view head = in.peek(64);
            const auto first = head.find_first_not_of(" \t\r\n");
            if (head.empty())
                why = "the input is empty";
            else if (first != std::string_view::npos && head[first] == '[')
                why = "a JSON array, not OTLP JSON (an object with resourceSpans or resourceLogs)";
            else
                why = "not a recognised format (expected OTLP protobuf or OTLP JSON)";
        }
        report.setFatal("byte 0", why);
        return report;
    }
    ImportContext ctx{sink, report, cancel, std::move(progress), memory};
    reader->read(in, ctx);
    // A decompression or I/O failure is the cause of whatever the reader then saw (usually a
    // "truncated" message): report the cause.
    if (!in.error().empty())
        report.setFatal("byte " + std::to_string(in.offset()), in.error());
    report.bytesRead = in.offset();
    if (ctx.progress)
        ctx.progress(in.rawOffset(), in.rawSize());
    return report;
}

ImportReport importFile(const std::string& path, BatchSink& sink, const std::atomic<bool>* cancel,
                        std::string formatOverride, ImportProgress progress)
{
    const std::unique_ptr<InputSource> in = InputSource::openFile(path);
    return importSource(*in, sink, cancel, std::move(formatOverride), std::move(progress));
}

} // namespace seam
