#include "RootCause.h"

#include "CohortReader.h"
#include "CriticalPath.h"
#include "Stats.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace seam {
namespace {

std::string fmtMs(double ms)
{
    char buf[64];
    if (std::fabs(ms) >= 1000)
        std::snprintf(buf, sizeof buf, "%.1f s", ms / 1000);
    else
        std::snprintf(buf, sizeof buf, "%.0f ms", ms);
    return buf;
}

std::string fmtShare(double share)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f%%", share * 100);
    return buf;
}

double p75(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return stats::quantileSorted(v, 0.75);
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return stats::quantileSorted(v, 0.5);
}

WhyGroup describe(const std::vector<CohortLoad>& loads)
{
    WhyGroup g;
    g.pageLoads = std::int64_t(loads.size());
    std::vector<double> d;
    d.reserve(loads.size());
    for (const CohortLoad& l : loads)
        d.push_back(l.durationMs);
    std::sort(d.begin(), d.end());
    g.p50Ms = stats::quantileSorted(d, 0.5);
    g.p75Ms = stats::quantileSorted(d, 0.75);
    return g;
}

/// Everything known about the two samples, loads of the selection first.
struct Evidence
{
    std::size_t ns = 0, nb = 0;
    std::vector<LoadFeatures> loads;
    std::vector<FeatureKey> keys;
    double gap = 0; ///< p75 selection - p75 baseline, on the samples

    std::size_t size() const { return ns + nb; }
    bool inSelection(std::size_t i) const { return i < ns; }

    /// The p75 gap once `without(i)` loads are left out of both groups.
    template<typename Pred> double gapWithout(Pred without) const
    {
        std::vector<double> s, b;
        for (std::size_t i = 0; i < size(); ++i)
            if (!without(i))
                (inSelection(i) ? s : b).push_back(loads[i].durationMs);
        if (s.empty())
            return 0; // every selected load carries it: the whole gap goes with it
        if (b.empty())
            return gap; // every baseline load carries it too: it explains nothing
        return p75(std::move(s)) - p75(std::move(b));
    }

    /// The p75 gap with `ms(i)` taken off every load's duration.
    template<typename Ms> double gapMinus(Ms ms) const
    {
        std::vector<double> s, b;
        for (std::size_t i = 0; i < size(); ++i)
            (inSelection(i) ? s : b).push_back(loads[i].durationMs - ms(i));
        return p75(std::move(s)) - p75(std::move(b));
    }
};

struct Row
{
    std::int32_t key = -1;
    WhyCause cause;
    std::vector<std::uint8_t> member; ///< per load of Evidence
    double score = 0;
};

double pathMs(const LoadFeatures& f, std::int32_t key)
{
    const auto it =
        std::lower_bound(f.path.begin(), f.path.end(), std::pair<std::int32_t, double>(key, -1e300));
    return it != f.path.end() && it->first == key ? it->second : 0.0;
}

std::string rowLabel(const WhyCause& c)
{
    switch (c.kind) {
    case WhyCause::Kind::Attribute:
        return (c.service.empty() ? std::string() : c.service + " ") + c.field + " = " + c.value;
    case WhyCause::Kind::Operation:
        return c.operation.empty() ? c.service + " (all operations)" : c.service + ": " + c.operation;
    case WhyCause::Kind::Phase:
        return c.field + " " + c.value;
    }
    return {};
}

void describeRow(WhyCause& c)
{
    const std::string label = rowLabel(c);
    if (c.kind == WhyCause::Kind::Attribute) {
        c.text = label + ": " + fmtShare(c.selectionShare) + " of selected loads against " +
                 fmtShare(c.baselineShare) + " of the baseline";
    } else {
        c.text = label + " on the critical path: " + fmtMs(c.selectionMeanMs) + " per load against " +
                 fmtMs(c.baselineMeanMs) + " in the baseline (mean)";
    }
    if (c.deltaMs >= 1)
        c.text += "; explains " + fmtMs(c.deltaMs) + " of the p75 gap";
}

