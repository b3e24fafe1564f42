#pragma once

// The three known incidents of the demo window (DESIGN.md §6) and their ground truth. Both the
// backend and the browser model ask here whether an incident is active; nothing else encodes them.

#include "Ids.h"

#include <string>
#include <string_view>
#include <vector>

namespace seam::demo {

struct Incident
{
    std::string id;
    std::string kind;
    std::string service;
    std::string operation;
    TimeNs start = 0;
    TimeNs end = 0;
    std::vector<std::string> affectedRoutes;
    std::string description;
    /// Extra facts a test or the UI may check (e.g. {"version", "2.8.0"}, {"browser", "Safari"}).
    std::vector<std::pair<std::string, std::string>> details;

    bool contains(TimeNs t) const { return t >= start && t < end; }
};

class DemoIncidents
{
public:
    /// Incidents sit at fixed fractions of the window (minutes 8-14, 17-21 and 23-29 of 30) so that
    /// shorter or longer demo windows still contain all three.
    DemoIncidents(TimeNs windowStart, TimeNs windowEnd);

    /// Incident 1: row lock contention on payment_accounts; SELECT ... FOR UPDATE waits seconds.
    const Incident& paymentsDbLock() const { return m_incidents[0]; }
    /// Incident 2: catalog 2.8.0 rolled out to every instance, fails ~25% of its requests.
    const Incident& catalogBadDeploy() const { return m_incidents[1]; }
    /// Incident 3: a CDN image rule serves the home page hero to Safari as a 4K original. Backend
    /// unaffected.
    const Incident& safariHeroImage() const { return m_incidents[2]; }

    const std::vector<Incident>& all() const { return m_incidents; }

    static constexpr std::string_view kBadCatalogVersion = "2.8.0";
    static constexpr double kBadCatalogErrorRate = 0.25;

private:
    std::vector<Incident> m_incidents;
};

} // namespace seam::demo
