#include "HarReader.h"

#include "FormatNames.h"
#include "HarMapper.h"
#include "HarSaxHandler.h"
#include "Hash.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>
#include <string>

// The reader is three pieces: the input stream (common/JsonInputStream, cutting long strings), the
// SAX handler that follows the HAR envelope and captures one page or entry at a time
// (HarSaxHandler), and the mapping of those to records (HarMapper). This file detects HAR and
// drives them.

namespace seam {

namespace {

/// Skips whitespace and an optional JSON string at `i`; returns the string's raw contents.
std::optional<std::string_view> jsonString(std::string_view s, std::size_t& i)
{
    if (i >= s.size() || s[i] != '"')
        return std::nullopt;
    const std::size_t start = ++i;
    while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\')
            ++i;
        ++i;
    }
    if (i >= s.size())
        return std::nullopt;
    return s.substr(start, i++ - start);
}

void skipSpace(std::string_view s, std::size_t& i)
{
    while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        ++i;
}

} // namespace

bool looksLikeHar(std::string_view head)
{
    std::size_t i = head.starts_with("\xef\xbb\xbf") ? 3 : 0;
    auto expect = [&](char c) {
        skipSpace(head, i);
        if (i >= head.size() || head[i] != c)
            return false;
        ++i;
        return true;
    };
    if (!expect('{'))
        return false;
    skipSpace(head, i);
    const auto root = jsonString(head, i);
    if (!root || *root != "log" || !expect(':') || !expect('{'))
        return false;
    skipSpace(head, i);
    if (i < head.size() && head[i] == '}')
        return true; // an empty log: the reader explains what is missing
    const auto key = jsonString(head, i);
    if (!key)
        return false;
    static constexpr std::string_view kLogKeys[] = {"version", "creator", "browser",
                                                    "pages",   "entries", "comment"};
    return key->starts_with('_') ||
           std::find(std::begin(kLogKeys), std::end(kLogKeys), *key) != std::end(kLogKeys);
}

void HarReader::read(InputSource& in, ImportContext& ctx)
{
    BatchBuilder builder(ctx.sink);
    // One session per file, named by its content so that importing the file again finds the same rows.
    const std::string_view head = in.peek(kDetectHeadBytes);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a().add(head).value()));
    har::Mapper mapper(builder, ctx.report, std::string("har:") + hex);
    if (in.peek(3) == "\xef\xbb\xbf")
        in.skip(3);

    har::HarStream stream(in, ctx);
    stream.setMaxStringBytes(kMaxStringBytes);
    const auto handler = std::make_unique<har::SaxHandler>(stream, mapper, ctx.report);
    rapidjson::Reader reader;
    const rapidjson::ParseResult result =
        reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(stream, *handler);
    if (!result) {
        if (ctx.cancelled() || stream.stopped()) {
            ctx.report.cancelled = true;
        } else {
            const std::string location =
                "line " + std::to_string(stream.line()) + ", byte " + std::to_string(result.Offset());
            if (result.Code() == rapidjson::kParseErrorTermination)
                ctx.report.setFatal(location, handler->abortReason());
            else
                ctx.report.setFatal(location, rapidjson::GetParseError_En(result.Code()));
        }
    } else if (!handler->sawLog()) {
        ctx.report.setFatal(
            "byte 0", "JSON, but not HAR: no \"log\" object (top-level keys: " +
                          (handler->rootKeys().empty() ? std::string("none") : handler->rootKeys()) + ")");
    } else if (!handler->sawEntries()) {
        ctx.report.setFatal(handler->logLocation(), "not a valid HAR: \"log\" has no \"entries\" array");
    } else if (stream.skipWhitespaceToValue()) {
        ctx.report.addRejected(handler->location(), "data after the HAR document; ignored");
    }
    mapper.finish();
    builder.flush();
    ctx.report.bytesRead = in.offset();
}

} // namespace seam
