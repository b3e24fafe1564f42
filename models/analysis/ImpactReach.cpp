#include "ImpactReach.h"

#include "Sqlite.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace seam {
namespace {

constexpr int kKindServer = 2;
constexpr int kKindConsumer = 5;
constexpr int kStatusError = 2;
constexpr TimeNs kHourNs = 3600LL * 1'000'000'000;

struct TraceVerdict
{
    bool reached = false;
    bool affected = false;
    TimeNs first = 0; ///< its earliest span of the service in the window
};

/// Keeps the earliest reach of each trace per page load, then hands each load its events in time order.
class ReachEvents
{
public:
    /// True when the trace is new to the page load.
    bool add(std::size_t load, std::int64_t trace, TimeNs at)
    {
        const auto [it, fresh] = m_first.try_emplace({load, trace}, at);
        if (!fresh)
            it->second = std::min(it->second, at);
        return fresh;
    }
    void fill(std::vector<ImpactLoad>& loads, const std::unordered_set<std::int64_t>& affectedTraces) const
    {
        for (const auto& [key, at] : m_first)
            loads[key.first].reach.push_back({at, key.second, affectedTraces.count(key.second) > 0});
        for (ImpactLoad& p : loads)
            sortByTime(p.reach);
    }
    static void sortByTime(std::vector<ReachEvent>& events)
    {
        std::sort(events.begin(), events.end(), [](const ReachEvent& a, const ReachEvent& b) {
            return std::tie(a.at, a.trace) < std::tie(b.at, b.trace);
        });
    }

private:
    struct KeyHash
    {
        std::size_t operator()(const std::pair<std::size_t, std::int64_t>& k) const
        {
            return std::hash<std::int64_t>()(k.second) * 31 + k.first;
        }
    };
    /// Hashed (a day's window holds tens of thousands of reaches): each load's events are sorted after.
    std::unordered_map<std::pair<std::size_t, std::int64_t>, TimeNs, KeyHash> m_first;
};

Statement callsStatement(Database& db)
{
    return db.prepare("SELECT r.start_ns, l.trace FROM resources r JOIN links l ON l.resource_id = r.id "
                      "WHERE r.page_load_id = ?1");
}

} // namespace

std::vector<ImpactLoad> windowLoads(Database& db, TimeNs from, TimeNs to,
                                    std::unordered_map<std::int64_t, std::string>& userOf)
{
    std::vector<ImpactLoad> loads;
    auto st =
        db.prepare("SELECT p.id, coalesce(p.session_id, 0), p.route, p.trace, p.start_ns "
                   "FROM page_loads p WHERE p.start_ns >= ?1 AND p.start_ns < ?2 ORDER BY p.start_ns, p.id");
    st.bind(1, from).bind(2, to);
    std::unordered_set<std::int64_t> sessions;
    while (st.step()) {
        ImpactLoad p;
        p.id = st.int64(0);
        p.session = st.int64(1);
        p.route = std::string(st.text(2));
        p.documentTrace = st.isNull(3) ? 0 : st.int64(3);
        p.start = st.int64(4);
        if (p.session)
            sessions.insert(p.session);
        loads.push_back(std::move(p));
    }
    // Their users: the sessions that started up to an hour before the window from one range of
    // sessions_by_start, any other by its id. Joined to each page load, a session was read again for
    // every one of its page loads (a quarter of the window's reading).
    auto started =
        db.prepare("SELECT id, coalesce(user_id, '') FROM sessions WHERE start_ns >= ?1 AND start_ns < ?2");
    started.bind(1, from - kHourNs).bind(2, to);
    std::unordered_set<std::int64_t> known;
    while (started.step()) {
        const std::int64_t session = started.int64(0);
        if (!sessions.count(session))
            continue;
        known.insert(session);
        if (!started.text(1).empty())
            userOf.emplace(session, std::string(started.text(1)));
    }
    auto user = db.prepare("SELECT coalesce(user_id, '') FROM sessions WHERE id = ?1");
    for (const std::int64_t session : sessions) {
        if (known.count(session))
            continue;
        user.reset();
        user.bind(1, session);
        if (user.step() && !user.text(0).empty())
            userOf.emplace(session, std::string(user.text(0)));
    }
    return loads;
}

