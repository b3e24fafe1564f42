#include "HarSaxHandler.h"

#include "HarReader.h"

#include <string>

namespace seam::har {
namespace {

/// Nesting beyond this outside any page or entry is an attack on the reader's stack, not HAR.
constexpr std::size_t kMaxTotalDepth = 1u << 20;

} // namespace

bool SaxHandler::start(bool object)
{
    if (m_skipDepth) {
        if (++m_skipDepth > kMaxTotalDepth)
            return fail("nesting deeper than " + std::to_string(kMaxTotalDepth) + " levels");
        return true;
    }
    if (m_capture != Capture::None) {
        if (m_captureDepth >= std::size_t(HarReader::kMaxItemDepth)) {
            // Deeper than anything HAR defines: keep a null in its place and skip the subtree.
            if (!m_captureFailed)
                m_doc.Null();
            m_skipDepth = 1;
            return true;
        }
        ++m_captureDepth;
        if (!m_captureFailed)
            object ? m_doc.StartObject() : m_doc.StartArray();
        return checkCaptureSize();
    }
    const char* kind = object ? "object" : "array";
    if (m_levels.empty()) {
        if (!object)
            return fail("JSON, but not HAR: the document is an array, not an object with \"log\"");
        m_levels.push_back(Level::Root);
        return true;
    }
    switch (m_levels.back()) {
    case Level::Root:
        if (m_key != "log") {
            m_skipDepth = 1;
            return true;
        }
        if (!object)
            return fail("not a valid HAR: \"log\" is an array, not an object");
        m_sawLog = true;
        m_logLocation = location();
        m_levels.push_back(Level::Log);
        return true;
    case Level::Log:
        if (m_key == "pages" || m_key == "entries") {
            const bool entries = m_key == "entries";
            if (object) {
                if (entries)
                    return fail("not a valid HAR: \"entries\" is an object, not an array");
                m_report.addRejected(location(), "\"pages\" is an object, not an array; ignored");
                m_skipDepth = 1;
                return true;
            }
            m_levels.push_back(entries ? Level::Entries : Level::Pages);
            if (entries) {
                m_sawEntries = true;
                m_mapper.entriesBegin();
            }
            return true;
        }
        if (object && (m_key == "creator" || m_key == "browser"))
            return beginCapture(m_key == "creator" ? Capture::Creator : Capture::Browser);
        m_skipDepth = 1;
        return true;
    case Level::Pages:
    case Level::Entries: {
        const bool pages = m_levels.back() == Level::Pages;
        if (object)
            return beginCapture(pages ? Capture::Page : Capture::Entry);
        const std::uint64_t index = pages ? m_pageIndex++ : m_entryIndex++;
        m_report.addRejected(itemLocation(pages ? "page" : "entry", index),
                             std::string(pages ? "page" : "entry") + " is an " + kind +
                                 ", not an object; skipped");
        m_skipDepth = 1;
        return true;
    }
    }
    return true;
}

bool SaxHandler::end(bool object, rapidjson::SizeType count)
{
    if (m_skipDepth) {
        --m_skipDepth;
        return true;
    }
    if (m_capture != Capture::None) {
        if (!m_captureFailed)
            object ? m_doc.EndObject(count) : m_doc.EndArray(count);
        if (--m_captureDepth == 0)
            finishCapture();
        return true;
    }
    if (m_levels.empty())
        return true;
    const Level level = m_levels.back();
    m_levels.pop_back();
    if (level == Level::Pages)
        m_mapper.pagesEnd();
    else if (level == Level::Entries)
        m_mapper.entriesEnd();
    return true;
}

std::string SaxHandler::itemLocation(const char* what, std::uint64_t index)
{
    return std::string(what) + ' ' + std::to_string(index + 1) + ", " + location();
}

bool SaxHandler::beginCapture(Capture what)
{
    m_capture = what;
    m_captureDepth = 1;
    m_captureFailed = false;
    m_captureTruncatedKey.clear();
    m_lastKey.clear();
    m_captureStart = m_stream.Tell();
    m_captureSkipStart = m_stream.skippedBytes();
    if (what == Capture::Page)
        m_captureLocation = itemLocation("page", m_pageIndex);
    else if (what == Capture::Entry)
        m_captureLocation = itemLocation("entry", m_entryIndex);
    else
        m_captureLocation = location();
    m_doc.StartObject();
    return true;
}

bool SaxHandler::checkCaptureSize()
{
    // What the DOM holds: the bytes read since the item began, less the cut strings' skipped rest.
    const std::uint64_t held =
        m_stream.Tell() - m_captureStart - (m_stream.skippedBytes() - m_captureSkipStart);
    if (!m_captureFailed && held > HarReader::kMaxItemBytes) {
        m_captureFailed = true;
        auto drop = [](rapidjson::Document&) { return false; };
        m_doc.Populate(drop); // drops what was built
        m_doc.SetNull();
        m_doc.GetAllocator().Clear();
    }
    return true;
}

void SaxHandler::finishCapture()
{
    const Capture what = m_capture;
    m_capture = Capture::None;
    std::uint64_t index = 0;
    if (what == Capture::Page)
        index = m_pageIndex++;
    else if (what == Capture::Entry)
        index = m_entryIndex++;
    if (m_captureFailed) {
        m_report.addRejected(m_captureLocation, "larger than " +
                                                    std::to_string(HarReader::kMaxItemBytes >> 20) +
                                                    " MiB; skipped");
        return;
    }
    auto keep = [](rapidjson::Document&) { return true; };
    m_doc.Populate(keep); // moves the value built from our events into the document
    switch (what) {
    case Capture::Creator:
        m_mapper.creator(m_doc);
        break;
    case Capture::Browser:
        m_mapper.browser(m_doc);
        break;
    case Capture::Page:
        m_mapper.page(m_doc, m_captureLocation);
        break;
    case Capture::Entry:
        m_mapper.entry(m_doc, index, m_captureLocation, m_captureTruncatedKey);
        break;
    case Capture::None:
        break;
    }
    m_doc.SetNull();
    m_doc.GetAllocator().Clear();
}

} // namespace seam::har
