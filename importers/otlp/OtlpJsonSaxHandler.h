#pragma once

// Internal to importers/otlp: the OTLP JSON reader's SAX handler (OtlpJsonReader drives it).

#include "Importer.h"
#include "JsonInputStream.h"
#include "OtlpJsonKeys.h"
#include "OtlpJsonToProto.h"
#include "OtlpMapper.h"

#include <cstdint>
#include <rapidjson/document.h>
#include <string>
#include <vector>

namespace seam::otlpjson {

/// A span or log record bigger than this is not telemetry; refuse to hold it as a DOM.
constexpr std::uint64_t kMaxItemBytes = 64u << 20;
/// Spans buffered while their resource (or scope) has not been seen yet.
constexpr std::size_t kMaxPendingItems = 10000;
/// Nesting beyond this outside any span is an attack on the reader's stack, not OTLP.
constexpr std::size_t kMaxTotalDepth = 1u << 20;

/// What the next JSON value is, given where we are.
enum class Role : std::uint8_t
{
    Skip,
    Envelope,       // the root object or Jaeger's "result"
    ResourceGroups, // resourceSpans / resourceLogs array
    ResourceGroup,
    Resource,
    ScopeGroups, // scopeSpans / scopeLogs array
    ScopeGroup,
    Scope,
    Items, // spans / logRecords array
    Item,
};

/// The OTLP JSON reader's SAX handler: follows the envelope (resourceSpans -> scopeSpans -> spans) itself
/// and captures one resource, scope, span or log record at a time as a small DOM, converts it
/// (JsonToProto) and hands it to OtlpMapper. Spans whose resource or scope come after them wait.
class SaxHandler
{
public:
    SaxHandler(JsonInputStream<>& stream, OtlpMapper& mapper, ImportContext& ctx)
        : m_stream(stream), m_mapper(mapper), m_ctx(ctx), m_pool(m_poolBuffer, sizeof m_poolBuffer),
          m_doc(&m_pool)
    {}

    // RapidJSON handler interface.
    bool Null()
    {
        return scalar([&] { m_doc.Null(); });
    }
    bool Bool(bool b)
    {
        return scalar([&] { m_doc.Bool(b); });
    }
    bool Int(int i)
    {
        return scalar([&] { m_doc.Int(i); });
    }
    bool Uint(unsigned u)
    {
        return scalar([&] { m_doc.Uint(u); });
    }
    bool Int64(std::int64_t i)
    {
        return scalar([&] { m_doc.Int64(i); });
    }
    bool Uint64(std::uint64_t u)
    {
        return scalar([&] { m_doc.Uint64(u); });
    }
    bool Double(double d)
    {
        return scalar([&] { m_doc.Double(d); });
    }
    bool RawNumber(const char* str, rapidjson::SizeType length, bool copy)
    {
        return scalar([&] { m_doc.RawNumber(str, length, copy); });
    }
    bool String(const char* str, rapidjson::SizeType length, bool copy)
    {
        return scalar([&] { m_doc.String(str, length, copy); });
    }
    bool StartObject() { return start(true); }
    bool StartArray() { return start(false); }
    bool EndObject(rapidjson::SizeType members) { return end(true, members); }
    bool EndArray(rapidjson::SizeType elements) { return end(false, elements); }
    bool Key(const char* str, rapidjson::SizeType length, bool copy);

    void beginRoot()
    {
        m_abortReason.clear();
        m_keyRole = Role::Envelope;
        m_sawOtlp = false;
        m_rootKeys.clear();
    }
    /// Whether the last root value had OTLP content (resourceSpans / resourceLogs), and if not, the
    /// first keys it did have: JSON that is not OTLP must not pass as an empty import.
    bool sawOtlp() const { return m_sawOtlp; }
    std::string rootKeys() const
    {
        std::string out;
        for (const auto& k : m_rootKeys)
            out += (out.empty() ? "" : ", ") + k;
        return out.empty() ? std::string("none") : out;
    }
    /// After a syntax error: forget the half-read value, deliver what was buffered.
    void abortRoot();
    const std::string& abortReason() const { return m_abortReason; }

private:
    enum class Frame : std::uint8_t
    {
        Envelope,
        ResourceGroups,
        ResourceGroup,
        ScopeGroups,
        ScopeGroup,
        Items
    };
    enum class Capture : std::uint8_t
    {
        None,
        Resource,
        Scope,
        Item
    };

