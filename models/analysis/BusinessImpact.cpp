#include "BusinessImpact.h"

#include "Anomalies.h"
#include "BorrowedControls.h"
#include "ConversionStrata.h"
#include "ImpactReach.h"
#include "NormalBaseline.h"
#include "Sqlite.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

namespace seam {
namespace {

constexpr TimeNs kHour = 3600LL * 1'000'000'000;
/// A call started this long after a user action (or within it) was started by it.
constexpr TimeNs kActionReachNs = 1'000'000'000;
/// Sessions per group (affected, unaffected) whose revenue is read.
constexpr std::size_t kRevenueSample = 1500;
/// A thin stratum borrows up to as many controls as it has affected sessions, at most this many.
constexpr std::int64_t kMaxBorrowedPerStratum = 200;

/// A fixed pseudo-random order of sessions (splitmix64): the same cache gives the same sample.
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/// A compared session's reference: its first page load on the window's routes.
struct Reference
{
    TimeNs time = 0;
    std::string route;
    int exposure = 0; ///< its traces that reached the service in the window (borrowed: in its slice)
    int side = 0;     ///< 0 in the window; borrowed: -1 before it, +1 after
};

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
    std::vector<std::pair<TimeNs, TimeNs>> incidents; // the service's, around and in the window
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
        for (const AnomalyWindow& w : detectAnomalies(db, o).windows)
            incidents.emplace_back(w.start, w.end);
        std::vector<std::pair<TimeNs, TimeNs>> exclude{{r.from, r.to}};
        exclude.insert(exclude.end(), incidents.begin(), incidents.end());
        NormalBaseline normal = normalBaseline(db, b, exclude);
        if (!normal.enough) {
            // A window over the whole capture has no outside: its calm periods (outside the service's
            // incident windows) are the normal, as the anomaly detector's own band is.
            b.from = r.from;
            b.to = r.to;
            const NormalBaseline inside = normalBaseline(db, b, incidents);
            if (inside.enough) {
                r.normalFromInside = true;
                r.notes.push_back("too little traffic outside the window for a normal p99 (" +
                                  std::to_string(normal.requests) +
                                  " requests): the normal p99 is that of the window's calm periods "
                                  "(outside the service's incident windows, " +
                                  std::to_string(inside.requests) + " requests)");
                normal = inside;
            }
        }
        if (normal.enough)
            r.normalP99 = normal.p99;
        else
            r.notes.push_back("too little traffic outside the window for a normal p99 (" +
                              std::to_string(normal.requests) + " requests): only errors count as affected");
    }

    // The window's page loads and whether each reached the service in the window and was affected there.
    std::vector<ImpactLoad> loads;
    std::map<std::int64_t, std::string> userOf; // session -> user id (non-empty)
    bool byReach = false;                       // page_load_reach answered (borrowing needs it)
    {
        auto st = db.prepare(
            "SELECT p.id, coalesce(p.session_id, 0), p.route, p.trace, coalesce(s.user_id, ''), p.start_ns "
            "FROM page_loads p LEFT JOIN sessions s ON s.id = p.session_id "
            "WHERE p.start_ns >= ?1 AND p.start_ns < ?2 ORDER BY p.start_ns, p.id");
        st.bind(1, r.from).bind(2, r.to);
        while (st.step()) {
            ImpactLoad p;
            p.id = st.int64(0);
            p.session = st.int64(1);
            p.route = std::string(st.text(2));
            p.documentTrace = st.isNull(3) ? 0 : st.int64(3);
            if (p.session && !st.text(4).empty())
                userOf[p.session] = std::string(st.text(4));
            p.start = st.int64(5);
            loads.push_back(std::move(p));
        }
        ReachCriteria criteria;
        criteria.serviceIds = serviceIds;
        criteria.operationIds = operationIds;
        criteria.operation = !query.operation.empty();
        criteria.from = r.from;
        criteria.to = r.to;
        criteria.normalP99 = r.normalP99;
        byReach = reachTableAnswers(db, criteria);
        if (byReach)
            judgeLoadsByReach(db, criteria, loads);
        else if (!criteria.operation || !judgeOperationByReach(db, criteria, loads))
            judgeLoadsBySpans(db, criteria, loads);
    }

