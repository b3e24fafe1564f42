#include "JsonDocuments.h"

#include "JsonInputStream.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace seam {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag;

/// Forwards SAX events to a Document and refuses nesting deeper than JsonDocuments::kMaxDepth.
class DepthLimitedBuilder
{
public:
    explicit DepthLimitedBuilder(rapidjson::Document& doc) : m_doc(doc) {}

    bool Null() { return m_doc.Null(); }
    bool Bool(bool b) { return m_doc.Bool(b); }
    bool Int(int i) { return m_doc.Int(i); }
    bool Uint(unsigned u) { return m_doc.Uint(u); }
    bool Int64(std::int64_t i) { return m_doc.Int64(i); }
    bool Uint64(std::uint64_t u) { return m_doc.Uint64(u); }
    bool Double(double d) { return m_doc.Double(d); }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) { return m_doc.RawNumber(s, n, copy); }
    bool String(const char* s, rapidjson::SizeType n, bool copy) { return m_doc.String(s, n, copy); }
    bool Key(const char* s, rapidjson::SizeType n, bool copy) { return m_doc.Key(s, n, copy); }
    bool StartObject() { return enter() && m_doc.StartObject(); }
    bool EndObject(rapidjson::SizeType n)
    {
        --m_depth;
        return m_doc.EndObject(n);
    }
    bool StartArray() { return enter() && m_doc.StartArray(); }
    bool EndArray(rapidjson::SizeType n)
    {
        --m_depth;
        return m_doc.EndArray(n);
    }

    bool tooDeep() const { return m_tooDeep; }

private:
    bool enter()
    {
        if (++m_depth > JsonDocuments::kMaxDepth) {
            m_tooDeep = true;
            return false;
        }
        return true;
    }

    rapidjson::Document& m_doc;
    int m_depth = 0;
    bool m_tooDeep = false;
};

bool isBlank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/// Whether the first non-blank line of the input is one complete JSON value.
bool firstLineIsDocument(InputSource& in)
{
    for (std::size_t want = 64 * 1024;; want *= 4) {
        const std::string_view head = in.peek(want);
        std::size_t start = 0;
        while (start < head.size() && isBlank(head[start]))
            ++start;
        const std::size_t nl = head.find('\n', start);
        if (nl == std::string_view::npos && head.size() >= want && want < JsonDocuments::kMaxDocumentBytes)
            continue; // the line goes on beyond what we looked at
        const std::size_t end = nl == std::string_view::npos ? head.size() : nl;
        if (start >= end)
            return false;
        JsonInputStream<> s(head.substr(start, end - start)); // mends lone surrogates as the reader will
        rapidjson::BaseReaderHandler<> ignore;
        rapidjson::Reader reader;
        return !reader.Parse<rapidjson::kParseIterativeFlag>(s, ignore).IsError();
    }
}

std::string parseError(const rapidjson::ParseResult& r, bool tooDeep, bool tooBig)
{
    if (tooDeep)
        return "nested deeper than " + std::to_string(JsonDocuments::kMaxDepth) + " levels";
    if (tooBig)
        return "a document larger than " + std::to_string(JsonDocuments::kMaxDocumentBytes >> 20) + " MiB";
    return std::string("invalid JSON: ") + rapidjson::GetParseError_En(r.Code());
}

/// One document per line, each parsed on its own from the stream in line mode (a newline ends the
/// input for the current value): a bad line is a located reject and the next line still counts.
void runLines(InputSource& in, ImportContext& ctx, const JsonDocuments::Visitor& visit)
{
    JsonInputStream<> stream(in, ctx);
    stream.setLineMode(true);
    for (;;) {
        if (ctx.cancelled() || stream.stopped())
            return;
        const std::uint64_t lineStart = stream.Tell();
        const std::string location = "line " + std::to_string(stream.line());
        stream.startDocument(JsonDocuments::kMaxDocumentBytes);
        while (isBlank(stream.Peek()))
            stream.Take();
        const bool blankLine = stream.Peek() == '\0' && stream.exhausted();
        rapidjson::Document doc;
        rapidjson::ParseResult result;
        bool tooDeep = false;
        std::uint64_t errorOffset = 0;
        if (!blankLine) {
            DepthLimitedBuilder builder(doc);
            auto generate = [&](rapidjson::Document&) {
                rapidjson::Reader reader;
                result = reader.Parse<rapidjson::kParseIterativeFlag>(stream, builder);
                return !result.IsError();
            };
            doc.Populate(generate);
            tooDeep = builder.tooDeep();
            // A line's trailing blanks are not part of its document: an error found at the line's end
            // is where the document ended.
            errorOffset = result.Offset();
            if (result.IsError() && stream.exhausted())
                errorOffset = std::min<std::uint64_t>(errorOffset, stream.Tell() - stream.blanksBefore());
        }
        stream.endDocument();
        if (stream.stopped())
            return; // cancelled in the middle of the line: not the line's fault
        const bool more = stream.skipLine();
        const std::uint64_t length = stream.Tell() - lineStart - (more ? 1 : 0);
        if (length > JsonDocuments::kMaxDocumentBytes)
            ctx.report.addRejected(location, "a line longer than " +
                                                 std::to_string(JsonDocuments::kMaxDocumentBytes >> 20) +
                                                 " MiB");
        else if (result.IsError())
            ctx.report.addRejected(location + ", column " + std::to_string(errorOffset - lineStart + 1),
                                   parseError(result, tooDeep, false));
        else if (!blankLine)
            visit(doc, location);
        if (!more)
            return;
    }
}

