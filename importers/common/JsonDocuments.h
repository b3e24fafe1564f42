#pragma once

#include "Importer.h"

#include <cstdint>
#include <functional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>
#include <vector>

namespace seam {

/// Reads an input that is either newline-delimited JSON (one document per line: intake bodies, the
/// Faro collector's log) or one or more (pretty-printed) documents, and hands each top-level value to
/// `visit` as a small DOM with its location ("line 7").
///
/// NDJSON is chosen when the first non-blank line is a complete JSON value on its own; then each line
/// is parsed separately, so a bad line is a located reject ("line 7: ...") and the lines after it
/// still import. Otherwise the input is read as concatenated documents with RapidJSON's iterative
/// reader straight from the source; a syntax error there ends the input (fatal, located), what came
/// before is kept.
///
/// Guards: a document (line) above kMaxDocumentBytes or nested deeper than kMaxDepth is rejected
/// (NDJSON: that line only). Parsing is iterative, so hostile nesting never recurses.
/// Cancellation is checked between documents; progress is reported as the source is consumed.
class JsonDocuments
{
public:
    static constexpr std::uint64_t kMaxDocumentBytes = 64u << 20;
    static constexpr int kMaxDepth = 64;

    using Visitor = std::function<void(rapidjson::Value& document, const std::string& location)>;
    static void run(InputSource& in, ImportContext& ctx, const Visitor& visit);
};

/// What the head of a JSON input says about its first object, for format detection: the root
/// object's keys and its string-valued members, and (when the root has a "data" array, as in
/// API export envelopes) the same for the first object of that array. `head` may be cut anywhere.
struct JsonHeadSummary
{
    std::vector<std::string> rootKeys;
    std::vector<std::pair<std::string, std::string>> rootStrings;
    std::vector<std::string> dataItemKeys;
    std::vector<std::pair<std::string, std::string>> dataItemStrings;

    bool hasRootKey(std::string_view key) const;
    std::string_view rootString(std::string_view key) const;
    std::string_view dataItemString(std::string_view key) const;
};
JsonHeadSummary summarizeJsonHead(std::string_view head);

// Small DOM accessors shared by the RUM readers: they never assert on wrong types.
const rapidjson::Value* member(const rapidjson::Value& v, std::string_view key);
/// Follows a dotted path of object members ("resource.first_byte.duration").
const rapidjson::Value* path(const rapidjson::Value& v, std::string_view dotted);
/// A string member (numbers are rendered as text); empty when absent or of another type.
std::string stringAt(const rapidjson::Value& v, std::string_view dotted);
/// A numeric member, also accepting numeric strings; nullopt when absent or not a number.
std::optional<double> numberAt(const rapidjson::Value& v, std::string_view dotted);
std::optional<std::int64_t> int64At(const rapidjson::Value& v, std::string_view dotted);
/// The numeric leaves of an object (numbers, and strings that are whole numbers as numberAt reads
/// them), as dotted paths ({"order": {"value": 129.5}} -> "order.value"), at most `maxLeaves`, four
/// levels deep, keys of 256 bytes: a RUM event's custom attributes, where a conversion's value may sit.
std::vector<std::pair<std::string, double>> numericLeaves(const rapidjson::Value& object,
                                                          std::size_t maxLeaves = 64);
/// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string clipUtf8(std::string s, std::size_t max);

} // namespace seam