    // Counts: page loads, then sessions and users through them.
    std::set<std::int64_t> sessionsAll, sessionsReached, sessionsAffected;
    for (const ImpactLoad& p : loads) {
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
        auto count = db.prepare("SELECT count(*) FROM actions WHERE page_load_id = ?1");
        for (const ImpactLoad& p : loads) {
            if (!p.reached)
                continue;
            if (!p.affected) { // none of its calls was affected: its actions are counted, none failed
                count.reset();
                count.bind(1, p.id);
                r.actions += count.step() ? count.int64(0) : 0;
                continue;
            }
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
    for (const ImpactLoad& p : loads)
        if (p.reached)
            routes.insert(p.route);
    // Each compared session from its first page load on those routes in the period (the reference):
    // it converted when a matching page load (or action) came at or after it.
    std::map<std::int64_t, Reference> comparable;
    for (const ImpactLoad& p : loads) {
        if (!p.session || !routes.count(p.route))
            continue;
        // loads are in start order: the first one is the reference
        Reference& ref = comparable.try_emplace(p.session, Reference{p.start, p.route, 0}).first->second;
        ref.exposure += p.reachedTraces;
    }
    // Strata whose unaffected sessions in the window are too few borrow sessions of the same stratum
    // from just before and after the window (BorrowedControls.h).
    std::map<Stratum, std::int64_t> affectedIn, unaffectedIn;
    for (const auto& [session, ref] : comparable)
        (sessionsAffected.count(session) ? affectedIn
                                         : unaffectedIn)[{ref.route, activityClass(ref.exposure)}] += 1;
    ConversionControl control;
    BorrowCriteria borrow;
    for (const auto& [stratum, n] : affectedIn) {
        const std::int64_t have = unaffectedIn.count(stratum) ? unaffectedIn.at(stratum) : 0;
        const std::int64_t want = std::max(kFullStratumControls, std::min(n, kMaxBorrowedPerStratum));
        if (have < kFullStratumControls) {
            ++control.thinStrata;
            borrow.wanted[stratum] = want - have;
        }
    }
    std::map<std::int64_t, Reference> borrowed;
    if (control.thinStrata > 0 && !byReach) {
        r.notes.push_back(std::to_string(control.thinStrata) +
                          " strata have too few unaffected sessions in the window, and borrowing them from "
                          "around it needs page_load_reach and no --operation: compared within the window");
    } else if (control.thinStrata > 0) {
        // Every version of the service: a version (a deploy) often exists only in the window, and
        // the sessions around it reached the service as it was there.
        {
            auto st = db.prepare("SELECT id FROM services WHERE name = ?1 AND is_browser = 0");
            st.bindText(1, query.service);
            while (st.step())
                borrow.serviceIds.insert(st.int64(0));
        }
        borrow.from = r.from;
        borrow.to = r.to;
        borrow.normalP99 = r.normalP99;
        // The sessions compared in the window are never borrowed; one that only converts (or passes
        // by without reaching the service) there still can be: leaving it out would drop exactly the
        // sessions that were about to convert.
        for (const auto& [session, ref] : comparable)
            borrow.windowSessions.insert(session);
        borrow.avoided = incidents;
        const BorrowedControls found = borrowControls(db, borrow);
        for (const BorrowedSession& b : found.sessions)
            borrowed[b.session] = Reference{b.reference, b.stratum.first, b.stratum.second, b.side};
        control.borrowedBefore = found.before;
        control.borrowedAfter = found.after;
        control.borrowedFrom = found.earliest;
        control.borrowedTo = found.latest;
        const auto minutes = [](TimeNs ns) { return std::to_string((ns + 30'000'000'000) / 60'000'000'000); };
        r.notes.push_back(
            std::to_string(control.thinStrata) + " route x activity strata had fewer than " +
            std::to_string(kFullStratumControls) + " unaffected sessions in the window: borrowed " +
            std::to_string(found.before) + " unaffected sessions of the same strata from up to " +
            (found.before ? minutes(r.from - found.earliest) : std::string("0")) +
            " min before the window and " + std::to_string(found.after) + " from up to " +
            (found.after ? minutes(found.latest - r.to) : std::string("0")) +
            " min after it (outside the service's incident windows; " +
            std::to_string(found.skippedAffected) + " affected there and " +
            std::to_string(found.skippedIncident) +
            " touching an incident window left out); the interval includes the drift between periods");
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
    std::vector<std::int64_t> compared; // session ids, in the order of `outcomes`
    std::vector<ComparedSession> outcomes;
    std::map<std::int64_t, TimeNs> convertedSessions; // session -> reference time
    const auto count = [&](std::int64_t s, const Reference& ref, bool affected) {
        converted.reset();
        converted.bind(1, s).bind(2, ref.time).bindText(3, def.pattern);
        const bool yes = converted.step();
        (affected ? c.affectedSessions : c.unaffectedSessions) += 1;
        (affected ? c.affectedConverted : c.unaffectedConverted) += yes ? 1 : 0;
        compared.push_back(s);
        outcomes.push_back({affected, ref.route, ref.exposure, yes ? 1.0 : 0.0, ref.side});
        if (yes)
            convertedSessions[s] = ref.time;
    };
    for (const auto& [s, ref] : comparable)
        count(s, ref, sessionsAffected.count(s) > 0);
    for (const auto& [s, ref] : borrowed)
        count(s, ref, false);
    control.borrowed = std::int64_t(borrowed.size());
    control.inWindow = c.unaffectedSessions - control.borrowed;
    c.control = control;
    if (c.affectedSessions < query.minGroupSessions || c.unaffectedSessions < query.minGroupSessions) {
        r.notes.push_back("too few sessions to compare conversion rates (" +
                          std::to_string(c.affectedSessions) + " affected, " +
                          std::to_string(c.unaffectedSessions) + " unaffected; at least " +
                          std::to_string(query.minGroupSessions) + " each)");
        return r;
    }
    const StratifiedLoss conversions = stratifiedLoss(outcomes, true);
    c.affectedRate = conversions.affectedMean;
    c.unaffectedRate = conversions.expectedMean; // the unaffected of the affected sessions' strata
    c.lost = conversions.lost;
    c.ciLow = conversions.ciLow;
    c.ciHigh = conversions.ciHigh;
    c.control.driftSd = conversions.driftSd;
    r.conversions = c;
    if (conversions.pooled > 0)
        r.notes.push_back(std::to_string(conversions.pooled) +
                          " affected sessions had too few unaffected ones of their route and activity to "
                          "compare with: compared with their route's (or all) unaffected sessions");

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
    // Reading a session's value reads every span of its traces: over a long window the compared groups
    // are sampled (a fixed pseudo-random subset of each, kRevenueSample sessions at most), which keeps
    // the per-session means unbiased; the interval is the sample's.
    std::vector<std::size_t> sample;
    std::int64_t sampledAffected = 0;
    {
        std::vector<std::pair<std::uint64_t, std::size_t>> order[2];
        for (std::size_t i = 0; i < outcomes.size(); ++i)
            order[outcomes[i].affected ? 1 : 0].emplace_back(mix(std::uint64_t(compared[i])), i);
        for (auto& group : order) {
            std::sort(group.begin(), group.end());
            if (group.size() > kRevenueSample)
                group.resize(kRevenueSample);
            for (const auto& [hash, i] : group)
                sample.push_back(i);
        }
        sampledAffected = std::int64_t(order[1].size());
        if (sample.size() < outcomes.size())
            r.notes.push_back("revenue from a random sample of " + std::to_string(sample.size()) +
                              " of the " + std::to_string(outcomes.size()) + " compared sessions");
    }
    std::map<std::int64_t, double> revenueOf;
    RevenueImpact rev;
    rev.attribute = query.revenueAttribute;
    for (const std::size_t i : sample) {
        const auto found = convertedSessions.find(compared[i]);
        if (found == convertedSessions.end())
            continue; // not converted: worth 0
        const auto& [s, ref] = *found;
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
    std::vector<ComparedSession> sampled;
    for (const std::size_t i : sample) {
        const auto it = revenueOf.find(compared[i]);
        sampled.push_back(outcomes[i]);
        sampled.back().value = it == revenueOf.end() ? 0.0 : it->second;
    }
    const StratifiedLoss revenue = stratifiedLoss(sampled, false);
    // Per affected session from the sample, for all of them.
    const double scale = double(c.affectedSessions) / double(std::max<std::int64_t>(1, sampledAffected));
    rev.affectedPerSession = revenue.affectedMean;
    rev.unaffectedPerSession = revenue.expectedMean;
    rev.lost = revenue.lost * scale;
    rev.ciLow = revenue.ciLow * scale;
    rev.ciHigh = revenue.ciHigh * scale;
    r.revenue = rev;
    return r;
}

} // namespace seam
