#pragma once

#include "NormalBaseline.h"

#include <QtGlobal>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace seam {

/// What the service-rate charts compare a click with, kept per baseline range (an hour's grid cell and
/// its margins, ServiceRatesData::kBaselineGridNs): the incident windows of every service
/// (detectAnomalies over the range) and each service's normal values outside them. Every click in the
/// same hour asks the same questions of the same hours of rollups; on a 12-hour, 10M-span cache
/// answering them took 15x the rest of a click. The panel keeps one per cache and drops it when the
/// data changes (an import or the live stream committed).
///
/// Thread-safe: filled by the loader's worker thread, owned through the requests.
class ServiceBaselineCache
{
public:
    using Windows = std::vector<std::pair<TimeNs, TimeNs>>;
    using IncidentsByService = std::map<std::string, Windows>;

    /// The incident windows of the range [from, to), computed by `compute` on the first call.
    IncidentsByService incidents(TimeNs from, TimeNs to, const std::function<IncidentsByService()>& compute);
    /// `service`'s normal values over the range, computed by `compute` on the first call.
    NormalBaseline baseline(TimeNs from, TimeNs to, const std::string& service,
                            const std::function<NormalBaseline()>& compute);
    /// How many ranges are held (tests).
    std::size_t size() const;

private:
    struct Range
    {
        bool hasIncidents = false;
        IncidentsByService incidents;
        std::map<std::string, NormalBaseline> baselines;
    };
    // A range is an hour's cell: a cache of a day holds 24. Beyond this many the earliest goes.
    static constexpr std::size_t kMaxRanges = 64;

    Range& range(TimeNs from, TimeNs to);

    mutable std::mutex m_mutex;
    std::map<std::pair<TimeNs, TimeNs>, Range> m_ranges;
};

} // namespace seam
