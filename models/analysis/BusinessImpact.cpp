#include "BusinessImpact.h"

#include "Anomalies.h"
#include "NormalBaseline.h"
#include "RobustStats.h"
#include "Sqlite.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <unordered_map>

namespace seam {
namespace {

constexpr TimeNs kHour = 3600LL * 1'000'000'000;
/// A call started this long after a user action (or within it) was started by it.
constexpr TimeNs kActionReachNs = 1'000'000'000;
constexpr int kKindServer = 2;
constexpr int kKindConsumer = 5;
constexpr int kStatusError = 2;

struct TraceVerdict
{
    bool reached = false;
    bool affected = false;
};

struct PageLoad
{
    std::int64_t id = 0;
    std::int64_t session = 0; ///< 0: none
    std::string route;
    bool reached = false;
    bool affected = false;
    std::vector<std::pair<TimeNs, bool>> calls; ///< linked calls: start, affected
};

/// Newcombe's hybrid score interval (method 10) for p1 - p2, from each proportion's Wilson interval.
std::pair<double, double> differenceInterval(std::int64_t k1, std::int64_t n1, std::int64_t k2,
                                             std::int64_t n2)
{
    const double p1 = double(k1) / double(n1), p2 = double(k2) / double(n2);
    const auto [l1, u1] = stats::wilson(k1, n1);
    const auto [l2, u2] = stats::wilson(k2, n2);
    const double d = p1 - p2;
    return {d - std::sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2)),
            d + std::sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2))};
}

double mean(const std::vector<double>& v)
{
    double s = 0;
    for (const double x : v)
        s += x;
    return v.empty() ? 0.0 : s / double(v.size());
}

} // namespace

