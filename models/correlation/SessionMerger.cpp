#include "SessionMerger.h"

#include "PageLoadReconciler.h"

#include <map>

namespace seam {
namespace {

// Tables whose rows belong to a session, moved with it.
constexpr const char* kSessionTables[] = {"page_loads", "resources", "rum_errors", "actions", "long_tasks"};
// A session's page loads looked at to tell whether it pairs unambiguously (a very long live session is
// judged on its first ones).
constexpr int kMaxLoadsLooked = 1000;

} // namespace

SessionMerger::SessionMerger(Database& db)
    : m_db(db), m_reports(db.prepare(
                    "SELECT r.format, r.session_id, coalesce(s.merged_into, s.id) FROM page_load_reports r "
                    "JOIN sessions s ON s.id = r.session_id WHERE r.page_load_id = ?1")),
      m_loadsOfSession(db.prepare("SELECT DISTINCT page_load_id FROM page_load_reports WHERE session_id = ?1 "
                                  "LIMIT " +
                                  std::to_string(kMaxLoadsLooked))),
      m_markMerged(db.prepare("UPDATE sessions SET merged_into = ?2 WHERE id = ?1 OR merged_into = ?1")),
      // The visit keeps its own values and takes from the merged-away session what it lacks.
      m_widen(db.prepare(
          "UPDATE sessions SET start_ns = min(coalesce(sessions.start_ns, f.start_ns), coalesce(f.start_ns, "
          "sessions.start_ns)), end_ns = max(coalesce(sessions.end_ns, f.end_ns), coalesce(f.end_ns, "
          "sessions.end_ns)), user_id = coalesce(sessions.user_id, f.user_id), browser = "
          "coalesce(sessions.browser, f.browser), browser_version = coalesce(sessions.browser_version, "
          "f.browser_version), os = coalesce(sessions.os, f.os), device = coalesce(sessions.device, "
          "f.device), "
          "country = coalesce(sessions.country, f.country), app_version = coalesce(sessions.app_version, "
          "f.app_version) FROM (SELECT * FROM sessions WHERE id = ?1) AS f WHERE sessions.id = ?2"))
{
    for (int i = 0; i < 5; ++i)
        m_moveSessionOf[i] = db.prepare(std::string("UPDATE ") + kSessionTables[i] +
                                        " SET session_id = ?2 WHERE session_id = ?1");
}

std::vector<SessionMerger::Report> SessionMerger::reportsOf(std::int64_t pageLoad)
{
    std::vector<Report> reports;
    m_reports.bind(1, pageLoad);
    while (m_reports.step())
        reports.push_back({std::string(m_reports.text(0)), m_reports.int64(1), m_reports.int64(2)});
    m_reports.reset();
    return reports;
}

bool SessionMerger::partners(std::int64_t session, const std::string& format, std::vector<Report>& out)
{
    std::vector<std::int64_t> loads;
    m_loadsOfSession.bind(1, session);
    while (m_loadsOfSession.step())
        loads.push_back(m_loadsOfSession.int64(0));
    m_loadsOfSession.reset();
    std::map<std::string, std::int64_t> visits; // reporter -> its visit
    for (std::int64_t load : loads) {
        for (const Report& r : reportsOf(load)) {
            if (r.format == format)
                continue;
            const auto [it, added] = visits.emplace(r.format, r.visit);
            if (!added && it->second != r.visit)
                return false; // this session's loads merged with two visits of one reporter
        }
    }
    for (const auto& [f, v] : visits)
        out.push_back({f, 0, v});
    return true;
}

void SessionMerger::mergeInto(std::int64_t from, std::int64_t into)
{
    m_markMerged.bind(1, from).bind(2, into).run();
    for (Statement& st : m_moveSessionOf)
        st.bind(1, from).bind(2, into).run();
    m_widen.bind(1, from).bind(2, into).run();
}

std::vector<std::int64_t> SessionMerger::mergeSessionsOf(std::int64_t pageLoad)
{
    if (!m_indexed) {
        // The page loads a session reported: only caches of several sources ask, so the index is made
        // here, once, rather than kept up by every single-source import (IF NOT EXISTS: cheap next time).
        m_db.exec("CREATE INDEX IF NOT EXISTS page_load_reports_by_session ON page_load_reports(session_id)");
        m_indexed = true;
    }
    std::vector<std::int64_t> changed;
    for (bool again = true; again;) {
        again = false;
        const std::vector<Report> reports = reportsOf(pageLoad);
        for (std::size_t i = 0; i < reports.size() && !again; ++i) {
            for (std::size_t j = i + 1; j < reports.size() && !again; ++j) {
                const Report &a = reports[i], &b = reports[j];
                if (!a.session || !b.session || a.format == b.format || a.visit == b.visit)
                    continue;
                // Both ways: a's loads meet b's reporter only in b's visit, and b's meet a's only in a's.
                std::vector<Report> ofA, ofB;
                if (!partners(a.session, a.format, ofA) || !partners(b.session, b.format, ofB))
                    continue;
                auto visitOf = [](const std::vector<Report>& of, const std::string& format) -> std::int64_t {
                    for (const Report& r : of)
                        if (r.format == format)
                            return r.visit;
                    return 0;
                };
                if (visitOf(ofA, b.format) != b.visit || visitOf(ofB, a.format) != a.visit)
                    continue;
                const int oa = PageLoadReconciler::canonicalOrder(a.format),
                          ob = PageLoadReconciler::canonicalOrder(b.format);
                const bool aFirst = oa != ob ? oa < ob : a.format < b.format;
                const std::int64_t into = aFirst ? a.visit : b.visit, from = aFirst ? b.visit : a.visit;
                mergeInto(from, into);
                changed.push_back(from);
                changed.push_back(into);
                again = true; // the visits changed: look at the reports again
            }
        }
    }
    return changed;
}

} // namespace seam
