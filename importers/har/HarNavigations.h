#pragma once

// Internal to importers/har: the navigations inside one HAR page (HarMapper uses it).

#include "Records.h"

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace seam::har {

/// What a document entry says about the frame it loaded in.
struct FrameFacts
{
    std::string_view fetchDest;     // the Sec-Fetch-Dest request header (Chromium 80+, Firefox 90+)
    std::string_view frameRef;      // Playwright's `_frameref`: the frame's id, stable across navigations
    std::string_view initiatorType; // Chrome DevTools' `_initiator.type` (parser, script, other)
    bool browserSaid = false;       // `_resourceType` or Sec-Fetch-Dest said "document"
    bool redirect = false;          // a 301/302/303/307/308 answer: the chain goes on in the next document
};

/// The navigations of HAR pages. A HAR page is what the recorder saw of one tab: DevTools starts a page
/// per navigation, but Playwright's `recordHar` writes ONE page per tab however often it navigates. So a
/// page is split into navigations, each a page load of its own:
///
/// - a navigation starts at each main-frame document request of the page (the first request of a
///   redirect chain: the documents that follow a 3xx continue it);
/// - main frame, in order of evidence: the page's first document; Sec-Fetch-Dest `document` (iframes
///   send `iframe`/`frame`); the `_frameref` of the page's first document (Playwright); the document
///   after a main-frame redirect; not when Chrome
///   says the HTML parser requested it (`_initiator.type` parser: an <iframe> in the markup); else only
///   when the browser said `_resourceType: document` (HTML known by its MIME type alone stays a
///   resource: a fragment or a frame);
/// - every entry of the page goes to the navigation whose document started last at or before the
///   entry's start (the first one when none did). Recorders write entries in the order the requests
///   start (DevTools, Playwright, Firefox), so a document is always read before the requests after it.
///
/// The first navigation keeps the page's key (re-imports of older caches find the same row); later ones
/// are `<page key>/nav/<n>` (n from 2).
class Navigations
{
public:
    struct Navigation
    {
        std::string key;
        TimeNs start = 0;          // its first document's request start
        std::string url;           // its document's URL (after redirects)
        TimeNs responseStart = -1; // absolute; -1 unknown
        TraceId traceId;
        bool hasDocument = false; // a non-redirect document was seen
        bool emitted = false;
    };
    struct Page
    {
        std::vector<Navigation> navigations; // in start order
        std::string mainFrame;               // `_frameref` of the first document
        bool redirecting = false;            // the last main-frame document was a redirect
    };

    /// Whether a document entry of page `pageref` loads in the main frame (see the class comment).
    bool isMainFrame(const std::string& pageref, const FrameFacts& facts) const;

    /// Records a main-frame document starting at `start` (call only when isMainFrame); returns the
    /// navigation it belongs to (a new one unless it continues a redirect chain) and whether it is new.
    std::pair<std::size_t, bool> document(const std::string& pageKey, const std::string& pageref,
                                          TimeNs start, const FrameFacts& facts);

    /// The key of the navigation that an entry of `pageref` starting at `start` belongs to; `pageKey`
    /// when the page has no navigation yet.
    std::string keyAt(const std::string& pageKey, const std::string& pageref, TimeNs start) const;

    Page* page(const std::string& pageref)
    {
        const auto it = m_pages.find(pageref);
        return it == m_pages.end() ? nullptr : &it->second;
    }
    /// Whether the page has a main-frame document that is not a redirect still waiting for its next hop.
    bool hasDocument(const std::string& pageref) const
    {
        const auto it = m_pages.find(pageref);
        return it != m_pages.end() && !it->second.navigations.empty() && !it->second.redirecting;
    }

private:
    std::unordered_map<std::string, Page> m_pages; // by pageref
};

/// A page timing (ms offset from the page's start, as nanoseconds; -1 = unknown) as an offset from a
/// navigation's start, when the moment it names falls in the navigation's window [from, until):
/// HAR 1.2 says page timings are relative to the page's start (its first navigation), and Playwright
/// writes there the last navigation's `performance.timing` minus the page's start, so the moment tells
/// which navigation the value belongs to. -1 when it is another navigation's.
inline TimeNs timingIn(TimeNs pageStart, TimeNs offset, TimeNs from,
                       TimeNs until = std::numeric_limits<TimeNs>::max())
{
    if (offset < 0)
        return -1;
    const TimeNs at = pageStart + offset;
    return at >= from && at < until ? at - from : -1;
}

} // namespace seam::har
