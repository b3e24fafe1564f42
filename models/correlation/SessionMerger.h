#pragma once

#include "Sqlite.h"

#include <cstdint>
#include <string>
#include <vector>

namespace seam {

/// One visit, one session (issue 17): each instrumentation of a page has its own session id for the same
/// visit (OTel's session.id, Datadog's session, Faro's, the HAR's file). Once their page loads merged
/// (PageLoadReconciler), the sessions merge too: the session rows stay (with what each source said, and
/// their keys, so a later item naming a merged-away key still finds its visit) and the merged-away ones
/// name the visit in `merged_into`; page loads and their items move to the visit.
///
/// Only unambiguous pairs merge: every page load a session shares with another reporter's sessions
/// shares it with the same one session of that reporter, and the other way round. The surviving session is
/// the one of the first reporter in the page loads' canonical order (then by key): the same whatever the
/// import order.
class SessionMerger
{
public:
    explicit SessionMerger(Database& db);

    /// Looks at the sessions that reported a page load with several reports; returns the sessions whose
    /// counters changed (empty when nothing merged).
    std::vector<std::int64_t> mergeSessionsOf(std::int64_t pageLoad);

private:
    struct Report
    {
        std::string format;
        std::int64_t session = 0, visit = 0;
    };
    std::vector<Report> reportsOf(std::int64_t pageLoad);
    /// The visit of each other reporter that shares page loads with `session`; false when a reporter
    /// shares them with two visits.
    bool partners(std::int64_t session, const std::string& format, std::vector<Report>& out);
    void mergeInto(std::int64_t from, std::int64_t into);

    Database& m_db;
    bool m_indexed = false;
    Statement m_reports, m_loadsOfSession, m_markMerged, m_moveSessionOf[5], m_widen;
};

} // namespace seam