/// Concatenated (pretty-printed) documents read straight from the stream; a syntax error ends the input.
void runDocuments(InputSource& in, ImportContext& ctx, const JsonDocuments::Visitor& visit)
{
    JsonInputStream<> stream(in, ctx);
    for (;;) {
        if (!stream.skipWhitespaceToValue() || ctx.cancelled())
            return;
        const std::string location = "line " + std::to_string(stream.line());
        stream.startDocument(JsonDocuments::kMaxDocumentBytes);
        rapidjson::Document doc;
        DepthLimitedBuilder builder(doc);
        rapidjson::ParseResult result;
        auto generate = [&](rapidjson::Document&) {
            rapidjson::Reader reader;
            result = reader.Parse<kParseFlags>(stream, builder);
            return !result.IsError();
        };
        doc.Populate(generate);
        stream.endDocument();
        if (result.IsError()) {
            if (ctx.cancelled() || stream.stopped())
                return;
            ctx.report.setFatal("line " + std::to_string(stream.line()) + ", byte " +
                                    std::to_string(stream.Tell()),
                                parseError(result, builder.tooDeep(), stream.documentTooBig()) +
                                    " (document starting at " + location + ")");
            return;
        }
        visit(doc, location);
    }
}

bool keyIs(const rapidjson::Value& v, std::string_view key)
{
    return v.IsString() && std::string_view(v.GetString(), v.GetStringLength()) == key;
}

/// SAX handler for summarizeJsonHead: records depth-1 keys/strings and those of data[0].
class HeadSummarizer : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, HeadSummarizer>
{
public:
    explicit HeadSummarizer(JsonHeadSummary& out) : m_out(out) {}

    bool Default()
    {
        afterValue();
        return true;
    }
    bool String(const char* s, rapidjson::SizeType n, bool)
    {
        if (m_depth == 1 && m_out.rootStrings.size() < 64)
            m_out.rootStrings.emplace_back(m_key, std::string(s, n));
        else if (m_inDataItem && m_depth == 3 && m_out.dataItemStrings.size() < 64)
            m_out.dataItemStrings.emplace_back(m_key, std::string(s, n));
        afterValue();
        return true;
    }
    bool Key(const char* s, rapidjson::SizeType n, bool)
    {
        m_key.assign(s, n);
        if (m_depth == 1 && m_out.rootKeys.size() < 64)
            m_out.rootKeys.push_back(m_key);
        else if (m_inDataItem && m_depth == 3 && m_out.dataItemKeys.size() < 64)
            m_out.dataItemKeys.push_back(m_key);
        return true;
    }
    bool StartObject()
    {
        if (m_depth == 0)
            m_rootIsObject = true;
        if (m_depth == 2 && m_dataArray && !m_dataItemDone)
            m_inDataItem = true;
        ++m_depth;
        return m_depth < 256;
    }
    bool EndObject(rapidjson::SizeType)
    {
        --m_depth;
        if (m_depth == 2 && m_inDataItem) {
            m_inDataItem = false;
            m_dataItemDone = true;
        }
        afterValue();
        return m_depth > 0; // one root object is enough
    }
    bool StartArray()
    {
        if (m_depth == 1 && m_key == "data")
            m_dataArray = true;
        ++m_depth;
        return m_rootIsObject && m_depth < 256;
    }
    bool EndArray(rapidjson::SizeType)
    {
        --m_depth;
        if (m_depth == 1)
            m_dataArray = false;
        afterValue();
        return true;
    }

private:
    void afterValue() {}

    JsonHeadSummary& m_out;
    std::string m_key;
    int m_depth = 0;
    bool m_rootIsObject = false;
    bool m_dataArray = false;
    bool m_inDataItem = false;
    bool m_dataItemDone = false;
};

} // namespace

void JsonDocuments::run(InputSource& in, ImportContext& ctx, const Visitor& visit)
{
    if (in.peek(3) == "\xef\xbb\xbf")
        in.skip(3);
    if (firstLineIsDocument(in))
        runLines(in, ctx, visit);
    else
        runDocuments(in, ctx, visit);
    if (ctx.cancelled())
        ctx.report.cancelled = true;
    if (!in.error().empty() && !ctx.report.hasFatal())
        ctx.report.setFatal("byte " + std::to_string(in.offset()), in.error());
}

