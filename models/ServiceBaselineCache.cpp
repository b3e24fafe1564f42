#include "ServiceBaselineCache.h"

namespace seam {

ServiceBaselineCache::Range& ServiceBaselineCache::range(TimeNs from, TimeNs to)
{
    if (m_ranges.size() >= kMaxRanges && !m_ranges.count({from, to}))
        m_ranges.erase(m_ranges.begin());
    return m_ranges[{from, to}];
}

// Computed without the lock held: two threads asking for the same range at once both compute it (the
// same answer); a lock held across a detectAnomalies would make every other reader wait for it.
ServiceBaselineCache::IncidentsByService
ServiceBaselineCache::incidents(TimeNs from, TimeNs to, const std::function<IncidentsByService()>& compute)
{
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_ranges.find({from, to});
        if (it != m_ranges.end() && it->second.hasIncidents)
            return it->second.incidents;
    }
    IncidentsByService computed = compute();
    std::lock_guard lock(m_mutex);
    Range& r = range(from, to);
    r.incidents = computed;
    r.hasIncidents = true;
    return computed;
}

NormalBaseline ServiceBaselineCache::baseline(TimeNs from, TimeNs to, const std::string& service,
                                              const std::function<NormalBaseline()>& compute)
{
    {
        std::lock_guard lock(m_mutex);
        const auto it = m_ranges.find({from, to});
        if (it != m_ranges.end()) {
            const auto found = it->second.baselines.find(service);
            if (found != it->second.baselines.end())
                return found->second;
        }
    }
    const NormalBaseline computed = compute();
    std::lock_guard lock(m_mutex);
    range(from, to).baselines[service] = computed;
    return computed;
}

std::size_t ServiceBaselineCache::size() const
{
    std::lock_guard lock(m_mutex);
    return m_ranges.size();
}

} // namespace seam
