#include "BusinessImpact.h"

#include "Anomalies.h"
#include "BorrowedControls.h"
#include "ConversionDelays.h"
#include "ConversionLandmarks.h"
#include "ConversionStrata.h"
#include "ConversionTimes.h"
#include "ImpactReach.h"
#include "NormalBaseline.h"
#include "SessionRevenue.h"
#include "Sqlite.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace seam {
namespace {

constexpr TimeNs kHour = 3600LL * 1'000'000'000;
/// A call started this long after a user action (or within it) was started by it.
constexpr TimeNs kActionReachNs = 1'000'000'000;
/// Sessions per group (affected, unaffected) whose revenue is read.
constexpr std::size_t kRevenueSample = 1500;
/// Controls borrowed per stratum and side: in effect every clean landmark within BorrowCriteria's
/// distance. Taking only the nearest few (as many as the stratum's affected sessions) leaned on the
/// slices right next to the window, which other incidents and the data's edges leave thin and odd: the
/// demo's catalog deploy read 7.7 lost conversions instead of the true 19 (now 10.8 [-4.8, 26.5]).
constexpr std::int64_t kMaxBorrowedPerStratum = 100000;
/// Conversions are read by time from this long before the compared sessions' landmarks: a session with
/// a page load before that is read on its own (ConversionTimes.h). The demo's sessions last minutes.
constexpr TimeNs kConversionLookBack = kHour / 2;

/// A fixed pseudo-random order of sessions (splitmix64): the same cache gives the same sample.
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
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
    std::vector<std::pair<TimeNs, TimeNs>> incidents;    // the service's, around and in the window
    std::vector<std::pair<TimeNs, TimeNs>> allIncidents; // every service's, within borrowing distance
    {
        BaselineQuery b;
        b.service = query.service;
        b.version = query.version;
        b.operation = query.operation;
        b.from = r.from - 2 * kHour;
        b.to = r.to + 2 * kHour;
        // Every service's windows around the window, once: the service's own are cut out of its normal
        // p99, and all of them out of the periods conversions borrow controls from. Only the windows
        // are needed, not which service started an incident (no trace is read).
        AnomalyOptions o;
        o.from = std::min(b.from, r.from - BorrowCriteria{}.maxDistance);
        o.to = std::max(b.to, r.to + BorrowCriteria{}.maxDistance);
        o.rankOrigins = false;
        for (const AnomalyWindow& w : detectAnomalies(db, o).windows) {
            allIncidents.emplace_back(w.start, w.end);
            if (w.service == query.service && w.start < b.to && w.end > b.from)
                incidents.emplace_back(w.start, w.end);
        }
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
    std::unordered_map<std::int64_t, std::string> userOf; // session -> user id (non-empty)
    bool byReach = false;                                 // page_load_reach answered (borrowing needs it)
    {
        loads = windowLoads(db, r.from, r.to, userOf);
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
    // Hashed: a day's window holds a quarter of a million page loads (only the sizes and look-ups matter).
    std::unordered_set<std::int64_t> sessionsAll, sessionsReached, sessionsAffected;
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
        std::unordered_set<std::string> all, reached, affected;
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
        // The actions of the reached page loads nothing affected are only counted: in one walk of
        // actions_by_page_load over the window's page-load ids when these lie close together (ids follow
        // the import, which mostly follows time; 23,000 counts of their own over a day of the
        // 250k-page-load cache), else one count per page load.
        std::unordered_set<std::int64_t> onlyCounted;
        std::int64_t lowId = std::numeric_limits<std::int64_t>::max();
        std::int64_t highId = std::numeric_limits<std::int64_t>::min();
        for (const ImpactLoad& p : loads)
            if (p.reached && !p.affected) {
                onlyCounted.insert(p.id);
                lowId = std::min(lowId, p.id);
                highId = std::max(highId, p.id);
            }
        const bool walk = !onlyCounted.empty() && highId - lowId < 4 * std::int64_t(loads.size());
        if (walk) {
            auto ids = db.prepare(
                "SELECT page_load_id FROM actions WHERE page_load_id >= ?1 AND page_load_id <= ?2");
            ids.bind(1, lowId).bind(2, highId);
            while (ids.step())
                r.actions += onlyCounted.count(ids.int64(0)) ? 1 : 0;
        }
        for (const ImpactLoad& p : loads) {
            if (!p.reached)
                continue;
            if (!p.affected) { // none of its calls was affected: its actions are counted, none failed
                if (walk)
                    continue;
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

    // Conversions: each session enters the comparison at a landmark (ConversionLandmarks.h): an affected
    // one at its first harmful reach of the service, the others at their k-th reach, never hit. A
    // conversion counts within the horizon after the landmark, the same stretch for every session
    // compared (a session borrowed from near the data's end has less time to convert than one in the
    // window otherwise).
    const ConversionDefinition& def = *query.conversion;
    TimeNs horizon = query.conversionHorizon;
    if (horizon <= 0) {
        const ConversionDelays delays = conversionDelays(db, def, r.from - 2 * kHour, r.to + 2 * kHour);
        horizon = delays.horizon;
        r.notes.push_back(
            delays.sample > 0
                ? "conversions counted within " + minutesText(horizon) +
                      " min of each compared session's landmark (95% of the " +
                      std::to_string(delays.sample) +
                      " conversions around the window came within that of their session's start)"
                : "no conversion around the window to learn how long sessions take to convert: "
                  "conversions counted within " +
                      minutesText(horizon) + " min of each landmark");
    }
    // A session's conversion times, read once (a session enters at several landmarks), for the
    // window's sessions at once: from a while before the window (a session that started earlier is
    // read on its own) to the end of their follow-up (ConversionTimes.h).
    ConversionTimes conversionTimes(db, def);
    {
        std::vector<std::int64_t> reachedSessions;
        for (const ImpactLoad& p : loads)
            if (p.session && !p.reach.empty())
                reachedSessions.push_back(p.session);
        conversionTimes.prefetch(reachedSessions, r.from - kConversionLookBack, r.to + horizon);
    }
    const auto convertedBefore = [&](std::int64_t session, TimeNs at) {
        return conversionTimes.before(session, at);
    };
    const auto convertedWithin = [&](std::int64_t session, TimeNs at) {
        return conversionTimes.within(session, at, horizon);
    };
    const TimeNs dataEnd = db.queryInt("SELECT coalesce(max(start_ns), 0) FROM page_loads");
    std::vector<Landmark> landmarks;
    std::int64_t alreadyConverted = 0, cutShort = 0;
    for (Landmark& l : conversionLandmarks(loads, horizon)) {
        if (convertedBefore(l.session, l.at)) {
            alreadyConverted += l.affected ? 1 : 0;
            continue; // nothing after it could be lost
        }
        if (l.at + horizon > dataEnd) {
            cutShort += l.affected ? 1 : 0;
            continue; // the data ends before its follow-up does
        }
        landmarks.push_back(std::move(l));
    }
    if (cutShort > 0)
        r.notes.push_back(
            std::to_string(cutShort) + " affected sessions were hit less than the conversion horizon (" +
            std::to_string(horizon / 60'000'000'000) + " min) before the data ends: not compared");
    // Every stratum also borrows sessions of the same stratum from just before and after the window,
    // where the service was healthy (BorrowedControls.h). The window's own not-yet-hit sessions are
    // exposed to the incident after their landmark (a later hit lowers their conversion, hiding part
    // of the loss), and an incident that touches most sessions leaves few of them; what the two
    // kinds of control disagree on widens the interval (ConversionStrata.h).
    std::map<Stratum, std::int64_t> affectedIn, unaffectedIn;
    for (const Landmark& l : landmarks)
        (l.affected ? affectedIn : unaffectedIn)[{l.route, activityClass(l.reaches)}] += 1;
    ConversionControl control;
    BorrowCriteria borrow;
    for (const auto& [stratum, n] : affectedIn) {
        const std::int64_t have = unaffectedIn.count(stratum) ? unaffectedIn.at(stratum) : 0;
        const std::int64_t want = kMaxBorrowedPerStratum;
        if (have < kFullStratumControls)
            ++control.thinStrata;
        borrow.wanted[stratum] = want;
    }
    std::vector<Landmark> borrowed;
    std::vector<int> borrowedSide;
    if (!borrow.wanted.empty() && !byReach) {
        r.notes.push_back(
            "borrowing controls from around the window needs page_load_reach and no --operation: "
            "compared within the window only (" +
            std::to_string(control.thinStrata) +
            " strata with few unaffected sessions; sessions hit after their landmark make the "
            "loss look smaller)");
    } else if (!borrow.wanted.empty()) {
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
        borrow.horizon = horizon;
        borrow.dataEnd = dataEnd;
        borrow.normalP99 = r.normalP99;
        // The sessions compared in the window are never borrowed; one that only converts (or passes
        // by without reaching the service) there still can be: leaving it out would drop exactly the
        // sessions that were about to convert.
        for (const Landmark& l : landmarks)
            borrow.windowSessions.insert(l.session);
        // Every service's incident windows: a session another incident hurt (the payments lock just
        // before a catalog deploy) is no picture of a healthy shop.
        borrow.avoided = allIncidents;
        const BorrowedControls found = borrowControls(db, borrow);
        if (!found.sessions.empty()) {
            std::vector<std::int64_t> borrowedSessions;
            for (const BorrowedSession& b : found.sessions)
                borrowedSessions.push_back(b.session);
            conversionTimes.prefetch(borrowedSessions, found.earliest - kConversionLookBack,
                                     found.latest + horizon);
        }
        std::int64_t convertedEarlier = 0;
        for (const BorrowedSession& b : found.sessions) {
            if (convertedBefore(b.session, b.reference)) {
                ++convertedEarlier;
                continue;
            }
            borrowed.push_back(
                {b.session, b.reference, b.loadStart, b.stratum.first, b.stratum.second, false});
            borrowedSide.push_back(b.side);
            (b.side < 0 ? control.borrowedBefore : control.borrowedAfter) += 1;
            control.borrowedFrom =
                borrowed.size() == 1 ? b.reference : std::min(control.borrowedFrom, b.reference);
            control.borrowedTo = std::max(control.borrowedTo, b.reference);
        }
        r.notes.push_back(
            "controls borrowed from where the service was healthy: " +
            std::to_string(control.borrowedBefore) +
            " sessions of the affected sessions' strata from up to " +
            (control.borrowedBefore ? minutesText(r.from - control.borrowedFrom) : std::string("0")) +
            " min before the window and " + std::to_string(control.borrowedAfter) + " from up to " +
            (control.borrowedAfter ? minutesText(control.borrowedTo - r.to) : std::string("0")) +
            " min after it (outside the service's incident windows; " +
            std::to_string(found.skippedAffected) + " affected there, " +
            std::to_string(found.skippedIncident) +
            " whose follow-up met an incident window or the data's end, and " +
            std::to_string(convertedEarlier) +
            " converted before their landmark left out); the interval includes the drift between periods");
    }
    ConversionImpact c;
    c.definition = def.text();
    c.horizon = horizon;
    c.alreadyConverted = alreadyConverted;
    std::vector<Landmark> compared; // in the order of `outcomes`
    std::vector<ComparedSession> outcomes;
    std::set<std::int64_t> controlSessions;
    const auto count = [&](const Landmark& l, int side) {
        const bool yes = convertedWithin(l.session, l.at);
        if (l.affected) {
            c.affectedSessions += 1;
            c.affectedConverted += yes ? 1 : 0;
        } else {
            c.unaffectedSessions += 1;
            c.unaffectedConverted += yes ? 1 : 0;
            controlSessions.insert(l.session);
        }
        compared.push_back(l);
        outcomes.push_back({l.affected, l.route, l.reaches, yes ? 1.0 : 0.0, side, l.weight});
    };
    // A stratum with enough borrowed controls compares with them alone: they met a healthy service
    // after their landmark, as the affected sessions would have; the window's own controls only stand
    // in where borrowing fell short.
    std::map<Stratum, std::int64_t> borrowedIn;
    for (const Landmark& l : borrowed)
        borrowedIn[{l.route, activityClass(l.reaches)}] += 1;
    for (const Landmark& l : landmarks) {
        const auto b = borrowedIn.find({l.route, activityClass(l.reaches)});
        if (!l.affected && b != borrowedIn.end() && b->second >= kFullStratumControls)
            continue;
        count(l, 0);
    }
    const std::int64_t inWindowControls = c.unaffectedSessions;
    for (std::size_t i = 0; i < borrowed.size(); ++i)
        count(borrowed[i], borrowedSide[i]);
    c.distinctControlSessions = std::int64_t(controlSessions.size());
    control.borrowed = std::int64_t(borrowed.size());
    control.inWindow = inWindowControls;
    c.control = control;
    if (alreadyConverted > 0)
        r.notes.push_back(std::to_string(alreadyConverted) +
                          " affected sessions had converted before their first harm: not compared");
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
    // Revenue per landmark: what the converted session's conversions were worth from its landmark's page
    // load to the end of its follow-up (SessionRevenue.h). Others are worth 0.
    SessionRevenue worth(db, query.revenueAttribute);
    // Reading a session's value reads every span of its traces: over a long window the compared groups
    // are sampled (a fixed pseudo-random subset of each, kRevenueSample sessions at most), which keeps
    // the per-session means unbiased; the interval is the sample's.
    std::vector<std::size_t> sample;
    {
        std::vector<std::pair<std::uint64_t, std::size_t>> order[2];
        for (std::size_t i = 0; i < outcomes.size(); ++i)
            order[outcomes[i].affected ? 1 : 0].emplace_back(
                mix(std::uint64_t(compared[i].session) ^ mix(std::uint64_t(compared[i].reaches))), i);
        for (auto& group : order) {
            std::sort(group.begin(), group.end());
            if (group.size() > kRevenueSample)
                group.resize(kRevenueSample);
            for (const auto& [hash, i] : group)
                sample.push_back(i);
        }
        if (sample.size() < outcomes.size())
            r.notes.push_back("revenue from a random sample of " + std::to_string(sample.size()) +
                              " of the " + std::to_string(outcomes.size()) + " compared sessions");
    }
    // Revenue after a landmark: the spans of the page loads from the landmark's own page load on (an
    // order's value sits on the call that placed it, in the page load whose reach may be the landmark).
    std::map<std::pair<std::int64_t, TimeNs>, std::optional<double>> revenueOf;
    RevenueImpact rev;
    rev.attribute = query.revenueAttribute;
    std::vector<ComparedSession> sampled;
    for (const std::size_t i : sample) {
        sampled.push_back(outcomes[i]);
        sampled.back().value = 0; // not converted: worth 0
        if (outcomes[i].value == 0)
            continue;
        const Landmark& l = compared[i];
        auto [it, fresh] = revenueOf.try_emplace({l.session, l.at});
        if (fresh)
            it->second = worth.of(l.session, l.loadStart, l.at + horizon);
        if (it->second) {
            sampled.back().value = *it->second;
            ++rev.valuedSessions;
        }
    }
    if (rev.valuedSessions == 0) {
        r.notes.push_back(
            "no numeric '" + query.revenueAttribute +
            "' on the spans, page loads or actions of the converted sessions: revenue not computed");
        return r;
    }
    // Per session, as observed and as the strata expect (descriptive: the loss itself is counted per
    // lost conversion, RevenueEstimate.h).
    const StratifiedLoss perSession = stratifiedLoss(sampled, false);
    rev.affectedPerSession = perSession.affectedMean;
    rev.unaffectedPerSession = perSession.expectedMean;
    std::vector<double> landmarkRevenue;
    std::vector<bool> converted;
    for (std::size_t k = 0; k < sample.size(); ++k) {
        landmarkRevenue.push_back(sampled[k].value);
        converted.push_back(outcomes[sample[k]].value > 0);
    }
    rev.estimate = estimateRevenue(sampled, landmarkRevenue, converted, c.lost, c.ciLow, c.ciHigh);
    rev.lost = rev.estimate.lost;
    rev.ciLow = rev.estimate.ciLow;
    rev.ciHigh = rev.estimate.ciHigh;
    const RevenueEstimate& e = rev.estimate;
    r.notes.push_back("lost revenue = lost conversions x " + amountText(e.valuePerConversion) +
                      " per conversion (the mean of " +
                      (e.fromAffected
                           ? std::to_string(e.affectedConverters) + " affected sessions' conversions"
                           : "all " + std::to_string(e.affectedConverters + e.controlConverters) +
                                 " compared conversions, too few affected ones") +
                      ")");
    if (e.affectedConverters >= 2 && e.controlConverters >= 2 && (e.spendLow > 0 || e.spendHigh < 0))
        r.notes.push_back(
            "converting affected sessions spent " + amountText(e.affectedPerConversion) +
            " per conversion, the controls " + amountText(e.controlPerConversion) + " (difference " +
            amountText(e.spendDifference) + " [" + amountText(e.spendLow) + ", " + amountText(e.spendHigh) +
            "]): not counted in the loss (who was affected, or a cost beyond lost conversions)");
    r.revenue = rev;
    return r;
}

} // namespace seam
