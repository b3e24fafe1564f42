#include "HarNavigations.h"

#include "TextUtil.h"

#include <algorithm>

namespace seam::har {

bool Navigations::isMainFrame(const std::string& pageref, const FrameFacts& facts) const
{
    const auto it = m_pages.find(pageref);
    if (it == m_pages.end() || it->second.navigations.empty())
        return true; // a tab's first document is its main frame's
    if (!facts.fetchDest.empty())
        return text::equalsIgnoreCase(text::trim(facts.fetchDest), "document");
    if (!facts.frameRef.empty() && !it->second.mainFrame.empty())
        return facts.frameRef == it->second.mainFrame;
    if (it->second.redirecting)
        return true; // the next hop of the main frame's redirect chain
    if (facts.initiatorType == "parser")
        return false;
    return facts.browserSaid;
}

std::pair<std::size_t, bool> Navigations::document(const std::string& pageKey, const std::string& pageref,
                                                   TimeNs start, const FrameFacts& facts)
{
    Page& page = m_pages[pageref];
    const bool continues = page.redirecting && !page.navigations.empty();
    page.redirecting = facts.redirect;
    if (page.mainFrame.empty())
        page.mainFrame = std::string(facts.frameRef);
    if (continues) {
        // The redirect chain's next hop: same navigation, which the last one started.
        const auto last =
            std::max_element(page.navigations.begin(), page.navigations.end(),
                             [](const Navigation& a, const Navigation& b) { return a.start < b.start; });
        return {std::size_t(last - page.navigations.begin()), false};
    }
    Navigation n;
    n.key =
        page.navigations.empty() ? pageKey : pageKey + "/nav/" + std::to_string(page.navigations.size() + 1);
    n.start = start;
    // Kept in start order; a document read after one that started later (out of order) still finds its
    // place, though entries already given to the earlier navigation stay there.
    const auto at = std::upper_bound(page.navigations.begin(), page.navigations.end(), start,
                                     [](TimeNs t, const Navigation& x) { return t < x.start; });
    const auto inserted = page.navigations.insert(at, std::move(n));
    return {std::size_t(inserted - page.navigations.begin()), true};
}

std::string Navigations::keyAt(const std::string& pageKey, const std::string& pageref, TimeNs start) const
{
    const auto it = m_pages.find(pageref);
    if (it == m_pages.end() || it->second.navigations.empty())
        return pageKey;
    const auto& navs = it->second.navigations;
    auto after = std::upper_bound(navs.begin(), navs.end(), start,
                                  [](TimeNs t, const Navigation& x) { return t < x.start; });
    return after == navs.begin() ? navs.front().key : std::prev(after)->key;
}

} // namespace seam::har
