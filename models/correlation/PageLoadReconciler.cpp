#include "PageLoadReconciler.h"

#include "Correlator.h"

#include <algorithm>
#include <cstdlib>
#include <map>

namespace seam {
namespace {

// The reporters in canonicalOrder(); anything else sorts between the SDKs and HAR. Reports of one
// format go by their key's text: an OTLP key's stored form names its trace by row id (schema v16), whose
// order depends on the order files were imported in.
constexpr std::string_view kReporterOrder[] = {"otel", "datadog", "faro"};
constexpr int kUnknownReporterOrder = 3;
constexpr int kHarOrder = 4;

std::string orderSql()
{
    std::string sql = "CASE format";
    for (int i = 0; i < int(std::size(kReporterOrder)); ++i)
        sql += " WHEN '" + std::string(kReporterOrder[i]) + "' THEN " + std::to_string(i);
    sql += " WHEN 'har' THEN " + std::to_string(kHarOrder) + " ELSE " +
           std::to_string(kUnknownReporterOrder) + " END, resource_key_text(key)";
    return sql;
}

// Every canonical value is the one of the first report (canonicalOrder) that has it; the identity of
// the row (key, URL, route, start, app) comes from the first report as a whole so that they agree.
std::string canonicalSql()
{
    const std::string order = orderSql();
    auto first = [&](const char* column) {
        return std::string("(SELECT ") + column +
               " FROM page_load_reports WHERE page_load_id = ?1 ORDER BY " + order + " LIMIT 1)";
    };
    auto firstKnown = [&](const char* column) {
        return std::string("(SELECT ") + column + " FROM page_load_reports WHERE page_load_id = ?1 AND " +
               column + " IS NOT NULL ORDER BY " + order + " LIMIT 1)";
    };
    std::string sql = "UPDATE page_loads SET ";
    for (const char* column : {"key", "url", "route", "start_ns", "app_service_id"})
        sql += std::string(column) + " = " + first(column) + ", ";
    // The session is the visit the first report's session belongs to (SessionMerger).
    sql += "session_id = (SELECT coalesce(merged_into, id) FROM sessions WHERE id = " +
           firstKnown("session_id") + "), ";
    for (const char* column :
         {"duration_ns", "ttfb_ns", "fcp_ns", "lcp_ns", "cls", "inp_ns", "trace", "span_id"})
        sql += std::string(column) + " = " + firstKnown(column) + ", ";
    sql += "version = (SELECT max(version) FROM page_load_reports WHERE page_load_id = ?1) WHERE id = ?1";
    return sql;
}

bool disjoint(const std::set<std::string>& a, const std::set<std::string>& b)
{
    return std::none_of(a.begin(), a.end(), [&](const std::string& r) { return b.contains(r); });
}

} // namespace

PageLoadReconciler::PageLoadReconciler(Database& db, Correlator& correlator)
    : m_db((CallReconciler::registerUrlKey(db), db)), m_correlator(correlator),
      // One scan of the reports, once per writer and again only after another connection committed: an
      // index on format would cost every page-load insert more than these scans ever do.
      m_reporterRange(db.prepare("SELECT min(format), max(format) FROM page_load_reports")),
      m_facts(
          db.prepare("SELECT id, coalesce(session_id, 0), start_ns, url, (SELECT coalesce(session_id, 0) "
                     "FROM page_load_reports WHERE page_load_id = ?1 ORDER BY id LIMIT 1) FROM page_loads "
                     "WHERE id = ?1")),
      m_reportersOf(db.prepare("SELECT DISTINCT format FROM page_load_reports WHERE page_load_id = ?1")),
      // Page loads that carry a trace id this one carries: resources' propagated / own trace ids and the
      // document's trace, on either side. Counted per distinct trace.
      m_sharedTraces(db.prepare(
          "SELECT q, count(*) AS shared FROM ("
          " SELECT r2.page_load_id AS q, r2.trace AS t FROM resources r1 JOIN resources r2 ON r2.trace = "
          "r1.trace"
          "  WHERE r1.page_load_id = ?1 AND r1.trace IS NOT NULL AND r2.page_load_id <> ?1"
          " UNION SELECT p2.id, p2.trace FROM page_loads p1 JOIN page_loads p2 ON p2.trace = p1.trace"
          "  WHERE p1.id = ?1 AND p1.trace IS NOT NULL AND p2.id <> ?1"
          " UNION SELECT r2.page_load_id, r2.trace FROM page_loads p1 JOIN resources r2 ON r2.trace = "
          "p1.trace"
          "  WHERE p1.id = ?1 AND p1.trace IS NOT NULL AND r2.page_load_id <> ?1"
          " UNION SELECT p2.id, p2.trace FROM resources r1 JOIN page_loads p2 ON p2.trace = r1.trace"
          "  WHERE r1.page_load_id = ?1 AND r1.trace IS NOT NULL AND p2.id <> ?1"
          ") JOIN page_loads c ON c.id = q WHERE c.start_ns BETWEEN ?2 AND ?3 GROUP BY q "
          "ORDER BY shared DESC, q LIMIT 16")),
      // The URL as the SDKs may spell it differently (trailing slash, fragment, default port).
      m_byUrlTime(
          db.prepare("SELECT id FROM page_loads WHERE start_ns BETWEEN ?1 AND ?2 AND seam_url_key(url) "
                     "= ?3 AND id <> ?4 ORDER BY start_ns LIMIT 64")),
      m_sessionInfo(
          db.prepare("SELECT browser, browser_version, os, start_ns, end_ns FROM sessions WHERE id = ?1")),
      // Page loads of the two visits (?1, ?2) with reports of the two sources' sessions (?3, ?4).
      m_clockDifference(db.prepare("SELECT b.start_ns - a.start_ns FROM page_loads p JOIN page_load_reports "
                                   "a ON a.page_load_id = p.id "
                                   "JOIN page_load_reports b ON b.page_load_id = p.id WHERE p.session_id IN "
                                   "(?1, ?2) AND a.session_id = ?3 "
                                   "AND b.session_id = ?4 AND a.id <> b.id ORDER BY 1 LIMIT 101")),
      m_reportCount(db.prepare("SELECT count(*) FROM page_load_reports WHERE page_load_id = ?1")),
      m_moveReports(
          db.prepare("UPDATE page_load_reports SET page_load_id = ?2, matched_by = coalesce(matched_by, "
                     "?3) WHERE page_load_id = ?1")),
      // A value one source gave (a Datadog view's context) survives the fold; the kept page load's own
      // value of the same key wins.
      m_moveValues(
          db.prepare("INSERT OR IGNORE INTO page_load_values(page_load_id, key, value) SELECT ?2, key, "
                     "value FROM page_load_values WHERE page_load_id = ?1")),
      m_deletePageLoad(db.prepare("DELETE FROM page_loads WHERE id = ?1 RETURNING session_id")),
      m_canonical(db.prepare(canonicalSql())), m_calls(db), m_sessions(db)
{
    static const char* const tables[] = {"resources", "rum_errors", "actions", "long_tasks"};
    for (int i = 0; i < 4; ++i)
        m_moveChildren[i] =
            db.prepare(std::string("UPDATE ") + tables[i] + " SET page_load_id = ?2 WHERE page_load_id = ?1");
}

PageLoadReconciler::~PageLoadReconciler() = default;

int PageLoadReconciler::canonicalOrder(std::string_view reporter)
{
    for (int i = 0; i < int(std::size(kReporterOrder)); ++i)
        if (kReporterOrder[i] == reporter)
            return i;
    return reporter == "har" ? kHarOrder : kUnknownReporterOrder;
}

bool PageLoadReconciler::active(const std::set<std::string, std::less<>>& reporters)
{
    if (reporters.size() > 1)
        return true;
    if (!m_cacheReporters) {
        // Reporters that were in the file before this writer's batches (read once per other writer's commit).
        m_cacheReporters.emplace();
        if (m_reporterRange.step() && !m_reporterRange.isNull(0)) {
            m_cacheReporters->emplace(m_reporterRange.text(0));
            m_cacheReporters->emplace(m_reporterRange.text(1));
        }
        m_reporterRange.reset();
    }
    if (m_cacheReporters->size() > 1)
        return true;
    return !reporters.empty() && !m_cacheReporters->empty() &&
           *reporters.begin() != *m_cacheReporters->begin();
}

std::optional<PageLoadReconciler::PageLoadFacts> PageLoadReconciler::facts(std::int64_t pageLoad)
{
    std::optional<PageLoadFacts> f;
    m_facts.bind(1, pageLoad);
    if (m_facts.step()) {
        f.emplace();
        f->id = m_facts.int64(0);
        f->session = m_facts.int64(1);
        f->start = m_facts.int64(2);
        f->url = std::string(m_facts.text(3));
        f->reportSession = m_facts.isNull(4) ? f->session : m_facts.int64(4);
    }
    m_facts.reset();
    if (!f)
        return f;
    m_reportersOf.bind(1, pageLoad);
    while (m_reportersOf.step())
        f->reporters.emplace(m_reportersOf.text(0));
    m_reportersOf.reset();
    return f;
}

PageLoadReconciler::Choice PageLoadReconciler::byTraces(const PageLoadFacts& p)
{
    // The unique page load of other reporters sharing the most traces with `of`, 0 if none or a tie.
    auto best = [&](const PageLoadFacts& of) -> std::int64_t {
        std::vector<std::pair<std::int64_t, std::int64_t>> candidates; // (page load, shared traces)
        m_sharedTraces.bind(1, of.id)
            .bind(2, of.start - kMaxClockDifference)
            .bind(3, of.start + kMaxClockDifference);
        while (m_sharedTraces.step())
            candidates.emplace_back(m_sharedTraces.int64(0), m_sharedTraces.int64(1));
        m_sharedTraces.reset();
        std::int64_t found = 0, foundShared = 0;
        for (const auto& [id, shared] : candidates) {
            if (found && shared < foundShared)
                break;
            const auto other = facts(id);
            if (!other || !disjoint(of.reporters, other->reporters))
                continue;
            if (found)
                return 0; // two equally good: leave them apart
            found = id;
            foundShared = shared;
        }
        return found;
    };
    const std::int64_t q = best(p);
    if (!q)
        return {};
    const auto other = facts(q);
    if (!other || best(*other) != p.id)
        return {};
    return {q, "resource-trace"};
}

bool PageLoadReconciler::browsersAgree(std::int64_t sessionA, std::int64_t sessionB)
{
    if (!sessionA || !sessionB || sessionA == sessionB)
        return true;
    struct Info
    {
        std::string fields[3];
        std::int64_t start = 0, end = 0;
        bool found = false;
    } info[2];
    for (int i = 0; i < 2; ++i) {
        m_sessionInfo.bind(1, i == 0 ? sessionA : sessionB);
        if (m_sessionInfo.step()) {
            info[i].found = true;
            for (int c = 0; c < 3; ++c)
                info[i].fields[c] =
                    m_sessionInfo.isNull(c) ? std::string() : std::string(m_sessionInfo.text(c));
            info[i].start = m_sessionInfo.isNull(3) ? 0 : m_sessionInfo.int64(3);
            info[i].end = m_sessionInfo.isNull(4) ? info[i].start : m_sessionInfo.int64(4);
        }
        m_sessionInfo.reset();
    }
    if (!info[0].found || !info[1].found)
        return true;
    // The same user agent: browser, its major version and OS, wherever both sources know them.
    for (int c = 0; c < 3; ++c)
        if (!info[0].fields[c].empty() && !info[1].fields[c].empty() &&
            info[0].fields[c] != info[1].fields[c])
            return false;
    // Overlapping sessions (widened by the clock difference allowed).
    if (info[0].start && info[1].start)
        return info[0].start <= info[1].end + kMaxClockDifference &&
               info[1].start <= info[0].end + kMaxClockDifference;
    return true;
}

std::optional<std::int64_t> PageLoadReconciler::clockDifference(const PageLoadFacts& a, std::int64_t visitB,
                                                                std::int64_t sessionB)
{
    if (!a.reportSession || !sessionB || a.reportSession == sessionB)
        return std::nullopt;
    std::vector<std::int64_t> differences;
    m_clockDifference.bind(1, a.session).bind(2, visitB).bind(3, a.reportSession).bind(4, sessionB);
    while (m_clockDifference.step())
        differences.push_back(m_clockDifference.int64(0));
    m_clockDifference.reset();
    if (differences.empty())
        return std::nullopt;
    return differences[differences.size() / 2]; // ordered by the query: the median
}

std::int64_t PageLoadReconciler::bestByTime(const PageLoadFacts& p)
{
    std::vector<std::int64_t> candidates;
    const std::int64_t window = kMaxClockDifference + kTolerance;
    const std::string urlKey = CallReconciler::urlKey(p.url); // bound, not copied: alive until reset
    m_byUrlTime.bind(1, p.start - window).bind(2, p.start + window).bindText(3, urlKey).bind(4, p.id);
    while (m_byUrlTime.step())
        candidates.push_back(m_byUrlTime.int64(0));
    m_byUrlTime.reset();

    // Candidates compete within one reporter (two OTel loads equally close are a tie); reports of other
    // reporters all describe the same navigation when recorded together, milliseconds apart, and fold one
    // after the other.
    struct Best
    {
        std::int64_t id = 0, distance = 0, second = -1;
    };
    std::map<std::string, Best> byReporters;
    for (const std::int64_t id : candidates) {
        const auto c = facts(id);
        if (!c || !disjoint(p.reporters, c->reporters) || !browsersAgree(p.session, c->session))
            continue;
        // The other source's clock may run apart from this one's: take the difference learnt from the two
        // sessions' page loads matched so far off before comparing.
        const std::int64_t distance =
            std::llabs(c->start - p.start - clockDifference(p, c->session, c->reportSession).value_or(0));
        if (distance > kTolerance)
            continue;
        std::string reporters;
        for (const std::string& r : c->reporters)
            reporters += r + ',';
        Best& b = byReporters[reporters];
        if (!b.id || distance < b.distance) {
            if (b.id)
                b.second = b.distance;
            b.id = c->id;
            b.distance = distance;
        } else if (b.second < 0 || distance < b.second) {
            b.second = distance;
        }
    }
    std::int64_t best = 0, bestDistance = 0;
    for (const auto& [reporters, b] : byReporters) {
        if (b.second >= 0 && b.second - b.distance < kTie)
            continue; // two equally good candidates of one reporter: leave them apart
        if (!best || b.distance < bestDistance) {
            best = b.id;
            bestDistance = b.distance;
        }
    }
    return best;
}

PageLoadReconciler::Choice PageLoadReconciler::byUrlAndTime(const PageLoadFacts& p)
{
    const std::int64_t q = bestByTime(p);
    if (!q)
        return {};
    // Mutual: two navigations to one URL seconds apart in both sources pair up in order, not crosswise.
    const auto other = facts(q);
    if (!other || bestByTime(*other) != p.id)
        return {};
    return {q, "url-time"};
}

void PageLoadReconciler::fold(std::int64_t from, std::int64_t into, const char* method, Result& result)
{
    m_moveReports.bind(1, from).bind(2, into).bindText(3, method).run();
    for (Statement& st : m_moveChildren)
        st.bind(1, from).bind(2, into).run();
    m_moveValues.bind(1, from).bind(2, into).run();
    m_deletePageLoad.bind(1, from);
    if (m_deletePageLoad.step() && !m_deletePageLoad.isNull(0))
        result.sessions.push_back(m_deletePageLoad.int64(0));
    m_deletePageLoad.reset();
    recomputeCanonical(into);
    m_correlator.refreshPageLoad(into);
    ++result.merged;
}

void PageLoadReconciler::recomputeCanonical(std::int64_t pageLoad)
{
    m_canonical.bind(1, pageLoad).run();
}

PageLoadReconciler::Result PageLoadReconciler::reconcile(const std::unordered_set<std::int64_t>& pageLoads,
                                                         const std::set<std::string, std::less<>>& reporters)
{
    Result result;
    if (pageLoads.empty() || !active(reporters))
        return result;
    std::vector<std::int64_t> ids(pageLoads.begin(), pageLoads.end());
    std::sort(ids.begin(), ids.end()); // the same folds whatever order the set iterates in
    std::set<std::int64_t> settled;    // the page loads as they are after the folds
    for (std::int64_t id : ids) {
        bool merged = false;
        // A page load may gather several sources, one fold at a time (each needs other reporters).
        for (int round = 0; round < 4; ++round) {
            const auto p = facts(id);
            if (!p)
                break;
            Choice choice = byTraces(*p);
            if (!choice.id)
                choice = byUrlAndTime(*p);
            if (!choice.id)
                break;
            const std::int64_t into = std::min(id, choice.id), from = std::max(id, choice.id);
            fold(from, into, choice.method, result);
            result.survivors.push_back(into);
            if (p->session)
                result.sessions.push_back(p->session);
            id = into;
            merged = true;
        }
        settled.insert(id);
        if (merged)
            continue;
        // A newer version of one report (or a vital) was written over a merged page load's values:
        // give it back its canonical ones.
        m_reportCount.bind(1, id);
        const bool several = m_reportCount.step() && m_reportCount.int64(0) > 1;
        m_reportCount.reset();
        if (several)
            recomputeCanonical(id);
    }
    for (const std::int64_t id : settled) {
        // The calls of a page load several sources reported, each once; then their sessions, one visit.
        if (m_calls.reconcile(id)) {
            m_correlator.refreshPageLoad(id);
            result.survivors.push_back(id);
        }
        const std::vector<std::int64_t> sessions = m_sessions.mergeSessionsOf(id);
        if (!sessions.empty()) {
            result.sessions.insert(result.sessions.end(), sessions.begin(), sessions.end());
            result.sessionsMerged = true;
        }
    }
    return result;
}

} // namespace seam
