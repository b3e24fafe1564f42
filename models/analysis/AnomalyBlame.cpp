#include "AnomalyBlame.h"

#include "SpanTree.h"
#include "Sqlite.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <unordered_map>

namespace seam {
namespace {

constexpr int kStatusError = 2;
constexpr TimeNs kMinBaselineSpan = 10LL * 60 * 1'000'000'000;
constexpr std::int64_t kMinSegments = 5; // fewer visits of a service tell nothing about it
constexpr double kExplainedBelow = 0.5;  // own share under which a callee explains the anomaly

/// A service's visits in a set of traces: each visit ("segment") is an entry into the service and
/// its spans below that stay in the service.
struct Visits
{
    std::int64_t count = 0;
    double duration = 0; ///< sum, ns
    double own = 0;      ///< sum of the segments' self time (time not spent in other services)
    std::int64_t errors = 0;
    std::int64_t explainedErrors = 0; ///< errors with a failing or unusually slow callee visit
    std::vector<std::int64_t> durations;
    std::map<std::string, double> calleeTime; ///< time in each callee service's visits
};

struct Sample
{
    std::map<std::string, Visits> byService;
    std::map<std::string, std::set<std::string>> callees; ///< caller -> services it calls
};

class TraceSampler
{
public:
    explicit TraceSampler(Database& db)
        : m_count(db.prepare("SELECT count(*) FROM traces WHERE start_ns >= ?1 AND start_ns < ?2")),
          m_ids(db.prepare(
              "SELECT id FROM traces WHERE start_ns >= ?1 AND start_ns < ?2 ORDER BY start_ns, id")),
          m_spans(db.prepare("SELECT span_id, parent_span_id, service_id, start_ns, end_ns, status_code "
                             "FROM spans WHERE trace = ?1"))
    {
        auto st = db.prepare("SELECT id, name, is_browser FROM services");
        while (st.step())
            if (st.int64(2) == 0)
                m_names.emplace(st.int64(0), std::string(st.text(1)));
    }

    /// Every k-th trace of [from, to) so that at most `limit` are taken (deterministic).
    std::vector<std::int64_t> traces(TimeNs from, TimeNs to, std::int64_t limit)
    {
        std::vector<std::int64_t> out;
        if (to <= from || limit <= 0)
            return out;
        m_count.reset();
        m_count.bind(1, from).bind(2, to);
        const std::int64_t n = m_count.step() ? m_count.int64(0) : 0;
        const std::int64_t stride = std::max<std::int64_t>(1, (n + limit - 1) / limit);
        m_ids.reset();
        m_ids.bind(1, from).bind(2, to);
        for (std::int64_t i = 0; m_ids.step(); ++i)
            if (i % stride == 0)
                out.push_back(m_ids.int64(0));
        return out;
    }

