#include "SessionJourney.h"

#include "CallMergeSchema.h"
#include "Sqlite.h"

#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

namespace seam {
namespace {

constexpr qint64 kMinTime = std::numeric_limits<qint64>::min();
constexpr qint64 kMaxTime = std::numeric_limits<qint64>::max();

QString textOf(const Statement& s, int col)
{
    return QString::fromUtf8(s.text(col));
}

std::optional<qint64> optionalInt(const Statement& s, int col)
{
    return s.isNull(col) ? std::nullopt : std::optional<qint64>(s.int64(col));
}

JourneyStep readPageView(const Statement& q)
{
    JourneyStep s;
    s.kind = JourneyStep::Kind::PageView;
    s.rowId = q.int64(0);
    s.pageLoadId = s.rowId;
    s.label = textOf(q, 1);
    s.detail = textOf(q, 2);
    s.time = q.int64(3);
    s.duration = optionalInt(q, 4);
    s.errorCount = int(q.int64(5));
    return s;
}

/// An event as read, before it is placed under its page view.
struct EventRow
{
    JourneyStep step;
    std::optional<qint64> pageLoadId; // as stored (NULL: not attached to a page load)
};

/// What the events of one kind are read by: the session (the normal case) or, for a page load without
/// session, the page load itself.
struct EventScope
{
    const char* column; // "session_id" or "page_load_id": a fixed name, never input
    qint64 id;
};

/// Reads the events of `kind` in [from, to) nearest `pivot` from one side: ascending from `from` when
/// `ascending`, descending from `to` otherwise, at most `limit`.
std::vector<EventRow> readEvents(Database& db, JourneyStep::Kind kind, const EventScope& scope, qint64 from,
                                 qint64 to, bool ascending, int limit)
{
    const std::string order = ascending ? " ASC" : " DESC";
    const std::string scopeColumn = scope.column;
    std::string sql;
    switch (kind) {
    case JourneyStep::Kind::Action:
        sql = "SELECT id, page_load_id, time_ns, duration_ns, type, name, frustration, NULL FROM actions "
              "WHERE " +
              scopeColumn + " = ?1 AND time_ns >= ?2 AND time_ns < ?3 ORDER BY time_ns" + order + ", id" +
              order + " LIMIT ?4";
        break;
    case JourneyStep::Kind::FailedResource:
        // No status is stored for 0: a fetch or XHR without one failed (network error, CORS, aborted);
        // an asset without one is usually a cross-origin response whose status the browser hides.
        sql = "SELECT id, page_load_id, start_ns, duration_ns, type, url, method, status FROM resources "
              "WHERE " +
              scopeColumn +
              " = ?1 AND start_ns >= ?2 AND start_ns < ?3 AND (status >= 400 OR (ifnull(status, 0) = 0 "
              "AND type IN ('fetch', 'xhr')))" +
              schema::oneRowPerCall(db, "resources") + " ORDER BY start_ns" + order + ", id" + order +
              " LIMIT ?4";
        break;
    case JourneyStep::Kind::JsError:
        sql =
            "SELECT id, page_load_id, time_ns, NULL, type, message, source, resource_status FROM rum_errors "
            "WHERE " +
            scopeColumn + " = ?1 AND time_ns >= ?2 AND time_ns < ?3 ORDER BY time_ns" + order + ", id" +
            order + " LIMIT ?4";
        break;
    case JourneyStep::Kind::PageView:
        return {};
    }
    Statement q = db.prepare(sql);
    q.bind(1, scope.id).bind(2, from).bind(3, to).bind(4, limit);
    std::vector<EventRow> rows;
    while (q.step()) {
        EventRow r;
        r.pageLoadId = optionalInt(q, 1);
        JourneyStep& s = r.step;
        s.kind = kind;
        s.rowId = q.int64(0);
        s.time = q.int64(2);
        s.duration = optionalInt(q, 3);
        switch (kind) {
        case JourneyStep::Kind::Action:
            s.detail = textOf(q, 4);
            s.label = textOf(q, 5);
            s.frustration = textOf(q, 6);
            break;
        case JourneyStep::Kind::FailedResource:
            s.resourceId = s.rowId;
            s.detail = textOf(q, 4);
            s.label = textOf(q, 5);
            s.method = textOf(q, 6);
            s.status = int(q.int64(7));
            break;
        case JourneyStep::Kind::JsError:
            s.detail = textOf(q, 4);
            s.label = textOf(q, 5);
            s.method = textOf(q, 6); // the error's source (source, network, console, ...)
            s.status = int(q.int64(7));
            break;
        case JourneyStep::Kind::PageView:
            break;
        }
        rows.push_back(std::move(r));
    }
    return rows;
}

/// How many events of `kind` lie in [from, to): only asked when a side was cut, to say how many.
qint64 countEvents(Database& db, JourneyStep::Kind kind, const EventScope& scope, qint64 from, qint64 to)
{
    const std::string scopeColumn = scope.column;
    std::string sql;
    switch (kind) {
    case JourneyStep::Kind::Action:
        sql =
            "SELECT count(*) FROM actions WHERE " + scopeColumn + " = ?1 AND time_ns >= ?2 AND time_ns < ?3";
        break;
    case JourneyStep::Kind::FailedResource:
        sql = "SELECT count(*) FROM resources WHERE " + scopeColumn +
              " = ?1 AND start_ns >= ?2 AND start_ns < ?3 AND (status >= 400 OR (ifnull(status, 0) = 0 AND "
              "type IN ('fetch', 'xhr')))" +
              schema::oneRowPerCall(db, "resources"); // a call several sources reported, once
        break;
    case JourneyStep::Kind::JsError:
        sql = "SELECT count(*) FROM rum_errors WHERE " + scopeColumn +
              " = ?1 AND time_ns >= ?2 AND time_ns < ?3";
        break;
    case JourneyStep::Kind::PageView:
        return 0;
    }
    Statement q = db.prepare(sql);
    q.bind(1, scope.id).bind(2, from).bind(3, to);
    return q.step() ? q.int64(0) : 0;
}

/// The events of all kinds on one side of the pivot, nearest first, at most `limit`; `total` receives how
/// many there are on that side.
std::vector<EventRow> readSide(Database& db, const EventScope& scope, qint64 from, qint64 to, bool ascending,
                               int limit, qint64& total)
{
    std::vector<EventRow> all;
    total = 0;
    for (const auto kind :
         {JourneyStep::Kind::Action, JourneyStep::Kind::FailedResource, JourneyStep::Kind::JsError}) {
        std::vector<EventRow> rows = readEvents(db, kind, scope, from, to, ascending, limit + 1);
        if (int(rows.size()) > limit) {
            total += countEvents(db, kind, scope, from, to);
            rows.resize(std::size_t(limit));
        } else {
            total += qint64(rows.size());
        }
        all.insert(all.end(), std::make_move_iterator(rows.begin()), std::make_move_iterator(rows.end()));
    }
    std::stable_sort(all.begin(), all.end(), [ascending](const EventRow& a, const EventRow& b) {
        return ascending ? a.step.time < b.step.time : a.step.time > b.step.time;
    });
    if (int(all.size()) > limit)
        all.resize(std::size_t(limit));
    return all;
}

std::vector<JourneyStep> readPageViews(Database& db, qint64 sessionId, qint64 start, qint64 id, bool after,
                                       int limit)
{
    // The (session_id, start_ns) index, with the row id as its last column, gives both orders.
    Statement q = db.prepare(
        after ? "SELECT id, route, url, start_ns, duration_ns, error_count FROM page_loads WHERE session_id "
                "= ?1 "
                "AND start_ns >= ?2 AND (start_ns > ?2 OR id >= ?3) ORDER BY start_ns, id LIMIT ?4"
              : "SELECT id, route, url, start_ns, duration_ns, error_count FROM page_loads WHERE session_id "
                "= ?1 "
                "AND start_ns <= ?2 AND (start_ns < ?2 OR id < ?3) ORDER BY start_ns DESC, id DESC LIMIT ?4");
    q.bind(1, sessionId).bind(2, start).bind(3, id).bind(4, limit);
    std::vector<JourneyStep> views;
    while (q.step())
        views.push_back(readPageView(q));
    return views;
}

qint64 countPageViews(Database& db, qint64 sessionId, qint64 start, qint64 id, bool after)
{
    Statement q =
        db.prepare(after ? "SELECT count(*) FROM page_loads WHERE session_id = ?1 AND start_ns >= ?2 "
                           "AND (start_ns > ?2 OR id >= ?3)"
                         : "SELECT count(*) FROM page_loads WHERE session_id = ?1 AND start_ns <= ?2 "
                           "AND (start_ns < ?2 OR id < ?3)");
    q.bind(1, sessionId).bind(2, start).bind(3, id);
    return q.step() ? q.int64(0) : 0;
}

JourneySession readSession(Database& db, qint64 sessionId)
{
    Statement q =
        db.prepare("SELECT id, key, user_id, browser, browser_version, os, device, country, app_version, "
                   "start_ns, end_ns, page_load_count, error_count FROM sessions WHERE id = ?1");
    q.bind(1, sessionId);
    JourneySession s;
    if (!q.step())
        return s;
    s.id = q.int64(0);
    s.key = textOf(q, 1);
    s.userId = textOf(q, 2);
    s.browser = textOf(q, 3);
    s.browserVersion = textOf(q, 4);
    s.os = textOf(q, 5);
    s.device = textOf(q, 6);
    s.country = textOf(q, 7);
    s.appVersion = textOf(q, 8);
    s.start = optionalInt(q, 9);
    s.end = optionalInt(q, 10);
    s.pageLoadCount = int(q.int64(11));
    s.errorCount = int(q.int64(12));
    return s;
}

} // namespace

int SessionJourney::pageViewStep(qint64 id) const
{
    if (id == 0)
        return -1;
    for (int i = 0; i < int(steps.size()); ++i) {
        const JourneyStep& s = steps[std::size_t(i)];
        if (s.kind == JourneyStep::Kind::PageView && s.rowId == id)
            return i;
    }
    return -1;
}

int SessionJourney::resourceStep(qint64 resourceId) const
{
    if (resourceId == 0)
        return -1;
    for (int i = 0; i < int(steps.size()); ++i) {
        if (steps[std::size_t(i)].resourceId == resourceId)
            return i;
    }
    return -1;
}

qint64 SessionJourney::pageViewEnd(int index) const
{
    const JourneyStep& view = steps[std::size_t(index)];
    qint64 end = view.time + std::max<qint64>(0, view.duration.value_or(0));
    for (std::size_t i = std::size_t(index) + 1; i < steps.size(); ++i) {
        const JourneyStep& s = steps[i];
        if (s.kind == JourneyStep::Kind::PageView)
            return std::max(end, s.time);
        end = std::max(end, s.time + std::max<qint64>(0, s.duration.value_or(0)));
    }
    if (omittedPageViewsAfter == 0 && session.end)
        end = std::max(end, *session.end);
    return end;
}

bool SessionJourney::isSlow(int index) const
{
    const JourneyStep& s = steps[std::size_t(index)];
    return s.kind == JourneyStep::Kind::PageView && s.duration && *s.duration > kSlowPageLoadNs;
}

SessionJourney SessionJourney::load(Database& db, qint64 pageLoadId, Limits limits)
{
    limits.pageViews = std::max(1, limits.pageViews);
    limits.events = std::max(0, limits.events);
    SessionJourney j;

    Statement first = db.prepare("SELECT id, route, url, start_ns, duration_ns, error_count, session_id "
                                 "FROM page_loads WHERE id = ?1");
    first.bind(1, pageLoadId);
    if (!first.step())
        return j;
    j.pageLoadId = pageLoadId;
    const JourneyStep selected = readPageView(first);
    const std::optional<qint64> sessionId = optionalInt(first, 6);
    first.reset();

    // The page views: the selected one and its neighbours, as many on each side as there are up to
    // half the cap, the rest of the cap to the side that has more.
    std::vector<JourneyStep> views;
    qint64 from = kMinTime; // the kept window of time, [from, to)
    qint64 to = kMaxTime;
    if (sessionId) {
        j.session = readSession(db, *sessionId);
        j.session.id = *sessionId;
        std::vector<JourneyStep> after =
            readPageViews(db, *sessionId, selected.time, selected.rowId, true, limits.pageViews + 1);
        std::vector<JourneyStep> before =
            readPageViews(db, *sessionId, selected.time, selected.rowId, false, limits.pageViews);
        const int wantBefore = std::min(int(before.size()), (limits.pageViews - 1) / 2);
        const int keepAfter = std::min(int(after.size()), limits.pageViews - wantBefore);
        const int keepBefore = std::min(int(before.size()), limits.pageViews - keepAfter);
        if (int(after.size()) > keepAfter) {
            to = after[std::size_t(keepAfter)].time;
            j.omittedPageViewsAfter =
                int(countPageViews(db, *sessionId, selected.time, selected.rowId, true) - keepAfter);
        }
        if (int(before.size()) > keepBefore) {
            from = keepBefore > 0 ? before[std::size_t(keepBefore - 1)].time : selected.time;
            j.omittedPageViewsBefore =
                int(countPageViews(db, *sessionId, selected.time, selected.rowId, false) - keepBefore);
        }
        views.assign(std::make_move_iterator(before.rend() - keepBefore),
                     std::make_move_iterator(before.rend()));
        views.insert(views.end(), std::make_move_iterator(after.begin()),
                     std::make_move_iterator(after.begin() + keepAfter));
    } else {
        views.push_back(selected);
    }

    // The events nearest the selected page view's start: after it (its own events, what followed) and
    // before it (what the user did up to it), up to half the cap for those before.
    const EventScope scope =
        sessionId ? EventScope{"session_id", *sessionId} : EventScope{"page_load_id", pageLoadId};
    qint64 totalAfter = 0;
    qint64 totalBefore = 0;
    std::vector<EventRow> after = readSide(db, scope, selected.time, to, true, limits.events, totalAfter);
    std::vector<EventRow> before =
        from < selected.time ? readSide(db, scope, from, selected.time, false, limits.events, totalBefore)
                             : std::vector<EventRow>();
    const int wantBefore = std::min(int(before.size()), limits.events / 2);
    const int keepAfter = std::min(int(after.size()), limits.events - wantBefore);
    const int keepBefore = std::min(int(before.size()), limits.events - keepAfter);
    j.omittedEvents = int(totalAfter - keepAfter + totalBefore - keepBefore);

    // Each event under its page view: the one it is attached to when kept, else the one it happened in.
    std::unordered_map<qint64, std::size_t> viewIndex;
    for (std::size_t i = 0; i < views.size(); ++i)
        viewIndex.emplace(views[i].rowId, i);
    std::vector<std::vector<JourneyStep>> grouped(views.size());
    auto place = [&](EventRow& row) {
        std::size_t view = 0;
        const auto attached = row.pageLoadId ? viewIndex.find(*row.pageLoadId) : viewIndex.end();
        if (attached != viewIndex.end()) {
            view = attached->second;
        } else {
            const auto next = std::upper_bound(views.begin(), views.end(), row.step.time,
                                               [](qint64 t, const JourneyStep& v) { return t < v.time; });
            view = next == views.begin() ? 0 : std::size_t(next - views.begin() - 1);
        }
        row.step.pageLoadId = row.pageLoadId.value_or(views[view].rowId);
        grouped[view].push_back(std::move(row.step));
    };
    for (int i = 0; i < keepBefore; ++i)
        place(before[std::size_t(i)]);
    for (int i = 0; i < keepAfter; ++i)
        place(after[std::size_t(i)]);

    j.steps.reserve(views.size() + std::size_t(keepAfter + keepBefore));
    for (std::size_t v = 0; v < views.size(); ++v) {
        const int viewStep = int(j.steps.size());
        views[v].pageView = viewStep;
        j.steps.push_back(std::move(views[v]));
        std::vector<JourneyStep>& events = grouped[v];
        std::stable_sort(events.begin(), events.end(), [](const JourneyStep& a, const JourneyStep& b) {
            if (a.time != b.time)
                return a.time < b.time;
            return a.kind != b.kind ? a.kind < b.kind : a.rowId < b.rowId;
        });
        for (JourneyStep& e : events) {
            e.pageView = viewStep;
            j.steps.push_back(std::move(e));
        }
    }
    return j;
}

} // namespace seam