bool JsonHeadSummary::hasRootKey(std::string_view key) const
{
    return std::find(rootKeys.begin(), rootKeys.end(), key) != rootKeys.end();
}

std::string_view JsonHeadSummary::rootString(std::string_view key) const
{
    for (const auto& [k, v] : rootStrings)
        if (k == key)
            return v;
    return {};
}

std::string_view JsonHeadSummary::dataItemString(std::string_view key) const
{
    for (const auto& [k, v] : dataItemStrings)
        if (k == key)
            return v;
    return {};
}

JsonHeadSummary summarizeJsonHead(std::string_view head)
{
    JsonHeadSummary out;
    if (head.starts_with("\xef\xbb\xbf"))
        head.remove_prefix(3);
    HeadSummarizer handler(out);
    JsonInputStream<> s(head); // mends lone surrogate escapes as the reader will
    rapidjson::Reader reader;
    reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(s, handler);
    return out; // a head cut mid-document ends in a parse error: what was seen before counts
}

const rapidjson::Value* member(const rapidjson::Value& v, std::string_view key)
{
    if (!v.IsObject())
        return nullptr;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
        if (keyIs(it->name, key))
            return &it->value;
    return nullptr;
}

const rapidjson::Value* path(const rapidjson::Value& v, std::string_view dotted)
{
    const rapidjson::Value* cur = &v;
    while (cur) {
        const std::size_t dot = dotted.find('.');
        cur = member(*cur, dotted.substr(0, dot));
        if (dot == std::string_view::npos)
            return cur;
        dotted.remove_prefix(dot + 1);
    }
    return nullptr;
}

std::string stringAt(const rapidjson::Value& v, std::string_view dotted)
{
    const rapidjson::Value* x = path(v, dotted);
    if (!x)
        return {};
    if (x->IsString())
        return std::string(x->GetString(), x->GetStringLength());
    if (x->IsUint64())
        return std::to_string(x->GetUint64());
    if (x->IsInt64())
        return std::to_string(x->GetInt64());
    return {};
}

namespace {

/// A number, or a string that is one whole (leading spaces allowed); finite only.
std::optional<double> numberOf(const rapidjson::Value* x)
{
    if (!x)
        return std::nullopt;
    if (x->IsNumber()) {
        const double d = x->GetDouble();
        return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
    }
    if (x->IsString()) {
        const char* b = x->GetString();
        const char* e = b + x->GetStringLength();
        while (b < e && *b == ' ')
            ++b;
        double d = 0;
        const auto r = std::from_chars(b, e, d);
        if (r.ec == std::errc() && r.ptr == e && std::isfinite(d))
            return d;
    }
    return std::nullopt;
}

} // namespace

std::optional<double> numberAt(const rapidjson::Value& v, std::string_view dotted)
{
    return numberOf(path(v, dotted));
}

namespace {

void collectNumericLeaves(const rapidjson::Value& v, const std::string& prefix, int depth, std::size_t max,
                          std::vector<std::pair<std::string, double>>& out)
{
    for (auto m = v.MemberBegin(); m != v.MemberEnd() && out.size() < max; ++m) {
        std::string key = prefix;
        if (!key.empty())
            key += '.';
        key.append(m->name.GetString(), m->name.GetStringLength());
        if (key.size() > 256)
            continue;
        if (m->value.IsObject()) {
            if (depth < 4)
                collectNumericLeaves(m->value, key, depth + 1, max, out);
        } else if (m->value.IsNumber() || m->value.IsString()) {
            if (const auto d = numberOf(&m->value))
                out.emplace_back(std::move(key), *d);
        }
    }
}

} // namespace

std::vector<std::pair<std::string, double>> numericLeaves(const rapidjson::Value& object,
                                                          std::size_t maxLeaves)
{
    std::vector<std::pair<std::string, double>> out;
    if (object.IsObject())
        collectNumericLeaves(object, std::string(), 1, maxLeaves, out);
    return out;
}

std::optional<std::int64_t> int64At(const rapidjson::Value& v, std::string_view dotted)
{
    const rapidjson::Value* x = path(v, dotted);
    if (x && x->IsInt64())
        return x->GetInt64();
    const std::optional<double> d = numberAt(v, dotted);
    if (!d || *d < -9.2e18 || *d > 9.2e18)
        return std::nullopt;
    return std::int64_t(std::llround(*d));
}

std::string clipUtf8(std::string s, std::size_t max)
{
    if (s.size() <= max)
        return s;
    std::size_t n = max;
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xc0) == 0x80)
        --n;
    s.resize(n);
    return s;
}

} // namespace seam