    /// Adds the traces' service visits to `sample`. `slowOf` (service -> duration) marks a callee
    /// visit at or above it as slow enough to explain its caller's error (a time-out).
    void add(const std::vector<std::int64_t>& traces, Sample& sample,
             const std::map<std::string, std::int64_t>& slowOf)
    {
        std::vector<TreeSpan> spans;
        std::vector<const std::string*> service;
        std::vector<int> status;
        for (const std::int64_t trace : traces) {
            spans.clear();
            service.clear();
            status.clear();
            m_spans.reset();
            m_spans.bind(1, trace);
            while (m_spans.step()) {
                spans.push_back({std::uint64_t(m_spans.int64(0)), std::uint64_t(m_spans.int64(1)),
                                 m_spans.int64(3), m_spans.int64(4)});
                const auto it = m_names.find(m_spans.int64(2));
                service.push_back(it == m_names.end() ? nullptr : &it->second);
                status.push_back(int(m_spans.int64(5)));
            }
            addTrace(spans, service, status, sample, slowOf);
        }
    }

private:
    static void addTrace(const std::vector<TreeSpan>& spans, const std::vector<const std::string*>& service,
                         const std::vector<int>& status, Sample& sample,
                         const std::map<std::string, std::int64_t>& slowOf)
    {
        const std::size_t n = spans.size();
        const SpanTree tree = buildSpanTree(spans);
        const std::vector<std::int64_t> self = selfTimes(spans, tree);
        // The segment (visit) of each backend span: the entry span of its service above it.
        std::vector<std::int32_t> segment(n, -1);
        for (std::size_t i = 0; i < n; ++i) {
            if (!service[i])
                continue;
            // Walk up while the parent is in the same service; parents come in any order, so walk.
            std::size_t k = i;
            for (std::size_t guard = 0; guard < n; ++guard) {
                const std::int32_t p = tree.parent[k];
                if (p < 0 || service[std::size_t(p)] != service[i])
                    break;
                k = std::size_t(p);
            }
            segment[i] = std::int32_t(k);
        }
        struct Seg
        {
            double own = 0;
            std::vector<std::size_t> callees; // entry spans of visits it calls
        };
        std::unordered_map<std::size_t, Seg> segs;
        for (std::size_t i = 0; i < n; ++i) {
            if (segment[i] < 0)
                continue;
            segs[std::size_t(segment[i])].own += double(self[i]);
            if (segment[i] == std::int32_t(i) && tree.parent[i] >= 0) {
                // A visit called from another backend service's visit.
                const std::int32_t callerSeg = segment[std::size_t(tree.parent[i])];
                if (callerSeg >= 0)
                    segs[std::size_t(callerSeg)].callees.push_back(i);
            }
        }
        for (const auto& [entry, seg] : segs) {
            const std::string& name = *service[entry];
            Visits& v = sample.byService[name];
            const std::int64_t d = spans[entry].end - spans[entry].start;
            ++v.count;
            v.duration += double(d);
            v.own += seg.own;
            v.durations.push_back(d);
            bool calleeTrouble = false;
            for (const std::size_t c : seg.callees) {
                const std::string& callee = *service[c];
                sample.callees[name].insert(callee);
                const std::int64_t cd = spans[c].end - spans[c].start;
                v.calleeTime[callee] += double(cd);
                const auto slow = slowOf.find(callee);
                if (status[c] == kStatusError || (slow != slowOf.end() && cd >= slow->second))
                    calleeTrouble = true;
            }
            if (status[entry] == kStatusError) {
                ++v.errors;
                if (calleeTrouble)
                    ++v.explainedErrors;
            }
        }
    }

