#pragma once

// Internal to importers/har: the HAR reader's SAX handler (HarReader drives it).

#include "HarMapper.h"
#include "ImportReport.h"
#include "JsonInputStream.h"

#include <cstdint>
#include <rapidjson/document.h>
#include <string>
#include <vector>

namespace seam::har {

/// The HAR input stream: response bodies of many megabytes are normal, only their start matters here.
using HarStream = JsonInputStream<JsonStrings::CutLong>;

/// The HAR reader's SAX handler: follows the envelope (log -> pages / entries) itself and captures
/// each page and entry (and log.creator / log.browser) as a small DOM for the Mapper. Whatever the
/// file nests beyond HarReader::kMaxItemDepth inside an item becomes null; the envelope's own
/// mistakes are rejects, or the end of the import when nothing could follow.
class SaxHandler
{
public:
    SaxHandler(HarStream& stream, Mapper& mapper, ImportReport& report)
        : m_stream(stream), m_mapper(mapper), m_report(report)
    {}

    bool Null()
    {
        return scalar("null", [](rapidjson::Document& d) { return d.Null(); });
    }
    bool Bool(bool b)
    {
        return scalar("boolean", [b](rapidjson::Document& d) { return d.Bool(b); });
    }
    bool Int(int i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Int(i); });
    }
    bool Uint(unsigned i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Uint(i); });
    }
    bool Int64(std::int64_t i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Int64(i); });
    }
    bool Uint64(std::uint64_t i)
    {
        return scalar("number", [i](rapidjson::Document& d) { return d.Uint64(i); });
    }
    bool Double(double x)
    {
        return scalar("number", [x](rapidjson::Document& d) { return d.Double(x); });
    }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool)
    {
        return scalar("number", [s, n](rapidjson::Document& d) { return d.String(s, n, true); });
    }
    bool String(const char* s, rapidjson::SizeType n, bool)
    {
        const bool cut = m_stream.takeTruncated();
        if (cut && m_capture != Capture::None && m_captureTruncatedKey.empty() && !m_skipDepth) {
            const bool body = m_lastKey == "text" || m_lastKey == "comment" || m_lastKey.starts_with('_');
            if (!body)
                m_captureTruncatedKey = m_lastKey.empty() ? std::string("(array item)") : m_lastKey;
        }
        return scalar("string", [s, n](rapidjson::Document& d) { return d.String(s, n, true); });
    }
    bool Key(const char* s, rapidjson::SizeType n, bool)
    {
        m_stream.takeTruncated();
        if (m_skipDepth)
            return true;
        if (m_capture != Capture::None) {
            m_lastKey.assign(s, std::min<std::size_t>(n, 64));
            if (!m_captureFailed)
                m_doc.Key(s, n, true);
            return true;
        }
        m_key.assign(s, std::min<std::size_t>(n, 256));
        if (m_levels.size() == 1 && m_rootKeys.size() < 200)
            m_rootKeys += (m_rootKeys.empty() ? "" : ", ") + m_key;
        return true;
    }
    bool StartObject() { return start(true); }
    bool StartArray() { return start(false); }
    bool EndObject(rapidjson::SizeType n) { return end(true, n); }
    bool EndArray(rapidjson::SizeType n) { return end(false, n); }

    const std::string& abortReason() const { return m_abortReason; }
    bool sawLog() const { return m_sawLog; }
    bool sawEntries() const { return m_sawEntries; }
    const std::string& rootKeys() const { return m_rootKeys; }
    std::string location()
    {
        return "line " + std::to_string(m_stream.line()) + ", byte " + std::to_string(m_stream.Tell());
    }
    const std::string& logLocation() const { return m_logLocation; }

private:
    enum class Level : std::uint8_t
    {
        Root,
        Log,
        Pages,
        Entries
    };
    enum class Capture : std::uint8_t
    {
        None,
        Creator,
        Browser,
        Page,
        Entry
    };

    bool fail(std::string why)
    {
        m_abortReason = std::move(why);
        return false;
    }

    template<typename Forward> bool scalar(const char* kind, Forward&& forward)
    {
        if (m_skipDepth)
            return true;
        if (m_capture != Capture::None) {
            if (!m_captureFailed)
                forward(m_doc);
            return checkCaptureSize();
        }
        if (m_levels.empty())
            return fail(std::string("JSON, but not HAR: the document is a ") + kind + ", not an object");
        switch (m_levels.back()) {
        case Level::Root:
            if (m_key == "log")
                return fail(std::string("not a valid HAR: \"log\" is a ") + kind + ", not an object");
            return true;
        case Level::Log:
            if (m_key == "entries")
                return fail(std::string("not a valid HAR: \"entries\" is a ") + kind + ", not an array");
            if (m_key == "pages")
                m_report.addRejected(location(),
                                     std::string("\"pages\" is a ") + kind + ", not an array; ignored");
            return true;
        case Level::Pages:
            m_report.addRejected(itemLocation("page", m_pageIndex++),
                                 std::string("page is a ") + kind + ", not an object; skipped");
            return true;
        case Level::Entries:
            m_report.addRejected(itemLocation("entry", m_entryIndex++),
                                 std::string("entry is a ") + kind + ", not an object; skipped");
            return true;
        }
        return true;
    }

    bool start(bool object);
    bool end(bool object, rapidjson::SizeType count);
    std::string itemLocation(const char* what, std::uint64_t index);
    bool beginCapture(Capture what);
    bool checkCaptureSize();
    void finishCapture();

    HarStream& m_stream;
    Mapper& m_mapper;
    ImportReport& m_report;
    std::vector<Level> m_levels;
    std::string m_key;
    std::string m_lastKey;
    std::string m_rootKeys;
    std::string m_abortReason;
    std::string m_logLocation;
    std::size_t m_skipDepth = 0;
    Capture m_capture = Capture::None;
    std::size_t m_captureDepth = 0;
    std::uint64_t m_captureStart = 0;
    std::uint64_t m_captureSkipStart = 0;
    bool m_captureFailed = false;
    std::string m_captureTruncatedKey;
    std::string m_captureLocation;
    std::uint64_t m_pageIndex = 0;
    std::uint64_t m_entryIndex = 0;
    bool m_sawLog = false;
    bool m_sawEntries = false;
    rapidjson::Document m_doc;
};

} // namespace seam::har