bool reachTableAnswers(Database& db, const ReachCriteria& criteria)
{
    return !criteria.operation &&
           db.queryInt(
               "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'page_load_reach'") == 1;
}

void judgeLoadsByReach(Database& db, const ReachCriteria& criteria, std::vector<ImpactLoad>& loads)
{
    std::unordered_map<std::int64_t, std::size_t> indexOf;
    indexOf.reserve(loads.size());
    for (std::size_t i = 0; i < loads.size(); ++i)
        indexOf.emplace(loads[i].id, i);
    // A trace's verdict is the same for every page load that links it (its spans in the window).
    std::unordered_set<std::int64_t> affectedTraces;
    ReachEvents events;
    auto st = db.prepare("SELECT page_load_id, trace, duration_ns, error, start_ns FROM page_load_reach "
                         "WHERE service_id = ?1 AND start_ns >= ?2 AND start_ns < ?3");
    for (const std::int64_t service : criteria.serviceIds) {
        st.reset();
        st.bind(1, service).bind(2, criteria.from).bind(3, criteria.to);
        while (st.step()) {
            const bool affected =
                st.int64(3) != 0 || (criteria.normalP99 > 0 && st.int64(2) > criteria.normalP99);
            if (affected)
                affectedTraces.insert(st.int64(1));
            const auto it = indexOf.find(st.int64(0));
            if (it == indexOf.end())
                continue; // a page load that started before the window (or after: clock skew)
            ImpactLoad& p = loads[it->second];
            if (events.add(it->second, st.int64(1), st.int64(4)))
                ++p.reachedTraces;
            p.reached = true;
            p.affected = p.affected || affected;
        }
    }
    events.fill(loads, affectedTraces);
    auto calls = callsStatement(db);
    for (ImpactLoad& p : loads) {
        if (!p.affected)
            continue;
        calls.reset();
        calls.bind(1, p.id);
        while (calls.step())
            p.calls.emplace_back(calls.int64(0), affectedTraces.count(calls.int64(1)) > 0);
    }
}

bool judgeOperationByReach(Database& db, const ReachCriteria& criteria, std::vector<ImpactLoad>& loads)
{
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'page_load_reach'") !=
        1)
        return false;
    std::unordered_map<std::int64_t, std::size_t> indexOf;
    indexOf.reserve(loads.size());
    for (std::size_t i = 0; i < loads.size(); ++i)
        indexOf.emplace(loads[i].id, i);
    // An operation span in the window may sit in a request that started before it: look back as far
    // as the service's longest entry span around then (rollups), an hour at most.
    auto longest = db.prepare("SELECT coalesce(max(duration_max_ns), 0) FROM rollups WHERE service_id = ?1 "
                              "AND operation_id = 0 AND bucket_ns >= ?2 AND bucket_ns < ?3");
    TimeNs lead = 0;
    for (const std::int64_t service : criteria.serviceIds) {
        longest.reset();
        longest.bind(1, service).bind(2, criteria.from - kHourNs).bind(3, criteria.to);
        if (longest.step())
            lead = std::max(lead, std::min(longest.int64(0), kHourNs));
    }
    std::unordered_map<std::int64_t, std::set<std::size_t>> loadsOfTrace; // trace -> window page loads
    auto st = db.prepare("SELECT page_load_id, trace FROM page_load_reach "
                         "WHERE service_id = ?1 AND start_ns >= ?2 AND start_ns < ?3");
    for (const std::int64_t service : criteria.serviceIds) {
        st.reset();
        st.bind(1, service).bind(2, criteria.from - lead).bind(3, criteria.to);
        while (st.step()) {
            const auto it = indexOf.find(st.int64(0));
            if (it != indexOf.end())
                loadsOfTrace[st.int64(1)].insert(it->second);
        }
    }
    // The spans of just the traces that reached the service: an operation's name can be an entry span
    // and a call out at once (a BFF's "GET /cart" serves and calls), so the entry spans alone would
    // miss the calls.
    std::unordered_map<std::int64_t, TraceVerdict> verdicts;
    auto spans = db.prepare("SELECT service_id, operation_id, start_ns, end_ns, status_code FROM spans "
                            "WHERE trace = ?1");
    for (const auto& reached : loadsOfTrace) {
        const std::int64_t trace = reached.first;
        TraceVerdict v;
        spans.reset();
        spans.bind(1, trace);
        while (spans.step()) {
            if (!criteria.serviceIds.count(spans.int64(0)) || !criteria.operationIds.count(spans.int64(1)))
                continue;
            const TimeNs start = spans.int64(2);
            if (start < criteria.from || start >= criteria.to)
                continue;
            v.first = v.reached ? std::min(v.first, start) : start;
            v.reached = true;
            v.affected = v.affected || spans.int64(4) == kStatusError ||
                         (criteria.normalP99 > 0 && spans.int64(3) - start > criteria.normalP99);
        }
        verdicts.emplace(trace, v);
    }
    std::unordered_set<std::int64_t> affectedTraces;
    for (const auto& [trace, v] : verdicts) {
        if (!v.reached)
            continue;
        if (v.affected)
            affectedTraces.insert(trace);
        for (const std::size_t i : loadsOfTrace[trace]) {
            ImpactLoad& p = loads[i];
            p.reached = true;
            ++p.reachedTraces;
            p.affected = p.affected || v.affected;
            p.reach.push_back({v.first, trace, v.affected});
        }
    }
    for (ImpactLoad& p : loads)
        ReachEvents::sortByTime(p.reach);
    auto calls = callsStatement(db);
    for (ImpactLoad& p : loads) {
        if (!p.affected)
            continue;
        calls.reset();
        calls.bind(1, p.id);
        while (calls.step())
            p.calls.emplace_back(calls.int64(0), affectedTraces.count(calls.int64(1)) > 0);
    }
    return true;
}