    struct Pending
    {
        int scope = 0;
        std::string location;
        otlp::trace::v1::Span span;
        otlp::logs::v1::LogRecord log;
    };

    Role nextRole() const
    {
        if (m_frames.empty())
            return m_keyRole; // the root value
        switch (m_frames.back()) {
        case Frame::ResourceGroups:
            return Role::ResourceGroup;
        case Frame::ScopeGroups:
            return Role::ScopeGroup;
        case Frame::Items:
            return Role::Item;
        default:
            return m_keyRole;
        }
    }

    template<typename Forward> bool scalar(Forward&& forward)
    {
        m_stream.armGuard();
        if (m_capture != Capture::None) {
            if (!m_captureFailed)
                forward();
            return checkCaptureSize();
        }
        if (m_skipDepth)
            return true;
        const Role role = nextRole();
        m_keyRole = Role::Skip;
        if (role == Role::Item)
            reject(here(), itemName() + " must be a JSON object");
        else if (m_frames.empty())
            reject(here(), "top-level value is not an OTLP JSON object");
        return true;
    }

    bool start(bool object);
    bool end(bool object, rapidjson::SizeType count);
    bool beginCapture(Capture what);
    bool finishCapture();
    void failCapture(const char* reason)
    {
        if (!m_captureFailed) {
            m_captureFailed = true;
            m_captureReason = reason;
            clearDocStack();
        }
    }
    bool checkCaptureSize()
    {
        if (m_stream.Tell() - m_captureStart > kMaxItemBytes)
            failCapture("is larger than 64 MiB");
        return true;
    }
    void clearDocStack()
    {
        auto drop = [](rapidjson::Document&) { return false; };
        m_doc.Populate(drop); // Populate clears the document's value stack on the way out
    }
    void resetDoc()
    {
        m_doc.SetNull();
        m_pool.Clear();
    }

    void onResourceGroupStart();
    void onResourceGroupEnd();
    void onScopeGroupStart();
    void onScopeGroupEnd();
    void onResource();
    void onScope();
    void onItem(const std::string& location);
    void deliver(const otlp::trace::v1::Span* span, const otlp::logs::v1::LogRecord* log,
                 const std::string& location);
    void flushPending();
    void forceKnown();

    std::string itemName() const { return m_logs ? "log record" : "span"; }
    std::string here()
    {
        return "line " + std::to_string(m_stream.line()) + ", byte " + std::to_string(m_stream.Tell());
    }
    void reject(std::string location, std::string message)
    {
        m_ctx.report.addRejected(std::move(location), std::move(message));
    }

    JsonInputStream<>& m_stream;
    OtlpMapper& m_mapper;
    ImportContext& m_ctx;

    std::vector<Frame> m_frames;
    Role m_keyRole = Role::Envelope;
    std::size_t m_skipDepth = 0;
    bool m_logs = false; // the current items are log records
    std::string m_abortReason;
    bool m_sawOtlp = false;
    std::vector<std::string> m_rootKeys;
    KeyNormalizer m_key;

    // Capture of one value as a DOM. A pool with an inline first block: typical spans need no malloc.
    Capture m_capture = Capture::None;
    std::size_t m_captureDepth = 0;
    std::uint64_t m_captureStart = 0;
    bool m_captureFailed = false;
    const char* m_captureReason = "";
    std::string m_captureLocation;
    alignas(16) char m_poolBuffer[64 * 1024];
    rapidjson::MemoryPoolAllocator<> m_pool;
    rapidjson::Document m_doc;
    JsonToProto m_convert;

    // Resource and scope may follow their spans in JSON (keys are unordered): such spans wait here.
    bool m_inResourceGroup = false;
    bool m_resourceKnown = false;
    bool m_scopeKnown = false;
    std::vector<otlp::common::v1::InstrumentationScope> m_scopes; // per scope group of the resource group
    std::vector<Pending> m_pending;
    std::size_t m_pendingUsed = 0;

    otlp::trace::v1::Span m_span;
    otlp::logs::v1::LogRecord m_log;
    otlp::resource::v1::Resource m_resource;
    otlp::common::v1::InstrumentationScope m_scope;
    std::uint64_t m_items = 0;
};

} // namespace seam::otlpjson
