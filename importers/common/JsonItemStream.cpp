#include "JsonItemStream.h"

#include "JsonInputStream.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

namespace seam {
namespace {

constexpr std::size_t kMaxRootKeys = 8;

using Stream = JsonInputStream<>;

/// One capture in progress: its DOM under construction and where it started.
struct Capture
{
    std::size_t rootIndex = 0; // index of its frame in the path
    std::uint64_t start = 0;
    std::uint64_t nestedBytes = 0; // bytes of the items captured inside it: not part of its size
    std::string location;
    bool failed = false;
    std::string why;
    // Most items fit in the first block: reused captures then build their DOM without allocating.
    alignas(8) char block[16 * 1024];
    rapidjson::MemoryPoolAllocator<> pool{block, sizeof block};
    std::optional<rapidjson::Document> doc;
};

class Sax
{
public:
    Sax(Stream& stream, JsonItemStream::Client& client, ImportContext& ctx)
        : m_stream(stream), m_client(client), m_ctx(ctx)
    {}

    bool Null()
    {
        return scalar([](rapidjson::Document& d) { d.Null(); });
    }
    bool Bool(bool b)
    {
        return scalar([b](rapidjson::Document& d) { d.Bool(b); });
    }
    bool Int(int i)
    {
        return scalar([i](rapidjson::Document& d) { d.Int(i); });
    }
    bool Uint(unsigned u)
    {
        return scalar([u](rapidjson::Document& d) { d.Uint(u); });
    }
    bool Int64(std::int64_t i)
    {
        return scalar([i](rapidjson::Document& d) { d.Int64(i); });
    }
    bool Uint64(std::uint64_t u)
    {
        return scalar([u](rapidjson::Document& d) { d.Uint64(u); });
    }
    bool Double(double x)
    {
        return scalar([x](rapidjson::Document& d) { d.Double(x); });
    }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool copy)
    {
        return scalar([&](rapidjson::Document& d) { d.String(s, n, copy); });
    }
    bool String(const char* s, rapidjson::SizeType n, bool /*copy*/)
    {
        return scalar([&](rapidjson::Document& d) { d.String(s, n, true); });
    }
    bool Key(const char* s, rapidjson::SizeType n, bool /*copy*/)
    {
        m_stream.armGuard();
        m_pendingKey.assign(s, n);
        if (m_path.size() == 1 && !m_path.back().array && m_rootKeys.size() < kMaxRootKeys)
            m_rootKeys.push_back(m_pendingKey.substr(0, 64));
        return true;
    }
    bool StartObject() { return start(false); }
    bool StartArray() { return start(true); }
    bool EndObject(rapidjson::SizeType) { return end(false); }
    bool EndArray(rapidjson::SizeType) { return end(true); }

    void beginRoot()
    {
        m_path.clear();
        m_counts.clear();
        m_owned.clear();
        m_captures.clear();
        m_rootKeys.clear();
        m_abortReason.clear();
    }
    std::string rootKeys() const
    {
        std::string out;
        for (const std::string& k : m_rootKeys)
            out += (out.empty() ? "" : ", ") + k;
        return out.empty() ? std::string("none") : out;
    }
    const std::string& abortReason() const { return m_abortReason; }

private:
    /// The capture the current value goes to, or null (none, or a failed one).
    Capture* active()
    {
        if (m_path.empty() || !m_owned.back() || m_captures.empty())
            return nullptr;
        Capture* c = m_captures.back().get();
        if (!c->failed && m_stream.Tell() - c->start - c->nestedBytes > JsonItemStream::kMaxItemBytes)
            fail(*c, "is larger than " + std::to_string(JsonItemStream::kMaxItemBytes >> 20) + " MiB");
        return c->failed ? nullptr : c;
    }

    void fail(Capture& c, std::string why)
    {
        c.failed = true;
        c.why = std::move(why);
        c.doc.reset();
    }

    /// Forwards the pending member name (values inside objects) before a scalar goes to `c`.
    void forwardKey(Capture& c)
    {
        if (!m_path.back().array)
            c.doc->Key(m_pendingKey.data(), rapidjson::SizeType(m_pendingKey.size()), true);
        ++m_counts.back();
    }

    template<typename F> bool scalar(F&& f)
    {
        m_stream.armGuard();
        if (Capture* c = active()) {
            forwardKey(*c);
            f(*c->doc);
        }
        return true;
    }