/// Row candidates: every attribute value and critical-path key that enough selected loads carry,
/// tested; the over-represented ones kept with their q-values.
std::vector<Row> candidateRows(const Evidence& ev, const WhyOptions& o)
{
    const std::size_t keyCount = ev.keys.size();
    std::vector<std::int64_t> inS(keyCount, 0), inB(keyCount, 0);
    for (std::size_t i = 0; i < ev.size(); ++i) {
        auto& counts = ev.inSelection(i) ? inS : inB;
        for (const std::int32_t a : ev.loads[i].attributes)
            ++counts[std::size_t(a)];
        for (const auto& [k, ms] : ev.loads[i].path)
            if (ms > 0)
                ++counts[std::size_t(k)];
    }
    const auto ns = double(ev.ns), nb = double(ev.nb);
    std::vector<Row> rows;
    for (std::size_t k = 0; k < keyCount; ++k) {
        if (inS[k] < o.minRowLoads)
            continue; // no row from a handful of loads
        const FeatureKey& key = ev.keys[k];
        Row row;
        row.key = std::int32_t(k);
        row.member.assign(ev.size(), 0);
        WhyCause& c = row.cause;
        c.kind = key.kind;
        c.field = key.field;
        c.value = key.value;
        c.service = key.service;
        c.operation = key.operation;
        if (!key.isPath) {
            for (std::size_t i = 0; i < ev.size(); ++i)
                row.member[i] = std::binary_search(ev.loads[i].attributes.begin(),
                                                   ev.loads[i].attributes.end(), std::int32_t(k));
            c.selectionShare = double(inS[k]) / ns;
            c.baselineShare = double(inB[k]) / nb;
            c.pValue =
                stats::categoryTest(inS[k], ev.ns - std::size_t(inS[k]), inB[k], ev.nb - std::size_t(inB[k]));
        } else {
            std::vector<double> xs, xb;
            for (std::size_t i = 0; i < ev.size(); ++i)
                (ev.inSelection(i) ? xs : xb).push_back(pathMs(ev.loads[i], std::int32_t(k)));
            const auto mw = stats::mannWhitney(xs, xb);
            c.pValue = mw.p;
            // A load "carries" a critical-path row when it spent more there than 90% of the baseline.
            std::vector<double> sortedB = xb;
            std::sort(sortedB.begin(), sortedB.end());
            const double tau = stats::quantileSorted(sortedB, 0.9);
            std::int64_t ms = 0, mb = 0;
            double sumS = 0, sumB = 0;
            for (std::size_t i = 0; i < ev.size(); ++i) {
                const double x = ev.inSelection(i) ? xs[i] : xb[i - ev.ns];
                row.member[i] = x > tau && x > 0;
                (ev.inSelection(i) ? ms : mb) += row.member[i];
                (ev.inSelection(i) ? sumS : sumB) += x;
            }
            c.selectionShare = double(ms) / ns;
            c.baselineShare = double(mb) / nb;
            c.selectionMeanMs = sumS / ns;
            c.baselineMeanMs = sumB / nb;
            if (mw.z <= 0)
                c.selectionShare = std::min(c.selectionShare, c.baselineShare); // not more here: no cause
        }
        rows.push_back(std::move(row));
    }
    // One family: every row tested, whichever direction it went.
    std::vector<double> p;
    p.reserve(rows.size());
    for (const Row& r : rows)
        p.push_back(r.cause.pValue);
    const std::vector<double> q = stats::benjaminiHochberg(p);
    std::vector<Row> kept;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        rows[i].cause.qValue = q[i];
        if (q[i] <= o.alpha && rows[i].cause.selectionShare > rows[i].cause.baselineShare)
            kept.push_back(std::move(rows[i]));
    }
    return kept;
}

void explainGap(const Evidence& ev, Row& row)
{
    const FeatureKey& key = ev.keys[std::size_t(row.key)];
    double rest = 0;
    if (key.isPath)
        rest = ev.gapMinus([&](std::size_t i) { return pathMs(ev.loads[i], row.key); });
    else
        rest = ev.gapWithout([&](std::size_t i) { return row.member[i] != 0; });
    row.cause.deltaMs = std::max(0.0, ev.gap - rest);
}

