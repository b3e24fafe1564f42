#include "LinkInference.h"

#include "Correlator.h"

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace seam {
namespace {

/// Path and query of a URL, absolute or relative; the fragment is dropped.
struct UrlParts
{
    std::string_view path, query;
};

UrlParts splitUrl(std::string_view url)
{
    if (const auto hash = url.find('#'); hash != std::string_view::npos)
        url = url.substr(0, hash);
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
        const auto slash = url.find('/', scheme + 3);
        const auto question = url.find('?', scheme + 3);
        if (slash == std::string_view::npos || (question != std::string_view::npos && question < slash))
            url = question == std::string_view::npos ? std::string_view("/") : url.substr(question);
        else
            url = url.substr(slash);
    }
    UrlParts parts;
    const auto question = url.find('?');
    parts.path = url.substr(0, question);
    if (question != std::string_view::npos)
        parts.query = url.substr(question + 1);
    if (parts.path.empty())
        parts.path = "/";
    return parts;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view nextSegment(std::string_view& rest)
{
    while (!rest.empty() && rest.front() == '/')
        rest.remove_prefix(1);
    const auto slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
    return segment;
}

/// Whether a route template ("/api/product/:id", "/users/{id}/orders", "/static/*") matches a path.
bool routeMatches(std::string_view route, std::string_view path)
{
    for (;;) {
        const std::string_view r = nextSegment(route);
        const std::string_view p = nextSegment(path);
        if (r.empty() && p.empty())
            return true;
        if (r == "*" && route.empty())
            return !p.empty(); // a trailing wildcard takes the rest
        if (r == "**")
            return true;
        if (r.empty() || p.empty())
            return false;
        const bool parameter = r.front() == ':' || (r.front() == '{' && r.back() == '}') ||
                               (r.front() == '<' && r.back() == '>') || r == "*";
        if (!parameter && r != p)
            return false;
    }
}

std::string_view textOrEmpty(const Statement& st, int col)
{
    return st.isNull(col) ? std::string_view() : st.text(col);
}

} // namespace

struct LinkInference::Call
{
    std::int64_t resourceId = 0, pageLoad = 0, session = 0;
    std::string method, path, query, agent;
    int status = 0;
    TimeNs start = 0, end = 0;
};

struct LinkInference::Candidate
{
    std::int64_t trace = 0, spanId = 0;
    TimeNs start = 0, end = 0;
    std::string method, path, query, route, agent;
    int status = 0;
};

LinkInference::LinkInference(Database& db, Correlator& correlator) : LinkInference(db, correlator, Evidence{})
{}

LinkInference::LinkInference(Database& db, Correlator& correlator, Evidence evidence)
    : m_correlator(correlator), m_evidence(evidence),
      m_calls(db.prepare("SELECT r.id, r.page_load_id, coalesce(r.session_id, 0), coalesce(r.method, 'GET'), "
                         "r.url, coalesce(r.status, 0), r.start_ns, r.duration_ns, r.trace, r.span_id "
                         "FROM page_loads p JOIN resources r ON r.page_load_id = p.id "
                         "WHERE p.start_ns BETWEEN ?1 AND ?2 AND r.type IN ('fetch', 'xhr') "
                         "AND r.duration_ns > 0 AND r.id_source IN (0, 1) "
                         "AND NOT EXISTS (SELECT 1 FROM links l WHERE l.resource_id = r.id)")),
      m_callAgent(db.prepare("SELECT coalesce(span_attribute(pl.attributes, 'user_agent.original'), "
                             "span_attribute(pl.attributes, 'http.user_agent')) "
                             "FROM spans s JOIN span_payloads pl ON pl.id = s.payload "
                             "WHERE s.trace = ?1 AND s.span_id = ?2")),
      // The session's calls whose backend span is known by id: each bounds the clock offset.
      m_confirmed(db.prepare("SELECT r.start_ns, r.start_ns + r.duration_ns, s.start_ns, s.end_ns "
                             "FROM resources r JOIN links l ON l.resource_id = r.id "
                             "JOIN spans s ON s.trace = l.trace AND s.span_id = l.span_id "
                             "WHERE r.session_id = ?1 AND l.method <> 'inferred' AND r.duration_ns > 0")),
      // Root server spans of backend traces starting in the window that nothing links to yet.
      m_candidates(db.prepare("SELECT t.id, s.span_id, s.start_ns, s.end_ns, "
                              "coalesce(span_attribute(pl.attributes, 'http.request.method'), "
                              "         span_attribute(pl.attributes, 'http.method')), "
                              "coalesce(span_attribute(pl.attributes, 'url.path'), "
                              "span_attribute(pl.attributes, 'http.target'), "
                              "         span_attribute(pl.attributes, 'url.full'), "
                              "span_attribute(pl.attributes, 'http.url')), "
                              "span_attribute(pl.attributes, 'url.query'), "
                              "coalesce(span_attribute(pl.attributes, 'http.route'), o.name), "
                              "coalesce(span_attribute(pl.attributes, 'http.response.status_code'), "
                              "         span_attribute(pl.attributes, 'http.status_code'), 0), "
                              "coalesce(span_attribute(pl.attributes, 'user_agent.original'), "
                              "         span_attribute(pl.attributes, 'http.user_agent')) "
                              "FROM traces t "
                              "JOIN spans s ON s.trace = t.id AND s.parent_span_id = 0 AND s.kind IN (0, 2) "
                              "JOIN services sv ON sv.id = s.service_id AND sv.is_browser = 0 "
                              "LEFT JOIN span_payloads pl ON pl.id = s.payload "
                              "LEFT JOIN operations o ON o.id = s.operation_id "
                              "WHERE t.start_ns BETWEEN ?1 AND ?2 AND t.backend_span_count > 0 "
                              "AND NOT EXISTS (SELECT 1 FROM links l WHERE l.trace = t.id)"))
{}

LinkInference::SkewBounds LinkInference::skewOf(std::int64_t session)
{
    if (const auto it = m_skews.find(session); it != m_skews.end())
        return it->second;
    // The backend span [s0, s1] sat inside the call [r0, r1] on the browser's clock:
    // r0 <= s0 + offset and s1 + offset <= r1, so offset is in [r0 - s0, r1 - s1].
    TimeNs lo = std::numeric_limits<TimeNs>::min(), hi = std::numeric_limits<TimeNs>::max();
    std::vector<TimeNs> centres;
    if (session != 0) {
        m_confirmed.bind(1, session);
        while (m_confirmed.step()) {
            const TimeNs r0 = m_confirmed.int64(0), r1 = m_confirmed.int64(1);
            const TimeNs s0 = m_confirmed.int64(2), s1 = m_confirmed.int64(3);
            lo = std::max(lo, r0 - s0);
            hi = std::min(hi, r1 - s1);
            centres.push_back((r0 + r1) / 2 - (s0 + s1) / 2);
        }
        m_confirmed.reset();
    }
    SkewBounds bounds;
    if (!centres.empty()) {
        bounds.learned = true;
        if (lo <= hi) {
            bounds.lo = lo;
            bounds.hi = hi;
        } else {
            // The links disagree (a link with an odd entry span, clock drift): trust the median
            // centring, with a margin as wide as the disagreement.
            std::nth_element(centres.begin(), centres.begin() + std::ptrdiff_t(centres.size() / 2),
                             centres.end());
            const TimeNs centre = centres[centres.size() / 2];
            const TimeNs margin = std::min<TimeNs>(lo - hi, 1'000'000'000);
            bounds.lo = centre - margin;
            bounds.hi = centre + margin;
        }
    }
    m_skews.emplace(session, bounds);
    return bounds;
}

double LinkInference::match(const Call& call, const SkewBounds& skew, const Candidate& c) const
{
    // Timing: some offset within the session's bounds puts the server span inside the call.
    const TimeNs lo = std::max(skew.lo, call.start - c.start) - kTolerance;
    const TimeNs hi = std::min(skew.hi, call.end - c.end) + kTolerance;
    if (lo > hi || c.end < c.start)
        return 0;

    if (!c.method.empty() && !equalsIgnoringCase(c.method, call.method))
        return 0;
    double confidence = 0.6;
    const UrlParts server = splitUrl(c.path);
    if (!c.path.empty()) {
        if (server.path != call.path)
            return 0;
        confidence += 0.1;
    } else {
        // A route name: "GET /api/product/:id" as the operation, or "/api/product/:id".
        std::string_view route = c.route;
        if (const auto space = route.find(' '); space != std::string_view::npos) {
            if (c.method.empty() && !equalsIgnoringCase(route.substr(0, space), call.method))
                return 0;
            route = route.substr(space + 1);
        }
        if (route.empty() || route.front() != '/' || !routeMatches(route, call.path))
            return 0; // nothing on the server side names the request: no evidence to link on
    }
    const std::string_view serverQuery = c.query.empty() ? server.query : std::string_view(c.query);
    if (!serverQuery.empty() && !call.query.empty()) {
        if (serverQuery != call.query)
            return 0;
        confidence += 0.05;
    }
    if (c.status > 0 && call.status > 0) {
        if (c.status != call.status)
            return 0;
        confidence += 0.05;
    }
    if (!c.agent.empty() && !call.agent.empty()) {
        if (c.agent != call.agent)
            return 0;
        confidence += 0.05;
    }
    if (!skew.learned)
        confidence -= 0.15;
    return std::min(confidence, kMaxConfidence);
}

LinkInference::Stats LinkInference::run(TimeNs from, TimeNs to)
{
    Stats stats;
    m_skews.clear();

    std::vector<Call> calls;
    m_calls.bind(1, from).bind(2, to);
    while (m_calls.step()) {
        Call call;
        call.resourceId = m_calls.int64(0);
        call.pageLoad = m_calls.int64(1);
        call.session = m_calls.int64(2);
        call.method = std::string(m_calls.text(3));
        const UrlParts url = splitUrl(m_calls.text(4));
        call.path = std::string(url.path);
        call.query = std::string(url.query);
        call.status = int(m_calls.int64(5));
        call.start = m_calls.int64(6);
        call.end = call.start + m_calls.int64(7);
        if (!m_calls.isNull(8) && !m_calls.isNull(9)) {
            m_callAgent.bind(1, m_calls.int64(8)).bind(2, m_calls.int64(9));
            if (m_callAgent.step())
                call.agent = std::string(textOrEmpty(m_callAgent, 0));
            m_callAgent.reset();
        }
        calls.push_back(std::move(call));
    }
    m_calls.reset();

    struct Proposal
    {
        std::size_t call;
        Correlator::Link link;
    };
    std::vector<Proposal> proposals;
    std::map<std::int64_t, int> wanted; // trace -> calls that found it as their unique candidate
    for (std::size_t i = 0; i < calls.size(); ++i) {
        const Call& call = calls[i];
        ++stats.examined;
        const SkewBounds skew = skewOf(call.session);
        // A server span inside the call starts at or after call.start - hi and before call.end - lo.
        m_candidates.bind(1, call.start - skew.hi - kTolerance).bind(2, call.end - skew.lo + kTolerance);
        int matches = 0;
        Correlator::Link best;
        while (m_candidates.step()) {
            Candidate c;
            c.trace = m_candidates.int64(0);
            c.spanId = m_candidates.int64(1);
            c.start = m_candidates.int64(2);
            c.end = m_candidates.int64(3);
            c.method = std::string(textOrEmpty(m_candidates, 4));
            if (m_evidence.path)
                c.path = std::string(textOrEmpty(m_candidates, 5));
            if (m_evidence.query)
                c.query = std::string(textOrEmpty(m_candidates, 6));
            c.route = std::string(textOrEmpty(m_candidates, 7));
            if (m_evidence.status)
                c.status = int(m_candidates.int64(8));
            if (m_evidence.userAgent)
                c.agent = std::string(textOrEmpty(m_candidates, 9));
            const double confidence = match(call, skew, c);
            if (confidence <= 0)
                continue;
            ++matches;
            best = {call.resourceId, c.trace, c.spanId, "inferred", confidence};
        }
        m_candidates.reset();
        if (matches == 0) {
            ++stats.unmatched;
        } else if (matches > 1) {
            ++stats.ambiguous;
        } else {
            proposals.push_back({i, best});
            ++wanted[best.trace];
        }
    }

    std::unordered_set<std::int64_t> touched;
    for (const Proposal& p : proposals) {
        if (wanted[p.link.trace] > 1) {
            ++stats.ambiguous; // two calls, one server span: which one is a guess
            continue;
        }
        if (m_correlator.addLink(p.link)) {
            ++stats.linked;
            touched.insert(calls[p.call].pageLoad);
        }
    }
    for (const std::int64_t pageLoad : touched)
        m_correlator.refreshPageLoad(pageLoad);
    return stats;
}

} // namespace seam