void judgeLoadsBySpans(Database& db, const ReachCriteria& criteria, std::vector<ImpactLoad>& loads)
{
    auto calls = callsStatement(db);
    auto spans =
        db.prepare("SELECT service_id, operation_id, kind, parent_span_id, start_ns, end_ns, status_code "
                   "FROM spans WHERE trace = ?1");
    std::unordered_map<std::int64_t, TraceVerdict> verdicts;
    const auto judge = [&](std::int64_t trace) {
        const auto it = verdicts.find(trace);
        if (it != verdicts.end())
            return it->second;
        TraceVerdict v;
        spans.reset();
        spans.bind(1, trace);
        while (spans.step()) {
            if (!criteria.serviceIds.count(spans.int64(0)))
                continue;
            if (criteria.operation) {
                if (!criteria.operationIds.count(spans.int64(1)))
                    continue;
            } else {
                const int kind = int(spans.int64(2));
                if (kind != kKindServer && kind != kKindConsumer && spans.int64(3) != 0)
                    continue; // the service's entry spans, as its rollups (and normal p99) count them
            }
            const TimeNs start = spans.int64(4);
            if (start < criteria.from || start >= criteria.to)
                continue;
            v.first = v.reached ? std::min(v.first, start) : start;
            v.reached = true;
            if (spans.int64(6) == kStatusError ||
                (criteria.normalP99 > 0 && spans.int64(5) - start > criteria.normalP99))
                v.affected = true;
        }
        verdicts.emplace(trace, v);
        return v;
    };
    for (ImpactLoad& p : loads) {
        std::set<std::int64_t> reachedTraces;
        const auto reached = [&](std::int64_t trace, const TraceVerdict& v) {
            if (v.reached && reachedTraces.insert(trace).second)
                p.reach.push_back({v.first, trace, v.affected});
        };
        if (p.documentTrace) {
            const TraceVerdict v = judge(p.documentTrace);
            p.reached = p.reached || v.reached;
            p.affected = p.affected || v.affected;
            reached(p.documentTrace, v);
        }
        calls.reset();
        calls.bind(1, p.id);
        while (calls.step()) {
            const TraceVerdict v = judge(calls.int64(1));
            reached(calls.int64(1), v);
            p.reached = p.reached || v.reached;
            p.affected = p.affected || v.affected;
            p.calls.emplace_back(calls.int64(0), v.affected);
        }
        p.reachedTraces = int(reachedTraces.size());
        ReachEvents::sortByTime(p.reach);
    }
}

} // namespace seam