/// `specific` narrows `general`: one operation of a service, one resource of a phase.
bool refines(const WhyCause& specific, const WhyCause& general)
{
    if (specific.kind != general.kind || specific.field != general.field ||
        specific.service != general.service)
        return false;
    if (general.kind == WhyCause::Kind::Operation)
        return general.operation.empty() && !specific.operation.empty();
    if (general.kind == WhyCause::Kind::Phase)
        return specific.value.size() > general.value.size() + 1 &&
               specific.value.compare(0, general.value.size() + 1, general.value + " ") == 0;
    return false;
}

/// An outcome rather than a condition: what failing looks like, not why it failed.
bool isSymptom(const WhyCause& c)
{
    return c.kind == WhyCause::Kind::Attribute &&
           (c.field == "status" || c.field == "http.response.status_code" ||
            c.field == "rpc.grpc.status_code");
}

/// Where a backend span ran (a host, an instance, a pod, a container) rather than what it ran.
bool isInstance(const WhyCause& c)
{
    return c.kind == WhyCause::Kind::Attribute &&
           (c.field == "host.name" || c.field == "service.instance.id" || c.field == "k8s.pod.name" ||
            c.field == "container.id");
}

/// True when `b`'s association with the selection is carried by `a`: most of b's selected loads
/// carry a, and among the loads without a, b is not over-represented (or too rare to tell).
bool isConsequence(const Evidence& ev, const Row& a, const Row& b, const WhyOptions& o)
{
    std::int64_t bS = 0, bothS = 0, outS = 0, nOutS = 0, outB = 0, nOutB = 0;
    for (std::size_t i = 0; i < ev.size(); ++i) {
        const bool inA = a.member[i] != 0, inB = b.member[i] != 0;
        if (ev.inSelection(i)) {
            bS += inB;
            bothS += inA && inB;
            nOutS += !inA;
            outS += !inA && inB;
        } else {
            nOutB += !inA;
            outB += !inA && inB;
        }
    }
    if (bS == 0 || bothS * 2 < bS)
        return false;
    if (outS < o.minRowLoads || nOutS == 0 || nOutB == 0)
        return true;
    const bool over = double(outS) / double(nOutS) > double(outB) / double(nOutB);
    return !(over && stats::categoryTest(outS, nOutS - outS, outB, nOutB - outB) < o.alpha);
}

const WhyCause* firstOf(const std::vector<WhyCause>& causes, WhyCause::Kind kind, const std::string& field)
{
    for (const WhyCause& c : causes) {
        if (c.kind == kind && (field.empty() || c.field == field) &&
            (kind != WhyCause::Kind::Operation || !c.operation.empty()))
            return &c;
        for (const WhyCause& d : c.consequences)
            if (d.kind == kind && (field.empty() || d.field == field) &&
                (kind != WhyCause::Kind::Operation || !d.operation.empty()))
                return &d;
    }
    return nullptr;
}