    bool start(bool array)
    {
        m_stream.armGuard();
        Capture* c = active();
        const bool insideFailed = !c && !m_path.empty() && m_owned.back();
        if (c && m_path.size() - c->rootIndex >= JsonItemStream::kMaxItemDepth) {
            fail(*c, "is nested deeper than " + std::to_string(JsonItemStream::kMaxItemDepth) + " levels");
            c = nullptr;
        }
        if (m_captures.empty() && m_path.size() >= JsonItemStream::kMaxDepth) {
            m_abortReason = "nesting deeper than " + std::to_string(JsonItemStream::kMaxDepth) + " levels";
            return false;
        }
        JsonItemStream::Frame& frame = m_path.emplace_back();
        frame.array = array;
        const bool inObject = m_path.size() > 1 && !m_path[m_path.size() - 2].array;
        if (inObject)
            frame.key = m_pendingKey;
        const bool owned = c || insideFailed || (!m_captures.empty() && m_owned.back());
        int role = 0;
        if (!array && (m_captures.empty() || c))
            role = m_client.capture(m_path);
        m_path.back().role = role;
        if (role) {
            std::unique_ptr<Capture> capture;
            if (m_spare.empty()) {
                capture = std::make_unique<Capture>();
            } else {
                capture = std::move(m_spare.back());
                m_spare.pop_back();
                capture->failed = false;
                capture->why.clear();
                capture->nestedBytes = 0;
            }
            capture->rootIndex = m_path.size() - 1;
            // RapidJSON calls StartObject before or after taking the '{', depending on the state.
            capture->start = m_stream.Peek() == '{' ? m_stream.Tell() : m_stream.Tell() - 1;
            capture->location =
                "line " + std::to_string(m_stream.line()) + ", byte " + std::to_string(capture->start);
            capture->doc.emplace(&capture->pool);
            capture->doc->StartObject();
            m_captures.push_back(std::move(capture));
            m_owned.push_back(true);
        } else if (c) {
            if (inObject)
                c->doc->Key(m_pendingKey.data(), rapidjson::SizeType(m_pendingKey.size()), true);
            ++m_counts.back(); // the parent's count: the new frame's is not pushed yet
            array ? c->doc->StartArray() : c->doc->StartObject();
            m_owned.push_back(true);
        } else {
            m_owned.push_back(owned);
        }
        m_counts.push_back(0);
        return true;
    }

    bool end(bool array)
    {
        m_stream.armGuard();
        const std::uint32_t count = m_counts.back();
        const bool owned = m_owned.back();
        bool ok = true;
        if (owned && !m_captures.empty()) {
            Capture& c = *m_captures.back();
            if (!c.failed)
                array ? c.doc->EndArray(count) : c.doc->EndObject(count);
            if (c.rootIndex == m_path.size() - 1)
                ok = finish();
        }
        m_path.pop_back();
        m_counts.pop_back();
        m_owned.pop_back();
        return ok;
    }

    bool finish()
    {
        std::unique_ptr<Capture> c = std::move(m_captures.back());
        m_captures.pop_back();
        if (!m_captures.empty())
            m_captures.back()->nestedBytes += m_stream.Tell() - c->start;
        bool ok = true;
        if (c->failed) {
            m_ctx.report.addRejected(c->location, "an item " + c->why + "; skipped");
        } else {
            auto keep = [](rapidjson::Document&) { return true; };
            c->doc->Populate(keep); // moves the value built from the forwarded events into the document
            ok = m_client.item(m_path, *c->doc, c->location);
            if (!ok && m_abortReason.empty())
                m_abortReason = "stopped";
        }
        c->doc.reset();
        c->pool.Clear();
        if (m_spare.size() < 8)
            m_spare.push_back(std::move(c));
        if ((++m_items & 1023) == 0 && m_ctx.cancelled()) {
            m_abortReason = "cancelled";
            return false;
        }
        return ok;
    }

    Stream& m_stream;
    JsonItemStream::Client& m_client;
    ImportContext& m_ctx;
    JsonItemStream::Path m_path;
    std::vector<std::uint32_t> m_counts; // values / members forwarded into each open frame
    std::vector<bool> m_owned;           // the frame belongs to a capture (failed ones included)
    std::vector<std::unique_ptr<Capture>> m_captures;
    std::vector<std::unique_ptr<Capture>> m_spare; // finished captures, for reuse
    std::string m_pendingKey;
    std::vector<std::string> m_rootKeys;
    std::string m_abortReason;
    std::uint64_t m_items = 0;
};

} // namespace

