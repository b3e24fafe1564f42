#include "JsonDocuments.h"

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

/// A RapidJSON input stream over a byte range (one NDJSON line); embedded NULs read as errors.
class RangeStream
{
public:
    using Ch = char;
    RangeStream(const char* begin, const char* end) : m_begin(begin), m_p(begin), m_end(end) {}
    Ch Peek() const { return m_p < m_end ? *m_p : '\0'; }
    Ch Take() { return m_p < m_end ? *m_p++ : '\0'; }
    std::size_t Tell() const { return std::size_t(m_p - m_begin); }
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

private:
    const char* m_begin;
    const char* m_p;
    const char* m_end;
};

/// A RapidJSON input stream straight from the InputSource, counting lines and the current
/// document's bytes (reads as end of input past kMaxDocumentBytes).
class SourceStream
{
public:
    using Ch = char;
    SourceStream(InputSource& in, ImportContext& ctx) : m_in(in), m_ctx(ctx) {}

    Ch Peek()
    {
        if (!available())
            return '\0';
        return m_buf[m_pos];
    }
    Ch Take()
    {
        if (!available())
            return '\0';
        const char c = m_buf[m_pos++];
        ++m_tell;
        ++m_docBytes;
        if (c == '\n')
            ++m_line;
        return c;
    }
    std::size_t Tell() const { return std::size_t(m_tell); }
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

    void startDocument()
    {
        m_docBytes = 0;
        m_tooBig = false;
    }
    bool tooBig() const { return m_tooBig; }
    std::uint64_t line() const { return m_line; }
    std::uint64_t tell() const { return m_tell; }
    bool atEnd() { return m_pos >= m_buf.size() && !refill(); }

private:
    bool available()
    {
        if (m_docBytes >= JsonDocuments::kMaxDocumentBytes) {
            m_tooBig = true;
            return false;
        }
        return m_pos < m_buf.size() || refill();
    }
    bool refill()
    {
        if (m_eof)
            return false;
        m_buf.resize(InputSource::kChunk);
        const std::size_t n = m_in.read(m_buf.data(), m_buf.size());
        m_buf.resize(n);
        m_pos = 0;
        if (m_ctx.progress)
            m_ctx.progress(m_in.rawOffset(), m_in.rawSize());
        if (n == 0)
            m_eof = true;
        return n > 0;
    }

    InputSource& m_in;
    ImportContext& m_ctx;
    std::string m_buf;
    std::size_t m_pos = 0;
    bool m_eof = false;
    std::uint64_t m_tell = 0;
    std::uint64_t m_line = 1;
    std::uint64_t m_docBytes = 0;
    bool m_tooBig = false;
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
        RangeStream s(head.data() + start, head.data() + end);
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

void runLines(InputSource& in, ImportContext& ctx, const JsonDocuments::Visitor& visit)
{
    std::string buf(InputSource::kChunk, '\0');
    std::string line;
    std::uint64_t lineNo = 0;
    bool tooLong = false;
    std::size_t got = 0, pos = 0;
    bool eof = false;
    std::uint64_t sinceCheck = 0;

    auto handleLine = [&] {
        ++lineNo;
        const std::string location = "line " + std::to_string(lineNo);
        if (tooLong) {
            ctx.report.addRejected(location, "a line longer than " +
                                                 std::to_string(JsonDocuments::kMaxDocumentBytes >> 20) +
                                                 " MiB");
            return;
        }
        std::size_t b = 0, e = line.size();
        while (b < e && isBlank(line[b]))
            ++b;
        while (e > b && isBlank(line[e - 1]))
            --e;
        if (b == e)
            return;
        rapidjson::Document doc;
        DepthLimitedBuilder builder(doc);
        rapidjson::ParseResult result;
        auto generate = [&](rapidjson::Document&) {
            RangeStream s(line.data() + b, line.data() + e);
            rapidjson::Reader reader;
            result = reader.Parse<rapidjson::kParseIterativeFlag>(s, builder);
            return !result.IsError();
        };
        doc.Populate(generate);
        if (result.IsError()) {
            ctx.report.addRejected(location + ", column " + std::to_string(result.Offset() + b + 1),
                                   parseError(result, builder.tooDeep(), false));
            return;
        }
        visit(doc, location);
    };

    while (!eof) {
        if (pos >= got) {
            got = in.read(buf.data(), buf.size());
            pos = 0;
            if (ctx.progress)
                ctx.progress(in.rawOffset(), in.rawSize());
            if (got == 0) {
                eof = true;
                break;
            }
            if ((sinceCheck += got) >= (4u << 20)) {
                sinceCheck = 0;
                if (ctx.cancelled())
                    return;
            }
        }
        const char* start = buf.data() + pos;
        const char* nl = static_cast<const char*>(std::memchr(start, '\n', got - pos));
        const std::size_t n = nl ? std::size_t(nl - start) : got - pos;
        if (!tooLong) {
            if (line.size() + n > JsonDocuments::kMaxDocumentBytes) {
                tooLong = true;
                std::string().swap(line);
            } else {
                line.append(start, n);
            }
        }
        pos += n;
        if (nl) {
            ++pos;
            handleLine();
            line.clear();
            if (line.capacity() > (1u << 20))
                std::string().swap(line);
            tooLong = false;
            if (ctx.cancelled())
                return;
        }
    }
    if (!line.empty() || tooLong)
        handleLine();
}

void runDocuments(InputSource& in, ImportContext& ctx, const JsonDocuments::Visitor& visit)
{
    SourceStream stream(in, ctx);
    for (;;) {
        while (!stream.atEnd() && isBlank(stream.Peek()))
            stream.Take();
        if (stream.atEnd() || ctx.cancelled())
            return;
        const std::string location = "line " + std::to_string(stream.line());
        stream.startDocument();
        rapidjson::Document doc;
        DepthLimitedBuilder builder(doc);
        rapidjson::ParseResult result;
        auto generate = [&](rapidjson::Document&) {
            rapidjson::Reader reader;
            result = reader.Parse<kParseFlags>(stream, builder);
            return !result.IsError();
        };
        doc.Populate(generate);
        if (result.IsError()) {
            if (ctx.cancelled())
                return;
            ctx.report.setFatal("line " + std::to_string(stream.line()) + ", byte " +
                                    std::to_string(stream.tell()),
                                parseError(result, builder.tooDeep(), stream.tooBig()) +
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
    RangeStream s(head.data(), head.data() + head.size());
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

std::optional<double> numberAt(const rapidjson::Value& v, std::string_view dotted)
{
    const rapidjson::Value* x = path(v, dotted);
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