void decide(const Evidence& ev, WhyResult& r, const WhyOptions& o)
{
    WhyVerdict& v = r.verdict;
    double delta[3] = {0, 0, 0}, p[3] = {1, 1, 1};
    for (int side = 0; side < 3; ++side) {
        std::vector<double> s, b;
        for (std::size_t i = 0; i < ev.size(); ++i)
            (ev.inSelection(i) ? s : b).push_back(ev.loads[i].sideMs[side]);
        p[side] = stats::mannWhitney(s, b).p;
        v.selectionMedianMs[side] = median(s);
        v.baselineMedianMs[side] = median(b);
        delta[side] = ev.gap - ev.gapMinus([&](std::size_t i) { return ev.loads[i].sideMs[side]; });
    }
    v.frontendMsDelta = delta[int(CriticalSide::Frontend)];
    v.networkMsDelta = delta[int(CriticalSide::Network)];
    v.backendMsDelta = delta[int(CriticalSide::Backend)];
    const double base = r.baseline.p75Ms;
    if (ev.gap < std::max(20.0, 0.1 * base)) {
        v.side = "inconclusive";
        v.text = "The selection is not slower than the baseline (p75 " + fmtMs(r.selection.p75Ms) +
                 " against " + fmtMs(base) + "): no extra time to attribute.";
        return;
    }
    // Only sides whose time differs clearly (Mann-Whitney p < 0.01) take part.
    double positive = 0;
    for (int side = 0; side < 3; ++side)
        if (p[side] < 0.01 && delta[side] > 0)
            positive += delta[side];
    const char* names[3] = {"frontend", "network", "backend"};
    int best = 0;
    for (int side = 1; side < 3; ++side)
        if (delta[side] > delta[best])
            best = side;
    const auto share = [&](int side) {
        return p[side] < 0.01 && delta[side] > 0 ? delta[side] / positive : 0.0;
    };
    const std::string gap = fmtMs(ev.gap);
    const int backend = int(CriticalSide::Backend);
    const std::string backendTimes = fmtMs(v.selectionMedianMs[backend]) + " against " +
                                     fmtMs(v.baselineMedianMs[backend]) + " per load (median)";
    if (positive <= 0) {
        v.side = "inconclusive";
        v.text = "No side's critical-path time differs clearly between selection and baseline; the " + gap +
                 " p75 gap is spread thin.";
        return;
    }
    if (share(best) >= 0.7) {
        v.side = names[best];
        if (best == backend) {
            const WhyCause* top = firstOf(r.causes, WhyCause::Kind::Operation, {});
            v.text = "Backend at fault: the backend's critical-path time is " + backendTimes + ", " +
                     fmtMs(delta[backend]) + " of the " + gap + " p75 gap" +
                     (top ? "; mostly " + rowLabel(*top) + "." : ".");
            return;
        }
        const WhyCause* top = firstOf(r.causes, WhyCause::Kind::Phase, names[best]);
        const std::string lead =
            share(backend) < 0.1
                ? "Backend not at fault: the backend's critical-path time is "
                  "about the same as in the baseline ("
                : "Mostly " + std::string(names[best]) + ": the backend's critical-path time is (";
        v.text = lead + backendTimes + "); the extra " + fmtMs(delta[best]) + " of the " + gap +
                 " p75 gap is " + names[best] + " time" + (top ? ", mostly " + top->value + "." : ".");
        return;
    }
    int sides = 0;
    for (int side = 0; side < 3; ++side)
        sides += share(side) >= 0.2;
    if (sides >= 2) {
        v.side = "mixed";
        v.text = "Mixed: of the " + gap + " p75 gap, backend " + fmtMs(delta[backend]) + ", frontend " +
                 fmtMs(delta[0]) + ", network " + fmtMs(delta[1]) + ".";
        return;
    }
    v.side = "inconclusive";
    v.text = "No side explains most of the " + gap + " p75 gap (backend " + fmtMs(delta[backend]) +
             ", frontend " + fmtMs(delta[0]) + ", network " + fmtMs(delta[1]) + ").";
    (void)o;
}

} // namespace

const char* whyCauseKindName(WhyCause::Kind kind)
{
    switch (kind) {
    case WhyCause::Kind::Attribute:
        return "attribute";
    case WhyCause::Kind::Operation:
        return "operation";
    case WhyCause::Kind::Phase:
        return "phase";
    }
    return "attribute";
}

