#pragma once

// Internal to importers/har: the HAR reader's mapping of pages and entries to records.

#include "BatchSink.h"
#include "HarNavigations.h"
#include "ImportReport.h"
#include "Records.h"

#include <cstdint>
#include <limits>
#include <rapidjson/document.h>
#include <string>
#include <unordered_map>
#include <vector>

namespace seam::har {

/// Maps captured HAR pages and entries (small DOMs from SaxHandler) to records: pages to page loads,
/// entries to resources with their timing phases and propagated trace ids, the file to one session.
/// Entries that come before the pages are held (up to HarReader::kMaxBufferedEntries) so that they
/// can name their page. A page is split into navigations (HarNavigations.h), one page load each, whose
/// document entry gives its URL, TTFB and trace id; a navigation's page load is written once the next
/// one of its page starts (its window is then known) or at the end, and its entries wait for it.
class Mapper
{
public:
    Mapper(BatchBuilder& builder, ImportReport& report, std::string sessionKey)
        : m_builder(builder), m_report(report), m_sessionKey(std::move(sessionKey))
    {}

    void creator(const rapidjson::Value& v);
    void browser(const rapidjson::Value& v);

    void pagesEnd()
    {
        m_pagesDone = true;
        drainBuffer();
    }
    void entriesBegin() { m_bufferEntries = !m_pagesDone; }
    void entriesEnd() { m_bufferEntries = false; }

    void page(const rapidjson::Value& v, const std::string& location);
    void entry(const rapidjson::Value& v, std::uint64_t index, const std::string& location,
               const std::string& truncatedKey);
    /// Emits what is still held: buffered entries, pages without a document entry, the session.
    void finish();

private:
    struct Page
    {
        std::string id;
        std::string title;
        TimeNs start = 0;
        TimeNs onLoad = -1, onContentLoad = -1, fcp = -1, lcp = -1;
    };
    struct Entry
    {
        ResourceRecord rec;
        std::string pageref;
        std::string navigationKey; // the page load of the navigation it belongs to
    };

    std::string pageKey(const std::string& pageref) const { return m_sessionKey + "/page/" + pageref; }
    void emit(Entry& e);
    /// Writes the page loads of the page's navigations whose window is closed (all but the last), or
    /// all of them at the end.
    void emitNavigations(const Page& page, bool all);
    void emitPageLoad(const Page& page, const Navigations::Navigation* nav, TimeNs from, TimeNs until);
    void drainBuffer();
    void noteTime(TimeNs start, TimeNs end)
    {
        m_start = std::min(m_start, start);
        m_end = std::max(m_end, end);
    }

    BatchBuilder& m_builder;
    ImportReport& m_report;
    std::string m_sessionKey;
    std::string m_creatorName, m_browserName, m_browserVersion, m_userAgent;
    std::unordered_map<std::string, Page> m_pages;
    std::vector<std::string> m_pageOrder;
    Navigations m_navigations;
    bool m_sawUnpagedDocument = false; // a document entry without pageref
    std::vector<Entry> m_buffer;
    bool m_pagesDone = false;
    bool m_bufferEntries = false;
    bool m_spilled = false;
    TimeNs m_start = std::numeric_limits<TimeNs>::max();
    TimeNs m_end = std::numeric_limits<TimeNs>::min();
};

} // namespace seam::har