    Statement m_count;
    Statement m_ids;
    Statement m_spans;
    std::unordered_map<std::int64_t, std::string> m_names;
};

/// Share of a service's extra (window minus baseline) that its own spans account for, for the lead
/// metric's kind: time for latency, errors for error rate; < 0 when the sample cannot tell.
double ownShare(const Visits& w, const Visits& b, bool errorsFirst)
{
    if (w.count < kMinSegments || b.count < kMinSegments)
        return -1;
    const auto mean = [](double sum, std::int64_t n) { return sum / double(n); };
    double lat = -1, err = -1;
    const double extra = mean(w.duration, w.count) - mean(b.duration, b.count);
    if (extra > 0)
        lat = std::clamp((mean(w.own, w.count) - mean(b.own, b.count)) / extra, 0.0, 1.0);
    const double rateW = double(w.errors) / double(w.count);
    const double rateB = double(b.errors) / double(b.count);
    if (rateW > rateB && w.errors > 0) {
        const double unexplained = double(w.errors - w.explainedErrors) / double(w.count);
        err = std::clamp((unexplained - rateB) / (rateW - rateB), 0.0, 1.0);
    }
    if (errorsFirst)
        return err >= 0 ? err : lat;
    return lat >= 0 ? lat : err;
}

} // namespace

void rankOrigins(Database& db, std::vector<AnomalyWindow>& windows, const AnomalyOptions& options)
{
    std::sort(windows.begin(), windows.end(), [](const AnomalyWindow& a, const AnomalyWindow& b) {
        return a.start != b.start ? a.start < b.start : a.service < b.service;
    });
    TraceSampler sampler(db);
    for (std::size_t i = 0; i < windows.size();) {
        // An incident: windows overlapping in time, transitively.
        std::size_t j = i + 1;
        TimeNs end = windows[i].end;
        while (j < windows.size() && windows[j].start < end)
            end = std::max(end, windows[j++].end);
        const int incident = i == 0 ? 1 : windows[i - 1].incident + 1;
        std::set<std::string> names;
        for (std::size_t k = i; k < j; ++k) {
            windows[k].incident = incident;
            windows[k].originRank = 1;
            names.insert(windows[k].service);
        }
        if (names.size() > 1) {
            const TimeNs start = windows[i].start;
            // Calm traces either side, as long as the incident (at least 10 minutes), outside every
            // window of these services.
            const TimeNs span = std::max(end - start, kMinBaselineSpan);
            Sample calm, hot;
            std::vector<std::int64_t> calmTraces;
            for (const auto& [from, to] : {std::pair{start - span, start}, std::pair{end, end + span}}) {
                std::vector<std::pair<TimeNs, TimeNs>> free{{from, to}};
                for (const AnomalyWindow& w : windows) {
                    if (!names.count(w.service))
                        continue;
                    std::vector<std::pair<TimeNs, TimeNs>> next;
                    for (const auto& [a, b] : free) {
                        if (w.end <= a || w.start >= b) {
                            next.emplace_back(a, b);
                            continue;
                        }
                        if (w.start > a)
                            next.emplace_back(a, w.start);
                        if (w.end < b)
                            next.emplace_back(w.end, b);
                    }
                    free = std::move(next);
                }
                for (const auto& [a, b] : free)
                    for (const std::int64_t t : sampler.traces(a, b, options.blameTraces / 2))
                        calmTraces.push_back(t);
            }
            sampler.add(calmTraces, calm, {});
            // A callee visit slower than its calm p99 explains a caller's error (a time-out).
            std::map<std::string, std::int64_t> slowOf;
            for (auto& [name, v] : calm.byService) {
                if (v.durations.size() < std::size_t(kMinSegments))
                    continue;
                auto p99 = v.durations.begin() + std::ptrdiff_t(double(v.durations.size() - 1) * 0.99);
                std::nth_element(v.durations.begin(), p99, v.durations.end());
                slowOf[name] = *p99;
            }
            sampler.add(sampler.traces(start, end, options.blameTraces), hot, slowOf);

            // How many anomalous services of the incident call each one (transitively): callees first.
            std::map<std::string, int> callers;
            for (const std::string& s : names) {
                std::set<std::string> seen{s};
                std::vector<std::string> todo{s};
                while (!todo.empty()) {
                    const std::string cur = todo.back();
                    todo.pop_back();
                    const auto c = hot.callees.find(cur);
                    if (c == hot.callees.end())
                        continue;
                    for (const std::string& callee : c->second)
                        if (seen.insert(callee).second) {
                            todo.push_back(callee);
                            if (names.count(callee) && callee != s)
                                ++callers[callee];
                        }
                }
            }
            for (std::size_t k = i; k < j; ++k) {
                AnomalyWindow& w = windows[k];
                const auto hv = hot.byService.find(w.service);
                const auto cv = calm.byService.find(w.service);
                if (hv == hot.byService.end() || cv == calm.byService.end())
                    continue;
                w.ownShare = ownShare(hv->second, cv->second, w.lead.metric == AnomalyMetric::ErrorRate);
                if (w.ownShare < 0 || w.ownShare >= kExplainedBelow)
                    continue;
                // The anomalous callee this service spent the most time in; else the nearest anomalous
                // service below it (a gateway -> BFF -> failing catalog: the BFF may pass errors on
                // without being anomalous enough to be flagged itself).
                double most = 0;
                for (const auto& [callee, t] : hv->second.calleeTime)
                    if (names.count(callee) && callee != w.service && t > most) {
                        most = t;
                        w.explainedBy = callee;
                    }
                std::set<std::string> seen{w.service};
                std::vector<std::string> level{w.service};
                while (w.explainedBy.empty() && !level.empty()) {
                    std::vector<std::string> next;
                    for (const std::string& cur : level) {
                        const auto c = hot.callees.find(cur);
                        if (c == hot.callees.end())
                            continue;
                        for (const std::string& callee : c->second)
                            if (seen.insert(callee).second)
                                next.push_back(callee);
                    }
                    for (const std::string& n : next) // sets and levels are sorted: deterministic
                        if (names.count(n)) {
                            w.explainedBy = n;
                            break;
                        }
                    level = std::move(next);
                }
            }
            std::vector<AnomalyWindow*> order;
            for (std::size_t k = i; k < j; ++k)
                order.push_back(&windows[k]);
            std::stable_sort(order.begin(), order.end(), [&](const AnomalyWindow* a, const AnomalyWindow* b) {
                const bool ea = !a->explainedBy.empty(), eb = !b->explainedBy.empty();
                if (ea != eb)
                    return !ea;
                const int ca = callers[a->service], cb = callers[b->service];
                if (ca != cb)
                    return ca > cb;
                return a->lead.score > b->lead.score;
            });
            for (std::size_t r = 0; r < order.size(); ++r)
                order[r]->originRank = int(r + 1);
        }
        i = j;
    }
}

} // namespace seam