WhyResult explainCohort(Database& db, const WhyOptions& o)
{
    WhyResult r;
    const Cohorts cohorts = selectCohorts(db, o);
    r.selection = describe(cohorts.selection);
    r.baseline = describe(cohorts.baseline);
    if (r.selection.pageLoads < o.minGroupLoads || r.baseline.pageLoads < o.minGroupLoads) {
        r.verdict.text = "Too few page loads to conclude: " + std::to_string(r.selection.pageLoads) +
                         " selected, " + std::to_string(r.baseline.pageLoads) +
                         " in the baseline (at least " + std::to_string(o.minGroupLoads) + " each).";
        return r;
    }

    Evidence ev;
    FeatureReader reader(db);
    const std::vector<CohortLoad> s = sampleLoads(cohorts.selection, o.sampleCap);
    const std::vector<CohortLoad> b = sampleLoads(cohorts.baseline, o.sampleCap);
    ev.ns = s.size();
    ev.nb = b.size();
    r.selection.sampled = std::int64_t(ev.ns);
    r.baseline.sampled = std::int64_t(ev.nb);
    for (const CohortLoad& l : s)
        ev.loads.push_back(reader.read(l));
    for (const CohortLoad& l : b)
        ev.loads.push_back(reader.read(l));
    ev.keys = reader.keys();
    ev.gap = ev.gapWithout([](std::size_t) { return false; });

    std::vector<Row> rows = candidateRows(ev, o);
    for (Row& row : rows)
        explainGap(ev, row);
    // Ranked by the ms of the gap they explain when there is a gap to explain (slow loads), else by
    // how much more often the selection carries them (failed loads); ties by p, then by name.
    const bool latency = ev.gap >= std::max(20.0, 0.1 * r.baseline.p75Ms);
    for (Row& row : rows)
        row.score = latency ? row.cause.deltaMs : row.cause.selectionShare - row.cause.baselineShare;
    // A general row (a service as a whole, a phase over all resources) yields to the specific row
    // that carries most of it: "payments: SELECT ..." says more than "payments".
    for (Row& general : rows) {
        for (const Row& specific : rows)
            if (refines(specific.cause, general.cause) && specific.score >= 0.8 * general.score)
                general.score = std::min(general.score, specific.score * (1 - 1e-9));
    }
    std::sort(rows.begin(), rows.end(), [&](const Row& x, const Row& y) {
        if (x.score != y.score)
            return x.score > y.score;
        if (x.cause.pValue != y.cause.pValue)
            return x.cause.pValue < y.cause.pValue;
        return ev.keys[std::size_t(x.key)] < ev.keys[std::size_t(y.key)];
    });

    // Rows too small to matter go: significant is not the same as important.
    std::erase_if(rows, [&](const Row& row) {
        const double lift = row.cause.selectionShare - row.cause.baselineShare;
        if (!latency)
            return lift < 0.05;
        return row.cause.deltaMs < std::max(5.0, 0.02 * ev.gap) &&
               !(row.cause.kind == WhyCause::Kind::Attribute && lift >= 0.2);
    });

    // Each row joins the first stronger leader that carries it; a condition (a version, a host, a
    // browser) that explains a symptom leader (an error status, a status code) as much as the symptom
    // explains it takes the lead: errors travel up the call chain, their cause does not.
    struct Group
    {
        std::size_t leader;
        std::vector<std::size_t> members;
    };
    std::vector<Group> groups;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        describeRow(rows[i].cause);
        bool grouped = false;
        for (Group& g : groups) {
            if (!isConsequence(ev, rows[g.leader], rows[i], o))
                continue;
            // Likewise where something ran yields to what ran there: a bad deploy lives on its own
            // instances, so when a version and an instance carry each other, the version leads.
            const bool underSymptom = isSymptom(rows[g.leader].cause) && !isSymptom(rows[i].cause);
            const bool underInstance = isInstance(rows[g.leader].cause) && !isInstance(rows[i].cause) &&
                                       rows[i].cause.kind == WhyCause::Kind::Attribute;
            if ((underSymptom || underInstance) && isConsequence(ev, rows[i], rows[g.leader], o)) {
                g.members.insert(g.members.begin(), g.leader);
                g.leader = i;
            } else if (underSymptom) {
                // A condition (a version, a host, a browser) is never filed under a symptom that
                // explains it only in part: it may be the cause of some of those errors, and a
                // symptom shared by several causes (a gateway's 502s) would hide them all.
                continue;
            } else {
                g.members.push_back(i);
            }
            grouped = true;
            break;
        }
        if (!grouped)
            groups.push_back({i, {}});
    }
    for (const Group& g : groups) {
        if (int(r.causes.size()) >= o.maxCauses)
            break;
        WhyCause lead = rows[g.leader].cause;
        for (const std::size_t m : g.members)
            if (int(lead.consequences.size()) < o.maxConsequences)
                lead.consequences.push_back(rows[m].cause);
        r.causes.push_back(std::move(lead));
    }
    decide(ev, r, o);
    return r;
}

} // namespace seam
