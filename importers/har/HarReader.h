#pragma once

#include "Importer.h"

#include <cstddef>
#include <string_view>

namespace seam {

/// Whether the start of a JSON document is a HAR log: `{"log": {` followed by one of the keys a HAR
/// log has (version, creator, browser, pages, entries, comment, or a custom `_` key). `head` may be
/// cut anywhere after that.
bool looksLikeHar(std::string_view head);

/// Reads HTTP Archive 1.2 files (browser DevTools, Firefox, Playwright, proxies) as RUM data:
///
/// - the file is one session (key from a hash of its first 64 KiB, so re-importing it is idempotent;
///   browser from the User-Agent request header, else log.browser / log.creator);
/// - each navigation of a page is a page load (HarNavigations.h: DevTools writes a page per
///   navigation, Playwright one per tab, so a page is split at each main-frame document request; an
///   iframe's document is a resource). The first starts at the page's startedDateTime, later ones at
///   their document request; duration = pageTimings.onLoad, else onContentLoad, for the navigation in
///   which that moment falls (Playwright's are the last navigation's; the others get none); URL, TTFB
///   and trace id from the navigation's document entry; each entry belongs to the navigation whose
///   document started last before it;
/// - each entry is a resource with its timing phases (dns, connect incl. ssl, ssl, ttfb = send +
///   wait, download = receive; -1 = absent), status 0 for failed requests, and the trace id the
///   browser propagated: request traceparent / b3 / X-B3-TraceId / x-datadog-trace-id, response
///   server-timing traceparent / traceresponse, or the HTML's <meta name="traceparent"> (scanned in
///   the first kMaxBodyScanBytes of the document's body, base64 or not).
///
/// Streams with RapidJSON's iterative SAX reader: only one page or entry at a time is held as a
/// small DOM. Strings longer than kMaxStringBytes are cut while reading (response bodies are only
/// scanned at their start), so memory stays flat whatever the file holds. Entries that come before
/// the pages array (key order is free in JSON) are held until the pages arrive, up to
/// kMaxBufferedEntries; beyond that they are written with their page key and the store attaches them
/// when the page load arrives.
///
/// Bad input: an entry or page with wrong types or missing required fields is rejected with its
/// index, line and byte, the others are kept. Syntax errors end the import (what came before is
/// kept) with the line and byte.
class HarReader : public FormatReader
{
public:
    void read(InputSource& in, ImportContext& ctx) override;

    static constexpr std::size_t kMaxStringBytes = 1u << 20;
    static constexpr std::size_t kMaxItemBytes = 64u << 20;
    static constexpr std::size_t kMaxBodyScanBytes = 64u << 10;
    static constexpr std::size_t kMaxBufferedEntries = 20000;
    static constexpr int kMaxItemDepth = 32;
};

} // namespace seam
