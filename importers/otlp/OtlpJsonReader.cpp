#include "OtlpJsonReader.h"

#include "JsonInputStream.h"
#include "OtlpJsonSaxHandler.h"
#include "OtlpMapper.h"

#include <memory>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <string>
#include <utility>
#include <vector>

// The reader is three pieces, each in its own file pair: the input stream (common/JsonInputStream),
// the SAX handler that follows the OTLP envelope and captures one item at a time
// (OtlpJsonSaxHandler), and the conversion of a captured item to its protobuf message
// (OtlpJsonToProto). This file drives them: one parse per root value, NDJSON recovery, and the
// verdict on JSON that is not OTLP.

namespace seam {

void OtlpJsonReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    OtlpMapper mapper(builder, ctx.report);
    if (in.peek(3) == "\xef\xbb\xbf") // a UTF-8 byte order mark, as some Windows tools write
        in.skip(3);
    JsonInputStream<> stream(in, ctx);
    stream.setTokenLimit(kMaxTokenBytes);
    const auto handler = std::make_unique<otlpjson::SaxHandler>(stream, mapper, ctx);
    rapidjson::Reader reader;
    bool ndjson = false;
    bool resynced = false;
    std::uint64_t otlpRoots = 0;
    std::vector<std::pair<std::string, std::string>> foreignRoots; // (location, keys), first few
    std::uint64_t foreignCount = 0;

    // One iteration per root value: a single document, concatenated documents or NDJSON lines.
    while (stream.skipWhitespaceToValue()) {
        const std::uint64_t startLine = stream.line();
        handler->beginRoot();
        const rapidjson::ParseResult result =
            reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(stream,
                                                                                             *handler);
        if (result) {
            if (handler->sawOtlp() || handler->rootKeys() == "none") { // {} is an empty export
                ++otlpRoots;
            } else {
                ++foreignCount;
                if (foreignRoots.size() < ImportReport::kMaxSamples)
                    foreignRoots.emplace_back("line " + std::to_string(startLine), handler->rootKeys());
            }
            if (!ndjson && stream.line() == startLine) {
                // A whole value on one line: from now on a newline ends a value, so a broken line
                // cannot swallow the next.
                ndjson = true;
                stream.setLineMode(true);
            }
            continue;
        }
        handler->abortRoot();
        if (ctx.cancelled() || stream.stopped()) {
            ctx.report.cancelled = true;
            break;
        }
        const std::uint64_t errorLine = stream.line();
        const std::string location =
            "line " + std::to_string(errorLine) + ", byte " + std::to_string(result.Offset());
        const bool handlerAbort = result.Code() == rapidjson::kParseErrorTermination;
        std::string message;
        if (stream.guardTripped())
            message = "a string or token is longer than " + std::to_string(kMaxTokenBytes >> 20) + " MiB";
        else if (handlerAbort)
            message = handler->abortReason();
        else
            message = rapidjson::GetParseError_En(result.Code());
        if (!handlerAbort && (ndjson || (!resynced && errorLine == startLine))) {
            // NDJSON (or maybe its first line): drop the line and go on. A one-line input that is
            // broken is just a broken document, though: fatal, like any single document.
            stream.skipLine();
            if (ndjson || stream.skipWhitespaceToValue()) {
                ctx.report.addRejected(location, message + "; skipped the line");
                resynced = true;
                continue;
            }
        }
        ctx.report.setFatal(location, message);
        break;
    }
    if (foreignCount && otlpRoots == 0 && !ctx.report.hasFatal()) {
        ctx.report.setFatal(foreignRoots.front().first,
                            "JSON, but not OTLP: no resourceSpans or resourceLogs (top-level keys: " +
                                foreignRoots.front().second + ")");
    } else {
        for (const auto& [location, keys] : foreignRoots)
            ctx.report.addRejected(
                location, "not an OTLP object: no resourceSpans or resourceLogs (keys: " + keys + ")");
        if (foreignCount > foreignRoots.size())
            ctx.report.addRejected("", "more objects without OTLP content",
                                   foreignCount - foreignRoots.size());
    }
    builder.flush();
    ctx.report.bytesRead = in.offset();
}

} // namespace seam
