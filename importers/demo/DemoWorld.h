#pragma once

// State shared by the parts of one generator run: the options, the incidents, the chunk being
// filled, and what has been counted and recorded so far.

#include "DemoIncidents.h"
#include "DemoOptions.h"
#include "DemoOtlp.h"

#include <algorithm>
#include <string>
#include <vector>

namespace seam::demo {

/// A fetch whose traceparent was not propagated, with the backend trace that really served it.
struct StrippedFetch
{
    std::string resourceKey; // "otel:<trace hex>:<span hex>" of the browser fetch span
    TraceId backendTraceId;
};

struct DemoWorld
{
    explicit DemoWorld(const DemoOptions& o)
        : options(o), windowStart(o.start), windowEnd(o.start + TimeNs(o.minutes) * 60'000'000'000LL),
          incidents(windowStart, windowEnd)
    {}

    DemoOptions options;
    TimeNs windowStart;
    TimeNs windowEnd;
    DemoIncidents incidents;
    DemoChunk chunk;
    DemoStats stats;
    std::vector<StrippedFetch> stripped;

    /// False for an incident the options make harmless (DemoOptions::harmlessIncidents).
    bool harms(const Incident& incident) const
    {
        const auto& harmless = options.harmlessIncidents;
        return std::find(harmless.begin(), harmless.end(), incident.id) == harmless.end();
    }
};

/// Milliseconds (as the models think) to nanoseconds (as OTLP stores them).
constexpr TimeNs ms(double milliseconds)
{
    return TimeNs(milliseconds * 1e6);
}

} // namespace seam::demo