void JsonItemStream::run(InputSource& in, ImportContext& ctx, Client& client)
{
    if (in.peek(3) == "\xef\xbb\xbf")
        in.skip(3);
    Stream stream(in, ctx);
    stream.setTokenLimit(kMaxTokenBytes);
    const auto handler = std::make_unique<Sax>(stream, client, ctx);
    rapidjson::Reader reader;
    while (stream.skipWhitespaceToValue()) {
        handler->beginRoot();
        const rapidjson::ParseResult result =
            reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(stream,
                                                                                             *handler);
        if (result) {
            client.rootDone(handler->rootKeys());
            continue;
        }
        if (ctx.cancelled() || stream.stopped() || handler->abortReason() == "cancelled") {
            ctx.report.cancelled = true;
            break;
        }
        const std::string location =
            "line " + std::to_string(stream.line()) + ", byte " + std::to_string(result.Offset());
        std::string message;
        if (stream.guardTripped())
            message = "a string or token is longer than " + std::to_string(kMaxTokenBytes >> 20) + " MiB";
        else if (result.Code() == rapidjson::kParseErrorTermination)
            message = handler->abortReason();
        else
            message = std::string("JSON syntax error: ") + rapidjson::GetParseError_En(result.Code());
        ctx.report.setFatal(location, message);
        break;
    }
}

std::string JsonItemStream::describe(const rapidjson::Value& v)
{
    if (v.IsString()) {
        const std::string_view s(v.GetString(), v.GetStringLength());
        return "the string \"" + std::string(s.substr(0, 40)) + (s.size() > 40 ? "...\"" : "\"");
    }
    return v.IsNumber()   ? "a number"
           : v.IsObject() ? "an object"
           : v.IsArray()  ? "an array"
           : v.IsNull()   ? "null"
                          : "a boolean";
}

namespace {

/// Walks the head of a document far enough to see the shape JsonHeadShape describes.
class ShapeSax : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, ShapeSax>
{
public:
    explicit ShapeSax(JsonHeadShape& shape) : m_shape(shape) {}

    bool Default()
    {
        m_lastKeyWasData = false;
        return true;
    }
    bool Key(const char* s, rapidjson::SizeType n, bool)
    {
        const std::string key(s, std::min<rapidjson::SizeType>(n, 64));
        if (m_depth == 1 && !m_shape.rootArray) {
            m_shape.rootKeys.push_back(key);
            m_lastKeyWasData = key == "data";
        } else if (m_depth == m_itemDepth) {
            m_shape.itemKeys.push_back(key);
        }
        return m_shape.itemKeys.size() < 64 && m_shape.rootKeys.size() < 64;
    }
    bool StartObject()
    {
        ++m_depth;
        if (m_depth == 1)
            return true;
        if (m_itemDepth == 0 &&
            (m_shape.rootArray ? m_depth <= 3
                               : (m_depth == 2 && m_lastKeyWasData) || (m_depth == 3 && m_inDataArray)))
            m_itemDepth = m_depth;
        m_lastKeyWasData = false;
        return true;
    }
    bool EndObject(rapidjson::SizeType)
    {
        // The first item is complete: its keys are all known.
        const bool done = m_depth == m_itemDepth;
        --m_depth;
        return !done;
    }
    bool StartArray()
    {
        ++m_depth;
        if (m_depth == 1)
            m_shape.rootArray = true;
        else if (m_shape.rootArray && m_depth == 2 && m_itemDepth == 0)
            m_shape.nestedArrays = true;
        if (m_depth == 2 && m_lastKeyWasData)
            m_inDataArray = true;
        m_lastKeyWasData = false;
        m_emptyCandidate = m_inDataArray && m_depth == 2;
        return true;
    }
    bool EndArray(rapidjson::SizeType count)
    {
        if (m_inDataArray && m_depth == 2) {
            m_inDataArray = false;
            if (count == 0 && m_emptyCandidate)
                m_shape.dataIsEmptyArray = true;
        }
        --m_depth;
        return true;
    }

private:
    JsonHeadShape& m_shape;
    int m_depth = 0;
    int m_itemDepth = 0;
    bool m_lastKeyWasData = false;
    bool m_inDataArray = false;
    bool m_emptyCandidate = false;
};

} // namespace

JsonHeadShape sniffJsonHead(std::string_view head)
{
    JsonHeadShape shape;
    if (head.starts_with("\xef\xbb\xbf"))
        head.remove_prefix(3);
    JsonInputStream<> stream(head); // mends lone surrogate escapes as the reader will
    ShapeSax sax(shape);
    rapidjson::Reader reader;
    reader.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseStopWhenDoneFlag>(stream, sax);
    return shape;
}

} // namespace seam