ImpactResult businessImpact(Database& db, const ImpactQuery& query)
{
    ImpactResult r;
    r.service = query.service;
    r.operation = query.operation;
    r.version = query.version;

    std::set<std::int64_t> serviceIds, operationIds;
    {
        auto st = db.prepare(
            "SELECT id FROM services WHERE name = ?1 AND (?2 = '' OR version = ?2) AND is_browser = 0");
        st.bindText(1, query.service).bindText(2, query.version);
        while (st.step())
            serviceIds.insert(st.int64(0));
    }
    if (serviceIds.empty()) {
        r.notes.push_back("no backend service '" + query.service + "'" +
                          (query.version.empty() ? std::string() : " version '" + query.version + "'"));
        return r;
    }
    r.serviceFound = true;
    if (!query.operation.empty()) {
        auto st = db.prepare("SELECT id FROM operations WHERE service_id = ?1 AND name = ?2");
        for (const std::int64_t id : serviceIds) {
            st.reset();
            st.bind(1, id).bindText(2, query.operation);
            while (st.step())
                operationIds.insert(st.int64(0));
        }
        if (operationIds.empty())
            r.notes.push_back("no operation '" + query.operation + "' in " + query.service +
                              ": nothing reached it");
    }

    // The window: given, or the service's strongest anomaly window.
    if (query.from && query.to) {
        r.from = *query.from;
        r.to = *query.to;
    } else {
        AnomalyOptions o;
        o.service = query.service;
        o.from = query.from;
        o.to = query.to;
        const AnomalyResult found = detectAnomalies(db, o);
        const AnomalyWindow* best = nullptr;
        for (const AnomalyWindow& w : found.windows)
            if (!best || w.lead.score > best->lead.score)
                best = &w;
        if (!best) {
            r.notes.push_back("no anomaly window of " + query.service +
                              " to take as the window: give --from and --to");
            return r;
        }
        r.from = best->start;
        r.to = best->end;
    }
    if (r.to <= r.from) {
        r.notes.push_back("the window is empty");
        return r;
    }

    // What is normal: p99 of the same spans in the two hours either side, without this window and
    // without the service's other incident windows.
    {
        BaselineQuery b;
        b.service = query.service;
        b.version = query.version;
        b.operation = query.operation;
        b.from = r.from - 2 * kHour;
        b.to = r.to + 2 * kHour;
        AnomalyOptions o;
        o.service = query.service;
        o.from = b.from;
        o.to = b.to;
        std::vector<std::pair<TimeNs, TimeNs>> exclude{{r.from, r.to}};
        for (const AnomalyWindow& w : detectAnomalies(db, o).windows)
            exclude.emplace_back(w.start, w.end);
        const NormalBaseline normal = normalBaseline(db, b, exclude);
        if (normal.enough)
            r.normalP99 = normal.p99;
        else
            r.notes.push_back("too little traffic outside the window for a normal p99 (" +
                              std::to_string(normal.requests) + " requests): only errors count as affected");
    }

    // The window's page loads and, per linked trace (read once), whether it reached the service in
    // the window and whether it was affected there.
    std::vector<PageLoad> loads;
    std::map<std::int64_t, std::string> userOf; // session -> user id (non-empty)
    {
        auto st =
            db.prepare("SELECT p.id, coalesce(p.session_id, 0), p.route, p.trace, coalesce(s.user_id, '') "
                       "FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
                       "WHERE p.start_ns >= ?1 AND p.start_ns < ?2 ORDER BY p.start_ns, p.id");
        st.bind(1, r.from).bind(2, r.to);
        std::vector<std::int64_t> documentTrace;
        while (st.step()) {
            PageLoad p;
            p.id = st.int64(0);
            p.session = st.int64(1);
            p.route = std::string(st.text(2));
            documentTrace.push_back(st.isNull(3) ? 0 : st.int64(3));
            if (p.session && !st.text(4).empty())
                userOf[p.session] = std::string(st.text(4));
            loads.push_back(std::move(p));
        }
        auto calls =
            db.prepare("SELECT r.start_ns, l.trace FROM resources r JOIN links l ON l.resource_id = r.id "
                       "WHERE r.page_load_id = ?1");
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
                if (!serviceIds.count(spans.int64(0)))
                    continue;
                if (!query.operation.empty()) {
                    if (!operationIds.count(spans.int64(1)))
                        continue;
                } else {
                    const int kind = int(spans.int64(2));
                    if (kind != kKindServer && kind != kKindConsumer && spans.int64(3) != 0)
                        continue; // the service's entry spans, as its rollups (and normal p99) count them
                }
                const TimeNs start = spans.int64(4);
                if (start < r.from || start >= r.to)
                    continue;
                v.reached = true;
                if (spans.int64(6) == kStatusError ||
                    (r.normalP99 > 0 && spans.int64(5) - start > r.normalP99))
                    v.affected = true;
            }
            verdicts.emplace(trace, v);
            return v;
        };
        for (std::size_t i = 0; i < loads.size(); ++i) {
            PageLoad& p = loads[i];
            if (documentTrace[i]) {
                const TraceVerdict v = judge(documentTrace[i]);
                p.reached = p.reached || v.reached;
                p.affected = p.affected || v.affected;
            }
            calls.reset();
            calls.bind(1, p.id);
            while (calls.step()) {
                const TraceVerdict v = judge(calls.int64(1));
                p.reached = p.reached || v.reached;
                p.affected = p.affected || v.affected;
                p.calls.emplace_back(calls.int64(0), v.affected);
            }
        }
    }

    // Counts: page loads, then sessions and users through them.
    std::set<std::int64_t> sessionsAll, sessionsReached, sessionsAffected;
    for (const PageLoad& p : loads) {
        ++r.pageLoads.total;
        r.pageLoads.reached += p.reached ? 1 : 0;
        r.pageLoads.affected += p.affected ? 1 : 0;
        if (!p.session)
            continue;
        sessionsAll.insert(p.session);
        if (p.reached)
            sessionsReached.insert(p.session);
        if (p.affected)
            sessionsAffected.insert(p.session);
    }
    r.sessions = {std::int64_t(sessionsAffected.size()), std::int64_t(sessionsReached.size()),
                  std::int64_t(sessionsAll.size())};
    if (userOf.empty()) {
        r.notes.push_back("no user ids on the window's sessions: users not counted");
    } else {
        std::set<std::string> all, reached, affected;
        for (const auto& [session, user] : userOf) {
            all.insert(user);
            if (sessionsReached.count(session))
                reached.insert(user);
            if (sessionsAffected.count(session))
                affected.insert(user);
        }
        r.users = ImpactCounts{std::int64_t(affected.size()), std::int64_t(reached.size()),
                               std::int64_t(all.size())};
        if (userOf.size() < sessionsAll.size())
            r.notes.push_back(std::to_string(sessionsAll.size() - userOf.size()) +
                              " sessions without a user id are not counted as users");
    }

    // Failed user actions: actions on reached page loads that started a call the window affected.
    {
        auto st = db.prepare("SELECT time_ns, coalesce(duration_ns, 0) FROM actions WHERE page_load_id = ?1");
        for (const PageLoad& p : loads) {
            if (!p.reached)
                continue;
            st.reset();
            st.bind(1, p.id);
            while (st.step()) {
                ++r.actions;
                const TimeNs t = st.int64(0), until = t + std::max<TimeNs>(0, st.int64(1)) + kActionReachNs;
                for (const auto& [start, affected] : p.calls)
                    if (affected && start >= t && start <= until) {
                        ++r.failedActions;
                        break;
                    }
            }
        }
    }

    if (!query.conversion) {
        r.notes.push_back(
            "no conversion defined (--conversion route:/… | url:… | action:…): conversions not computed");
        if (!query.revenueAttribute.empty())
            r.notes.push_back("revenue needs a conversion definition");
        return r;
    }

    // Conversions: sessions of the window on the routes the service's traces served, affected ones
    // against the others.
    std::set<std::string> routes;
    for (const PageLoad& p : loads)
        if (p.reached)
            routes.insert(p.route);
    // Each compared session from its first page load on those routes in the period (the reference):
    // it converted when a matching page load (or action) came at or after it.
    std::map<std::int64_t, TimeNs> comparable; // session -> reference time
    {
        auto st = db.prepare("SELECT start_ns FROM page_loads WHERE id = ?1");
        for (const PageLoad& p : loads) {
            if (!p.session || !routes.count(p.route) || comparable.count(p.session))
                continue;
            st.reset();
            st.bind(1, p.id);
            if (st.step())
                comparable[p.session] = st.int64(0); // loads are in start order: the first one
        }
    }
    std::map<std::int64_t, TimeNs> control; // sessions outside the window, when the window has too few
    std::int64_t unaffectedInWindow = 0;
    for (const auto& [session, ref] : comparable)
        unaffectedInWindow += sessionsAffected.count(session) ? 0 : 1;
    const bool useControl = unaffectedInWindow < query.minGroupSessions;
    if (useControl) {
        // Nearly everyone on these routes was affected: the comparison group becomes the sessions on
        // the same routes in as long a period just before and just after the window.
        const TimeNs span = std::max<TimeNs>(r.to - r.from, 10LL * 60 * 1'000'000'000);
        auto st = db.prepare("SELECT coalesce(session_id, 0), route, start_ns FROM page_loads "
                             "WHERE start_ns >= ?1 AND start_ns < ?2 ORDER BY start_ns, id");
        for (const auto& [a, b] : {std::pair{r.from - span, r.from}, std::pair{r.to, r.to + span}}) {
            st.reset();
            st.bind(1, a).bind(2, b);
            while (st.step()) {
                const std::int64_t session = st.int64(0);
                if (session && !comparable.count(session) && !control.count(session) &&
                    routes.count(std::string(st.text(1))))
                    control[session] = st.int64(2);
            }
        }
        r.notes.push_back("only " + std::to_string(unaffectedInWindow) +
                          " unaffected sessions on the window's routes: compared with " +
                          std::to_string(control.size()) + " sessions on the same routes in the " +
                          std::to_string((span + 30'000'000'000) / 60'000'000'000) +
                          " minutes before and after the window");
    }
    const ConversionDefinition& def = *query.conversion;
    Statement converted =
        def.kind == ConversionDefinition::Kind::Action
            ? db.prepare(
                  "SELECT time_ns FROM actions WHERE session_id = ?1 AND time_ns >= ?2 AND name GLOB ?3 "
                  "ORDER BY time_ns LIMIT 1")
        : def.kind == ConversionDefinition::Kind::Url
            ? db.prepare(
                  "SELECT start_ns FROM page_loads WHERE session_id = ?1 AND start_ns >= ?2 AND url GLOB ?3 "
                  "ORDER BY start_ns LIMIT 1")
            : db.prepare("SELECT start_ns FROM page_loads WHERE session_id = ?1 AND start_ns >= ?2 AND route "
                         "GLOB ?3 "
                         "ORDER BY start_ns LIMIT 1");
    ConversionImpact c;
    c.definition = def.text();
    std::map<std::int64_t, TimeNs> convertedSessions; // session -> reference time
    std::set<std::int64_t> affectedGroup;
    const auto count = [&](std::int64_t s, TimeNs ref, bool affected) {
        converted.reset();
        converted.bind(1, s).bind(2, ref).bindText(3, def.pattern);
        const bool yes = converted.step();
        (affected ? c.affectedSessions : c.unaffectedSessions) += 1;
        (affected ? c.affectedConverted : c.unaffectedConverted) += yes ? 1 : 0;
        if (affected)
            affectedGroup.insert(s);
        if (yes)
            convertedSessions[s] = ref;
    };
    for (const auto& [s, ref] : comparable)
        if (!useControl || sessionsAffected.count(s))
            count(s, ref, sessionsAffected.count(s) > 0);
    for (const auto& [s, ref] : control)
        count(s, ref, false);
    if (c.affectedSessions < query.minGroupSessions || c.unaffectedSessions < query.minGroupSessions) {
        r.notes.push_back("too few sessions to compare conversion rates (" +
                          std::to_string(c.affectedSessions) + " affected, " +
                          std::to_string(c.unaffectedSessions) + " unaffected; at least " +
                          std::to_string(query.minGroupSessions) + " each)");
        return r;
    }
    c.affectedRate = double(c.affectedConverted) / double(c.affectedSessions);
    c.unaffectedRate = double(c.unaffectedConverted) / double(c.unaffectedSessions);
    const double n = double(c.affectedSessions);
    c.lost = n * (c.unaffectedRate - c.affectedRate);
    const auto [lo, hi] = differenceInterval(c.unaffectedConverted, c.unaffectedSessions, c.affectedConverted,
                                             c.affectedSessions);
    c.ciLow = n * lo;
    c.ciHigh = n * hi;
    r.conversions = c;

    if (query.revenueAttribute.empty())
        return r;
    if (query.revenueAttribute.find('"') != std::string::npos) {
        r.notes.push_back("the revenue attribute may not contain '\"'");
        return r;
    }
    // Revenue per session: the attribute summed over the spans of the traces of the converted
    // sessions' page loads from the session's reference time on (a conversion's value sits on the backend
    // span that took the order, or on the browser's own spans). Other sessions are worth 0.
    const std::string& path = query.revenueAttribute;
    auto sessionTraces =
        db.prepare("SELECT p.trace FROM page_loads p WHERE p.session_id = ?1 AND p.start_ns >= ?2 AND "
                   "p.trace IS NOT NULL "
                   "UNION SELECT l.trace FROM page_loads p JOIN resources r ON r.page_load_id = p.id "
                   "JOIN links l ON l.resource_id = r.id WHERE p.session_id = ?1 AND p.start_ns >= ?2");
    auto values = db.prepare(
        "SELECT span_attribute(pp.attributes, ?2) FROM spans s JOIN span_payloads pp ON pp.id = s.payload "
        "WHERE s.trace = ?1 AND span_attribute(pp.attributes, ?2) IS NOT NULL");
    std::map<std::int64_t, double> revenueOf;
    RevenueImpact rev;
    rev.attribute = query.revenueAttribute;
    for (const auto& [s, ref] : convertedSessions) {
        sessionTraces.reset();
        sessionTraces.bind(1, s).bind(2, ref);
        double sum = 0;
        bool any = false;
        while (sessionTraces.step()) {
            values.reset();
            values.bind(1, sessionTraces.int64(0)).bindText(2, path);
            while (values.step()) {
                if (values.columnType(0) == 1 || values.columnType(0) == 2) { // SQLITE_INTEGER, SQLITE_FLOAT
                    sum += values.real(0);
                    any = true;
                }
            }
        }
        if (any) {
            revenueOf[s] = sum;
            ++rev.valuedSessions;
        }
    }
    if (rev.valuedSessions == 0) {
        r.notes.push_back("no numeric '" + query.revenueAttribute +
                          "' on the spans of the converted sessions: revenue not computed");
        return r;
    }
    std::vector<double> affected, unaffected;
    const auto value = [&](std::int64_t s) {
        const auto it = revenueOf.find(s);
        return it == revenueOf.end() ? 0.0 : it->second;
    };
    for (const auto& [s, ref] : comparable) {
        if (affectedGroup.count(s))
            affected.push_back(value(s));
        else if (!useControl)
            unaffected.push_back(value(s));
    }
    for (const auto& [s, ref] : control)
        unaffected.push_back(value(s));
    rev.affectedPerSession = mean(affected);
    rev.unaffectedPerSession = mean(unaffected);
    rev.lost = n * (rev.unaffectedPerSession - rev.affectedPerSession);
    std::mt19937_64 rng(query.bootstrapSeed);
    std::vector<double> lost;
    lost.reserve(std::size_t(std::max(1, query.bootstrapResamples)));
    const auto resampledMean = [&](const std::vector<double>& v) {
        std::uniform_int_distribution<std::size_t> pick(0, v.size() - 1);
        double sum = 0;
        for (std::size_t i = 0; i < v.size(); ++i)
            sum += v[pick(rng)];
        return sum / double(v.size());
    };
    for (int b = 0; b < std::max(1, query.bootstrapResamples); ++b)
        lost.push_back(n * (resampledMean(unaffected) - resampledMean(affected)));
    std::sort(lost.begin(), lost.end());
    const auto at = [&](double q) { return lost[std::size_t(q * double(lost.size() - 1) + 0.5)]; };
    rev.ciLow = at(0.025);
    rev.ciHigh = at(0.975);
    r.revenue = rev;
    return r;
}

} // namespace seam
